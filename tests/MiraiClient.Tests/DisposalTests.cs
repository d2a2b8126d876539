using System.Net;
using System.Net.Sockets;
using MiraiClient.Tests.Infrastructure;

namespace MiraiClient.Tests;

/// <summary>DisposeAsync must finish within its bound (5 s by default) in every state.</summary>
public class DisposalTests(ITestOutputHelper output) : ConnectionTestBase(output)
{
    private static readonly TimeSpan DisposeBound = TimeSpan.FromSeconds(5);

    private async Task<TimeSpan> DisposeAndMeasureAsync(MiraiConnection connection, string state)
    {
        var elapsed = await TimeAsync(() => connection.DisposeAsync().AsTask().WaitAsync(DisposeBound + TimeSpan.FromSeconds(5), TestToken));
        Output.WriteLine($"dispose while {state}: {elapsed.TotalMilliseconds:F0} ms");
        Assert.True(elapsed <= DisposeBound, $"Dispose while {state} took {elapsed}.");
        Assert.Equal(ConnectionState.Disposed, connection.State);
        return elapsed;
    }

    [Fact]
    public async Task NeverStarted()
    {
        var connection = CreateConnection(FastOptions(new Uri("ws://127.0.0.1:1")));
        await DisposeAndMeasureAsync(connection, "never started");
    }

