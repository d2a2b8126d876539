using System.Diagnostics;
using MiraiClient.Testing;
using MiraiClient.Tests.Infrastructure;

namespace MiraiClient.Tests.RealServers;

/// <summary>
/// A relogged account leaves a live socket bound to a dead bot instance. The connection notices (the offline
/// event, a command or a liveness check that fails as a closed bot does), waits for the account to come back and
/// opens a new session bound to it; nothing is resent.
/// </summary>
// Mostly waits for the liveness interval; touches nothing process-wide.
[Collection(RunsBeside.Relogin)]
public sealed class ReloginRecoveryTests(ITestOutputHelper output) : RealServerTestBase(output)
{
    [Theory]
    [InlineData(FakeOfflineEvent.Force)]
    [InlineData(FakeOfflineEvent.Active)]
    public async Task AnnouncedRelogin_IsRecoveredWithinTenSecondsOfTheAccountComingBack_AtDefaultOptions(FakeOfflineEvent offlineEvent)
    {
        var backend = await StartBackendAsync();
        var connection = CreateConnection(DefaultOptions(backend.Uri));
        await Within(connection.ConnectAsync(TestToken));
        await WaitUntilAsync(() => connection.BotState == BotState.Online);

        var window = TimeSpan.FromSeconds(2);
        var relogin = backend.ReloginAsync(new FakeRelogin { OfflineEvent = offlineEvent, OfflineWindow = window }, TestToken);
        await WaitUntilAsync(() => connection.BotState == BotState.Offline);
        await Within(relogin);
        var back = Stopwatch.StartNew();
        await WaitUntilAsync(() => Recovered(connection, backend), TimeSpan.FromSeconds(20));
        Output.WriteLine($"{offlineEvent}: recovered {back.ElapsedMilliseconds} ms after the account came back (offline window {window.TotalSeconds} s, default options)");
        Assert.True(back.Elapsed < TimeSpan.FromSeconds(10), $"recovery took {back.Elapsed}");

        // The new session is bound to the live account: events reach it and sends work.
        var events = connection.GetEventsAsync<GroupMessage>(TestToken);
        await backend.PushGroupMessageAsync(1, 2, "after the relogin");
        await using var reader = events.GetAsyncEnumerator(TestToken);
        Assert.True(await Within(reader.MoveNextAsync().AsTask()));
        Assert.Equal("after the relogin", reader.Current.MessageChain.ToPlainText());
        Assert.True(await Within(connection.SendGroupMessageAsync(1, "works", cancellationToken: TestToken)) > 0);
        Assert.Contains(Logs.Lines, l => l.Message.Contains("StaleSession", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SilentRelogin_IsRecoveredWithinNinetySeconds_AtDefaultOptions()
    {
        var backend = await StartBackendAsync();
        var connection = CreateConnection(DefaultOptions(backend.Uri));
        var connected = Stopwatch.StartNew();
        await Within(connection.ConnectAsync(TestToken));
        await WaitUntilAsync(() => connection.BotState == BotState.Online);

        // Nothing is sent and nothing is pushed: only the periodic liveness check can see it.
        var started = Stopwatch.StartNew();
        await Within(backend.ReloginAsync(new FakeRelogin { Announce = false }, TestToken));
        var elapsed = await WaitUntilAsync(() => Recovered(connection, backend), TimeSpan.FromSeconds(100), "Recovery from a silent relogin");
        Output.WriteLine($"silent relogin at default options recovered after {started.Elapsed.TotalSeconds:0.0} s (the connection was {connected.Elapsed.TotalSeconds - started.Elapsed.TotalSeconds:0.0} s old when it happened; CheckInterval 60 s)");
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(90), $"recovery took {started.Elapsed}");
        Assert.True(elapsed > TimeSpan.FromSeconds(30), "recovered sooner than the check interval allows: something else noticed it");
        Assert.Contains("liveness check failed", Logs.AllText, StringComparison.Ordinal);
        Assert.True(await Within(connection.SendGroupMessageAsync(1, "works", cancellationToken: TestToken)) > 0);
    }

    [Fact]
    public async Task SilentRelogin_IsDetectedByTheLivenessCheck_AndRecovered()
    {
        var backend = await StartBackendAsync();
        var options = FastOptions(backend.Uri);
        options.BotLiveness = new BotLivenessOptions { CheckInterval = TimeSpan.FromSeconds(1), RecoveryPollInterval = TimeSpan.FromMilliseconds(200) };
        var connection = CreateConnection(options);
        await Within(connection.ConnectAsync(TestToken));
        await WaitUntilAsync(() => connection.BotState == BotState.Online);

        var started = Stopwatch.StartNew();
        await Within(backend.ReloginAsync(new FakeRelogin { Announce = false }, TestToken));
        await WaitUntilAsync(() => Recovered(connection, backend), TimeSpan.FromSeconds(20));
        Output.WriteLine($"silent relogin recovered after {started.ElapsedMilliseconds} ms (check every 1 s)");
        Assert.Contains("liveness check failed", Logs.AllText, StringComparison.Ordinal);
        Assert.True(await Within(connection.SendGroupMessageAsync(1, "works", cancellationToken: TestToken)) > 0);
    }

    [Fact]
    public async Task SilentRelogin_IsDetectedByAFailedSend_AndRecoveredWithinSeconds_AtDefaultOptions()
    {
        var backend = await StartBackendAsync();
        var connection = CreateConnection(DefaultOptions(backend.Uri));
        await Within(connection.ConnectAsync(TestToken));
        await WaitUntilAsync(() => connection.BotState == BotState.Online);
        await Within(backend.ReloginAsync(new FakeRelogin { Announce = false }, TestToken));

        // mirai 2.7+: the stale session looks the group up in the closed bot's empty lists.
        var started = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<MiraiApiException>(() => Within(connection.SendGroupMessageAsync(1, "lost?", cancellationToken: TestToken)));
        Assert.Equal(5, error.Code);
        Assert.Equal(MiraiFailureKind.TargetNotFound, error.FailureKind);
        await WaitUntilAsync(() => Recovered(connection, backend), TimeSpan.FromSeconds(20));
        Output.WriteLine($"silent relogin noticed by a failed send recovered {started.ElapsedMilliseconds} ms after it (default options)");
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), $"recovery took {started.Elapsed}");
        Assert.Single(backend.ReceivedCommands, c => c.Command == "sendGroupMessage");
        Assert.True(await Within(connection.SendGroupMessageAsync(1, "works", cancellationToken: TestToken)) > 0);
    }

