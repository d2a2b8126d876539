using System.Reflection;
using System.Text;
using MiraiClient.OneBot.Internal;

namespace MiraiClient.OneBot.Tests;

/// <summary>
/// What the one-pass reader shares between and within events (senders, the text of a plain-text message
/// and its <c>raw_message</c>, repeated JSON segment values): sharing saves allocations and must never
/// change a value. Each shared value is checked against the serializer, which defines the semantics.
/// </summary>
public class FastPathSharingTests
{
    /// <summary>Per sender property: its wire key, and two JSON values that differ.</summary>
    private static readonly (string Property, string Key, string A, string B)[] SenderVariants =
    [
        ("UserId", "user_id", "3000000002", "3000000258"),
        ("Nickname", "nickname", "\"小明\"", "\"小红\""),
        ("Card", "card", "\"群名片\"", "null"),
        ("Sex", "sex", "\"male\"", "\"female\""),
        ("Age", "age", "18", "19"),
        ("Area", "area", "\"上海\"", "\"北京\""),
        ("Level", "level", "\"5\"", "6"),
        ("Role", "role", "\"member\"", "\"admin\""),
        ("Title", "title", "\"活跃\"", "\"\""),
    ];

    [Fact]
    public void SenderCache_ComparesEveryProperty_OfOneBotSender()
    {
        var settable = typeof(OneBotSender).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true })
            .Select(p => p.Name)
            .Order(StringComparer.Ordinal);

        Assert.Equal(settable, SenderCache.ComparedProperties.Order(StringComparer.Ordinal));
        Assert.Equal(settable, SenderVariants.Select(v => v.Property).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Read_SharesSender_WhenTheSameMemberSpeaksAgain()
    {
        var sender = SenderJson(null, null);
        var first = Group(sender, 1);
        var second = Group(sender, 2);

        Assert.Same(first.Sender, second.Sender);
        Assert.Equal(Reference(sender, 2).Sender, second.Sender);
        Assert.Equal(2, second.MessageId);
    }

    [Fact]
    public void Read_BuildsAnotherSender_WhenAnyPropertyDiffers()
    {
        foreach (var (property, key, a, b) in SenderVariants)
        {
            var first = Group(SenderJson(key, a), 1);
            var second = Group(SenderJson(key, b), 2);
            var again = Group(SenderJson(key, a), 3);

            Assert.NotSame(first.Sender, second.Sender);
            Assert.NotEqual(first.Sender, second.Sender);
            Assert.True(first.Sender == Reference(SenderJson(key, a), 1).Sender, $"{property}: first");
            Assert.True(second.Sender == Reference(SenderJson(key, b), 2).Sender, $"{property}: second");
            Assert.True(again.Sender == first.Sender, $"{property}: again");
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Read_SharesRawMessage_WithTheSoleTextSegment_WhenTheyAreEqual(bool rawFirst)
    {
        var json = Frame(rawFirst, "\"今天 plain text 🌤 with \\\"quotes\\\"\"", "[{\"type\":\"text\",\"data\":{\"text\":\"今天 plain text 🌤 with \\\"quotes\\\"\"}}]");
        var e = Decode(json);

        var text = Assert.IsType<TextSegment>(Assert.Single(e.Message));
        Assert.Same(e.RawMessage, text.Text);
        Assert.Equal("今天 plain text 🌤 with \"quotes\"", e.RawMessage);
        Assert.Equal(OneBotEventDecoder.DecodeReference(Encoding.UTF8.GetBytes(json)), e);
    }

    [Theory]
    [InlineData(true, "\"a &amp; &#91;b&#93;\"", "[{\"type\":\"text\",\"data\":{\"text\":\"a & [b]\"}}]")]
    [InlineData(false, "\"a &amp; &#91;b&#93;\"", "[{\"type\":\"text\",\"data\":{\"text\":\"a & [b]\"}}]")]
    [InlineData(true, "\"hi[CQ:face,id=1]\"", "[{\"type\":\"text\",\"data\":{\"text\":\"hi\"}},{\"type\":\"face\",\"data\":{\"id\":\"1\"}}]")]
    [InlineData(true, "\"abc\"", "[{\"type\":\"text\",\"data\":{\"text\":\"abd\"}}]")]
    [InlineData(false, "\"7\"", "[{\"type\":\"text\",\"data\":{\"text\":7}}]")]
    [InlineData(true, "null", "[{\"type\":\"text\",\"data\":{\"text\":\"x\"}}]")]
    public void Read_KeepsRawMessageAndTextApart_WhenTheyDiffer(bool rawFirst, string raw, string message)
    {
        var json = Frame(rawFirst, raw, message);

        Assert.Equal(OneBotEventDecoder.DecodeReference(Encoding.UTF8.GetBytes(json)), Decode(json));
    }

    [Fact]
    public void Read_SharesRepeatedJsonSegmentValues_AndKeepsTheirText()
    {
        const string Face = "[{\"type\":\"face\",\"data\":{\"id\":\"14\",\"raw\":{\"faceIndex\":14,\"faceText\":\"/微笑\",\"faceType\":1},\"resultId\":null,\"chainCount\":12}}]";
        const string Spaced = "[{\"type\":\"face\",\"data\":{\"id\":\"14\",\"raw\": { \"faceIndex\" : 14 , \"faceText\":\"/微笑\",\"faceType\":1 },\"resultId\":null,\"chainCount\":12}}]";
        var first = Decode(Frame(true, "\"[CQ:face,id=14]\"", Face)).Message[0];
        var second = Decode(Frame(true, "\"[CQ:face,id=14]\"", Spaced)).Message[0];

        Assert.Equal("{\"faceIndex\":14,\"faceText\":\"/微笑\",\"faceType\":1}", first.GetValue("raw"));
        Assert.Same(first.GetValue("raw"), second.GetValue("raw"));
        Assert.Null(first.GetValue("resultId"));
        Assert.Equal("12", second.GetValue("chainCount"));
        Assert.Equal(first, second);
        Assert.Equal(OneBotEventDecoder.DecodeReference(Encoding.UTF8.GetBytes(Frame(true, "\"[CQ:face,id=14]\"", Spaced))), Decode(Frame(true, "\"[CQ:face,id=14]\"", Spaced)));
    }

    [Fact]
    public void Read_StaysWithinItsAllocationBudget_ForARepeatedGroupMessage()
    {
        // A plain-text group message from a member seen before: the event, its message, one segment
        // and the strings unique to the message. The bound catches a per-event regression (a sender,
        // a JSON value or a second text copy), not the exact figure.
        var frames = Enumerable.Range(1, 64).Select(i => Encoding.UTF8.GetBytes(Frame(true, "\"hello there\"", "[{\"type\":\"text\",\"data\":{\"text\":\"hello there\"}}]").Replace("\"message_id\":1,", $"\"message_id\":{i},", StringComparison.Ordinal))).ToArray();
        foreach (var frame in frames)
        {
            OneBotFrameReader.Read(frame);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var frame in frames)
        {
            OneBotFrameReader.Read(frame);
        }

        var perEvent = (GC.GetAllocatedBytesForCurrentThread() - before) / frames.Length;
        Assert.True(perEvent < 560, $"{perEvent} B per event");
    }

    [Fact]
    public void SenderJsonCache_ReturnsTheSenderOfExactlyTheseBytes_WhenSlotsCollide()
    {
        // Far more distinct senders than slots: every hit must be the one stored for those very bytes.
        var senders = Enumerable.Range(0, 3000)
            .Select(i => (Json: Encoding.UTF8.GetBytes($"{{\"user_id\":{3000000000L + i},\"nickname\":\"成员{i}\",\"card\":\"\",\"role\":\"member\"}}"), Sender: new OneBotSender { UserId = 3000000000L + i, Nickname = $"成员{i}", Card = "", Role = "member" }))
            .ToArray();
        foreach (var (json, sender) in senders)
        {
            SenderJsonCache.Add(json, sender);
        }

        var hits = 0;
        foreach (var (json, sender) in senders)
        {
            if (SenderJsonCache.Find(json) is { } found)
            {
                Assert.Same(sender, found);
                hits++;
            }
        }

        Assert.InRange(hits, 1, senders.Length - 1);
    }

    [Fact]
    public void SenderJsonCache_Misses_WhenOneByteDiffers()
    {
        var json = Encoding.UTF8.GetBytes("{\"user_id\":3000000002,\"nickname\":\"小明\",\"card\":\"A\",\"role\":\"member\"}");
        var sender = new OneBotSender { UserId = 3000000002, Nickname = "小明", Card = "A", Role = "member" };
        SenderJsonCache.Add(json, sender);
        var other = (byte[])json.Clone();
        other[Array.IndexOf(other, (byte)'A')] = (byte)'B';

        Assert.Same(sender, SenderJsonCache.Find(json));
        Assert.Null(SenderJsonCache.Find(other));
        Assert.Null(SenderJsonCache.Find(json.AsSpan(0, json.Length - 1)));
    }

    [Fact]
    public void Read_DoesNotReuseAnEarlierSender_WhenTheSameMemberChangesTheirCard()
    {
        // Same member, same length, one byte apart: the second event must carry the new card.
        var first = Group(SenderJson("card", "\"群名片A\""), 1);
        var second = Group(SenderJson("card", "\"群名片B\""), 2);
        var again = Group(SenderJson("card", "\"群名片A\""), 3);

        Assert.Equal("群名片A", first.Sender.Card);
        Assert.Equal("群名片B", second.Sender.Card);
        Assert.Same(first.Sender, again.Sender);
        Assert.Equal(Reference(SenderJson("card", "\"群名片B\""), 2).Sender, second.Sender);
    }

    [Theory]
    [InlineData("\"caf\\u00e9 au lait, encore une fois s'il vous pla\\u00eet\"", "\"café au lait, encore une fois s'il vous plaît\"")]
    [InlineData("\"caf\\u00E9 au lait, encore une fois s'il vous pla\\u00eet\"", "\"caf\\u00e9 au lait, encore une fois s'il vous pla\\u00EEt\"")]
    [InlineData("\"a\\/b: the same text with one solidus written two ways\"", "\"a/b: the same text with one solidus written two ways\"")]
    [InlineData("\"\\uD83C\\uDF24 weather today, written as a surrogate pair escape\"", "\"🌤 weather today, written as a surrogate pair escape\"")]
    public void Read_SharesRawMessage_WhenTheTextIsEscapedDifferently(string raw, string text)
    {
        // Equal text whose tokens differ in bytes: decided as text, never by the byte comparison alone.
        var json = Frame(true, raw, $"[{{\"type\":\"text\",\"data\":{{\"text\":{text}}}}}]");
        var e = Decode(json);

        Assert.Same(e.RawMessage, Assert.IsType<TextSegment>(Assert.Single(e.Message)).Text);
        Assert.Equal(OneBotEventDecoder.DecodeReference(Encoding.UTF8.GetBytes(json)), e);
    }

    [Theory]
    [InlineData("\"line one\\nline two, long enough to be checked as a token\"", "\"line one\\nline two, long enough to be checked as a token!\"")]
    [InlineData("\"line one\\nline two, long enough to be checked as a token\"", "\"line one\\tline two, long enough to be checked as a token\"")]
    [InlineData("\"caf\\u00e9 au lait, encore une fois s'il vous plait\"", "\"caf\\u00e8 au lait, encore une fois s'il vous plait\"")]
    [InlineData("\"same start, then a different literal ending: 你好\"", "\"same start, then a different literal ending: 你们\"")]
    [InlineData("\"same start, then the text stops here ok\"", "\"same start, then the text stops here\"")]
    [InlineData("\"line\\n&#91;CQ-escaped&#93; in raw_message, literal in the text\"", "\"line\\n[CQ-escaped] in raw_message, literal in the text\"")]
    [InlineData("\"\\\"quoted\\\" and 你好 in both, one more character in raw!\"", "\"\\\"quoted\\\" and 你好 in both, one more character in raw\"")]
    public void Read_KeepsTextApart_WhenTokensDifferNearAnEscapeOrInLiteralBytes(string raw, string text)
    {
        var json = Frame(true, raw, $"[{{\"type\":\"text\",\"data\":{{\"text\":{text}}}}}]");
        var e = Decode(json);

        Assert.NotEqual(e.RawMessage, Assert.IsType<TextSegment>(Assert.Single(e.Message)).Text);
        Assert.Equal(OneBotEventDecoder.DecodeReference(Encoding.UTF8.GetBytes(json)), e);
    }

    [Theory]
    [InlineData("raw")]
    [InlineData("text")]
    [InlineData("between")]
    [InlineData("after")]
    [InlineData("sender")]
    public void Read_ThrowsNotUtf8_WhereverTheInvalidByteIs_WhenTokensAreCheckedWhileTranscoded(string where)
    {
        // raw_message and the text equal to it are checked by transcoding; every other byte afterwards.
        const string Long = "a plain text message long enough to be checked as a token";
        var text = where == "text" ? Long + "\u00FF" : Long;
        var json = $$$"""{"self_id":1,"user_id":42,"time":1,"message_id":1,"message_type":"group","sender":{"user_id":42,"nickname":"{{{(where == "sender" ? "n\u00FF" : "n")}}}"},"raw_message":"{{{(where == "raw" ? Long + "\u00FF" : Long)}}}","font":14,"{{{(where == "between" ? "x\u00FF" : "x")}}}":1,"message":[{"type":"text","data":{"text":"{{{text}}}"}}],"post_type":"message","group_id":123456{{{(where == "after" ? ",\"y\":\"\u00FF\"" : "")}}}}""";

        // U+00FF stands for one byte 0xFF: invalid anywhere in UTF-8.
        var bytes = Encoding.UTF8.GetBytes(json).ToList();
        var marker = Encoding.UTF8.GetBytes("\u00FF");
        for (var i = bytes.Count - marker.Length; i >= 0; i--)
        {
            if (bytes.Skip(i).Take(marker.Length).SequenceEqual(marker))
            {
                bytes.RemoveRange(i, marker.Length);
                bytes.Insert(i, 0xFF);
            }
        }

        var valid = Encoding.UTF8.GetBytes(json.Replace("\u00FF", "", StringComparison.Ordinal));
        Assert.IsType<GroupMessageEvent>(OneBotFrameReader.Read(valid).Event);
        var ex = Assert.Throws<MiraiProtocolException>(() => OneBotFrameReader.Read(bytes.ToArray()));
        Assert.Contains("UTF-8", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ReportsNotUtf8_WhenTheFrameIsAlsoMalformedJson()
    {
        byte[] bytes = [.. "{\"post_type\":\"message\",\"raw_message\":\""u8, 0xC3, 0x28, .. "\",\"message\":["u8];

        var ex = Assert.Throws<MiraiProtocolException>(() => OneBotFrameReader.Read(bytes));
        Assert.Contains("UTF-8", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Utf8Spans_ChecksOnlyTheBytesAroundRecordedTokens()
    {
        byte[] frame = [.. "{\"a\":\""u8, .. Enumerable.Repeat((byte)'x', 40), .. "\",\"b\":\""u8, .. Enumerable.Repeat((byte)'y', 40), .. "\"}"u8];
        var first = Array.IndexOf(frame, (byte)'x');
        var second = Array.IndexOf(frame, (byte)'y');
        var spans = Utf8Spans.None;
        spans.Add(first, 40);
        spans.Add(second, 40);
        Assert.True(spans.RestIsValid(frame));

        // A recorded token is trusted; a byte outside every recorded token is checked.
        var inside = (byte[])frame.Clone();
        inside[first + 3] = 0xFF;
        Assert.True(spans.RestIsValid(inside));
        var outside = (byte[])frame.Clone();
        outside[first - 2] = 0xFF;
        Assert.False(spans.RestIsValid(outside));
        var between = (byte[])frame.Clone();
        between[second - 3] = 0xFF;
        Assert.False(spans.RestIsValid(between));
        var after = (byte[])frame.Clone();
        after[^2] = 0xFF;
        Assert.False(spans.RestIsValid(after));

        // Out of order or short tokens are not recorded: their bytes are checked.
        var unordered = Utf8Spans.None;
        unordered.Add(second, 40);
        unordered.Add(first, 40);
        Assert.False(unordered.RestIsValid(inside));
        var shortToken = Utf8Spans.None;
        shortToken.Add(first, 8);
        Assert.False(shortToken.RestIsValid(inside));
        Assert.False(Utf8Spans.None.RestIsValid(inside));
    }

    [Theory]
    [InlineData("")]
    [InlineData("hi")]
    [InlineData("今天 plain text 🌤")]
    [InlineData("line\\nbreak \\u4f60\\u597d \\\"quoted\\\"")]
    public void StringTokens_GetString_EqualsTheReaderOwnGetString(string token)
    {
        foreach (var repeat in new[] { 1, 40, 300 })
        {
            var json = Encoding.UTF8.GetBytes("\"" + string.Concat(Enumerable.Repeat(token, repeat)) + "\"");
            var reader = new System.Text.Json.Utf8JsonReader(json);
            reader.Read();

            Assert.Equal(reader.GetString(), StringTokens.GetString(ref reader));
        }
    }

    [Fact]
    public void StringTokens_Decode_EqualsUtf8Encoding_ForValidAndInvalidBytes()
    {
        byte[][] samples = [[], "abc"u8.ToArray(), Encoding.UTF8.GetBytes("你好 🌤"), [0x61, 0xC3, 0x28, 0x62], [0xF0, 0x9F, 0x8C], Enumerable.Repeat((byte)0xE4, 300).ToArray()];
        foreach (var sample in samples)
        {
            Assert.Equal(Encoding.UTF8.GetString(sample), StringTokens.Decode(sample));
        }
    }

    private static string SenderJson(string? key, string? value)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["user_id"] = "3000000002",
            ["nickname"] = "\"小明\"",
            ["card"] = "\"群名片\"",
            ["role"] = "\"member\"",
        };
        if (key is not null)
        {
            fields[key] = value!;
        }

        return "{" + string.Join(",", fields.Select(f => $"\"{f.Key}\":{f.Value}")) + "}";
    }

    private static GroupMessageEvent Group(string sender, long messageId) =>
        Assert.IsType<GroupMessageEvent>(OneBotFrameReader.Read(Encoding.UTF8.GetBytes(GroupFrame(sender, messageId))).Event);

    private static GroupMessageEvent Reference(string sender, long messageId) =>
        Assert.IsType<GroupMessageEvent>(OneBotEventDecoder.DecodeReference(Encoding.UTF8.GetBytes(GroupFrame(sender, messageId))));

    private static string GroupFrame(string sender, long messageId) =>
        $$$"""{"self_id":10001,"user_id":3000000002,"time":1700000000,"message_id":{{{messageId}}},"message_type":"group","sender":{{{sender}}},"raw_message":"hi","font":14,"sub_type":"normal","message":[{"type":"text","data":{"text":"hi"}}],"message_format":"array","post_type":"message","group_id":123456,"group_name":"测试群"}""";

    private static string Frame(bool rawFirst, string raw, string message) =>
        rawFirst
            ? $$$"""{"self_id":10001,"user_id":42,"time":1700000000,"message_id":1,"message_type":"group","sender":{"user_id":42,"nickname":"n"},"raw_message":{{{raw}}},"font":14,"sub_type":"normal","message":{{{message}}},"post_type":"message","group_id":123456}"""
            : $$$"""{"self_id":10001,"user_id":42,"time":1700000000,"message_id":1,"message_type":"group","sender":{"user_id":42,"nickname":"n"},"message":{{{message}}},"raw_message":{{{raw}}},"font":14,"sub_type":"normal","post_type":"message","group_id":123456}""";

    private static OneBotMessageEvent Decode(string json)
    {
        Assert.True(OneBotFrameReader.TryReadMessageEvent(Encoding.UTF8.GetBytes(json), out var e), "The one-pass reader declined the frame.");
        return e;
    }

    [Fact]
    public void UnescapedLength_IsTheUtf8LengthOfTheValue_HoweverItIsEscaped()
    {
        string[] alphabet = ["a", "Z", " ", "\"", "\\", "/", "\n", "\t", "\u0001", "\u001f", "é", "你", "好", "🌤", "&", "[", "<", "'", "\u2028"];
        var random = new Random(20261202);
        var relaxed = new System.Text.Json.JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        for (var i = 0; i < 2000; i++)
        {
            var value = string.Concat(Enumerable.Range(0, random.Next(0, 40)).Select(_ => alphabet[random.Next(alphabet.Length)]));
            foreach (var options in new[] { default(System.Text.Json.JsonWriterOptions), relaxed })
            {
                // The default encoder escapes everything but ASCII letters as \uXXXX; the relaxed one keeps UTF-8.
                var buffer = new System.Buffers.ArrayBufferWriter<byte>();
                using (var writer = new System.Text.Json.Utf8JsonWriter(buffer, options))
                {
                    writer.WriteStringValue(value);
                }

                var token = buffer.WrittenSpan[1..^1];
                Assert.Equal(Encoding.UTF8.GetByteCount(value), SegmentReader.UnescapedLength(token));
            }
        }
    }

    [Theory]
    [InlineData("lone high \\uD800 surrogate")]
    [InlineData("lone low \\uDC00 surrogate")]
    [InlineData("high \\uD83C then no low \\u0041")]
    [InlineData("short \\u12")]
    [InlineData("not hex \\uZZZZ")]
    [InlineData("ends in a backslash \\")]
    public void UnescapedLength_LeavesEscapesItCannotCount_ToTheFullComparison(string token)
    {
        Assert.Equal(-1, SegmentReader.UnescapedLength(Encoding.UTF8.GetBytes(token)));
    }
}
