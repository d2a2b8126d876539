using System.Text;
using System.Text.Json;
using CsCheck;
using MiraiClient.Internal;

namespace MiraiClient.Tests;

/// <summary>Property-based tests: any chain the SDK can build survives a serialize → parse round trip,
/// and no JSON object with an unknown type can make decoding throw.</summary>
public class MessageChainPropertyTests
{
    private static readonly Gen<string> Text = Gen.OneOf(
        Gen.String[Gen.Char[' ', '\uD7FF'], 0, 40],
        Gen.OneOf("", "/ping", "你好 🌸", "\"quoted\" \\ back\nslash", "\u0000\u001f", "𝓤𝓷𝓲𝓬𝓸𝓭𝓮"));

    private static readonly Gen<MessageElement> Leaf = Gen.OneOf<MessageElement>(
        Text.Select(t => (MessageElement)new PlainElement(t)),
        Gen.Long.Select(id => (MessageElement)new AtElement(id)),
        Gen.Const<MessageElement>(new AtAllElement()),
        Gen.Int[-1, 400].Select(id => (MessageElement)new FaceElement { FaceId = id }),
        Text.Select(n => (MessageElement)new FaceElement { Name = n, IsSuperFace = n.Length % 2 == 0 }),
        Text.Select(u => (MessageElement)new ImageElement { Url = "https://example.org/" + Uri.EscapeDataString(u), Width = u.Length }),
        Text.Select(u => (MessageElement)new FlashImageElement { ImageId = "{" + u + "}.mirai" }),
        Text.Select(u => (MessageElement)new VoiceElement { Path = "/tmp/" + u, Length = u.Length }),
        Text.Select(x => (MessageElement)new XmlServiceElement { Xml = "<msg>" + x + "</msg>" }),
        Text.Select(x => (MessageElement)new JsonServiceElement { Json = JsonSerializer.Serialize(x, MiraiJsonContext.Default.String) }),
        Text.Select(x => (MessageElement)new AppElement { Content = x }),
        Gen.OneOf("ChuoYiChuo", "Poke", "FangDaZhao").Select(n => (MessageElement)new PokeElement { Name = n }),
        Gen.Int[1, 6].Select(v => (MessageElement)new DiceElement { Value = v }),
        Text.Select(c => (MessageElement)new MiraiCodeElement { Code = "[mirai:at:1]" + c }),
        Gen.Select(Gen.Int, Text).Select((id, n) => (MessageElement)new MarketFaceElement { Id = id, Name = n }),
        Gen.Select(Gen.Int, Gen.Long).Select((id, t) => (MessageElement)new SourceElement { Id = id, Time = t }));

    private static readonly Gen<MessageChain> Flat = Leaf.Array[0, 8].Select(e => new MessageChain(e));

    private static readonly Gen<MessageElement> Nested = Gen.OneOf<MessageElement>(
        Gen.Select(Gen.Int, Gen.Long, Flat).Select((id, sender, origin) => (MessageElement)new QuoteElement { Id = id, SenderId = sender, Origin = origin }),
        Gen.Select(Gen.Long, Text, Flat).Select((sender, name, chain) => (MessageElement)new ForwardElement
        {
            NodeList = [ForwardNode.Create(sender, name, 1700000000, chain), ForwardNode.FromMessageId(7), ForwardNode.FromMessageRef(8, sender)],
        }));

    private static readonly Gen<MessageChain> Chains = Gen.OneOf(Leaf, Nested).Array[0, 10].Select(e => new MessageChain(e));

