using MiraiClient.Testing;
using MiraiClient.Tests.Infrastructure;

namespace MiraiClient.Tests.RealServers;

/// <summary>
/// Sends that did not send: a receipt with message id -1 is a failure, not an id; a failed send carries the
/// server's code and text and the class a bot must react to, on the exception and as the <c>mirai.failure</c> tag
/// of <c>mirai.command.errors</c>; and no failed send is ever retried.
/// </summary>
// Its MetricRecorder hears the static MiraiClient meter, which every connection in the process reports to.
[Collection(RunsAlone.Name)]
public sealed class FailedSendTests(ITestOutputHelper output) : RealServerTestBase(output)
{
    private const string Undelivered = """{"code":0,"msg":"success","messageId":-1}""";

    [Fact]
    public async Task SendGroupMessageAsync_FailsAsNotDelivered_WhenTheServerAnswersMessageIdMinusOne()
    {
        using var metrics = new MetricRecorder();
        var backend = await StartBackendAsync();
        backend.Handle("sendGroupMessage", _ => CommandReply.Data(Undelivered));
        var connection = CreateConnection(FastOptions(backend.Uri));
        await Within(connection.ConnectAsync(TestToken));

        var error = await Assert.ThrowsAsync<MiraiApiException>(() => Within(connection.SendGroupMessageAsync(1, "swallowed", cancellationToken: TestToken)));

        Output.WriteLine(error.Message);
        Assert.Equal(MiraiFailureKind.NotDelivered, error.FailureKind);
        Assert.Equal(0, error.Code);
        Assert.Equal("sendGroupMessage", error.Command);
        Assert.Contains("message id -1", error.Message, StringComparison.Ordinal);
        Assert.Contains("not retried", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, metrics.Sum("mirai.command.errors", ("mirai.command", "sendGroupMessage"), ("mirai.failure", "not_delivered")));
        await AssertSentOnceAsync(backend, "sendGroupMessage");
    }

    [Fact]
    public async Task SendFriendMessageAsync_ReturnsMinusOne_WhenUndeliveredSendsAreAllowed()
    {
        var backend = await StartBackendAsync();
        backend.Handle("sendFriendMessage", _ => CommandReply.Data(Undelivered));
        var options = FastOptions(backend.Uri);
        options.AllowUndeliveredSends = true;
        var connection = CreateConnection(options);
        await Within(connection.ConnectAsync(TestToken));

        Assert.Equal(-1, await Within(connection.SendFriendMessageAsync(2, "swallowed", cancellationToken: TestToken)));

        await AssertSentOnceAsync(backend, "sendFriendMessage");
    }

    [Fact]
    public async Task SendGroupMessageAsync_FailsAsNotDelivered_WhenOverflowCannotSendTheContent()
    {
        var backend = await StartBackendAsync(o => o.Profile = FakeServerProfile.Overflow);
        var connection = CreateConnection(FastOptions(backend.Uri));
        await Within(connection.ConnectAsync(TestToken));

        // Overflow has no MiraiCode: its OneBot side fails and the receipt comes back without an id.
        var chain = new MessageChainBuilder().Add(new MiraiCodeElement { Code = "[mirai:face:14]" }).Build();
        var error = await Assert.ThrowsAsync<MiraiApiException>(() => Within(connection.SendGroupMessageAsync(1, chain, cancellationToken: TestToken)));

        Assert.Equal(MiraiFailureKind.NotDelivered, error.FailureKind);
        await AssertSentOnceAsync(backend, "sendGroupMessage");
    }

    [Theory]
    [InlineData(5, "指定对象不存在", MiraiFailureKind.TargetNotFound, "target_not_found")]
    [InlineData(10, "无操作权限", MiraiFailureKind.NoPermission, "no_permission")]
    [InlineData(20, "Bot被禁言", MiraiFailureKind.BotMuted, "bot_muted")]
    [InlineData(30, "消息过长", MiraiFailureKind.MessageTooLong, "message_too_long")]
    [InlineData(500, "net.mamoe.mirai.message.data.SendMessageFailedException: Failed sending message to Group(1), reason=LIMITED_MESSAGING, see https://example.org/unfreeze", MiraiFailureKind.RiskControl, "risk_control")]
    [InlineData(500, "Send group message failed: MessageSvcPbSendMsg.Response.Failed(resultType=46, errorCode=0, errorMessage=)", MiraiFailureKind.RiskControl, "risk_control")]
    [InlineData(500, "Send group message failed: MessageSvcPbSendMsg.Response.Failed(resultType=55, errorCode=0, errorMessage=)", MiraiFailureKind.RiskControl, "risk_control")]
    [InlineData(500, "Send group message failed: MessageSvcPbSendMsg.Response.Failed(resultType=110, errorCode=0, errorMessage=)", MiraiFailureKind.RemovedFromGroup, "removed_from_group")]
    [InlineData(500, "NetworkHandler is already closed.", MiraiFailureKind.BotUnavailable, "bot_unavailable")]
    [InlineData(500, "network is dead therefore can't send any packet", MiraiFailureKind.BotUnavailable, "bot_unavailable")]
    [InlineData(500, "Send group message failed: MessageSvcPbSendMsg.Response.Failed(resultType=460, errorCode=0, errorMessage=)", MiraiFailureKind.Unknown, "unknown")]
    [InlineData(500, "java.lang.IllegalStateException: something else", MiraiFailureKind.Unknown, "unknown")]
    [InlineData(400, "无效参数", MiraiFailureKind.Unknown, "unknown")]
    public async Task SendGroupMessageAsync_ClassifiesTheFailure_OnTheExceptionAndTheErrorMetric_AndNeverRetries(int code, string message, MiraiFailureKind kind, string tag)
    {
        using var metrics = new MetricRecorder();
        var backend = await StartBackendAsync();
        backend.Handle("sendGroupMessage", _ => CommandReply.Status(code, message));
        var connection = CreateConnection(FastOptions(backend.Uri));
        await Within(connection.ConnectAsync(TestToken));

        var error = await Assert.ThrowsAsync<MiraiApiException>(() => Within(connection.SendGroupMessageAsync(1, "hello", cancellationToken: TestToken)));

        Output.WriteLine(error.Message);
        Assert.Equal(kind, error.FailureKind);
        Assert.Equal(code, error.Code);
        Assert.Equal(message, error.ServerMessage);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        var counted = Assert.Single(metrics.Of("mirai.command.errors"), m => m.Tags["mirai.command"] == "sendGroupMessage");
        Assert.Equal(tag, counted.Tags["mirai.failure"]);
        Assert.Equal(code.ToString(System.Globalization.CultureInfo.InvariantCulture), counted.Tags["mirai.code"]);
        await AssertSentOnceAsync(backend, "sendGroupMessage");
    }

    /// <summary>Waits a little for a retry that must not come, then checks the command arrived exactly once.</summary>
    private static async Task AssertSentOnceAsync(FakeMiraiBackend backend, string command)
    {
        await Task.Delay(500, TestToken);
        Assert.Single(backend.ReceivedCommands, c => c.Command == command);
    }
}
