using System.Buffers;
using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;

namespace MiraiClient.Benchmarks;

/// <summary>A minimal mirai-api-http responder on 127.0.0.1 for round-trip benchmarks: a hand-written
/// WebSocket upgrade over a <see cref="TcpListener"/>, the session greeting, then one reply per request
/// (<c>sendGroupMessage</c> gets a receipt, <c>about</c> a version), built in place without allocating,
/// so what a benchmark's allocation column shows is the client's.</summary>
/// <remarks>The same approach as the load test's server (pre-encoded greeting, replies from a template),
/// without ASP.NET Core, so this project keeps its one dependency.</remarks>
internal sealed class LoopbackResponder : IAsyncDisposable
{
    private static readonly byte[] Greeting = """{"syncId":"","data":{"code":0,"session":"BenchmarkSession"}}"""u8.ToArray();
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Task _accepting;

    public LoopbackResponder()
    {
        _listener.Start();
        Uri = new Uri($"ws://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    /// <summary>Gets the address clients connect to.</summary>
    public Uri Uri { get; }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            await _accepting.ConfigureAwait(false);
            Task[] running;
            lock (_connections)
            {
                running = [.. _connections];
            }

            await Task.WhenAll(running).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException or TimeoutException or WebSocketException or IOException)
        {
            // Stopping: connections end with the listener.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            socket.NoDelay = true;
            lock (_connections)
            {
                _connections.Add(Task.Run(() => ServeAsync(socket)));
            }
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        var buffer = new byte[64 * 1024];
        var output = new byte[256];
        try
        {
            await using var stream = new NetworkStream(socket, ownsSocket: true);
            if (!await UpgradeAsync(stream, buffer).ConfigureAwait(false))
            {
                return;
            }

            using var ws = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
            var ct = _stop.Token;
            await ws.SendAsync(Greeting.AsMemory(), WebSocketMessageType.Text, true, ct).ConfigureAwait(false);
            var messageId = 0;
            while (true)
            {
                var count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await ws.ReceiveAsync(buffer.AsMemory(count), ct).ConfigureAwait(false);
                    count += result.Count;
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, ct).ConfigureAwait(false);
                    return;
                }

                var length = Reply(buffer.AsSpan(0, count), output, ref messageId);
                await ws.SendAsync(output.AsMemory(0, length), WebSocketMessageType.Text, true, ct).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException or SocketException or ObjectDisposedException)
        {
            // The client or the benchmark went away.
        }
    }

    private static async Task<bool> UpgradeAsync(NetworkStream stream, byte[] buffer)
    {
        var count = 0;
        while (buffer.AsSpan(0, count).IndexOf("\r\n\r\n"u8) < 0)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(count)).ConfigureAwait(false);
            if (read == 0)
            {
                return false;
            }

            count += read;
        }

        var request = Encoding.ASCII.GetString(buffer, 0, count);
        const string header = "Sec-WebSocket-Key:";
        var start = request.IndexOf(header, StringComparison.OrdinalIgnoreCase);
        if (start < 0)
        {
            return false;
        }

        var end = request.IndexOf("\r\n", start, StringComparison.Ordinal);
        var key = request[(start + header.Length)..end].Trim();
        var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
        var response = Encoding.ASCII.GetBytes($"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n");
        await stream.WriteAsync(response).ConfigureAwait(false);
        return true;
    }

    /// <summary>Writes the reply to one request: its syncId copied back, a receipt (or an about answer).</summary>
    private static int Reply(ReadOnlySpan<byte> request, Span<byte> output, ref int messageId)
    {
        var syncId = ValueOf(request, "\"syncId\":\""u8);
        var command = ValueOf(request, "\"command\":\""u8);
        var length = 0;
        Append(output, ref length, "{\"syncId\":\""u8);
        Append(output, ref length, syncId);
        if (command.SequenceEqual("about"u8))
        {
            Append(output, ref length, "\",\"data\":{\"code\":0,\"msg\":\"\",\"data\":{\"version\":\"2.10.0\"}}}"u8);
            return length;
        }

        Append(output, ref length, "\",\"data\":{\"code\":0,\"msg\":\"success\",\"messageId\":"u8);
        Utf8Formatter.TryFormat(++messageId, output[length..], out var written);
        length += written;
        Append(output, ref length, "}}"u8);
        return length;
    }

    private static ReadOnlySpan<byte> ValueOf(ReadOnlySpan<byte> json, ReadOnlySpan<byte> prefix)
    {
        var at = json.IndexOf(prefix);
        if (at < 0)
        {
            return default;
        }

        var rest = json[(at + prefix.Length)..];
        var end = rest.IndexOf((byte)'"');
        return end < 0 ? default : rest[..end];
    }

    private static void Append(Span<byte> output, ref int length, ReadOnlySpan<byte> text)
    {
        text.CopyTo(output[length..]);
        length += text.Length;
    }
}
