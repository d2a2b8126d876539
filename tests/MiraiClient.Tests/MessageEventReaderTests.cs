using System.Text;
using System.Text.Json;
using CsCheck;
using MiraiClient.Internal;
using MiraiClient.Tests.Infrastructure;

namespace MiraiClient.Tests;

/// <summary>
/// The hand-written message event reader against the serializer, which defines the semantics: on the
/// protocol vectors and on generated objects that bend every field (order, nulls, quoted numbers,
/// wrong kinds, escapes, duplicates, unknown members), both must produce the same event or both the
/// same typed error.
/// </summary>
public class MessageEventReaderTests(ITestOutputHelper output)
{
    private static readonly string[] MessageTypes = [.. MiraiTypes.MessageEvents.Select(kind => Encoding.UTF8.GetString(kind.Utf8Name))];

    private static readonly Gen<string> Text = Gen.OneOf(
        Gen.String[Gen.Char[' ', '\uD7FF'], 0, 12],
        Gen.OneOf("", "小明同学", "Mirai 技术交流群", "\"q\" \\ \n", "\\u0041", "🌤 emoji", "MEMBER", "OWNER"));

    private static readonly Gen<string> JsonText = Text.Select(t => JsonSerializer.Serialize(t, MiraiJsonContext.Default.String));

    /// <summary>A value of the expected kind most of the time, otherwise anything the serializer must judge.</summary>
    private static Gen<string?> Bent(Gen<string> good) => Gen.Frequency(
        (60, good.Select(v => (string?)v)),
        (1, Gen.Const((string?)null)), // absent
        (1, Gen.Const<string?>("null")),
        (1, good.Select(v => (string?)("\"" + v.Trim('"') + "\""))), // quoted
        (1, Gen.OneOf<string?>(Gen.Const<string?>("true"), Gen.Const<string?>("[]"), Gen.Const<string?>("{}"), Gen.Const<string?>("1.5"), Gen.Const<string?>("99999999999999999999"))));

    private static readonly Gen<string> IntValue = Gen.Int.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static readonly Gen<string> LongValue = Gen.Long.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static readonly Gen<string> BoolValue = Gen.Bool.Select(b => b ? "true" : "false");

    private static readonly Gen<string> PermissionValue = Gen.OneOf("\"MEMBER\"", "\"ADMINISTRATOR\"", "\"OWNER\"", "\"GUEST\"", "\"MEM\\u0042ER\"");

    private static Gen<string> Obj(params (string Name, Gen<string?> Value)[] members)
    {
        var all = Gen.Const(Array.Empty<string?>());
        foreach (var member in members)
        {
            all = Gen.Select(all, member.Value).Select((list, value) => (string?[])[.. list, value]);
        }

        return Gen.Select(all, Gen.Int[0, 3], Gen.Int, Gen.Bool).Select((values, extra, seed, escapeName) =>
        {
            var parts = new List<string>();
            for (var i = 0; i < members.Length; i++)
            {
                if (values[i] is { } value)
                {
                    var name = escapeName && i == 1 ? EscapeFirst(members[i].Name) : members[i].Name;
                    parts.Add($"\"{name}\":{value}");
                }
            }

            // Unknown members and a duplicate of the first one.
            var random = new Random(seed);
            for (var i = 0; i < extra; i++)
            {
                parts.Insert(random.Next(parts.Count + 1), i == 2 && parts.Count > 0 ? parts[0] : $"\"x{i}\":{{\"a\":[1,\"b\",null]}}");
            }

            // The type discriminator usually stays first, as the server writes it.
            if (random.Next(6) == 0 && parts.Count > 1)
            {
                var first = parts[0];
                parts.RemoveAt(0);
                parts.Insert(random.Next(parts.Count + 1), first);
            }

            return "{" + string.Join(",", parts) + "}";
        });
    }

    private static string EscapeFirst(string name) => $"\\u{(int)name[0]:x4}{name[1..]}";