    [Fact]
    public void AnyChain_SurvivesSerializeThenParse()
    {
        Chains.Sample(
            chain =>
            {
                var json = JsonSerializer.Serialize(chain, MiraiJsonContext.Default.MessageChain);
                var parsed = JsonSerializer.Deserialize(json, MiraiJsonContext.Default.MessageChain)!;
                Assert.Equal(chain.Count, parsed.Count);
                Assert.Equal(chain.Select(e => e.GetType()), parsed.Select(e => e.GetType()));
                Assert.Equal(chain.ToPlainText(), parsed.ToPlainText());
                Assert.Equal(json, JsonSerializer.Serialize(parsed, MiraiJsonContext.Default.MessageChain));
                for (var i = 0; i < chain.Count; i++)
                {
                    if (chain[i] is not (QuoteElement or ForwardElement))
                    {
                        Assert.Equal(chain[i], parsed[i]);
                    }
                }
            },
            iter: 2000);
    }

    private static readonly Gen<MessageElement> Mention = Gen.Select(Gen.Long, Text).Select((target, display) => (MessageElement)new AtElement(target) { Display = display });

    private static readonly Gen<(long Target, int? Quote, MessageChain Chain)> Sends = Gen.Select(
        Gen.Long,
        Gen.OneOf(Gen.Const((int?)null), Gen.Int.Select(q => (int?)q)),
        Gen.OneOf(Leaf, Nested, Mention).Array[0, 10].Select(e => new MessageChain(e)));

    [Fact]
    public void AnySend_IsEncodedExactlyAsTheSerializerWritesIt()
    {
        Sends.Sample(
            send =>
            {
                var (target, quote, chain) = send;
                var frame = RequestEncoder.Encode(7, "sendGroupMessage", null, MiraiJsonContext.Default.SendMessageContent, new SendMessageContent(target, quote, chain));
                string encoded;
                try
                {
                    encoded = Encoding.UTF8.GetString(frame.Memory.Span);
                }
                finally
                {
                    frame.Return();
                }

                // Each element as the serializer writes it on its own, from the element type's metadata.
                var elements = string.Join(",", chain.Select(e => JsonSerializer.Serialize(e, MiraiTypes.FindElement(e.GetType())!)));
                var quoted = quote is { } q ? q.ToString(System.Globalization.CultureInfo.InvariantCulture) : "null";
                var expected = $"{{\"syncId\":\"7\",\"command\":\"sendGroupMessage\",\"subCommand\":null,\"content\":{{\"target\":{target},\"quote\":{quoted},\"messageChain\":[{elements}]}}}}";
                Assert.Equal(expected, encoded);
            },
            iter: 2000);
    }

    [Fact]
    public void Send_WritesTextsAndMentionsAsTheProtocolSpellsThem()
    {
        var frame = RequestEncoder.Encode(42, "sendGroupMessage", null, MiraiJsonContext.Default.SendMessageContent, new SendMessageContent(123, 9, new MessageChain([new PlainElement("hi \"you\""), new AtElement(5) { Display = "@a" }])));
        try
        {
            Assert.Equal(
                """{"syncId":"42","command":"sendGroupMessage","subCommand":null,"content":{"target":123,"quote":9,"messageChain":[{"type":"Plain","text":"hi \u0022you\u0022"},{"type":"At","target":5,"display":"@a"}]}}""",
                Encoding.UTF8.GetString(frame.Memory.Span));
        }
        finally
        {
            frame.Return();
        }
    }

