using System.Diagnostics;
using MiraiClient.Tests.Infrastructure;

namespace MiraiClient.Tests.Seam;

/// <summary>
/// The protocol seam, proven with a protocol that exists only here: the same engine that runs
/// mirai-api-http connects, handshakes, delivers events, correlates requests, fails requests in flight
/// when the socket drops (never resending them), detects a frozen peer with its heartbeat, reconnects with
/// its backoff, stops for good on a fatal handshake and disposes within its bound, without a line of it
/// knowing the protocol.
/// </summary>
public sealed class ProtocolSeamTests(ITestOutputHelper output) : ConnectionTestBase(output)
{
    private async Task<(TinyServer Server, TinyConnection Connection)> StartAsync(Action<TinyOptions>? configure = null)
    {
        var server = Track(await TinyServer.StartAsync());
        var options = new TinyOptions();
        configure?.Invoke(options);
        var connection = Track(new TinyConnection(server.Uri, "secret-tiny-key", options, LoggerFactory.CreateLogger("Tiny")));
        return (server, connection);
    }

    [Fact]
    public async Task TinyProtocol_ConnectsDeliversEventsAndAnswersCalls_OnTheUnchangedEngine()
    {
        var (server, connection) = await StartAsync();
        var events = connection.Core.GetEventsAsync<TinyEvent>(TestToken);
        await Within(connection.Core.ConnectAsync(TestToken));
        Assert.Equal(ConnectionState.Connected, connection.Core.State);

        await server.PushAsync("first");
        await server.PushAsync("second");
        var received = new List<string>();
        await foreach (var item in events.WithCancellation(TestToken))
        {
            received.Add(item.Name);
            if (received.Count == 2)
            {
                break;
            }
        }

        Assert.Equal(["first", "second"], received);

        // Replies are matched by id even when they come back out of order.
        server.ReplyDelay = TimeSpan.FromMilliseconds(50);
        var calls = Enumerable.Range(0, 20).Select(i => connection.EchoAsync($"call {i}", TestToken)).ToArray();
        var answers = await Within(Task.WhenAll(calls));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"call {i}"), answers);
    }

    [Fact]
    public async Task TinyProtocol_DroppedSocket_FailsTheCallInFlightTypedAndNeverResendsIt()
    {
        var (server, connection) = await StartAsync();
        await Within(connection.Core.ConnectAsync(TestToken));
        server.ReplyDelay = TimeSpan.FromSeconds(30);
        var call = connection.EchoAsync("in flight", TestToken);
        await WaitUntilAsync(() => server.Calls == 1);

        server.AbortAll();
        var error = await Assert.ThrowsAsync<MiraiConnectionLostException>(() => call.WaitAsync(Bound, TestToken));
        Assert.Contains("not resent", error.Message, StringComparison.Ordinal);

        // The engine reconnects by itself; the call was not sent again on the new socket.
        server.ReplyDelay = TimeSpan.Zero;
        await WaitUntilAsync(() => server.Accepted == 2 && connection.Core.State == ConnectionState.Connected);
        Assert.Equal("after", await Within(connection.EchoAsync("after", TestToken)));
        Assert.Equal(2, server.Calls);
    }

    [Fact]
    public async Task TinyProtocol_FrozenPeer_IsDetectedByTheHeartbeatProbe_AndReconnected()
    {
        var (server, connection) = await StartAsync(o => o.Heartbeat = new HeartbeatOptions { Interval = TimeSpan.FromMilliseconds(500), Timeout = TimeSpan.FromMilliseconds(500) });
        var changes = new List<ConnectionStateChangedEventArgs>();
        connection.Core.StateChanged += (_, e) =>
        {
            lock (changes)
            {
                changes.Add(e);
            }
        };
        await Within(connection.Core.ConnectAsync(TestToken));

        server.Frozen = true;
        var frozenAt = Stopwatch.StartNew();
        await WaitUntilAsync(() =>
        {
            lock (changes)
            {
                return changes.Any(c => c.Reason == DisconnectReason.HeartbeatTimeout);
            }
        });
        Output.WriteLine($"frozen peer noticed after {frozenAt.ElapsedMilliseconds} ms (interval 500 ms + timeout 500 ms)");
        Assert.True(frozenAt.Elapsed < TimeSpan.FromSeconds(10));

        server.Frozen = false;
        await WaitUntilAsync(() => connection.Core.State == ConnectionState.Connected && server.Accepted >= 2);
    }

    [Fact]
    public async Task TinyProtocol_RejectedHandshake_StopsForGood_AndDisposalIsBounded()
    {
        var (server, connection) = await StartAsync();
        server.Welcome = false;
        var error = await Assert.ThrowsAsync<MiraiConnectionException>(() => connection.Core.ConnectAsync(TestToken).WaitAsync(Bound, TestToken));
        Assert.Equal(DisconnectReason.HandshakeRejected, error.Reason);
        Assert.Equal(ConnectionState.Faulted, connection.Core.State);

        var watch = Stopwatch.StartNew();
        await connection.DisposeAsync();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
        Assert.Equal(ConnectionState.Disposed, connection.Core.State);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => connection.EchoAsync("late", TestToken));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < Bound, "The condition did not hold within the bound.");
            await Task.Delay(20, TestToken);
        }
    }
}
