using System.Diagnostics;
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

    private static TimeSpan DetectionBound(HeartbeatOptions heartbeat) => heartbeat.Interval + heartbeat.Timeout + TimeSpan.FromSeconds(1 + 1.5);

    [Fact]
    public async Task ImplementationHeartbeats_KeepTheConnectionAlive_WithoutProbes_AndTheirStopIsDetected()
    {
        var fake = await StartFakeAsync(o => o.HeartbeatInterval = TimeSpan.FromMilliseconds(300));

        // A probe would go unanswered and end the session: only the heartbeats can keep it alive.
        fake.Handle("get_status", _ => ActionReply.None);
        var options = FastOptions(fake.Uri);
        options.Heartbeat = new HeartbeatOptions { Interval = TimeSpan.FromSeconds(1), Timeout = TimeSpan.FromSeconds(1) };
        options.UseWebSocketPings = false;
        var connection = CreateConnection(options);
        var states = new StateRecorder(connection);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestToken);
        await using var beats = connection.GetEventsAsync<HeartbeatEvent>(cts.Token).GetAsyncEnumerator(cts.Token);
        await Within(connection.ConnectAsync(TestToken));
        var cursor = fake.ActionCursor();

        // Four heartbeat intervals' worth of the client's silence allowance, measured in heartbeats received.
        var started = Stopwatch.GetTimestamp();
        var count = 0;
        while (Since(started) < TimeSpan.FromSeconds(4))
        {
            Assert.True(await Within(beats.MoveNextAsync().AsTask()));
            Assert.Equal(300, beats.Current.Interval);
            count++;
        }

        Output.WriteLine($"{count} heartbeats in {Since(started).TotalMilliseconds:F0} ms; probes sent: {cursor.Received.Count(a => a.Action == "get_status")}");
        Assert.Equal(ConnectionState.Connected, connection.State);
        Assert.DoesNotContain(states.Changes, c => c.CurrentState == ConnectionState.Reconnecting);
        Assert.DoesNotContain(cursor.Received, a => a.Action == "get_status");

        started = Stopwatch.GetTimestamp();
        fake.StopHeartbeats();
        var drop = await states.WaitForStateAsync(ConnectionState.Reconnecting);
        var detected = Since(started);
        Output.WriteLine($"heartbeats stopped, probe unanswered: detected after {detected.TotalMilliseconds:F0} ms");
        Assert.Equal(DisconnectReason.HeartbeatTimeout, drop.Reason);
        Assert.True(detected <= DetectionBound(options.Heartbeat), $"took {detected}");
        Assert.Equal("get_status", (await cursor.NextAsync("get_status")).Action);
    }

    // A one-way freeze of the client's direction is only visible while the implementation sends no heartbeats:
    // its heartbeats count as proof of life, so the probe is never sent (see docs/onebot-coverage.md).
    [Theory]
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
