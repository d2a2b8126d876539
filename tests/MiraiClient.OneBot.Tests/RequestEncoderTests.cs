using System.Text;
using System.Text.Json;
using MiraiClient.OneBot.Internal;
using MiraiClient.OneBot.Tests.Infrastructure;

namespace MiraiClient.OneBot.Tests;

/// <summary>The request encoder: <c>{"action","params","echo"}</c> into pooled bytes, the echo always the id as a decimal string.</summary>
public class RequestEncoderTests
{
    [Fact]
    public void Encode_WritesActionParamsAndDecimalEcho_InThatOrder()
    {
        var text = Encode(123, "send_private_msg", new SendPrivateMessageParams(3512345678, new OneBotMessage(new TextSegment("你好 \"x\""))), OneBotJsonContext.Default.SendPrivateMessageParams);
        Assert.Equal("""{"action":"send_private_msg","params":{"user_id":3512345678,"message":[{"type":"text","data":{"text":"你好 \"x\""}}]},"echo":"123"}""", text);
    }

    [Fact]
    public void Encode_LeavesOutParams_WhenThereAreNone()
    {
        Assert.Equal("""{"action":"get_login_info","echo":"0"}""", Encode<NoParams>(0, "get_login_info", null, null));
        Assert.Equal("""{"action":"get_friend_list","params":{},"echo":"9223372036854775807"}""", Encode(long.MaxValue, "get_friend_list", new NoCacheParams(null), OneBotJsonContext.Default.NoCacheParams));
    }

    [Fact]
    public void Encode_SendsCqMessageAsString_WhenMessageCameFromCq()
    {
        var text = Encode(1, "send_group_msg", new SendGroupMessageParams(1, OneBotMessage.FromCqString("[CQ:face,id=178]&amp;")), OneBotJsonContext.Default.SendGroupMessageParams);
        Assert.Equal("""{"action":"send_group_msg","params":{"group_id":1,"message":"[CQ:face,id=178]&amp;"},"echo":"1"}""", text);
    }

    [Fact]
    public async Task RawCall_SendsActionVerbatim_WhenItHasSuffix()
    {
        var invoker = new RecordingInvoker(5);
        var data = await invoker.Actions.CallAsync("send_msg_async", JsonDocument.Parse("""{"user_id":1,"message":"hi"}""").RootElement, TestContext.Current.CancellationToken);
        Assert.Equal(JsonValueKind.Null, data.ValueKind);
        Assert.Equal("""{"action":"send_msg_async","params":{"user_id":1,"message":"hi"},"echo":"5"}""", Assert.Single(invoker.Calls).Frame);
        await Assert.ThrowsAsync<ArgumentException>(() => invoker.Actions.CallAsync("x", JsonDocument.Parse("[1]").RootElement, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task TypedActions_NeverAddSuffixes_AndMarkTransfers()
    {
        var invoker = new RecordingInvoker(1, (_, id) => Encoding.UTF8.GetBytes($$"""{"status":"ok","retcode":0,"data":{"message_id":1,"file":"/f","file_id":"x"},"echo":"{{id}}"}"""));
        var a = invoker.Actions;
        await a.Messages.SendGroupMessageAsync(1, "x", TestContext.Current.CancellationToken);
        await a.Files.UploadGroupFileAsync(1, "base64://AA==", "a", cancellationToken: TestContext.Current.CancellationToken);
        await a.Files.DownloadFileAsync("https://example.invalid/a", cancellationToken: TestContext.Current.CancellationToken);
        Assert.All(invoker.Calls, c => Assert.DoesNotContain("_async", c.Action, StringComparison.Ordinal));
        Assert.Equal(new[] { OneBotActionKind.Default, OneBotActionKind.Transfer, OneBotActionKind.Transfer }, invoker.Calls.Select(c => c.Kind));
        Assert.Equal(OneBotActionKind.Transfer, OneBotActions.KindOf("download_file_stream"));
        Assert.Equal(OneBotActionKind.Transfer, OneBotActions.KindOf("upload_private_file"));
        Assert.Equal(OneBotActionKind.Default, OneBotActions.KindOf("get_status"));
    }

    [Fact]
    public void Encode_StartsClean_AfterSerializationFailed()
    {
        var bad = new QuickOperationParams(default, default);
        Assert.ThrowsAny<Exception>(() => Encode(1, ".handle_quick_operation", bad, OneBotJsonContext.Default.QuickOperationParams));
        Assert.Equal("""{"action":"get_status","echo":"2"}""", Encode<NoParams>(2, "get_status", null, null));
    }

    [Fact]
    public void Encode_ReturnsIndependentBuffers_WhenCalledRepeatedly()
    {
        var first = OneBotRequestEncoder.Encode(1, "a", new UserIdParams(1), OneBotJsonContext.Default.UserIdParams);
        var big = OneBotRequestEncoder.Encode(2, "b", new FileParams("base64://" + new string('A', 200_000)), OneBotJsonContext.Default.FileParams);
        var third = OneBotRequestEncoder.Encode(3, "c", new UserIdParams(3), OneBotJsonContext.Default.UserIdParams);
        try
        {
            Assert.Equal("""{"action":"a","params":{"user_id":1},"echo":"1"}""", Encoding.UTF8.GetString(first.Memory.Span));
            Assert.InRange(big.Length, 200_000, 200_100);
            Assert.Equal("""{"action":"c","params":{"user_id":3},"echo":"3"}""", Encoding.UTF8.GetString(third.Memory.Span));
        }
        finally
        {
            first.Return();
            big.Return();
            third.Return();
        }
    }

    private static string Encode<T>(long id, string action, T? parameters, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>? info)
    {
        var frame = OneBotRequestEncoder.Encode(id, action, parameters, info);
        try
        {
            return Encoding.UTF8.GetString(frame.Memory.Span);
        }
        finally
        {
            frame.Return();
        }
    }
}
