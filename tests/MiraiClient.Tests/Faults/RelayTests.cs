using System.Diagnostics;
using MiraiClient.Testing;
using MiraiClient.Tests.Infrastructure;

namespace MiraiClient.Tests.Faults;

/// <summary>Network faults injected by <see cref="FaultRelay"/> between the client and the fake backend.</summary>
// Mostly waits on a slow link; touches nothing process-wide.
[Collection(RunsBeside.Relay)]
public class RelayTests(ITestOutputHelper output) : ConnectionTestBase(output)
{
    private async Task<(FakeMiraiBackend Backend, FaultRelay Relay)> StartAsync()
    {
        var backend = await StartBackendAsync();
        var relay = Track(FaultRelay.Start(backend.Port, seed: 7));
        return (backend, relay);
    }

    [Fact]
    public async Task SlowLossyLink_500msLatency_ByteSlicing_16kBps_HasNoSpuriousReconnects_AndReassemblesLargeFrames()
    {
        var (backend, relay) = await StartAsync();
        relay.Latency = TimeSpan.FromMilliseconds(500);
        relay.Jitter = TimeSpan.FromMilliseconds(100);
        relay.SliceBytes = true;
        relay.BytesPerSecond = 16 * 1024;
        var options = FastOptions(relay.Uri);
        options.Heartbeat = new HeartbeatOptions { Interval = TimeSpan.FromSeconds(2), Timeout = TimeSpan.FromSeconds(4) };
        options.ConnectTimeout = TimeSpan.FromSeconds(10);
        options.HandshakeTimeout = TimeSpan.FromSeconds(10);
        options.CommandTimeout = TimeSpan.FromSeconds(20);
        var connection = CreateConnection(options);
        var states = new StateRecorder(connection);
        var events = connection.GetEventsAsync<FriendMessage>(TestToken).GetAsyncEnumerator(TestToken);
        await Within(connection.ConnectAsync(TestToken), TimeSpan.FromSeconds(30));

        var started = Stopwatch.GetTimestamp();
        var big = string.Concat(Enumerable.Repeat("慢", 20_000));
        await backend.PushFriendMessageAsync(1, big);
        for (var i = 0; i < 5; i++)
        {
            await Within(connection.SendGroupMessageAsync(1, $"over a slow link {i}", cancellationToken: TestToken), TimeSpan.FromSeconds(30));
        }

        Assert.True(await Within(events.MoveNextAsync().AsTask(), TimeSpan.FromSeconds(30)));
        Assert.Equal(big, events.Current.MessageChain.ToPlainText());
        await Task.Delay(TimeSpan.FromSeconds(6), TestToken);
        Output.WriteLine($"slow link: a {big.Length * 3 / 1024} KiB frame and 5 commands in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s; {backend.HandshakeCount} handshake(s); states: {string.Join(", ", states.Changes)}");
        Assert.Equal(1, backend.HandshakeCount);
        Assert.DoesNotContain(states.Changes, c => c.CurrentState == ConnectionState.Reconnecting);
        await events.DisposeAsync();
    }

    [Fact]
    public async Task SwallowedReply_TimesOutThatCommandOnly_TheConnectionStays()
    {
        var (backend, relay) = await StartAsync();
        backend.Handle("recall", _ => CommandReply.Data("""{"code":0,"msg":"swallow-me"}"""));
        relay.DropServerFrame = frame => frame.Opcode == 1 && frame.Text.Contains("swallow-me", StringComparison.Ordinal);
        var options = FastOptions(relay.Uri);
        options.CommandTimeout = TimeSpan.FromSeconds(3);
        var connection = CreateConnection(options);
        await Within(connection.ConnectAsync(TestToken));
        await Assert.ThrowsAsync<MiraiTimeoutException>(() => Within(connection.RecallAsync(1, 2, TestToken)));
        Assert.Equal("2.10.0", (await Within(connection.AboutAsync(TestToken))).Version);
        Assert.Equal(1, backend.HandshakeCount);
    }