    [Fact]
    public async Task ConnectingToAServerThatAcceptsButNeverAnswers()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var options = FastOptions(new Uri($"ws://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}"));
        options.ConnectTimeout = TimeSpan.FromSeconds(60);
        var connection = CreateConnection(options);
        var connect = StartConnecting(connection);
        using var held = await listener.AcceptTcpClientAsync(TestToken);
        await Task.Delay(200, TestToken);
        Assert.Equal(ConnectionState.Connecting, connection.State);
        await DisposeAndMeasureAsync(connection, "connecting (accept-and-hold)");
        await Assert.ThrowsAsync<ObjectDisposedException>(() => connect.WaitAsync(Bound, TestToken));
    }

    [Fact]
    public async Task WaitingForTheHandshake()
    {
        var backend = await StartBackendAsync();
        backend.SendHandshake = false;
        var options = FastOptions(backend.Uri);
        options.HandshakeTimeout = TimeSpan.FromSeconds(60);
        var connection = CreateConnection(options);
        _ = StartConnecting(connection);
        await backend.WaitForHandshakesAsync(1);
        await DisposeAndMeasureAsync(connection, "waiting for the handshake");
    }

    [Fact]
    public async Task SleepingInBackoff()
    {
        var backend = await StartBackendAsync();
        backend.StopListening();
        var options = FastOptions(backend.Uri);
        options.Reconnect = new ReconnectOptions { FirstRetryMaxDelay = TimeSpan.FromSeconds(30), BaseDelay = TimeSpan.FromSeconds(30), MaxDelay = TimeSpan.FromSeconds(30) };
        var connection = CreateConnection(options, random: () => 0.99);
        var states = new StateRecorder(connection);
        _ = StartConnecting(connection);
        await states.WaitForAsync(c => c.RetryDelay > TimeSpan.FromSeconds(20));
        await DisposeAndMeasureAsync(connection, "sleeping in a 30 s backoff");
    }

    [Fact]
    public async Task ConnectedAndIdle_ClosesPolitely()
    {
        var backend = await StartBackendAsync();
        var connection = CreateConnection(FastOptions(backend.Uri));
        await Within(connection.ConnectAsync(TestToken));
        var elapsed = await DisposeAndMeasureAsync(connection, "connected and idle");
        Assert.True(elapsed < TimeSpan.FromSeconds(2), "a polite close to a live server is quick");
        await backend.WaitForConnectionCountAsync(0);
    }

    [Fact]
    public async Task ConnectedWithASendBlockedOnAFrozenPeer()
    {
        var backend = await StartBackendAsync();
        var options = FastOptions(backend.Uri);
        options.Heartbeat.Interval = TimeSpan.FromSeconds(60);
        options.CommandTimeout = TimeSpan.FromSeconds(60);
        options.MaxMessageSize = 64 * 1024 * 1024;
        var connection = CreateConnection(options);
        await Within(connection.ConnectAsync(TestToken));
        backend.Freeze();

        // Far more than the socket buffers hold, so the write blocks.
        var big = new string('x', 32 * 1024 * 1024);
        var send = connection.SendFriendMessageAsync(1, big, cancellationToken: TestToken);
        var second = connection.SendFriendMessageAsync(1, "queued behind it", cancellationToken: TestToken);
        await Task.Delay(500, TestToken);
        Assert.False(send.IsCompleted);
        await DisposeAndMeasureAsync(connection, "a send is blocked on a frozen peer");
        await Assert.ThrowsAnyAsync<MiraiException>(() => send.WaitAsync(Bound, TestToken));
        await Assert.ThrowsAnyAsync<MiraiException>(() => second.WaitAsync(Bound, TestToken));
        backend.Thaw();
    }

    [Fact]
    public async Task WithASlowSubscriber()
    {
        var backend = await StartBackendAsync();
        var options = FastOptions(backend.Uri);
        options.EventBufferCapacity = 2;
        var connection = CreateConnection(options);
        var events = connection.GetEventsAsync(TestToken).GetAsyncEnumerator(TestToken);
        await Within(connection.ConnectAsync(TestToken));
        for (var i = 0; i < 10; i++)
        {
            await backend.PushFriendMessageAsync(1, "x");
        }

        await DisposeAndMeasureAsync(connection, "a subscriber is slow");

        // The subscription drains what it buffered, then ends.
        var remaining = 0;
        while (await events.MoveNextAsync().AsTask().WaitAsync(Bound, TestToken))
        {
            remaining++;
        }

        Assert.InRange(remaining, 0, 2);
        await events.DisposeAsync();
    }

    [Fact]
    public async Task FromInsideAnEventHandler()
    {
        var backend = await StartBackendAsync();
        var connection = CreateConnection(FastOptions(backend.Uri));
        var events = connection.GetEventsAsync(TestToken);
        await Within(connection.ConnectAsync(TestToken));
        var handler = Task.Run(async () =>
        {
            await foreach (var unused in events)
            {
                return await TimeAsync(() => connection.DisposeAsync().AsTask());
            }

            return TimeSpan.MaxValue;
        }, TestToken);
        await backend.PushFriendMessageAsync(1, "dispose please");
        var elapsed = await Within(handler);
        Output.WriteLine($"dispose from an event handler: {elapsed.TotalMilliseconds:F0} ms");
        Assert.True(elapsed <= DisposeBound);
        Assert.Equal(ConnectionState.Disposed, connection.State);
    }

    [Fact]
    public async Task FromInsideAStateChangedHandler()
    {
        var backend = await StartBackendAsync();
        var connection = CreateConnection(FastOptions(backend.Uri));
        var disposed = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.StateChanged += async (_, e) =>
        {
            if (e.CurrentState == ConnectionState.Connected)
            {
                disposed.TrySetResult(await TimeAsync(() => connection.DisposeAsync().AsTask()));
            }
        };
        await Within(connection.ConnectAsync(TestToken));
        var elapsed = await Within(disposed.Task);
        Output.WriteLine($"dispose from a state handler: {elapsed.TotalMilliseconds:F0} ms");
        Assert.True(elapsed <= DisposeBound);
    }

    [Fact]
    public async Task TwiceAndConcurrently()
    {
        var backend = await StartBackendAsync();
        var connection = CreateConnection(FastOptions(backend.Uri));
        await Within(connection.ConnectAsync(TestToken));
        var elapsed = await TimeAsync(() => Task.WhenAll(Enumerable.Range(0, 8).Select(_ => connection.DisposeAsync().AsTask())).WaitAsync(Bound, TestToken));
        Output.WriteLine($"8 concurrent disposals: {elapsed.TotalMilliseconds:F0} ms");
        Assert.True(elapsed <= DisposeBound);
        await DisposeAndMeasureAsync(connection, "already disposed");
    }

    [Fact]
    public async Task CallsAfterDisposal_FailWithObjectDisposedException()
    {
        var backend = await StartBackendAsync();
        var connection = CreateConnection(FastOptions(backend.Uri));
        await Within(connection.ConnectAsync(TestToken));
        await connection.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => connection.ConnectAsync(TestToken));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => connection.RunAsync(TestToken));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => connection.AboutAsync(TestToken));
        Assert.Throws<ObjectDisposedException>(() => connection.GetEventsAsync(TestToken));
    }

    [Fact]
    public async Task CommandWaitingForTheConnection_FailsWhenDisposed()
    {
        var backend = await StartBackendAsync();
        backend.StopListening();
        var connection = CreateConnection(FastOptions(backend.Uri));
        _ = StartConnecting(connection);
        var waiting = connection.AboutAsync(TestToken);
        await Task.Delay(200, TestToken);
        await DisposeAndMeasureAsync(connection, "a command waits for the connection");
        var error = await Assert.ThrowsAnyAsync<Exception>(() => waiting.WaitAsync(Bound, TestToken));
        Assert.True(error is MiraiConnectionException or ObjectDisposedException, error.ToString());
    }
}