    private static Gen<string?> TypeTag(params string[] names) => Gen.Frequency(
        (20, Gen.OneOf(names.Select(n => Gen.Const($"\"{n}\"")).ToArray()).Select(v => (string?)v)),
        (1, Gen.Const((string?)null)),
        (1, Gen.Const<string?>("7")));

    private static readonly Gen<string> ActiveValue = Gen.OneOf<string?>(Gen.Const<string?>("null"), Gen.Const<string?>("{\"rank\":3,\"point\":10,\"honors\":[\"x\"]}")).Select(v => v!);

    /// <summary>The generator of a model type the one-pass reader builds, derived from what it declares it
    /// reads (<see cref="MessageEventReader.Contract"/>) and from the model's own property types, so there is
    /// no hand-written copy of the contract here: a property added to the reader's list is generated too.</summary>
    private static Gen<string> Model(Type type, params (string Name, Gen<string?> Value)[] extra)
    {
        var (read, serialized) = MessageEventReader.Contract[type];
        var members = new List<(string, Gen<string?>)>(extra);
        foreach (var name in read.Concat(serialized).Where(n => n != "type"))
        {
            members.Add((name, Bent(ValueOf(ModelContract.Property(type, name).PropertyType))));
        }

        return Obj([.. members]);
    }

    private static Gen<string> ValueOf(Type type) =>
        type == typeof(long) ? LongValue
        : type == typeof(int) || type == typeof(int?) ? IntValue
        : type == typeof(bool) ? BoolValue
        : type == typeof(string) ? JsonText
        : type == typeof(GroupPermission) ? PermissionValue
        : type == typeof(MemberActive) ? ActiveValue
        : type == typeof(MessageChain) ? Gen.Frequency((12, Element.Array[0, 6].Select(e => "[" + string.Join(",", e) + "]")), (1, Gen.OneOf("null", "{}", "\"text\"")))
        : MessageEventReader.Contract.ContainsKey(type) ? Model(type)
        : throw new InvalidOperationException($"No generator for {type}: add one, since the one-pass reader now reads it.");

    private static readonly Gen<string> Element = Gen.OneOf(
        [
            .. MessageEventReader.Contract.Keys
                .Where(t => t.IsSubclassOf(typeof(MessageElement)))
                .Select(t => Model(t, ("type", TypeTag(MiraiTypes.Elements.Single(e => e.Info.Type == t).Name)))),
            Obj(("type", TypeTag("Dice", "Quote", "SomethingNew")), ("value", Bent(IntValue)), ("id", Bent(IntValue))),
        ]);

    private static readonly Gen<string> Event = Gen.OneOf(MiraiTypes.MessageEvents.Select(Gen.Const).ToArray()).SelectMany(kind =>
    {
        var name = Encoding.UTF8.GetString(kind.Utf8Name);
        var type = MiraiTypes.Events.Single(e => e.Name == name).Info.Type;
        var tag = Gen.Frequency((30, TypeTag(name)), (1, TypeTag("NudgeEvent")));
        return Model(type, ("type", tag));
    });

    [Fact]
    public void GeneratedEvents_DecodeExactlyAsTheSerializerDecodesThem()
    {
        int fast = 0, declined = 0, errors = 0;
        var cache = new DecodeCache();
        Event.Sample(
            json =>
            {
                var bytes = Encoding.UTF8.GetBytes(json);
                var accepted = FastPath.TryRead(bytes, cache, out _, out var consumed) && consumed == bytes.Length;
                _ = accepted ? Interlocked.Increment(ref fast) : Interlocked.Increment(ref declined);
                var expected = Outcome(() => EventDecoder.DecodeWithSerializer(bytes, out _));
                var actual = Outcome(() => EventDecoder.Decode(bytes, cache, out _));
                if (expected.StartsWith("error", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref errors);
                    Assert.False(accepted, $"The fast reader accepted what the serializer rejects: {json}");
                }

                Assert.True(expected == actual, $"{json}\nserializer: {expected}\nfast:       {actual}");
            },
            iter: 20_000,
            threads: 1);

        output.WriteLine($"fast path {fast}, serializer path {declined} (of which errors {errors})");

        // Both paths must be exercised, or the comparison proves nothing.
        Assert.True(fast > 2_000, $"only {fast} generated events took the fast path");
        Assert.True(errors > 1_000, $"only {errors} generated events were invalid");
    }

