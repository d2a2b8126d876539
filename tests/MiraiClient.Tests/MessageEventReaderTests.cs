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
    private static readonly string[] MessageTypes = ["GroupMessage", "FriendMessage", "TempMessage", "StrangerMessage", "OtherClientMessage", "FriendSyncMessage", "GroupSyncMessage", "TempSyncMessage", "StrangerSyncMessage"];

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

    private static readonly Gen<string> Group = Obj(("id", Bent(LongValue)), ("name", Bent(JsonText)), ("permission", Bent(PermissionValue)));

    private static readonly Gen<string> Member = Obj(
        ("id", Bent(LongValue)),
        ("memberName", Bent(JsonText)),
        ("specialTitle", Bent(JsonText)),
        ("permission", Bent(PermissionValue)),
        ("joinTimestamp", Bent(LongValue)),
        ("lastSpeakTimestamp", Bent(LongValue)),
        ("muteTimeRemaining", Bent(IntValue)),
        ("group", Bent(Group)),
        ("active", Gen.OneOf<string?>(Gen.Const<string?>("null"), Gen.Const((string?)null), Gen.Const<string?>("{\"rank\":3,\"point\":10,\"honors\":[\"x\"]}"))));

    private static readonly Gen<string> Friend = Obj(("id", Bent(LongValue)), ("nickname", Bent(JsonText)), ("remark", Bent(JsonText)), ("platform", Bent(JsonText)));

    private static readonly Gen<string> Element = Gen.OneOf(
        Obj(("type", TypeTag("Source")), ("id", Bent(IntValue)), ("time", Bent(LongValue))),
        Obj(("type", TypeTag("Plain")), ("text", Bent(JsonText))),
        Obj(("type", TypeTag("At")), ("target", Bent(LongValue)), ("display", Bent(JsonText))),
        Obj(("type", TypeTag("AtAll"))),
        Obj(("type", TypeTag("Face")), ("faceId", Bent(IntValue)), ("name", Bent(JsonText)), ("isSuperFace", Bent(BoolValue))),
        Obj(
            ("type", TypeTag("Image", "FlashImage")),
            ("imageId", Bent(JsonText)),
            ("url", Bent(JsonText)),
            ("path", Bent(JsonText)),
            ("base64", Bent(JsonText)),
            ("width", Bent(IntValue)),
            ("height", Bent(IntValue)),
            ("size", Bent(LongValue)),
            ("imageType", Bent(JsonText)),
            ("isEmoji", Bent(BoolValue))),
        Obj(("type", TypeTag("Dice", "Quote", "SomethingNew")), ("value", Bent(IntValue)), ("id", Bent(IntValue))));

    private static readonly Gen<string> Chain = Gen.Frequency(
        (12, Element.Array[0, 6].Select(e => "[" + string.Join(",", e) + "]")),
        (1, Gen.OneOf("null", "{}", "\"text\"")));

    private static readonly Gen<string> Event = Gen.OneOf(MessageTypes.Select(Gen.Const).ToArray()).SelectMany(type =>
    {
        var party = type is "GroupMessage" or "TempMessage" or "TempSyncMessage" ? Member : type == "GroupSyncMessage" ? Group : Friend;
        var partyName = type.Contains("Sync", StringComparison.Ordinal) ? "subject" : "sender";
        var tag = Gen.Frequency((30, TypeTag(type)), (1, TypeTag("NudgeEvent")));
        return Obj(("type", tag), ("messageChain", Bent(Chain)), (partyName, Bent(party)), ("sender", Gen.Const((string?)null)));
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
                var accepted = MessageEventReader.TryRead(bytes, cache, out _, out var consumed) && consumed == bytes.Length;
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
        Assert.True(MessageEventReader.TryRead(bytes, new DecodeCache(), out var fast, out var consumed), $"{file} did not take the fast path");
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
        Assert.True(MessageEventReader.TryRead(bytes, null, out var fast, out _), $"{file} made the event decline the fast path");
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
    public void AFrameInTheServersEnvelope_IsDecodedInOnePass_AndAnythingElseIsDeclined()
    {
        var prefix = MessageEventReader.EventFramePrefix("-1")!;
        const string Data = """{"type":"FriendMessage","messageChain":[{"type":"Plain","text":"hi"}],"sender":{"id":5,"nickname":"n","remark":""}}""";
        Assert.True(MessageEventReader.TryReadEventFrame(Encoding.UTF8.GetBytes("{\"syncId\":\"-1\",\"data\":" + Data + "}"), prefix, null, out var item));
        Assert.Equal("hi", item.MessageChain.ToPlainText());
        Assert.True(MessageEventReader.TryReadEventFrame(Encoding.UTF8.GetBytes("{\"syncId\":\"-1\",\"data\":" + Data + " }\r\n"), prefix, null, out _));

        // Content after the object, another sync id, another order, invalid UTF-8: the general path decides.
        Assert.False(MessageEventReader.TryReadEventFrame(Encoding.UTF8.GetBytes("{\"syncId\":\"-1\",\"data\":" + Data + ",\"x\":1}"), prefix, null, out _));
        Assert.False(MessageEventReader.TryReadEventFrame(Encoding.UTF8.GetBytes("{\"syncId\":\"-1\",\"data\":" + Data + "}}"), prefix, null, out _));
        Assert.False(MessageEventReader.TryReadEventFrame(Encoding.UTF8.GetBytes("{\"syncId\":\"7\",\"data\":" + Data + "}"), prefix, null, out _));
        Assert.False(MessageEventReader.TryReadEventFrame(Encoding.UTF8.GetBytes("{\"data\":" + Data + ",\"syncId\":\"-1\"}"), prefix, null, out _));
        var invalid = Encoding.UTF8.GetBytes("{\"syncId\":\"-1\",\"data\":" + Data.Replace("hi", "h\u00e9", StringComparison.Ordinal) + "}");
        invalid[Array.IndexOf(invalid, (byte)0xC3)] = 0xFF;
        Assert.False(MessageEventReader.TryReadEventFrame(invalid, prefix, null, out _));

        // A reserved id that would need escaping never takes the fast path.
        Assert.Null(MessageEventReader.EventFramePrefix("a\"b"));
        Assert.NotNull(MessageEventReader.EventFramePrefix("event"));
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
            Assert.True(MessageEventReader.TryRead(Encoding.UTF8.GetBytes(json), cache, out var item, out _));
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
