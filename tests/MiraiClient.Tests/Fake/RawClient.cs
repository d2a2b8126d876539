using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace MiraiClient.Tests.Fake;

/// <summary>A bare WebSocket client for observing the fake backend's wire shapes: every frame is kept
/// as text, commands are correlated by sync id by hand, and nothing is retried or interpreted.</summary>
internal sealed class RawClient : IAsyncDisposable
{
    public static readonly TimeSpan FrameWait = TimeSpan.FromSeconds(10);
    private readonly ClientWebSocket _socket;
    private readonly Channel<string> _frames = Channel.CreateUnbounded<string>();
    private readonly Task _reader;
    private int _nextSyncId;

    private RawClient(ClientWebSocket socket)
    {
        _socket = socket;
        _reader = Task.Run(ReadLoopAsync);
    }

    public WebSocketState State => _socket.State;

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public IReadOnlyDictionary<string, IEnumerable<string>>? ResponseHeaders => _socket.HttpResponseHeaders;

    /// <summary>Opens a socket; the first frame (the handshake result) is left for <see cref="NextFrameAsync"/>.</summary>
    public static async Task<RawClient> ConnectAsync(Uri baseUri, string path = "/all", long? qq = 10001, string? verifyKey = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (qq is { } number)
        {
            socket.Options.SetRequestHeader("qq", number.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (verifyKey is not null)
        {
            socket.Options.SetRequestHeader("verifyKey", verifyKey);
        }

        using var timeout = new CancellationTokenSource(FrameWait);
        await socket.ConnectAsync(new Uri(baseUri.ToString().TrimEnd('/') + path), timeout.Token);
        return new RawClient(socket);
    }

    /// <summary>Tries to open a socket and returns the HTTP status the server answered (101 on success).</summary>
    public static async Task<int> UpgradeStatusAsync(Uri baseUri, string path)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("qq", "10001");
        using var timeout = new CancellationTokenSource(FrameWait);
        try
        {
            await socket.ConnectAsync(new Uri(baseUri.ToString().TrimEnd('/') + path), timeout.Token);
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
        }
        catch (WebSocketException)
        {
            // The status says why.
        }

        return (int)socket.HttpStatusCode;
    }

    /// <summary>Opens a socket and returns its handshake frame, parsed.</summary>
    public static async Task<(RawClient Client, JsonElement Handshake)> ConnectAndReadHandshakeAsync(Uri baseUri, string path = "/all", long? qq = 10001, string? verifyKey = null)
    {
        var client = await ConnectAsync(baseUri, path, qq, verifyKey);
        var frame = await client.NextFrameAsync() ?? throw new InvalidOperationException("The socket closed before the handshake frame.");
        return (client, Parse(frame));
    }

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

    /// <summary>Sends a command and returns the next frame that is not an event push: its reply (with
    /// the sync id) or, for old servers, a bare status. Events met on the way are returned in <paramref name="events"/>.</summary>
    public async Task<JsonElement> CommandAsync(string command, string? contentJson = "{}", string? subCommand = null, List<JsonElement>? events = null)
    {
        var syncId = Interlocked.Increment(ref _nextSyncId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var sub = subCommand is null ? "null" : $"\"{subCommand}\"";
        await SendTextAsync($$"""{"syncId":"{{syncId}}","command":"{{command}}","subCommand":{{sub}},"content":{{contentJson ?? "null"}}}""");
        while (true)
        {
            var frame = await NextFrameAsync() ?? throw new InvalidOperationException($"The socket closed before '{command}' was answered.");
            var parsed = Parse(frame);
            if (parsed.TryGetProperty("syncId", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() == "-1")
            {
                events?.Add(parsed);
                continue;
            }

            return parsed;
        }
    }

    /// <summary>Sends a command and returns the <c>data</c> of its reply.</summary>
    public async Task<JsonElement> DataAsync(string command, string? contentJson = "{}", string? subCommand = null)
    {
        var reply = await CommandAsync(command, contentJson, subCommand);
        Assert.True(reply.TryGetProperty("data", out var data), $"'{command}' got no enveloped reply: {reply}");
        return data;
    }

    public async Task SendTextAsync(string text)
    {
        using var timeout = new CancellationTokenSource(FrameWait);
        await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
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
