using System.Text;
using System.Text.Json;
using CsCheck;
using MiraiClient.OneBot.Internal;
using MiraiClient.OneBot.Tests.Infrastructure;

namespace MiraiClient.OneBot.Tests;

/// <summary>The inbound frame classifier: events vs responses, echo of any type, NapCat's stream frames,
/// the failure rule, unknown events kept raw, and malformed input giving only the typed protocol error.</summary>
public class FrameReaderTests
{
    [Theory]
    [InlineData("\"5\"", "Id", 5L, null)]
    [InlineData("5", "Id", 5L, null)]
    [InlineData("-3", "Id", -3L, null)]
    [InlineData("\"9223372036854775807\"", "Id", long.MaxValue, null)]
    [InlineData("\"\\u0031\\u0032\"", "Id", 12L, null)]
    [InlineData("\"05\"", "Other", 0L, "05")]
    [InlineData("\"-0\"", "Other", 0L, "-0")]
    [InlineData("\"+5\"", "Other", 0L, "+5")]
    [InlineData("\"\"", "Other", 0L, "")]
    [InlineData("1.0", "Other", 0L, "1.0")]
    [InlineData("\"99999999999999999999\"", "Other", 0L, "99999999999999999999")]
    [InlineData("{ \"seq\" : 42 }", "Other", 0L, "{\"seq\":42}")]
    [InlineData("[1, \"a\"]", "Other", 0L, "[1,\"a\"]")]
    [InlineData("true", "Other", 0L, "true")]
    [InlineData("null", "Null", 0L, null)]
    public void Read_ComparesEchoAsSentText_ForAnyJsonType(string echo, string kind, long id, string? text)
    {
        var frame = OneBotFrameReader.Read(Encoding.UTF8.GetBytes($$"""{"status":"ok","retcode":0,"data":null,"echo":{{echo}}}"""));
        Assert.Equal(OneBotFrameKind.Response, frame.Kind);
        Assert.Equal((Enum.Parse<OneBotEchoKind>(kind), id, text), (frame.Response.EchoKind, frame.Response.EchoId, frame.Response.EchoText));
    }

    [Fact]
    public void Read_ReportsAbsentEcho_WhenResponseHasNone()
    {
        var frame = OneBotFrameReader.Read("""{"status":"failed","retcode":1403,"data":null}"""u8);
        Assert.Equal(OneBotEchoKind.Absent, frame.Response.EchoKind);
    }

    [Theory]
    [InlineData("\"stream-action\"", "{\"type\":\"stream\",\"data\":\"AAAA\"}", "Stream", false)]
    [InlineData("\"stream-action\"", "{\"data\":\"AAAA\",\"type\":\"stream\"}", "Stream", false)]
    [InlineData("\"stream-action\"", "{\"type\":\"response\",\"file\":\"/tmp/x\"}", "Stream", true)]
    [InlineData("\"stream-action\"", "{\"type\":\"error\"}", "Stream", true)]
    [InlineData("\"stream-action\"", "null", "Stream", true)]
    [InlineData("\"normal-action\"", "{\"type\":\"stream\"}", "Normal", true)]
    [InlineData("null", "{\"type\":\"stream\"}", "None", true)]
    public void Read_TellsStreamChunkFromFinalFrame_WhenNapCatStreams(string stream, string data, string marker, bool isFinal)
    {
        var frame = OneBotFrameReader.Read(Encoding.UTF8.GetBytes($$"""{"status":"ok","retcode":0,"data":{{data}},"echo":"7","stream":{{stream}}}"""));
        Assert.Equal((Enum.Parse<OneBotStreamMarker>(marker), isFinal, 7L), (frame.Response.Stream, frame.Response.IsFinal, frame.Response.EchoId));
    }

    [Theory]
    [InlineData("\"ok\"", "0", "Ok")]
    [InlineData("\"ok\"", "1", "Ok")]
    [InlineData("\"async\"", "1", "Async")]
    [InlineData("\"async\"", "0", "Async")]
    [InlineData("\"failed\"", "0", "Failed")]
    [InlineData("\"failed\"", "1", "Failed")]
    [InlineData("\"odd text\"", "1", "Async")]
    [InlineData("\"odd text\"", "0", "Failed")]
    [InlineData("\"OK\"", "0", "Failed")]
    [InlineData("null", "0", "Ok")]
    [InlineData("null", "1", "Async")]
    [InlineData("null", "100", "Failed")]
    [InlineData("\"ok\"", "\"0\"", "Ok")]
    public void Outcome_FollowsStatusFirst_ForEveryCombination(string status, string retcode, string outcome)
    {
        var frame = OneBotFrameReader.Read(Encoding.UTF8.GetBytes($$"""{"status":{{status}},"retcode":{{retcode}},"data":null}"""));
        Assert.Equal(Enum.Parse<OneBotOutcome>(outcome), frame.Response.Outcome);
    }

