using System.Diagnostics;
using System.Text.Json;
using MiraiClient.Testing;
using MiraiClient.Tests.Infrastructure;

namespace MiraiClient.Tests;

public class CommandTests(ITestOutputHelper output) : ConnectionTestBase(output)
{
    private async Task<(FakeMiraiBackend Backend, MiraiConnection Connection)> ConnectedAsync(Action<MiraiConnectionOptions>? configure = null)
    {
        var backend = await StartBackendAsync();
        var options = FastOptions(backend.Uri);
        configure?.Invoke(options);
        var connection = CreateConnection(options);
        await Within(connection.ConnectAsync(TestToken));
        return (backend, connection);
    }

    [Fact]
    public async Task SendGroupMessage_SendsTheDocumentedFrame_AndReturnsTheMessageId()
    {
        var (backend, connection) = await ConnectedAsync();
        backend.Handle("sendGroupMessage", _ => CommandReply.Data("""{"code":0,"msg":"success","messageId":-1234}"""));
        var chain = new MessageChain(new AtElement(3_000_000_000), new PlainElement(" 你好 🌸"));
        var id = await Within(connection.SendGroupMessageAsync(5_000_000_000, chain, quote: 77, cancellationToken: TestToken));
        Assert.Equal(-1234, id);

        var sent = await backend.WaitForCommandAsync("sendGroupMessage");
        Assert.Null(sent.SubCommand);
        Assert.Matches("^[0-9]+$", sent.SyncId);
        Assert.Equal(5_000_000_000, sent.Content.GetProperty("target").GetInt64());
        Assert.Equal(77, sent.Content.GetProperty("quote").GetInt32());
        var elements = sent.Content.GetProperty("messageChain");
        Assert.Equal("At", elements[0].GetProperty("type").GetString());
        Assert.Equal(3_000_000_000, elements[0].GetProperty("target").GetInt64());
        Assert.Equal("Plain", elements[1].GetProperty("type").GetString());
        Assert.Equal(" 你好 🌸", elements[1].GetProperty("text").GetString());
        using var frame = JsonDocument.Parse(sent.RawJson);
        Assert.Equal(JsonValueKind.Null, frame.RootElement.GetProperty("subCommand").ValueKind);
    }

    [Fact]
    public async Task SendFriendAndTempMessages_WriteTheirKeys_IncludingANullQuote()
    {
        var (backend, connection) = await ConnectedAsync();
        await Within(connection.SendFriendMessageAsync(11, "hi", cancellationToken: TestToken));
        await Within(connection.SendTempMessageAsync(22, 33, "temp", cancellationToken: TestToken));
        var friend = await backend.WaitForCommandAsync("sendFriendMessage");
        Assert.Equal(11, friend.Content.GetProperty("target").GetInt64());
        Assert.Equal(JsonValueKind.Null, friend.Content.GetProperty("quote").ValueKind);
        Assert.Equal("hi", friend.Content.GetProperty("messageChain")[0].GetProperty("text").GetString());
        var temp = await backend.WaitForCommandAsync("sendTempMessage");
        Assert.Equal(22, temp.Content.GetProperty("qq").GetInt64());
        Assert.Equal(33, temp.Content.GetProperty("group").GetInt64());
    }

    [Fact]
    public async Task RecallNudgeAbout_SendTheirContent_AndDecodeTheirReplies()
    {
        var (backend, connection) = await ConnectedAsync();
        await Within(connection.RecallAsync(44, -5, TestToken));
        await Within(connection.SendNudgeAsync(55, 66, NudgeKind.Group, TestToken));
        var about = await Within(connection.AboutAsync(TestToken));
        Assert.Equal("2.10.0", about.Version);

        var recall = await backend.WaitForCommandAsync("recall");
        Assert.Equal(44, recall.Content.GetProperty("target").GetInt64());
        Assert.Equal(-5, recall.Content.GetProperty("messageId").GetInt32());
        var nudge = await backend.WaitForCommandAsync("sendNudge");
        Assert.Equal("Group", nudge.Content.GetProperty("kind").GetString());
        Assert.Equal(55, nudge.Content.GetProperty("target").GetInt64());
        Assert.Equal(66, nudge.Content.GetProperty("subject").GetInt64());
    }

