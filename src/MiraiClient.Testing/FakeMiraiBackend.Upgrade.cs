using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;

namespace MiraiClient.Testing;

/// <summary>Transport: the accept loop, TLS, the hand-written HTTP parse and the WebSocket upgrade.</summary>
/// <remarks>Everything above the socket (authentication, commands, pushes) lives in the protocol part;
/// this part only decides whether a request becomes a WebSocket, an HTTP upload or a 404.</remarks>
public sealed partial class FakeMiraiBackend
{
    private const string WebSocketGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static readonly TimeSpan UpgradeTimeout = TimeSpan.FromSeconds(10);

    private async Task AcceptLoopAsync(TcpListener listener)
    {
        while (!_lifetime.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(_lifetime.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException or OperationCanceledException or InvalidOperationException)
            {
                return;
            }

            var id = Interlocked.Increment(ref _nextConnectionId);
            lock (_gate)
            {
                _acceptTimes.Add(System.Diagnostics.Stopwatch.GetElapsedTime(_startedAt));
            }

            _ = Track(ServeAsync(id, client));
        }
    }

    private async Task ServeAsync(int id, TcpClient client)
    {
        client.NoDelay = true;
        Stream transport = client.GetStream();
        using var connection = new FakeConnection(client, transport);
        _connections[id] = connection;
        try
        {
            if (_options.Certificate is { } certificate)
            {
                var tls = new System.Net.Security.SslStream(transport, leaveInnerStreamOpen: false);
                using var handshake = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token);
                handshake.CancelAfter(UpgradeTimeout);
                await tls.AuthenticateAsServerAsync(new System.Net.Security.SslServerAuthenticationOptions { ServerCertificate = certificate }, handshake.Token).ConfigureAwait(false);
                transport = tls;
            }

            var stream = new FreezableStream(transport, Gate);
            var request = await ReadUpgradeAsync(stream).ConfigureAwait(false);
            if (request is null)
            {
                return;
            }

            connection.Socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
            await RunSessionAsync(id, connection, request).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or WebSocketException or SocketException or OperationCanceledException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
        {
            // The peer went away, refused our certificate, or the backend is stopping: all end this connection quietly.
        }
        finally
        {
            _connections.TryRemove(id, out _);
            Signal();
        }
    }

    private async Task<UpgradeRequest?> ReadUpgradeAsync(Stream stream)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token);
        timeout.CancelAfter(UpgradeTimeout);
        var buffer = new byte[16 * 1024];
        var count = 0;
        int end;
        while ((end = buffer.AsSpan(0, count).IndexOf("\r\n\r\n"u8)) < 0)
        {
            if (count == buffer.Length)
            {
                return null;
            }

            var read = await stream.ReadAsync(buffer.AsMemory(count), timeout.Token).ConfigureAwait(false);
            if (read == 0)
            {
                return null;
            }

            count += read;
        }

        var lines = Encoding.ASCII.GetString(buffer, 0, end).Split("\r\n");
        var requestLine = lines[0].Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        if (requestLine.Length >= 2 && requestLine[0] == "POST")
        {
            var leftover = buffer.AsSpan(end + 4, count - end - 4).ToArray();
            await ServeHttpAsync(stream, requestLine[1], headers, leftover, timeout.Token).ConfigureAwait(false);
            return null;
        }

        if (requestLine.Length < 2 || requestLine[0] != "GET" || !headers.TryGetValue("Sec-WebSocket-Key", out var key))
        {
            await WriteNotFoundAsync(stream, timeout.Token).ConfigureAwait(false);
            return null;
        }

        var target = requestLine[1];
        var question = target.IndexOf('?', StringComparison.Ordinal);
        var path = question >= 0 ? target[..question] : target;
        var query = question >= 0 ? ParseQuery(target[(question + 1)..]) : [];
        if (ChannelOf(path) is not { } channel)
        {
            await WriteNotFoundAsync(stream, timeout.Token).ConfigureAwait(false);
            return null;
        }

        // RFC 6455 fixes SHA-1 for the accept key; it is not used for security here.
#pragma warning disable CA5350
        var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + WebSocketGuid)));
#pragma warning restore CA5350

        // debug: true installs a frame logger whose "extension" is always announced, offered or not.
        var extension = _options.Debug ? "Sec-WebSocket-Extensions: frame-log\r\n" : "";
        var response = $"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n{extension}\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(response), timeout.Token).ConfigureAwait(false);
        return new UpgradeRequest(channel, headers, query);
    }

    /// <summary>The ws adapter routes exactly <c>/all</c>, <c>/message</c> and <c>/event</c> (behind the
    /// configured prefix); anything else, <c>/all/all</c> and <c>/all/</c> included, is not routed (404).</summary>
    private PushChannel? ChannelOf(string path)
    {
        var prefix = _options.PathPrefix.TrimEnd('/');
        if (!path.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        return path[prefix.Length..] switch
        {
            "/all" => PushChannel.All,
            "/message" => PushChannel.Message,
            "/event" => PushChannel.Event,
            _ => null,
        };
    }

    private static async Task WriteNotFoundAsync(Stream stream, CancellationToken cancellationToken) =>
        await stream.WriteAsync("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);

    private static Dictionary<string, string> ParseQuery(string query)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                result[Uri.UnescapeDataString(pair[..eq])] = Uri.UnescapeDataString(pair[(eq + 1)..]);
            }
        }

        return result;
    }

    /// <summary>What the upgrade request carried: its endpoint, headers and query parameters.</summary>
    private sealed record UpgradeRequest(PushChannel Channel, Dictionary<string, string> Headers, Dictionary<string, string> Query);
}