    [Theory]
    [MemberData(nameof(MessageEventFiles))]
    public void MessageEventVectors_TakeTheFastPath_AndMatchTheSerializer(string file)
    {
        var root = ProtocolVectors.Require();
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, file)));
        var data = document.RootElement.TryGetProperty("data", out var inner) ? inner : document.RootElement;
        var bytes = Encoding.UTF8.GetBytes(data.GetRawText());
        Assert.True(FastPath.TryRead(bytes, new DecodeCache(), out var fast, out var consumed), $"{file} did not take the fast path");
        Assert.Equal(bytes.Length, consumed);
        Assert.Equal(Outcome(() => EventDecoder.DecodeWithSerializer(bytes, out _)), Outcome(() => fast));
    }

    [Theory]
    [MemberData(nameof(ElementFiles))]
    public void ElementVectors_InsideAGroupMessage_MatchTheSerializer(string file)
    {
        var root = ProtocolVectors.Require();
        var element = File.ReadAllText(Path.Combine(root, file));
        var json = """{"type":"GroupMessage","messageChain":[{"type":"Source","id":1,"time":2},""" + element
            + """],"sender":{"id":1,"memberName":"m","permission":"OWNER","group":{"id":2,"name":"g","permission":"MEMBER"}}}""";
        var bytes = Encoding.UTF8.GetBytes(json);
        Assert.True(FastPath.TryRead(bytes, null, out var fast, out _), $"{file} made the event decline the fast path");
        Assert.Equal(Outcome(() => EventDecoder.DecodeWithSerializer(bytes, out _)), Outcome(() => fast));
    }

    public static TheoryData<string> MessageEventFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Conformance.ConformanceTests.EventFiles().Select(row => (string)row.Data))
        {
            if (MessageTypes.Any(t => Path.GetFileName(file).StartsWith(t + ".", StringComparison.Ordinal)) || file.StartsWith('('))
            {
                data.Add(file);
            }
        }

        return data;
    }

    public static TheoryData<string> ElementFiles() => Conformance.ConformanceTests.ElementFiles();

    [Fact]
    public void AFrameInAnyEnvelope_IsDecodedInOnePass_ExactlyAsTheSerializerDecodesIt()
    {
        const string Data = """{"type":"FriendMessage","messageChain":[{"type":"Plain","text":"hi"}],"sender":{"id":5,"nickname":"n","remark":""}}""";
        var item = MiraiFrameDecoder.Decode(Encoding.UTF8.GetBytes("{\"syncId\":\"-1\",\"data\":" + Data + "}"), "-1"u8).Event as FriendMessage;
        Assert.Equal("hi", item!.MessageChain.ToPlainText());

        // Whitespace, members after the data, another order: the same event, in the same single decoder.
        foreach (var frame in new[]
        {
            "{\"syncId\":\"-1\",\"data\":" + Data + " }\r\n",
            "{\"syncId\":\"-1\",\"data\":" + Data + ",\"x\":1}",
            "{\"data\":" + Data + ",\"syncId\":\"-1\"}",
            "{\"syncId\":\"\\u002d1\",\"data\":" + Data + "}",
        })
        {
            var bytes = Encoding.UTF8.GetBytes(frame);
            Assert.Equal(Outcome(() => MiraiFrameDecoder.Decode(bytes, "-1"u8, null, fast: false).Event!), Outcome(() => MiraiFrameDecoder.Decode(bytes, "-1"u8).Event!));
            Assert.IsType<FriendMessage>(MiraiFrameDecoder.Decode(bytes, "-1"u8).Event);
        }

        // Content after the object, another sync id, invalid UTF-8: the same verdict as the serializer's.
        Assert.Throws<MiraiProtocolException>(() => MiraiFrameDecoder.Decode(Encoding.UTF8.GetBytes("{\"syncId\":\"-1\",\"data\":" + Data + "}}"), "-1"u8));
        Assert.Equal(FrameKind.Response, MiraiFrameDecoder.Decode(Encoding.UTF8.GetBytes("{\"syncId\":\"7\",\"data\":" + Data + "}"), "-1"u8).Kind);
        var invalid = Encoding.UTF8.GetBytes("{\"syncId\":\"-1\",\"data\":" + Data.Replace("hi", "h\u00e9", StringComparison.Ordinal) + "}");
        invalid[Array.IndexOf(invalid, (byte)0xC3)] = 0xFF;
        Assert.Throws<MiraiProtocolException>(() => MiraiFrameDecoder.Decode(invalid, "-1"u8));
    }

    [Fact]
    public void EveryModelProperty_IsReadByTheOnePassReader_OrDeclaredAsLeftToTheSerializer()
    {
        // The types the reader builds: the nine message events, their parties, and its element types.
        foreach (var kind in MiraiTypes.MessageEvents)
        {
            var type = MiraiTypes.Events.Single(e => e.Message == kind).Info.Type;
            Assert.True(MessageEventReader.Contract.ContainsKey(type), $"{type.Name} is built by the one-pass reader but has no contract");
        }

        foreach (var (type, (read, serialized)) in MessageEventReader.Contract)
        {
            var declared = read.Concat(serialized).ToHashSet(StringComparer.Ordinal);
            foreach (var name in ModelContract.WireNames(type))
            {
                Assert.True(declared.Contains(name), $"{type.Name}.{name} is neither read by the one-pass reader nor declared as left to the serializer: it would be silently dropped on the hot path");
            }

            foreach (var name in declared)
            {
                Assert.Contains(name, ModelContract.WireNames(type));
            }
        }
    }

    [Fact]
    public void TheCache_SharesRepeatedValues_AndNeverConfusesDistinctOnes()
    {
        var cache = new DecodeCache();
        MessageEvent Decode(long group, string name, string member)
        {
            // The server writes text unescaped, as UTF-8.
            var memberJson = "\"" + member + "\"";
            var nameJson = "\"" + name + "\"";
            var json = """{"type":"GroupMessage","messageChain":[],"sender":{"id":1,"memberName":""" + memberJson
                + ""","permission":"MEMBER","group":{"id":""" + group.ToString(System.Globalization.CultureInfo.InvariantCulture)
                + ""","name":""" + nameJson + ""","permission":"OWNER"}}}""";
            Assert.True(FastPath.TryRead(Encoding.UTF8.GetBytes(json), cache, out var item, out _));
            return item;
        }

        var a = (GroupMessage)Decode(10, "群", "小明");
        var b = (GroupMessage)Decode(10, "群", "小明");
        Assert.Same(a.Sender.Group, b.Sender.Group);
        Assert.Same(a.Sender.MemberName, b.Sender.MemberName);

        // A renamed group is a new object; the old one is unchanged.
        var renamed = (GroupMessage)Decode(10, "新群", "小明");
        Assert.Equal("新群", renamed.Sender.Group.Name);
        Assert.Equal("群", a.Sender.Group.Name);

        // Many distinct values through the same slots always come back as themselves.
        for (var i = 0; i < 5_000; i++)
        {
            var name = "n" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var item = (GroupMessage)Decode(i, name, name + "m");
            Assert.Equal(name, item.Sender.Group.Name);
            Assert.Equal(i, item.Sender.Group.Id);
            Assert.Equal(name + "m", item.Sender.MemberName);
        }
    }

    /// <summary>The outcome as comparable text: the event's type and JSON, or the error's type.</summary>
    private static string Outcome(Func<MiraiEvent> decode)
    {
        try
        {
            var item = decode();
            return item.GetType().Name + " " + JsonSerializer.Serialize(item, item.GetType(), MiraiJsonContext.Default);
        }
        catch (MiraiProtocolException ex)
        {
            return "error " + ex.GetType().Name;
        }
    }
}
