using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace MiraiClient.AspNetCore.Internal;

/// <summary>What both reverse endpoints do at the upgrade: read the presented token, compare it, name the caller.</summary>
internal static class ReverseSockets
{
    /// <summary>The token the caller presented: <c>Authorization: Bearer|Token &lt;t&gt;</c> (scheme case-insensitive;
    /// a header without a scheme is taken whole), else the <c>access_token</c> query parameter. A repeated header or
    /// parameter counts by its last value (mirai-api-http sends both its common and its destination values); an
    /// empty token after the scheme (NapCat's <c>Bearer </c> with no token set) counts as missing.</summary>
    public static string? PresentedToken(HttpRequest request)
    {
        if (Last(request.Headers.Authorization) is { Length: > 0 } header)
        {
            var value = header.Trim();
            var space = value.IndexOf(' ', StringComparison.Ordinal);
            var token = space < 0
                ? (value.Equals("Bearer", StringComparison.OrdinalIgnoreCase) || value.Equals("Token", StringComparison.OrdinalIgnoreCase) ? "" : value)
                : value[(space + 1)..].Trim();
            if (token.Length > 0)
            {
                return token;
            }
        }

        return Last(request.Query["access_token"]) is { Length: > 0 } query ? query : null;
    }

    /// <summary>Compares a presented token with the expected one in constant time.</summary>
    public static bool Matches(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));

    public static string? Last(StringValues values) => values.Count == 0 ? null : values[values.Count - 1];

    /// <summary>Names the caller for the log: address and port, never a header value.</summary>
    public static string Remote(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } ip ? $"{ip}:{context.Connection.RemotePort}" : "(unknown)";

    /// <summary>Sends a close frame and waits for the peer's, both bounded; aborts when that fails.</summary>
    public static async Task CloseAsync(WebSocket socket, WebSocketCloseStatus status, string description, TimeSpan timeout)
    {
        try
        {
            using var deadline = new CancellationTokenSource(timeout);
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(status, description, deadline.Token).ConfigureAwait(false);
            }

            // Wait for the peer's close frame, so it sees a clean close and not a reset.
            var scratch = new byte[256];
            while (socket.State == WebSocketState.CloseSent)
            {
                var result = await socket.ReceiveAsync(scratch, deadline.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            socket.Abort();
        }
    }

    /// <summary>Accepts the upgrade at once, with the server's pings.</summary>
    public static Task<WebSocket> AcceptAsync(HttpContext context, ReverseWebSocketOptions options)
    {
        var accept = new WebSocketAcceptContext { KeepAliveInterval = options.KeepAliveInterval, DangerousEnableCompression = false };
#if NET9_0_OR_GREATER
        if (options.KeepAliveInterval > TimeSpan.Zero && options.KeepAliveTimeout > TimeSpan.Zero)
        {
            accept.KeepAliveTimeout = options.KeepAliveTimeout;
        }
#endif
        return context.WebSockets.AcceptWebSocketAsync(accept);
    }
}

/// <summary>Logs a refusal once per caller and reason at Warning, then at Debug: implementations redial every few
/// seconds for ever.</summary>
internal sealed class RefusalLog
{
    private const int MaxRemembered = 1024;
    private readonly ConcurrentDictionary<(string Remote, string Reason), byte> _seen = new();

    public bool FirstTime(string remote, string reason)
    {
        // The port changes on every redial; the address does not.
        var address = remote.LastIndexOf(':') is var colon and > 0 ? remote[..colon] : remote;
        if (_seen.Count >= MaxRemembered)
        {
            _seen.Clear();
        }

        return _seen.TryAdd((address, reason), 0);
    }
}