    [Fact]
    public void Read_ClassifiesByPostType_WhenFrameAlsoHasResponseKeys()
    {
        var frame = OneBotFrameReader.Read("""{"status":"ok","retcode":0,"time":1,"self_id":2,"post_type":"meta_event","meta_event_type":"lifecycle","sub_type":"connect"}"""u8);
        Assert.Equal(OneBotFrameKind.Event, frame.Kind);
        Assert.IsType<LifecycleEvent>(frame.Event);
    }

    [Theory]
    [InlineData("{\"time\":1,\"self_id\":2,\"post_type\":\"guild_event\",\"x\":[1]}", "guild_event", null, null)]
    [InlineData("{\"post_type\":\"notice\",\"notice_type\":\"group_new_thing\",\"time\":\"5\",\"self_id\":2}", "notice", "group_new_thing", null)]
    [InlineData("{\"post_type\":\"notice\",\"notice_type\":\"notify\",\"sub_type\":\"shake_it\",\"self_id\":2}", "notice", "notify", "shake_it")]
    [InlineData("{\"post_type\":\"notice\",\"notice_type\":\"group_admin\",\"sub_type\":\"promote\",\"self_id\":2}", "notice", "group_admin", "promote")]
    [InlineData("{\"post_type\":\"message\",\"message_type\":\"guild\",\"self_id\":2,\"message\":[{\"type\":\"text\",\"data\":{\"text\":\"x\"}}]}", "message", "guild", null)]
    [InlineData("{\"post_type\":\"request\",\"request_type\":\"group\",\"sub_type\":\"ask\",\"self_id\":2}", "request", "group", "ask")]
    [InlineData("{\"post_type\":\"meta_event\",\"meta_event_type\":\"lifecycle\",\"sub_type\":\"pause\",\"self_id\":2}", "meta_event", "lifecycle", "pause")]
    public void Read_KeepsUnknownEventRaw_WhenTypeOrSubTypeIsUnknown(string json, string postType, string? detail, string? subType)
    {
        var frame = OneBotFrameReader.Read(Encoding.UTF8.GetBytes(json));
        var unknown = Assert.IsType<OneBotUnknownEvent>(frame.Event);
        Assert.Equal((postType, detail, subType, 2L), (unknown.PostType, unknown.DetailType, unknown.SubType, unknown.SelfId));
        using var expected = JsonDocument.Parse(json);
        JsonAssert.Equivalent(expected.RootElement, unknown.Json);
    }