    [Fact]
    public async Task SilentRelogin_IsRecovered_OnTheOverflowProfile_WhereRelogsAreNeverAnnounced()
    {
        var backend = await StartBackendAsync(o => o.Profile = FakeServerProfile.Overflow);
        var options = FastOptions(backend.Uri);
        options.BotLiveness = new BotLivenessOptions { CheckInterval = TimeSpan.FromSeconds(1), RecoveryPollInterval = TimeSpan.FromMilliseconds(200) };
        var connection = CreateConnection(options);
        var recorder = new BotStateRecorder(connection);
        await Within(connection.ConnectAsync(TestToken));
        await WaitUntilAsync(() => connection.BotState == BotState.Online);

        // Asked to announce it, Overflow still pushes nothing.
        var started = Stopwatch.StartNew();
        await Within(backend.ReloginAsync(new FakeRelogin { Announce = true, OfflineWindow = TimeSpan.FromMilliseconds(500) }, TestToken));
        await WaitUntilAsync(() => Recovered(connection, backend), TimeSpan.FromSeconds(20));
        Output.WriteLine($"Overflow relogin recovered after {started.ElapsedMilliseconds} ms (check every 1 s); {recorder}");
        Assert.DoesNotContain(recorder.Changes, c => c.Reason.Contains("offline event", StringComparison.Ordinal));
        Assert.Contains(recorder.Changes, c => c.CurrentState == BotState.Offline && c.Reason.Contains("liveness check failed", StringComparison.Ordinal));
        Assert.True(await Within(connection.SendGroupMessageAsync(1, "works", cancellationToken: TestToken)) > 0);
    }

