using System.Diagnostics;
using System.Text.Json;
using MiraiClient.Testing;
using MiraiClient.Testing.OneBot;

namespace MiraiClient.OneBot.Tests.Connection;

/// <summary>Dead-peer detection (ONEBOT11 §6.2, RELIABILITY.md §7 rows 5 and 17): the implementation's own
/// heartbeats, the <c>get_status</c> probe and WebSocket pings.</summary>
/// <remarks>The bound asserted for a frozen peer is the one the mirai-api-http fault tests assert for the same
/// settings (interval + timeout + 1 s tick + 1.5 s slack), so both protocols are held to the same figure.</remarks>
public class ConnectionLivenessTests(ITestOutputHelper output) : OneBotConnectionTestBase(output)
{
    private static readonly HeartbeatOptions TwoAndTwo = new() { Interval = TimeSpan.FromSeconds(2), Timeout = TimeSpan.FromSeconds(2) };

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static TimeSpan DetectionBound(HeartbeatOptions heartbeat) => heartbeat.Interval + heartbeat.Timeout + TimeSpan.FromSeconds(1 + 1.5);

    [Fact]
    public async Task ImplementationHeartbeats_DoNotReplaceTheProbe_WhichKeepsTheConnectionAlive()
    {
        var fake = await StartFakeAsync(o => o.HeartbeatInterval = TimeSpan.FromMilliseconds(300));
        var options = FastOptions(fake.Uri);
        options.Heartbeat = new HeartbeatOptions { Interval = TimeSpan.FromSeconds(1), Timeout = TimeSpan.FromSeconds(1) };
        options.UseWebSocketPings = false;
        var connection = CreateConnection(options);
        var states = new StateRecorder(connection);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestToken);
        await using var beats = connection.GetEventsAsync<HeartbeatEvent>(cts.Token).GetAsyncEnumerator(cts.Token);
        await Within(connection.ConnectAsync(TestToken));
        var cursor = fake.ActionCursor();

        // Heartbeats prove only that the implementation writes: the get_status probe still goes out every
        // interval, and its answers (not the heartbeats) keep the connection up.
        var started = Stopwatch.GetTimestamp();
        var count = 0;
        while (Since(started) < TimeSpan.FromSeconds(4))
        {
            Assert.True(await Within(beats.MoveNextAsync().AsTask()));
            Assert.Equal(300, beats.Current.Interval);
            count++;
        }