    [Theory]
    [InlineData(5, "指定对象不存在")]
    [InlineData(10, "无操作权限")]
    [InlineData(20, "Bot被禁言")]
    [InlineData(500, "")]
    public async Task ServerErrorCodes_SurfaceAsTypedApiExceptions(int code, string message)
    {
        var (backend, connection) = await ConnectedAsync();
        backend.Handle("sendGroupMessage", _ => CommandReply.Status(code, message));
        var error = await Assert.ThrowsAsync<MiraiApiException>(() => Within(connection.SendGroupMessageAsync(1, "x", cancellationToken: TestToken)));
        Assert.Equal(code, error.Code);
        Assert.Equal(message, error.ServerMessage);
        Assert.Equal("sendGroupMessage", error.Command);
    }

    [Fact]
    public async Task UnknownCommandReply_Code6_IsAnApiException()
    {
        var (backend, connection) = await ConnectedAsync();
        backend.Handle("about", _ => CommandReply.Status(6, "指定操作不支持"));
        var error = await Assert.ThrowsAsync<MiraiApiException>(() => Within(connection.AboutAsync(TestToken)));
        Assert.Equal(6, error.Code);
    }

    [Fact]
    public async Task ReplyOfTheWrongShape_IsAProtocolError_AndTheConnectionStays()
    {
        var (backend, connection) = await ConnectedAsync();
        backend.Handle("about", _ => CommandReply.Data("[1,2,3]"));
        await Assert.ThrowsAsync<MiraiProtocolException>(() => Within(connection.AboutAsync(TestToken)));
        Assert.Equal(ConnectionState.Connected, connection.State);
    }

    [Fact]
    public async Task UnansweredCommand_TimesOutWithATypedError()
    {
        var (backend, connection) = await ConnectedAsync(o => o.CommandTimeout = TimeSpan.FromMilliseconds(500));
        backend.Handle("recall", _ => CommandReply.None);
        var error = await Assert.ThrowsAsync<MiraiTimeoutException>(() => Within(connection.RecallAsync(1, 2, TestToken)));
        Assert.Equal("recall", error.Command);
        Assert.Equal(TimeSpan.FromMilliseconds(500), error.Timeout);
    }

    [Fact]
    public async Task CancelledCommand_ThrowsOperationCanceled_AndALateReplyIsDropped()
    {
        var (backend, connection) = await ConnectedAsync();
        backend.Handle("recall", _ => CommandReply.Data("""{"code":0,"msg":"success"}""", TimeSpan.FromMilliseconds(500)));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Within(connection.RecallAsync(1, 2, cts.Token)));

