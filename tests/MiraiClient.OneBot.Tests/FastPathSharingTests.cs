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
}