    [Fact]
    public async Task DroppedThenLoggedInAnew_IsRecoveredByTheLivenessCheck()
    {
        // mirai's own relogin after a drop failed and the account was logged in on a new instance: the session saw
        // only BotOfflineEventDropped, which usually ends with the same instance back, so the check decides.
        var backend = await StartBackendAsync();
        var options = FastOptions(backend.Uri);
        options.BotLiveness = new BotLivenessOptions { CheckInterval = TimeSpan.FromSeconds(1), RecoveryPollInterval = TimeSpan.FromMilliseconds(200) };
        var connection = CreateConnection(options);
        var recorder = new BotStateRecorder(connection);
        await Within(connection.ConnectAsync(TestToken));
        await WaitUntilAsync(() => connection.BotState == BotState.Online);

        var started = Stopwatch.StartNew();
        await Within(backend.ReloginAsync(new FakeRelogin { OfflineEvent = FakeOfflineEvent.Dropped, OfflineWindow = TimeSpan.FromMilliseconds(500) }, TestToken));
        await WaitUntilAsync(() => Recovered(connection, backend), TimeSpan.FromSeconds(20));

        Output.WriteLine($"dropped, then a new instance: recovered after {started.ElapsedMilliseconds} ms (check every 1 s); {recorder}");
        Assert.Equal("BotOfflineEventDropped", recorder.Changes[1].Reason);
        Assert.Contains(backend.ReceivedCommands, c => c.Command == "botProfile");
    }

    [Fact]
    public async Task SameInstanceDropAndRelogin_KeepsTheSession_WithoutAReconnect()
    {
        var backend = await StartBackendAsync();
        var options = FastOptions(backend.Uri);
        options.BotLiveness = new BotLivenessOptions { CheckInterval = TimeSpan.FromSeconds(1), RecoveryPollInterval = TimeSpan.FromMilliseconds(200) };
        var connection = CreateConnection(options);
        var recorder = new BotStateRecorder(connection);
        var states = new StateRecorder(connection);
        await Within(connection.ConnectAsync(TestToken));
        await WaitUntilAsync(() => connection.BotState == BotState.Online);

        var relogin = backend.ReloginAsync(new FakeRelogin { Kind = FakeReloginKind.SameBotInstance, OfflineWindow = TimeSpan.FromSeconds(2) }, TestToken);
        await WaitUntilAsync(() => connection.BotState == BotState.Offline);

        // A send while the network is down waits for it, as mirai's does, and goes once it is back.
        var send = connection.SendGroupMessageAsync(1, "during the drop", cancellationToken: TestToken);
        await Within(relogin);
        Assert.True(await Within(send) > 0);
        await WaitUntilAsync(() => connection.BotState == BotState.Online);

        // Several liveness checks later the same session still runs, and still gets events.
        await Task.Delay(TimeSpan.FromSeconds(3), TestToken);
        var events = connection.GetEventsAsync<GroupMessage>(TestToken).GetAsyncEnumerator(TestToken);
        await backend.PushGroupMessageAsync(1, 2, "same session");
        Assert.True(await Within(events.MoveNextAsync().AsTask()));
        await events.DisposeAsync();
        Output.WriteLine(recorder.ToString());
        Assert.Equal(1, backend.HandshakeCount);
        Assert.Equal(1, backend.AcceptCount);
        Assert.DoesNotContain(states.Changes, c => c.CurrentState == ConnectionState.Reconnecting);
        Assert.Equal([BotState.Online, BotState.Offline, BotState.Online], recorder.States);
        Assert.Equal("BotOfflineEventDropped", recorder.Changes[1].Reason);
    }