        // The reply comes 500 ms after the command; under a busy machine later still.
        await UntilAsync(() => Logs.Lines.Any(l => l.EventId.Name == "UnmatchedReply"));
        Assert.Contains(Logs.Lines, l => l.EventId.Name == "UnmatchedReply");
        Assert.Equal(ConnectionState.Connected, connection.State);
        await Within(connection.AboutAsync(TestToken));
    }

    [Fact]
    public async Task CommandWithAnAlreadyCancelledToken_Throws_AndIsNeverWritten()
    {
        var (backend, connection) = await ConnectedAsync();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Within(connection.SendGroupMessageAsync(1, "never", cancellationToken: cancelled.Token)));

        // A command sent after it proves the socket carried everything before it.
        await Within(connection.AboutAsync(TestToken));
        Assert.DoesNotContain(backend.ReceivedCommands, c => c.Command == "sendGroupMessage");
    }

    [Fact]
    public async Task PendingCommands_FailAtOnceWhenTheConnectionDrops_AndAreNeverResent()
    {
        var (backend, connection) = await ConnectedAsync(o => o.CommandTimeout = TimeSpan.FromSeconds(20));
        var states = new StateRecorder(connection);
        backend.Handle("sendGroupMessage", _ => CommandReply.None);
        var sends = Enumerable.Range(0, 3).Select(i => connection.SendGroupMessageAsync(1, $"m{i}", cancellationToken: TestToken)).ToList();
        await backend.WaitForCommandAsync(c => c.Command == "sendGroupMessage" && c.Content.GetProperty("messageChain")[0].GetProperty("text").GetString() == "m0");

        var started = Stopwatch.GetTimestamp();
        backend.AbortConnections();
        foreach (var send in sends)
        {
            var error = await Assert.ThrowsAsync<MiraiConnectionLostException>(() => Within(send));
            Assert.Equal(DisconnectReason.TransportError, error.Reason);
        }

        var failedAfter = Stopwatch.GetElapsedTime(started);
        Output.WriteLine($"pending commands failed {failedAfter.TotalMilliseconds:F0} ms after the drop");
        Assert.True(failedAfter < TimeSpan.FromSeconds(5));

        await states.WaitForAsync(c => c.PreviousState == ConnectionState.Reconnecting && c.CurrentState == ConnectionState.Connected);
        await Within(connection.AboutAsync(TestToken));
        var sent = backend.ReceivedCommands.Where(c => c.Command == "sendGroupMessage").Select(c => c.Content.GetProperty("messageChain")[0].GetProperty("text").GetString()).ToList();
        Assert.Equal(sent.Distinct().Count(), sent.Count);
        Assert.True(sent.Count <= 3);
    }

    [Fact]
    public async Task CommandWhileReconnecting_WaitsForTheConnection()
    {
        var (backend, connection) = await ConnectedAsync();
        var states = new StateRecorder(connection);
        backend.StopListening();
        backend.AbortConnections();
        await states.WaitForStateAsync(ConnectionState.Reconnecting);

        var send = connection.SendFriendMessageAsync(1, "queued", cancellationToken: TestToken);
        await Task.Delay(300, TestToken);
        Assert.False(send.IsCompleted);
        backend.StartListening();
        Assert.True(await Within(send) > 0);
        Assert.Single(backend.ReceivedCommands, c => c.Command == "sendFriendMessage");
    }

    [Fact]
    public async Task CommandWhileReconnecting_FailsFast_WhenWaitingIsOff()
    {
        var (backend, connection) = await ConnectedAsync(o => o.WaitForConnection = false);
        var states = new StateRecorder(connection);
        backend.StopListening();
        backend.AbortConnections();
        await states.WaitForStateAsync(ConnectionState.Reconnecting);
        var started = Stopwatch.GetTimestamp();
        await Assert.ThrowsAsync<MiraiConnectionException>(() => Within(connection.SendFriendMessageAsync(1, "x", cancellationToken: TestToken)));
        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task CommandWhileReconnecting_TimesOut_WhenTheServerStaysDown()
    {
        var (backend, connection) = await ConnectedAsync(o => o.CommandTimeout = TimeSpan.FromMilliseconds(600));
        var states = new StateRecorder(connection);
        backend.StopListening();
        backend.AbortConnections();
        await states.WaitForStateAsync(ConnectionState.Reconnecting);
        await Assert.ThrowsAsync<MiraiTimeoutException>(() => Within(connection.AboutAsync(TestToken)));
    }

    [Fact]
    public async Task CommandBeforeStart_IsAClearMisuseError()
    {
        var backend = await StartBackendAsync();
        var connection = CreateConnection(FastOptions(backend.Uri));
        await Assert.ThrowsAsync<InvalidOperationException>(() => connection.AboutAsync(TestToken));
    }

    [Fact]
    public async Task ConcurrentCommands_AreEachMatchedToTheirOwnReply()
    {
        var (backend, connection) = await ConnectedAsync();
        backend.Handle("sendFriendMessage", c => CommandReply.Data($$"""{"code":0,"msg":"success","messageId":{{c.Content.GetProperty("target").GetInt64()}}}"""));
        var results = await Within(Task.WhenAll(Enumerable.Range(1, 64).Select(i => connection.SendFriendMessageAsync(i, "x", cancellationToken: TestToken))));
        Assert.Equal(Enumerable.Range(1, 64), results);
        var syncIds = backend.ReceivedCommands.Select(c => c.SyncId).ToList();
        Assert.Equal(syncIds.Count, syncIds.Distinct().Count());
        Assert.DoesNotContain("", syncIds);
        Assert.DoesNotContain("-1", syncIds);
    }

    [Fact]
    public async Task InvalidNudgeKind_IsRejectedBeforeSending()
    {
        var (backend, connection) = await ConnectedAsync();
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => connection.SendNudgeAsync(1, 2, (NudgeKind)42, TestToken));
        Assert.DoesNotContain(backend.ReceivedCommands, c => c.Command == "sendNudge");
    }
}
