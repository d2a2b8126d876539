using System.Text;
using MiraiClient.Internal;

namespace MiraiClient.Tests;

public class FrameReaderTests
{
    private static FrameInfo Read(string json, string reserved = "-1") => MiraiFrameDecoder.Decode(Encoding.UTF8.GetBytes(json), Encoding.UTF8.GetBytes(reserved));

    private static string Data(string json, FrameInfo frame) => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(json), frame.DataStart, frame.DataLength);

    [Fact]
    public void HandshakeFrame_HasEmptySyncId()
    {
        const string json = """{"syncId":"","data":{"code":0,"session":"abcd1234"}}""";
        var frame = Read(json);
        Assert.Equal(FrameKind.Handshake, frame.Kind);
        var (code, session, _) = MiraiFrameDecoder.ReadHandshake(Encoding.UTF8.GetBytes(Data(json, frame)));
        Assert.Equal(0, code);
        Assert.Equal("abcd1234", session);
    }

    [Fact]
    public void HandshakeFailure_CarriesCodeAndMessage()
    {
        const string json = """{"syncId":"","data":{"code":1,"msg":"Auth Key错误"}}""";
        var frame = Read(json);
        var (code, session, message) = MiraiFrameDecoder.ReadHandshake(Encoding.UTF8.GetBytes(Data(json, frame)));
        Assert.Equal((1, null, "Auth Key错误"), (code, session, message));
    }

    [Theory]
    [InlineData("""{"syncId":"-1","data":{"type":"BotOnlineEvent","qq":1}}""", "-1")]
    [InlineData("""{"data":{"type":"BotOnlineEvent","qq":1},"syncId":"-1"}""", "-1")]
    [InlineData("""{"syncId":"evt","data":{"type":"BotOnlineEvent","qq":1}}""", "evt")]
    [InlineData("""{"syncId":"\u002d1","data":{"type":"BotOnlineEvent","qq":1}}""", "-1")]
    public void EventFrame_IsRecognisedByTheReservedSyncId_WhereverTheKeysStand(string json, string reserved)
    {
        var frame = Read(json, reserved);
        Assert.Equal(FrameKind.Event, frame.Kind);
        Assert.Equal("""{"type":"BotOnlineEvent","qq":1}""", Data(json, frame));
    }

    [Theory]
    [InlineData("""{"syncId":"42","data":{"code":0,"msg":"success","messageId":7}}""", 42)]
    [InlineData("""{"syncId":42,"data":{"code":0}}""", 42)]
    [InlineData("""{"syncId":"abc","data":{"code":0}}""", -1)]
    [InlineData("""{"syncId":null,"data":{"code":0}}""", -1)]
    [InlineData("""{"syncId":"9","data":null}""", 9)]
    public void ResponseFrame_CarriesTheRequestId(string json, long id)
    {
        var frame = Read(json);
        Assert.Equal(FrameKind.Response, frame.Kind);
        Assert.Equal(id, frame.RequestId);
    }

    [Fact]
    public void BareStatus_WithoutSyncId_IsTheAnswerToAnUndecodableRequest()
    {
        var frame = Read("""{"code":400,"msg":"无效参数"}""");
        Assert.Equal(FrameKind.BareStatus, frame.Kind);
        Assert.Equal(400, frame.Code);
        Assert.Equal("无效参数", frame.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[1,2,3]")]
    [InlineData("42")]
    [InlineData("""{"syncId":"-1"}""")]
    [InlineData("""{"syncId":"-1","data":"string"}""")]
    [InlineData("""{"syncId":"-1","data":{"type":"X"}""")]
    [InlineData("""{"syncId":"-1","data":{}} trailing""")]
    [InlineData("""{"syncId":{},"data":{}}""")]
    [InlineData("""{"hello":"world"}""")]
    public void MalformedFrames_RaiseOnlyTheTypedProtocolError(string json)
    {
        Assert.Throws<MiraiProtocolException>(() => Read(json));
    }

    [Fact]
    public void InvalidUtf8_RaisesTheTypedProtocolError()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"syncId":"-1","data":{"type":"X","s":"??"}}""");
        bytes[^5] = 0xFF;
        bytes[^4] = 0xFE;
        Assert.Throws<MiraiProtocolException>(() => MiraiFrameDecoder.Decode(bytes, "-1"u8));
    }

    [Fact]
    public void DeepNesting_RaisesTheTypedProtocolError()
    {
        var json = """{"syncId":"-1","data":{"type":"X","deep":""" + new string('[', 5000) + new string(']', 5000) + "}}";
        Assert.Throws<MiraiProtocolException>(() => Read(json));
    }
}