    [Fact]
    public async Task OlderMiraisNetworkIsDead_IsDetectedByAFailedSend_AsBotUnavailable_AndRecovered()
    {
        var backend = await StartBackendAsync();
        var connection = CreateConnection(DefaultOptions(backend.Uri));
        await Within(connection.ConnectAsync(TestToken));
        await WaitUntilAsync(() => connection.BotState == BotState.Online);
        await Within(backend.ReloginAsync(new FakeRelogin { Announce = false, StaleSignature = ClosedBotSignature.NetworkIsDead }, TestToken));

        var started = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<MiraiApiException>(() => Within(connection.SendGroupMessageAsync(1, "lost?", cancellationToken: TestToken)));
        Assert.Equal(500, error.Code);
        Assert.Equal(MiraiFailureKind.BotUnavailable, error.FailureKind);
        Assert.Contains("network is dead", error.Message, StringComparison.Ordinal);
        await WaitUntilAsync(() => Recovered(connection, backend), TimeSpan.FromSeconds(20));
        Output.WriteLine($"'network is dead' noticed by a failed send: recovered {started.ElapsedMilliseconds} ms after it (default options)");
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), $"recovery took {started.Elapsed}");
    }

    [Fact]
    public async Task OlderMiraisNetworkIsDead_IsDetectedByTheLivenessCheck_AndRecovered()
    {
        var backend = await StartBackendAsync();
        var options = FastOptions(backend.Uri);
        options.BotLiveness = new BotLivenessOptions { CheckInterval = TimeSpan.FromSeconds(1), RecoveryPollInterval = TimeSpan.FromMilliseconds(200) };
        var connection = CreateConnection(options);
        var recorder = new BotStateRecorder(connection);
        await Within(connection.ConnectAsync(TestToken));
        await WaitUntilAsync(() => connection.BotState == BotState.Online);

        await Within(backend.ReloginAsync(new FakeRelogin { Announce = false, StaleSignature = ClosedBotSignature.NetworkIsDead }, TestToken));

        await WaitUntilAsync(() => Recovered(connection, backend), TimeSpan.FromSeconds(20));
        Assert.Contains(recorder.Changes, c => c.CurrentState == BotState.Offline && c.Reason.Contains("liveness check failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LivenessCheckOff_NeverReconnects_ButBotStateStillFollowsTheEvents()
    {
        var backend = await StartBackendAsync();
        var options = FastOptions(backend.Uri);
        options.BotLiveness = new BotLivenessOptions { Enabled = false, CheckInterval = TimeSpan.FromMilliseconds(200), RecoveryPollInterval = TimeSpan.FromMilliseconds(100) };
        var connection = CreateConnection(options);
        var recorder = new BotStateRecorder(connection);
        await Within(connection.ConnectAsync(TestToken));
        await WaitUntilAsync(() => connection.BotState == BotState.Online);

        // A drop the same instance recovers from: both events are followed.
        await Within(backend.ReloginAsync(new FakeRelogin { Kind = FakeReloginKind.SameBotInstance, OfflineWindow = TimeSpan.FromMilliseconds(300) }, TestToken));
        await WaitUntilAsync(() => recorder.Changes.Count >= 3);

        // A new instance: the offline event is followed, but the stale session is kept, as asked.
        await Within(backend.ReloginAsync(new FakeRelogin(), TestToken));
        await WaitUntilAsync(() => connection.BotState == BotState.Offline);
        await Assert.ThrowsAsync<MiraiApiException>(() => Within(connection.SendGroupMessageAsync(1, "stale", cancellationToken: TestToken)));
        await Task.Delay(TimeSpan.FromSeconds(2), TestToken);

        Output.WriteLine(recorder.ToString());
        Assert.Equal([BotState.Online, BotState.Offline, BotState.Online, BotState.Offline], recorder.States);
        Assert.Equal(1, backend.HandshakeCount);
        Assert.Equal(ConnectionState.Connected, connection.State);
        Assert.DoesNotContain(backend.ReceivedCommands, c => c.Command is "botList" or "botProfile");
    }

    [Fact]
    public async Task CommandInFlightOnAStaleSession_FailsWithStaleSession_AndIsNeverResent()
    {
        var backend = await StartBackendAsync();
        var options = FastOptions(backend.Uri);
        options.CommandTimeout = TimeSpan.FromSeconds(20);
        options.BotLiveness = new BotLivenessOptions { RecoveryPollInterval = TimeSpan.FromMilliseconds(200) };
        var connection = CreateConnection(options);
        await Within(connection.ConnectAsync(TestToken));
        await WaitUntilAsync(() => connection.BotState == BotState.Online);

        // The server takes the send while the account goes away and never answers it: it stays in flight until
        // the relogin is over. (The server runs one command at a time, so it must let go of the send for the
        // account check behind it to be answered.)
        var accountBack = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        backend.Handle("sendGroupMessage", async _ =>
        {
            await accountBack.Task;
            return CommandReply.None;
        });
        var send = connection.SendGroupMessageAsync(1, "in flight", cancellationToken: TestToken);
        await backend.WaitForCommandAsync("sendGroupMessage");

        await Within(backend.ReloginAsync(new FakeRelogin { OfflineWindow = TimeSpan.FromMilliseconds(500) }, TestToken));
        accountBack.SetResult();
        var lost = await Assert.ThrowsAsync<MiraiConnectionLostException>(() => Within(send));
        Assert.Equal(DisconnectReason.StaleSession, lost.Reason);
        await WaitUntilAsync(() => Recovered(connection, backend));

        backend.RestoreBuiltInReply("sendGroupMessage");
        Assert.True(await Within(connection.SendGroupMessageAsync(1, "after", cancellationToken: TestToken)) > 0);
        var sends = backend.ReceivedCommands.Where(c => c.Command == "sendGroupMessage").Select(c => c.SentMessage!.MessageChain.ToPlainText()).ToList();
        Assert.Equal(["in flight", "after"], sends);
    }
}