    [Fact]
    public void Read_AcceptsNumericStringsAndMilliseconds_WhenImplementationsSendThem()
    {
        var notice = Assert.IsType<GroupRecallNotice>(OneBotFrameReader.Read("""{"time":1767225600123,"self_id":"10001000","post_type":"notice","notice_type":"group_recall","group_id":"1012345678","user_id":"3512345678","operator_id":1,"message_id":"-5"}"""u8).Event);
        Assert.Equal((10001000L, 1012345678L, 3512345678L, -5L), (notice.SelfId, notice.GroupId, notice.UserId, notice.MessageId));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1767225600123), notice.Timestamp);

        var bytes = """{"time":"1767225600","self_id":10001000,"post_type":"message","message_type":"private","sub_type":"friend","message_id":-7,"user_id":"3512345678","message":"hi","raw_message":"hi","font":0,"sender":{"user_id":"3512345678","nickname":"n","level":3}}"""u8.ToArray();
        Assert.False(OneBotFrameReader.TryReadMessageEvent(bytes, out _));
        var message = Assert.IsType<PrivateMessageEvent>(OneBotFrameReader.Read(bytes).Event);
        Assert.Equal((3512345678L, 3512345678L, "3", -7L), (message.UserId, message.Sender.UserId, message.Sender.Level, message.MessageId));
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), message.Timestamp);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"text\"")]
    [InlineData("{}")]
    [InlineData("{\"echo\":\"1\",\"data\":{}}")]
    [InlineData("{\"post_type\":5}")]
    [InlineData("{\"post_type\":\"notice\",\"notice_type\":\"group_ban\",\"sub_type\":\"ban\",\"duration\":\"long\"}")]
    [InlineData("{\"post_type\":\"message\",\"message_type\":\"group\",\"user_id\":null}")]
    [InlineData("{\"post_type\":\"message\",\"message_type\":\"group\",\"message\":[{\"data\":{}}]}")]
    [InlineData("{\"status\":\"ok\"} {}")]
    [InlineData("{\"status\":\"ok\"")]
    [InlineData("")]
    public void Read_ThrowsProtocolException_WhenFrameIsMalformed(string json)
    {
        Assert.Throws<MiraiProtocolException>(() => OneBotFrameReader.Read(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void Read_ThrowsProtocolException_WhenFrameIsNotUtf8()
    {
        byte[] bytes = [.. "{\"status\":\"ok\",\"message\":\""u8, 0xC3, 0x28, .. "\"}"u8];
        Assert.Throws<MiraiProtocolException>(() => OneBotFrameReader.Read(bytes));
    }

    [Fact]
    public void Read_GivesOnlyProtocolErrors_ForMutatedVectors()
    {
        var dir = OneBotVectors.Require();
        var frames = OneBotVectors.All(dir)
            .Where(p => p.StartsWith("events/", StringComparison.Ordinal) || p.StartsWith("actions/", StringComparison.Ordinal))
            .Select(p => File.ReadAllBytes(Path.Combine(dir, p)))
            .ToArray();
        Gen.Select(Gen.Int[0, frames.Length - 1], Gen.Int[0, 3], Gen.Int, Gen.Byte.Array[1, 4]).Sample(
            (index, mutation, position, noise) =>
            {
                var bytes = frames[index];
                var at = (int)((uint)position % (uint)bytes.Length);
                byte[] mutated = mutation switch
                {
                    0 => bytes[..at],
                    1 => [.. bytes[..at], .. noise, .. bytes[at..]],
                    2 => [.. bytes[..at], .. bytes[Math.Min(bytes.Length, at + noise.Length)..]],
                    _ => Flip(bytes, at, noise[0]),
                };
                ReadOrProtocolError(mutated);
            },
            iter: 20000);
    }

    [Fact]
    public void Read_GivesOnlyProtocolErrors_ForRandomJsonLikeText()
    {
        var token = Gen.OneOf("{", "}", "[", "]", ",", ":", "\"post_type\"", "\"message\"", "\"status\"", "\"data\"", "\"echo\"", "\"stream\"", "\"stream-action\"", "\"type\"", "\"stream\"",
            "\"message_type\"", "\"private\"", "\"group\"", "\"notice\"", "\"notify\"", "\"sub_type\"", "\"poke\"", "\"sender\"", "\"user_id\"", "\"text\"", "\"[CQ:at,qq=1]\"", "1", "-1", "1e400", "null", "true", "\"\\u0000\"", " ");
        token.Array[0, 40].Sample(tokens => ReadOrProtocolError(Encoding.UTF8.GetBytes(string.Concat(tokens))), iter: 20000);
        Gen.Byte.Array[0, 64].Sample(ReadOrProtocolError, iter: 5000);
    }

    private static byte[] Flip(byte[] bytes, int at, byte noise)
    {
        var copy = bytes.ToArray();
        copy[at] ^= noise == 0 ? (byte)1 : noise;
        return copy;
    }

    /// <summary>Reading either works or throws the typed protocol error; so does decoding every reply shape of a response.</summary>
    private static void ReadOrProtocolError(byte[] bytes)
    {
        OneBotFrame frame;
        try
        {
            frame = OneBotFrameReader.Read(bytes);
        }
        catch (MiraiProtocolException)
        {
            return;
        }

        if (frame.Kind != OneBotFrameKind.Response)
        {
            Assert.NotNull(frame.Event);
            return;
        }

        TryShape(bytes, frame.Response, OneBotReplyShape.Raw);
        TryShape(bytes, frame.Response, OneBotReplyShape.MessageId);
        TryShape(bytes, frame.Response, OneBotReplyShape.Completion);
        TryShape(bytes, frame.Response, OneBotReplyShape.Custom(ReplyReaders.MessageList));
        TryShape(bytes, frame.Response, OneBotReplyShape.Custom(ReplyReaders.ForwardContent));
        TryShape(bytes, frame.Response, OneBotReplyShape.Custom(ReplyReaders.OnlineClients));
        TryShape(bytes, frame.Response, OneBotReplyShape.List(OneBotJsonContext.Default.GroupMemberInfoList));
        TryShape(bytes, frame.Response, OneBotReplyShape.Data(OneBotJsonContext.Default.GroupHonorInfo));
    }

    private static void TryShape<T>(byte[] bytes, OneBotResponse response, OneBotReplyShape<T> shape)
    {
        try
        {
            shape.Read("fuzz", bytes, response);
        }
        catch (Exception ex) when (ex is MiraiProtocolException or OneBotApiException)
        {
        }
    }
}
