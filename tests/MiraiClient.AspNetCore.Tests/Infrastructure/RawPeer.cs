using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace MiraiClient.AspNetCore.Tests.Infrastructure;

/// <summary>A bare WebSocket peer that dials an endpoint with chosen headers, records every JSON frame it receives,
/// optionally answers frames as they arrive, and sends whatever a test scripts.</summary>
internal sealed class RawPeer : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly Func<RawPeer, JsonObject, Task>? _answer;
    private readonly Channel<JsonObject> _frames = Channel.CreateUnbounded<JsonObject>();
    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly TaskCompletionSource<WebSocketCloseStatus?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _loop = Task.CompletedTask;

    private RawPeer(ClientWebSocket socket, Func<RawPeer, JsonObject, Task>? answer)
    {
        _socket = socket;
        _answer = answer;
    }

    /// <summary>Completes with the close status the server sent (null when the socket dropped without one).</summary>
    public Task<WebSocketCloseStatus?> Closed => _closed.Task;

    /// <summary>Dials; returns the upgrade's HTTP status, how long it took, and the peer when it was 101.</summary>
    public static async Task<(int Status, TimeSpan Elapsed, RawPeer? Peer)> ConnectAsync(Uri uri, IEnumerable<KeyValuePair<string, string>> headers, Func<RawPeer, JsonObject, Task>? answer = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        foreach (var (name, value) in headers)
        {
            socket.Options.SetRequestHeader(name, value);
        }

        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await socket.ConnectAsync(uri, cts.Token);
        }
        catch (WebSocketException)
        {
            var status = (int)socket.HttpStatusCode;
            socket.Dispose();
            return (status, watch.Elapsed, null);
        }

        var peer = new RawPeer(socket, answer);
        var elapsed = watch.Elapsed;
        peer._loop = Task.Run(peer.LoopAsync);
        return (101, elapsed, peer);
    }

    /// <summary>Waits for the next received frame that matches (frames before it that do not are passed over).</summary>
    public async Task<JsonObject> NextAsync(Func<JsonObject, bool> match, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var frame = await _frames.Reader.ReadAsync(cts.Token);
                if (match(frame))
                {
                    return frame;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No matching frame within {timeout.TotalSeconds:0.#} s.");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException("The socket closed before a matching frame arrived.");
        }
    }

    public async Task SendAsync(string text)
    {
        await _send.WaitAsync();
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cts.Token);
        }
        finally
        {
            _send.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            if (_socket.State == WebSocketState.Open)
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", cts.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            _socket.Abort();
        }

        await _loop.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        _socket.Dispose();
    }

    private async Task LoopAsync()
    {
        try
        {
            await JsonFrameLoop.RunAsync(_socket, 256 * 1024, _closed, async node =>
            {
                if (node is JsonObject frame)
                {
                    _frames.Writer.TryWrite(frame);
                    if (_answer is { } answer)
                    {
                        await answer(this, frame);
                    }
                }
            });
        }
        finally
        {
            _frames.Writer.TryComplete();
        }
    }
}
