using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;

namespace MiraiClient.Testing.OneBot;

/// <summary>Forward transport: the accept loop, the hand-written HTTP parse, path routing, access-token
/// checks and the WebSocket upgrade; then the life of every link, forward or reverse.</summary>
public sealed partial class FakeOneBotImplementation
{
    private const string WebSocketGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static readonly TimeSpan UpgradeReadTimeout = TimeSpan.FromSeconds(10);

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

            Interlocked.Increment(ref _accepts);
            Signal();
            _ = Track(ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        client.NoDelay = true;
        var stream = new FreezableStream(client.GetStream(), Gate);
        using var transport = new FakeConnection(client, stream);
        try
        {
            var request = await ReadRequestAsync(stream).ConfigureAwait(false);
            if (request is null)
            {
                return;
            }

            if (!request.IsWebSocket)
            {
                await WriteStatusAsync(stream, 426, "Upgrade Required", "").ConfigureAwait(false);
                return;
            }

            var auth = Authorize(request);
            if (auth is not null && _rules.AuthFailure is AuthFailure.Http403 or AuthFailure.Http401Or403)
            {
                RecordRejection(auth);
                var unauthorized = _rules.AuthFailure == AuthFailure.Http401Or403 && auth == MissingToken;
                await WriteStatusAsync(stream, unauthorized ? 401 : 403, unauthorized ? "Unauthorized" : "Forbidden", unauthorized ? "WWW-Authenticate: Bearer\r\n" : "").ConfigureAwait(false);
                return;
            }

            // RFC 6455 fixes SHA-1 for the accept key; it is not used for security here.
#pragma warning disable CA5350
            var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(request.Key + WebSocketGuid)));
#pragma warning restore CA5350
            var response = $"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(response), _lifetime.Token).ConfigureAwait(false);
            transport.Socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });

            if (auth is not null)
            {
                RecordRejection(auth);
                await RefuseInBandAsync(transport, stream).ConfigureAwait(false);
                return;
            }

            var (endpoint, carriesEvents, reads) = Route(request.Path);
            using var link = new OneBotLink(Interlocked.Increment(ref _nextLinkId), transport, stream, endpoint, carriesEvents, reads, dialer: null);
            await RunLinkAsync(link, reverse: false).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or WebSocketException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The peer went away or the fake is stopping: both end this connection quietly.
        }
        catch (Exception ex)
        {
            RecordUnexpected(ex);
        }
    }

    /// <summary>Routes a forward path as the profile does (ONEBOT11.md §1.3; the query was already cut off).</summary>
    private (FakeOneBotEndpoint Endpoint, bool CarriesEvents, LinkReads Reads) Route(string path)
    {
        var slashed = path.Length > 1 && path.EndsWith('/');
        var bare = slashed ? path.TrimEnd('/') : path;
        if (slashed && _rules.SlashedPathsAreUniversal && bare is "/api" or "/event")
        {
            return (FakeOneBotEndpoint.Universal, true, LinkReads.Execute);
        }

        return bare switch
        {
            "/" or "" => (FakeOneBotEndpoint.Universal, true, LinkReads.Execute),
            "/api" => (FakeOneBotEndpoint.Api, false, LinkReads.Execute),
            "/event" => (FakeOneBotEndpoint.Event, true, _rules.EventPath switch
            {
                EventPathActions.Execute => LinkReads.Execute,
                EventPathActions.Ignore => LinkReads.Ignore,
                _ => LinkReads.Never,
            }),
            _ when _rules.OtherPathsDead => (FakeOneBotEndpoint.Universal, false, LinkReads.Ignore),
            _ => (FakeOneBotEndpoint.Universal, true, LinkReads.Execute),
        };
    }

    private const string MissingToken = "missing access token";
    private const string WrongToken = "wrong access token";

    /// <summary>Checks the access token where and how the profile reads it (ONEBOT11.md §1.5).</summary>
    /// <returns>Null when authorized, else the reason (which never contains a token).</returns>
    private string? Authorize(HttpRequest request)
    {
        if (_token is null)
        {
            return null;
        }

        var header = request.Headers.GetValueOrDefault("Authorization");
        var query = request.Query.GetValueOrDefault("access_token");
        string? presented;
        bool malformed = false;
        switch (_rules.TokenReading)
        {
            case TokenReading.QueryFirst:
                presented = !string.IsNullOrEmpty(query) ? query : AfterBearer(header);
                break;
            case TokenReading.HeaderFirst:
                presented = header is not null ? AfterBearer(header) : query;
                break;
            case TokenReading.BearerHeaderElseQuery:
                if (header is not null)
                {
                    malformed = !header.StartsWith("Bearer ", StringComparison.Ordinal);
                    presented = malformed ? null : header["Bearer ".Length..];
                }
                else
                {
                    presented = query;
                }

                break;
            default:
                presented = header is not null ? (header.IndexOf(' ', StringComparison.Ordinal) is var space and >= 0 ? header[(space + 1)..] : header) : query;
                break;
        }

        if (malformed)
        {
            return WrongToken;
        }

        return string.IsNullOrEmpty(presented) ? MissingToken : string.Equals(presented, _token, StringComparison.Ordinal) ? null : WrongToken;

        static string? AfterBearer(string? value) => value is not null && value.StartsWith("Bearer ", StringComparison.Ordinal) ? value["Bearer ".Length..] : value;
    }

    /// <summary>NapCat and LLBot upgrade first, then say 1403 and close.</summary>
    private async Task RefuseInBandAsync(FakeConnection transport, Stream stream)
    {
        var napCat = _rules.AuthFailure == AuthFailure.InBandThenCloseWithoutStatus;
        var frame = OneBotWire.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("status", "failed");
            w.WriteNumber("retcode", 1403);
            w.WriteNull("data");
            w.WriteString("message", "token验证失败");
            w.WriteString("wording", "token验证失败");
            if (napCat)
            {
                w.WriteNull("echo");
                w.WriteString("stream", "normal-action");
            }

            w.WriteEndObject();
        });
        await transport.SendAsync(frame).ConfigureAwait(false);
        if (napCat)
        {
            // NapCat's close carries no status; the client reads 1005.
            await OneBotLink.WriteCloseWithoutStatusAsync(stream, masked: false).ConfigureAwait(false);
            await transport.CloseAsync(WebSocketCloseStatus.NormalClosure, "").ConfigureAwait(false);
        }
        else
        {
            await transport.CloseAsync(WebSocketCloseStatus.PolicyViolation, "invalid access token").ConfigureAwait(false);
        }
    }

    /// <summary>Runs one open link: the lifecycle frame on event paths, heartbeats, then the read loop the
    /// path calls for, until the socket ends.</summary>
    private async Task RunLinkAsync(OneBotLink link, bool reverse)
    {
        _links[link.Id] = link;
        Signal();
        try
        {
            if (link.CarriesEvents)
            {
                await link.SendAsync(LifecycleFrame(reverse)).ConfigureAwait(false);
                link.Live = true;
                _awaitingClient = false;
                Signal();
                if (!_rules.SharedHeartbeat && _heartbeat > TimeSpan.Zero)
                {
                    _ = Track(HeartbeatLoopAsync(link));
                }
            }

            switch (link.Reads)
            {
                case LinkReads.Never:
                    await WatchUnreadAsync(link).ConfigureAwait(false);
                    break;
                default:
                    await ReadLoopAsync(link).ConfigureAwait(false);
                    break;
            }
        }
        finally
        {
            link.End();
            _links.TryRemove(link.Id, out _);
            Signal();
        }
    }

    /// <summary>A socket that is never read ends only when a write fails or the fake drops it.</summary>
    private async Task WatchUnreadAsync(OneBotLink link)
    {
        var ended = link.Ended;
        while (link.IsOpen && !ended.IsCancellationRequested && !_lifetime.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), _lifetime.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task ReadLoopAsync(OneBotLink link)
    {
        var socket = link.Transport.Socket!;
        var buffer = new byte[64 * 1024];
        while (socket.State == WebSocketState.Open)
        {
            using var message = new MemoryStream();
            ValueWebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer.AsMemory(), _lifetime.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    // Answer the client's close with the same status, as the implementations' libraries do.
                    await link.CloseAsync(socket.CloseStatus ?? WebSocketCloseStatus.NormalClosure, socket.CloseStatusDescription ?? "").ConfigureAwait(false);
                    return;
                }

                message.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);

            // A stalled reader (StopReading): what arrived waits, and nothing more is read until it resumes.
            await ReadingGate().WaitAsync(_lifetime.Token).ConfigureAwait(false);
            if (link.Reads == LinkReads.Execute)
            {
                var text = Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
                OnActionFrame(link, text);
            }
        }
    }

    private async Task<HttpRequest?> ReadRequestAsync(Stream stream)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token);
        timeout.CancelAfter(UpgradeReadTimeout);
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

        var target = requestLine.Length >= 2 ? requestLine[1] : "/";
        var question = target.IndexOf('?', StringComparison.Ordinal);
        var path = question >= 0 ? target[..question] : target;
        var query = question >= 0 ? ParseQuery(target[(question + 1)..]) : [];
        var key = headers.GetValueOrDefault("Sec-WebSocket-Key");
        var isWebSocket = requestLine[0] == "GET" && key is not null && headers.TryGetValue("Upgrade", out var upgrade) && upgrade.Equals("websocket", StringComparison.OrdinalIgnoreCase);
        return new HttpRequest(path, headers, query, key ?? "", isWebSocket);
    }

    private async Task WriteStatusAsync(Stream stream, int status, string reason, string extraHeaders)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token);
        timeout.CancelAfter(UpgradeReadTimeout);
        var text = $"HTTP/1.1 {status} {reason}\r\n{extraHeaders}Content-Length: 0\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(text), timeout.Token).ConfigureAwait(false);
        await stream.FlushAsync(timeout.Token).ConfigureAwait(false);
    }

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

    /// <summary>What an upgrade request carried.</summary>
    private sealed record HttpRequest(string Path, Dictionary<string, string> Headers, Dictionary<string, string> Query, string Key, bool IsWebSocket);
}