    [Fact]
    public async Task OneWayFreeze_ClientToServer_IsDetectedByTheHeartbeat()
    {
        var (backend, relay) = await StartAsync();
        var options = FastOptions(relay.Uri);
        options.UseWebSocketPings = false;
        var connection = CreateConnection(options);
        var states = new StateRecorder(connection);
        await Within(connection.ConnectAsync(TestToken));
        var started = Stopwatch.GetTimestamp();
        relay.Freeze(RelayDirection.ClientToServer);
        var drop = await states.WaitForStateAsync(ConnectionState.Reconnecting, TimeSpan.FromSeconds(10));
        Output.WriteLine($"one-way freeze detected after {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms");
        Assert.Equal(DisconnectReason.HeartbeatTimeout, drop.Reason);
        relay.Thaw();
        await states.WaitForStateAsync(ConnectionState.Connected, TimeSpan.FromSeconds(15), skip: 1);
    }

    [Fact]
    public async Task AcceptAndHold_EachAttemptIsBoundedByTheConnectTimeout()
    {
        var (_, relay) = await StartAsync();
        relay.HoldNewConnections = true;
        var options = FastOptions(relay.Uri);
        options.ConnectTimeout = TimeSpan.FromMilliseconds(800);
        var connection = CreateConnection(options);
        var states = new StateRecorder(connection);
        _ = StartConnecting(connection);
        var first = await states.WaitForAsync(c => c.RetryDelay is not null);
        Assert.Equal(DisconnectReason.ConnectTimeout, first.Reason);
        relay.HoldNewConnections = false;
        await states.WaitForStateAsync(ConnectionState.Connected, TimeSpan.FromSeconds(15));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ResetOrFinWithoutAWebSocketClose_IsATransportError_AndReconnects(bool reset)
    {
        var (_, relay) = await StartAsync();
        var connection = CreateConnection(FastOptions(relay.Uri));
        var states = new StateRecorder(connection);
        await Within(connection.ConnectAsync(TestToken));
        if (reset)
        {
            relay.ResetConnections();
        }
        else
        {
            relay.CloseConnections();
        }

        var drop = await states.WaitForStateAsync(ConnectionState.Reconnecting);
        Assert.Equal(DisconnectReason.TransportError, drop.Reason);
        await states.WaitForStateAsync(ConnectionState.Connected, skip: 1);
        Assert.Equal(2, relay.AcceptTimes.Count);
    }

    [Fact]
    public async Task RefusingRelay_IsRetriedUntilItAcceptsAgain()
    {
        var (_, relay) = await StartAsync();
        relay.StopListening();
        var connection = CreateConnection(FastOptions(relay.Uri));
        var states = new StateRecorder(connection);
        var connect = StartConnecting(connection);
        await states.WaitForAsync(c => c.Attempt >= 3);
        relay.StartListening();
        await Within(connect);
    }

    [Fact]
    public async Task CommandsQueuedBehindAStuckWrite_GoOutInOrder_AndOneCancelledBeforeItsTurnIsNeverWritten()
    {
        var (backend, relay) = await StartAsync();
        var options = FastOptions(relay.Uri);
        options.UseWebSocketPings = false;
        options.Heartbeat = new HeartbeatOptions { Interval = TimeSpan.FromSeconds(60), Timeout = TimeSpan.FromSeconds(60) };
        options.CommandTimeout = TimeSpan.FromSeconds(60);
        var connection = CreateConnection(options);
        await Within(connection.ConnectAsync(TestToken));

        // 100 frames of 256 KiB: far more than the loopback socket buffers hold, so while the relay
        // reads nothing the writer is stuck and the last frames are still queued in the client.
        relay.Freeze(RelayDirection.ClientToServer);
        var padding = new string('x', 256 * 1024);
        const int Count = 100;
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(TestToken);
        var sends = new List<Task<int>>();
        for (var i = 0; i < Count; i++)
        {
            var token = i == Count - 2 ? abandon.Token : TestToken;
            sends.Add(connection.SendGroupMessageAsync(1, $"{i:D3} {padding}", cancellationToken: token));
        }

        await Task.Delay(200, TestToken);
        Assert.DoesNotContain(sends, s => s.IsCompleted);
        abandon.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Within(sends[Count - 2]));

        relay.Thaw();
        for (var i = 0; i < Count; i++)
        {
            if (i != Count - 2)
            {
                Assert.True(await Within(sends[i], TimeSpan.FromSeconds(60)) > 0);
            }
        }

        var arrived = backend.ReceivedCommands
            .Where(c => c.Command == "sendGroupMessage")
            .Select(c => int.Parse(c.Content.GetProperty("messageChain")[0].GetProperty("text").GetString()![..3], System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        Assert.Equal(Enumerable.Range(0, Count).Where(i => i != Count - 2), arrived);
        Assert.Equal(ConnectionState.Connected, connection.State);
    }
}
