using MiraiClient.Testing;
using MiraiClient.Tests.Infrastructure;

namespace MiraiClient.Tests.RealServers;

/// <summary>
/// <see cref="BotState"/> is the account's state as the connection sees it, apart from the socket's: the bot's
/// online, offline and relogin events and the evidence of commands drive it, and every change is raised,
/// logged (1024) and counted (<c>mirai.bots</c> by <c>mirai.bot.state</c>).
/// </summary>
// Its MetricRecorder hears the static MiraiClient meter, which every connection in the process reports to.
[Collection(RunsAlone.Name)]
public sealed class BotStateTests(ITestOutputHelper output) : RealServerTestBase(output)
{
    [Fact]
    public async Task BotState_IsUnknownBeforeConnecting_OnlineOnceConnected_AndUnknownAfterDisposal()
    {
        using var metrics = new MetricRecorder();
        var backend = await StartBackendAsync();
        var connection = CreateConnection(FastOptions(backend.Uri));
        var recorder = new BotStateRecorder(connection);
        Assert.Equal(BotState.Unknown, connection.BotState);

        await Within(connection.ConnectAsync(TestToken));
        await WaitUntilAsync(() => connection.BotState == BotState.Online);
        Assert.Equal(1, metrics.Sum("mirai.bots", ("mirai.bot.state", "Online")));

        await Within(connection.DisposeAsync().AsTask());

        // A disposed connection no longer knows its account, and the gauge of bots must not keep counting it.
        Assert.Equal(BotState.Unknown, connection.BotState);
        Assert.Equal(0, metrics.Sum("mirai.bots", ("mirai.bot.state", "Online")));
        Assert.Equal(0, metrics.Sum("mirai.bots", ("mirai.bot.state", "Offline")));
        Assert.Equal(BotState.Online, recorder.Changes[0].CurrentState);
        Assert.Equal(10001, recorder.Changes[0].Account);
    }

    [Fact]
    public async Task BotState_FollowsAnAnnouncedRelogin_WithItsEventLogAndMetric()
    {
        using var metrics = new MetricRecorder();
        var backend = await StartBackendAsync();
        var options = FastOptions(backend.Uri);
        options.BotLiveness = new BotLivenessOptions { RecoveryPollInterval = TimeSpan.FromMilliseconds(200) };
        var connection = CreateConnection(options);
        var recorder = new BotStateRecorder(connection);
        await Within(connection.ConnectAsync(TestToken));
        await WaitUntilAsync(() => connection.BotState == BotState.Online);

        await Within(backend.ReloginAsync(new FakeRelogin { OfflineWindow = TimeSpan.FromMilliseconds(500) }, TestToken));
        await WaitUntilAsync(() => Recovered(connection, backend));
        await WaitUntilAsync(() => recorder.Changes.Count >= 4, what: "The fourth bot-state change");

        Output.WriteLine(recorder.ToString());
        Assert.Equal([BotState.Online, BotState.Offline, BotState.Unknown, BotState.Online], recorder.States);
        var offline = recorder.Changes[1];
        Assert.Equal(BotState.Online, offline.PreviousState);
        Assert.Equal(10001, offline.Account);
        Assert.Contains("offline event", offline.Reason, StringComparison.Ordinal);

        var logged = Logs.Lines.Where(l => l.EventId.Id == 1024).ToList();
        Assert.Equal(4, logged.Count);
        Assert.Contains("Bot 10001 is Offline (was Online)", logged[1].Message, StringComparison.Ordinal);

        // The gauge went Online +1, then Online -1 / Offline +1, Offline -1 (session ended), Online +1.
        Assert.Equal(1, metrics.Sum("mirai.bots", ("mirai.bot.state", "Online")));
        Assert.Equal(0, metrics.Sum("mirai.bots", ("mirai.bot.state", "Offline")));
        Assert.Contains(metrics.Of("mirai.bots"), m => m.Value == 1 && m.Tags["mirai.bot.state"] == "Offline");
    }

    [Fact]
    public async Task BotState_FollowsTheBotsOwnEvents_WhenTheLivenessCheckIsOff()
    {
        var backend = await StartBackendAsync();
        var options = FastOptions(backend.Uri);
        options.BotLiveness = new BotLivenessOptions { Enabled = false };
        var connection = CreateConnection(options);
        var recorder = new BotStateRecorder(connection);
        await Within(connection.ConnectAsync(TestToken));
        await WaitUntilAsync(() => connection.BotState == BotState.Online);

        await backend.PushEventAsync(FakeEvents.BotOfflineActive(10001));
        await WaitUntilAsync(() => connection.BotState == BotState.Offline);
        await backend.PushEventAsync(FakeEvents.BotOnline(10001));
        await WaitUntilAsync(() => connection.BotState == BotState.Online && recorder.Changes.Count >= 3);
        await backend.PushEventAsync(FakeEvents.BotOfflineForce(10001));
        await WaitUntilAsync(() => connection.BotState == BotState.Offline);
        await backend.PushEventAsync(FakeEvents.BotRelogin(10001));
        await WaitUntilAsync(() => connection.BotState == BotState.Online && recorder.Changes.Count >= 5);

        Output.WriteLine(recorder.ToString());
        Assert.Equal([BotState.Online, BotState.Offline, BotState.Online, BotState.Offline, BotState.Online], recorder.States);
        Assert.Equal(1, backend.HandshakeCount);
    }

    [Fact]
    public async Task BotState_GoesOffline_WhenACommandFailsAsAClosedBotDoes()
    {
        var backend = await StartBackendAsync();
        var options = FastOptions(backend.Uri);

        // No account comes back in this test: the fake keeps answering botList without it.
        backend.Handle("botList", _ => CommandReply.Data("""{"code":0,"msg":"","data":[]}"""));
        var connection = CreateConnection(options);
        var recorder = new BotStateRecorder(connection);
        await Within(connection.ConnectAsync(TestToken));
        await WaitUntilAsync(() => connection.BotState == BotState.Online);
        backend.Handle("botProfile", _ => CommandReply.Status(500, "NetworkHandler is already closed."));
        backend.Handle("sendGroupMessage", _ => CommandReply.Status(500, "NetworkHandler is already closed."));

        var error = await Assert.ThrowsAsync<MiraiApiException>(() => Within(connection.SendGroupMessageAsync(1, "hello", cancellationToken: TestToken)));

        Assert.Equal(MiraiFailureKind.BotUnavailable, error.FailureKind);
        await WaitUntilAsync(() => connection.BotState == BotState.Offline);
        Assert.Contains("liveness check failed", recorder.Changes[^1].Reason, StringComparison.Ordinal);
        Assert.Equal(ConnectionState.Connected, connection.State);
    }
}