    private static readonly Gen<string> JsonValue = Gen.OneOf(
        Gen.Long.Select(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Gen.Double.Select(d => double.IsFinite(d) ? d.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "0"),
        Text.Select(t => JsonSerializer.Serialize(t, MiraiJsonContext.Default.String)),
        Gen.OneOf("true", "false", "null", "[]", "{}", "[1,{\"a\":[null]}]", "{\"type\":\"Plain\"}"));

    private static readonly Gen<string> UnknownObjects =
        Gen.Select(Text.Where(t => !EventDecoder.KnownTypes.Contains(t) && t is not ("Plain" or "At" or "Source" or "Image")), Gen.Select(Gen.String[Gen.Char['a', 'z'], 1, 8], JsonValue).Array[0, 6])
            .Select((type, fields) =>
            {
                var builder = new StringBuilder("{");
                var position = fields.Length == 0 ? 0 : type.Length % (fields.Length + 1);
                for (var i = 0; i <= fields.Length; i++)
                {
                    if (i == position)
                    {
                        builder.Append("\"type\":").Append(JsonSerializer.Serialize(type, MiraiJsonContext.Default.String)).Append(',');
                    }

                    if (i < fields.Length)
                    {
                        builder.Append('"').Append(fields[i].Item1).Append("_\":").Append(fields[i].Item2).Append(',');
                    }
                }

                builder.Length--;
                return builder.Append('}').ToString();
            });

    [Fact]
    public void AnyObjectWithAnUnknownType_IsKeptAsUnknown_AndNeverThrows()
    {
        UnknownObjects.Sample(
            json =>
            {
                var bytes = Encoding.UTF8.GetBytes(json);
                var item = EventDecoder.Decode(bytes, out var known);
                Assert.False(known);
                var unknown = Assert.IsType<UnknownEvent>(item);
                Assert.Equal(JsonValueKind.Object, unknown.Json.ValueKind);

                var chain = JsonSerializer.Deserialize($"[{{\"type\":\"Plain\",\"text\":\"a\"}},{json}]", MiraiJsonContext.Default.MessageChain)!;
                var element = Assert.IsType<UnknownElement>(chain[1]);
                Assert.Equal(unknown.Type, element.Type);

                // Unknown elements are sent back exactly as received.
                var written = JsonSerializer.Serialize(chain, MiraiJsonContext.Default.MessageChain);
                using var document = JsonDocument.Parse(written);
                Assert.Equal(JsonDocument.Parse(json).RootElement.GetRawText(), document.RootElement[1].GetRawText());
            },
            iter: 2000);
    }

    [Fact]
    public void ArbitraryBytes_OnlyEverRaiseTheTypedProtocolError()
    {
        Gen.Byte.Array[0, 200].Sample(
            bytes =>
            {
                try
                {
                    var frame = MiraiFrameDecoder.Decode(bytes, "-1"u8);
                    if (frame.Kind == FrameKind.Event)
                    {
                        EventDecoder.Decode(bytes.AsSpan(frame.DataStart, frame.DataLength), out _);
                    }
                }
                catch (MiraiProtocolException)
                {
                }
            },
            iter: 5000);
    }

    [Fact]
    public void Builder_ReadsNaturally_AndProducesTheDocumentedElements()
    {
        var chain = new MessageChainBuilder()
            .At(123).Text(" hello ").AtAll().Face(14).Face("微笑").ImageFromUrl("https://example.org/a.png").ImageFromBytes([1, 2, 3])
            .FlashImageFromId("{X}.mirai").VoiceFromUrl("https://example.org/a.amr").Poke("ChuoYiChuo").Dice(6).MiraiCode("[mirai:face:1]")
            .Xml("<x/>").Json("{}").App("{}").Forward(ForwardNode.Create(1, "n", 2, "inner"))
            .Build();
        Assert.Equal(["At", "Plain", "AtAll", "Face", "Face", "Image", "Image", "FlashImage", "Voice", "Poke", "Dice", "MiraiCode", "Xml", "Json", "App", "Forward"], chain.Select(e => e.Type));
        Assert.Equal("AQID", ((ImageElement)chain[6]).Base64);
        Assert.True(chain.Mentions(123));
        Assert.False(chain.Mentions(124));
        Assert.Equal(" hello ", chain.ToPlainText());
        Assert.Null(chain.MessageId);
        Assert.Throws<ArgumentOutOfRangeException>(() => new MessageChainBuilder().Dice(7));
        Assert.Throws<ArgumentException>(() => new MessageChainBuilder().ImageFromUrl(""));
    }

    [Fact]
    public void ImplicitString_IsOnePlainElement()
    {
        MessageChain chain = "hi";
        Assert.Equal("hi", Assert.IsType<PlainElement>(Assert.Single(chain)).Text);
    }
}
