using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace MiraiClient.OneBot.Tests.Fake;

/// <summary>A bare WebSocket client for observing the fake implementation's wire: every frame is kept as
/// text, actions are correlated by echo by hand, nothing is retried or interpreted.</summary>
public sealed class OneBotRawClient : IAsyncDisposable
{
    public static readonly TimeSpan FrameWait = TimeSpan.FromSeconds(15);
    private readonly ClientWebSocket _socket;
    private readonly Channel<string> _frames = Channel.CreateUnbounded<string>();
    private readonly Task _reader;
    private int _nextEcho;

    private OneBotRawClient(ClientWebSocket socket, bool read)
    {
        _socket = socket;
        _reader = read ? Task.Run(ReadLoopAsync) : Task.CompletedTask;
    }

    public WebSocketState State => _socket.State;

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public string? CloseStatusDescription => _socket.CloseStatusDescription;

    /// <summary>Opens a socket to <paramref name="path"/> below the fake's address.</summary>
    public static async Task<OneBotRawClient> ConnectAsync(Uri baseUri, string path = "/", string? bearer = null, string? authorization = null, bool read = true)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (bearer is not null)
        {
            socket.Options.SetRequestHeader("Authorization", $"Bearer {bearer}");
        }

        if (authorization is not null)
        {
            socket.Options.SetRequestHeader("Authorization", authorization);
        }

        using var timeout = new CancellationTokenSource(FrameWait);
        await socket.ConnectAsync(Combine(baseUri, path), timeout.Token);
        return new OneBotRawClient(socket, read);
    }

    /// <summary>Tries to open a socket and returns the HTTP status answered (101 on success).</summary>
    public static async Task<int> UpgradeStatusAsync(Uri baseUri, string path = "/", string? authorization = null)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (authorization is not null)
        {
            socket.Options.SetRequestHeader("Authorization", authorization);
        }

        using var timeout = new CancellationTokenSource(FrameWait);
        try
        {
            await socket.ConnectAsync(Combine(baseUri, path), timeout.Token);
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
        }
        catch (WebSocketException)
        {
            // The status says why.
        }

        return (int)socket.HttpStatusCode;
    }

    public static Uri Combine(Uri baseUri, string path) => new(baseUri.ToString().TrimEnd('/') + path);

    public static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>The next frame, or <see langword="null"/> once the socket closed.</summary>
    /// <exception cref="TimeoutException">No frame came in time.</exception>
    public async Task<string?> NextFrameAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? FrameWait);
        try
        {
            return await _frames.Reader.WaitToReadAsync(cts.Token) && _frames.Reader.TryRead(out var frame) ? frame : null;
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No frame within {(timeout ?? FrameWait).TotalSeconds} s.");
        }
    }

    /// <summary>The next frame parsed; fails when the socket closed.</summary>
    public async Task<JsonElement> NextAsync(TimeSpan? timeout = null) =>
        Parse(await NextFrameAsync(timeout) ?? throw new InvalidOperationException("The socket closed."));

    /// <summary>The next frame that is not a heartbeat.</summary>
    public async Task<JsonElement> NextNonHeartbeatAsync(TimeSpan? timeout = null)
    {
        while (true)
        {
            var frame = await NextAsync(timeout);
            if (!IsMeta(frame, "heartbeat"))
            {
                return frame;
            }
        }
    }

    /// <summary>Whether a frame arrives within <paramref name="wait"/> (consumed if so).</summary>
    public async Task<string?> FrameWithinAsync(TimeSpan wait)
    {
        try
        {
            return await NextFrameAsync(wait);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    /// <summary>Reads the lifecycle frame every event socket starts with.</summary>
    public async Task<JsonElement> ExpectLifecycleAsync()
    {
        var frame = await NextAsync();
        Assert.True(IsMeta(frame, "lifecycle"), $"The first frame was not the lifecycle: {frame}");
        Assert.Equal("connect", frame.GetProperty("sub_type").GetString());
        return frame;
    }

    public static bool IsMeta(JsonElement frame, string type) =>
        frame.TryGetProperty("post_type", out var post) && post.GetString() == "meta_event"
        && frame.TryGetProperty("meta_event_type", out var meta) && meta.GetString() == type;

    public static bool IsEvent(JsonElement frame) => frame.TryGetProperty("post_type", out _);

    /// <summary>Sends an action with a fresh string echo and returns its response (events met on the way go to <paramref name="events"/>).</summary>
    public async Task<JsonElement> CallAsync(string action, string? paramsJson = "{}", List<JsonElement>? events = null)
    {
        var echo = Interlocked.Increment(ref _nextEcho).ToString(CultureInfo.InvariantCulture);
        await SendActionAsync(action, paramsJson, $"\"{echo}\"");
        while (true)
        {
            var frame = await NextAsync();
            if (IsEvent(frame))
            {
                events?.Add(frame);
                continue;
            }

            return frame;
        }
    }

    /// <summary>Sends an action frame with the given raw echo (null: no echo key).</summary>
    public Task SendActionAsync(string action, string? paramsJson = "{}", string? echoJson = null)
    {
        var builder = new StringBuilder($"{{\"action\":\"{action}\"");
        if (paramsJson is not null)
        {
            builder.Append(",\"params\":").Append(paramsJson);
        }

        if (echoJson is not null)
        {
            builder.Append(",\"echo\":").Append(echoJson);
        }

        return SendTextAsync(builder.Append('}').ToString());
    }

    /// <summary>The next frame that is a response (not an event).</summary>
    public async Task<JsonElement> NextResponseAsync(TimeSpan? timeout = null)
    {
        while (true)
        {
            var frame = await NextAsync(timeout);
            if (!IsEvent(frame))
            {
                return frame;
            }
        }
    }

    public async Task SendTextAsync(string text)
    {
        using var timeout = new CancellationTokenSource(FrameWait);
        await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
    }

    /// <summary>Waits until the socket is closed by the server (the read loop ended).</summary>
    public async Task WaitClosedAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? FrameWait);
        try
        {
            while (await _frames.Reader.WaitToReadAsync(cts.Token))
            {
                _frames.Reader.TryRead(out _);
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("The server did not close the socket in time.");
        }
    }

    /// <summary>Sends a WebSocket close and waits up to <paramref name="timeout"/> for the server's close to arrive.</summary>
    public async Task<bool> CloseHandshakeCompletesAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", cts.Token);
            return true;
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The server may already have gone.
        }

        _socket.Abort();
        await _reader.WaitAsync(TimeSpan.FromSeconds(5));
        _socket.Dispose();
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    message.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);

                await _frames.Writer.WriteAsync(Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length));
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Closed or aborted.
        }
        finally
        {
            _frames.Writer.TryComplete();
        }
    }
}