        var probes = cursor.Received.Count(a => a.Action == "get_status");
        Output.WriteLine($"{count} heartbeats in {Since(started).TotalMilliseconds:F0} ms; probes sent and answered: {probes}");
        Assert.True(count >= 5, $"only {count} heartbeats");
        Assert.True(probes >= 2, $"only {probes} probes while heartbeats arrived");
        Assert.Equal(ConnectionState.Connected, connection.State);
        Assert.DoesNotContain(states.Changes, c => c.CurrentState == ConnectionState.Reconnecting);
    }

    [Fact]
    public async Task OneWayStall_IsDetectedWithinTheMiraiBound_WhenTheImplementationKeepsSendingHeartbeats()
    {
        // The implementation's heartbeats keep arriving while it reads nothing the client sends (its
        // reading side is stalled): the probe goes unanswered and the session ends.
        var fake = await StartFakeAsync(o => o.HeartbeatInterval = TimeSpan.FromMilliseconds(300));
        fake.Handle("never_answered", _ => ActionReply.None);
        var options = FastOptions(fake.Uri);
        options.Heartbeat = TwoAndTwo;
        options.UseWebSocketPings = false;
        options.CommandTimeout = TimeSpan.FromSeconds(60);
        var connection = CreateConnection(options);
        var states = new StateRecorder(connection);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestToken);
        var heartbeatsSeen = 0;
        var counting = Task.Run(
            async () =>
            {
                await foreach (var _ in connection.GetEventsAsync<HeartbeatEvent>(cts.Token))
                {
                    Interlocked.Increment(ref heartbeatsSeen);
                }
            },
            TestToken);
        await Within(connection.ConnectAsync(TestToken));
        var cursor = fake.ActionCursor();

        var started = Stopwatch.GetTimestamp();
        var seenAtStall = Volatile.Read(ref heartbeatsSeen);
        fake.StopReading();
        var pending = connection.CallAsync("never_answered", Json("""{"stalled":true}"""), TestToken);
        var drop = await states.WaitForStateAsync(ConnectionState.Reconnecting);
        var detected = Since(started);
        Output.WriteLine($"one-way stall (heartbeats on, pings off) detected after {detected.TotalMilliseconds:F0} ms, reason {drop.Reason}");
        Assert.Equal(DisconnectReason.HeartbeatTimeout, drop.Reason);
        Assert.True(detected <= DetectionBound(options.Heartbeat), $"took {detected}");

        // Heartbeats kept arriving during the stall: they were not mistaken for answers.
        var heartbeatsDuringStall = Volatile.Read(ref heartbeatsSeen) - seenAtStall;
        Assert.True(heartbeatsDuringStall >= 3, $"only {heartbeatsDuringStall} heartbeats reached the client");

        // The pending call fails typed with the session's end, not with its own 60 s timeout.
        var error = await Assert.ThrowsAsync<MiraiConnectionLostException>(() => Within(pending));
        Assert.Equal(DisconnectReason.HeartbeatTimeout, error.Reason);

        // Reading again, the implementation takes the reconnection; the call was never resent on it.
        fake.ResumeReading();
        var back = await states.WaitForStateAsync(ConnectionState.Connected, skip: 1);
        Assert.Equal(ConnectionState.Connected, back.CurrentState);
        Assert.Equal(fake.SelfId, (await Within(connection.System.GetLoginInfoAsync(TestToken))).UserId);
        var last = cursor.Received[^1];
        Assert.Equal("get_login_info", last.Action);
        Assert.DoesNotContain(cursor.Received, a => a.Action == "never_answered" && a.ConnectionId == last.ConnectionId);
        Assert.True(cursor.Received.Count(a => a.Action == "never_answered") <= 1);
        await cts.CancelAsync();
        await counting.WaitAsync(Bound, TestToken).ContinueWith(_ => { }, TestToken, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    // A freeze of the client's direction alone leaves the implementation's heartbeats flowing: they prove only
    // that it writes, so the probe still goes out and its silence is detected.
    [Theory]
    [InlineData(false, RelayDirection.ClientToServer, true)]
    [InlineData(true, RelayDirection.Both, true)]
    [InlineData(false, RelayDirection.Both, true)]
    [InlineData(false, RelayDirection.ServerToClient, true)]
    [InlineData(false, RelayDirection.ClientToServer, false)]
    public async Task FrozenPeerBehindTheRelay_IsDetectedWithinTheMiraiBound_AndRecovered(bool webSocketPings, RelayDirection direction, bool heartbeats)
    {
        var fake = await StartFakeAsync(o => o.HeartbeatInterval = heartbeats ? TimeSpan.FromSeconds(1) : TimeSpan.Zero);
        var relay = Track(FaultRelay.Start(fake.Port, seed: 11));
        var options = FastOptions(relay.Uri);
        options.Heartbeat = TwoAndTwo;
        options.UseWebSocketPings = webSocketPings;
        var connection = CreateConnection(options);
        var states = new StateRecorder(connection);
        await Within(connection.ConnectAsync(TestToken));

        var started = Stopwatch.GetTimestamp();
        relay.Freeze(direction);
        var drop = await states.WaitForStateAsync(ConnectionState.Reconnecting);
        var detected = Since(started);
        Output.WriteLine($"relay freeze ({direction}, pings {(webSocketPings ? "on" : "off")}, heartbeats {(heartbeats ? "on" : "off")}) detected after {detected.TotalMilliseconds:F0} ms, reason {drop.Reason}");
        Assert.Equal(DisconnectReason.HeartbeatTimeout, drop.Reason);
        Assert.True(detected <= DetectionBound(options.Heartbeat), $"took {detected}");

        relay.Thaw();
        await states.WaitForStateAsync(ConnectionState.Connected, skip: 1);
        Assert.Equal(fake.SelfId, (await Within(connection.System.GetLoginInfoAsync(TestToken))).UserId);
    }

    [Fact]
    public async Task FrozenImplementation_IsDetectedWithinTheMiraiBound_AndRecoveredWhenItThaws()
    {
        var fake = await StartFakeAsync(o => o.HeartbeatInterval = TimeSpan.FromSeconds(1));
        var options = FastOptions(fake.Uri);
        options.Heartbeat = TwoAndTwo;
        var connection = CreateConnection(options);
        var states = new StateRecorder(connection);
        await Within(connection.ConnectAsync(TestToken));

        var started = Stopwatch.GetTimestamp();
        fake.Freeze();
        var drop = await states.WaitForStateAsync(ConnectionState.Reconnecting);
        var detected = Since(started);
        Output.WriteLine($"frozen implementation (pings on) detected after {detected.TotalMilliseconds:F0} ms, reason {drop.Reason}");
        Assert.Equal(DisconnectReason.HeartbeatTimeout, drop.Reason);
        Assert.True(detected <= DetectionBound(options.Heartbeat), $"took {detected}");

        fake.Thaw();
        await states.WaitForStateAsync(ConnectionState.Connected, skip: 1);
    }

    [Fact]
    public async Task NoHeartbeatsAtAll_StillWorks_IsProbed_AndAFreezeIsDetected()
    {
        // ONEBOT11 §6.1: NapCat with heartInterval 0, or clients on /api, never get a heartbeat event.
        var fake = await StartFakeAsync(o => o.HeartbeatInterval = TimeSpan.Zero);
        var options = FastOptions(fake.Uri);
        options.Heartbeat = new HeartbeatOptions { Interval = TimeSpan.FromSeconds(1), Timeout = TimeSpan.FromSeconds(2) };
        options.UseWebSocketPings = false;
        var connection = CreateConnection(options);
        var states = new StateRecorder(connection);
        await Within(connection.ConnectAsync(TestToken));
        var cursor = fake.ActionCursor();

        // Idle, the connection supervises itself with get_status probes, which the implementation answers.
        for (var i = 0; i < 3; i++)
        {
            await cursor.NextAsync("get_status", Bound);
        }

        Assert.Equal(ConnectionState.Connected, connection.State);
        Assert.DoesNotContain(states.Changes, c => c.CurrentState == ConnectionState.Reconnecting);
        Assert.Equal(fake.SelfId, (await Within(connection.System.GetLoginInfoAsync(TestToken))).UserId);

        var started = Stopwatch.GetTimestamp();
        fake.Freeze();
        var drop = await states.WaitForStateAsync(ConnectionState.Reconnecting);
        var detected = Since(started);
        Output.WriteLine($"no heartbeats, probe only: freeze detected after {detected.TotalMilliseconds:F0} ms");
        Assert.Equal(DisconnectReason.HeartbeatTimeout, drop.Reason);
        Assert.True(detected <= DetectionBound(options.Heartbeat), $"took {detected}");
        fake.Thaw();
        await states.WaitForStateAsync(ConnectionState.Connected, skip: 1);
    }

    [Fact]
    public async Task BlockedSubscriber_DoesNotStopTheHeartbeat()
    {
        var fake = await StartFakeAsync(o => o.HeartbeatInterval = TimeSpan.Zero);
        var options = FastOptions(fake.Uri);
        options.Heartbeat = new HeartbeatOptions { Interval = TimeSpan.FromSeconds(1), Timeout = TimeSpan.FromSeconds(1) };
        var connection = CreateConnection(options);
        var states = new StateRecorder(connection);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestToken);
        await using var events = connection.GetEventsAsync<GroupMessageEvent>(cts.Token).GetAsyncEnumerator(cts.Token);
        var connect = connection.ConnectAsync(TestToken);
        await Within(connect);
        var cursor = fake.ActionCursor();

        // Nobody reads the subscription for several heartbeat timeouts; probes are still sent and answered,
        // and the connection stays up.
        for (var i = 0; i < 50; i++)
        {
            await fake.PushGroupMessageAsync(100100, 1, $"unread {i}");
        }

        for (var i = 0; i < 4; i++)
        {
            await cursor.NextAsync("get_status", Bound);
        }

        Assert.Equal(ConnectionState.Connected, connection.State);
        Assert.DoesNotContain(states.Changes, c => c.CurrentState == ConnectionState.Reconnecting);
        Assert.True(await Within(events.MoveNextAsync().AsTask()));
        Assert.Equal("unread 0", events.Current.Message.ToPlainText());
    }
}
