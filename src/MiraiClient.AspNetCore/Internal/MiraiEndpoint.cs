using System.Globalization;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using MiraiClient.Internal;

namespace MiraiClient.AspNetCore.Internal;

/// <summary>The mirai-api-http <c>reverse-ws</c> endpoint. mirai-api-http's redial loop ends for good on an HTTP
/// error, so every upgrade is accepted; a caller this side refuses is closed with 1008 and the reason logged.</summary>
internal sealed class MiraiEndpoint
{
    private static readonly TimeSpan RefusalCloseTimeout = TimeSpan.FromSeconds(2);

    private readonly MiraiAccounts _accounts;
    private readonly MiraiReverseWebSocketOptions _options;
    private readonly ILogger _logger;
    private readonly RefusalLog _refusals = new();

    public MiraiEndpoint(MiraiAccounts accounts, MiraiReverseWebSocketOptions options)
    {
        _accounts = accounts;
        _options = options;
        _logger = accounts.LoggerFactory.CreateLogger(ServerLog.Category);
    }

    public async Task HandleAsync(HttpContext context)
    {
        var remote = ReverseSockets.Remote(context);
        var path = context.Request.Path.Value ?? "/";
        if (!context.WebSockets.IsWebSocketRequest)
        {
            // Not mirai-api-http (it always upgrades): an ordinary HTTP answer is right here.
            Log(remote, path, "not a WebSocket upgrade request", "HTTP 400");
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var socket = await ReverseSockets.AcceptAsync(context, _options).ConfigureAwait(false);
        if (Refusal(context.Request) is { } why)
        {
            Log(remote, path, why, "closed 1008");
            await ReverseSockets.CloseAsync(socket, WebSocketCloseStatus.PolicyViolation, why, RefusalCloseTimeout).ConfigureAwait(false);
            socket.Dispose();
            return;
        }

        var qq = AccountOf(context.Request);
        ServerLog.SocketAccepted(_logger, "reverse-ws", qq, remote, path);
        var entry = _accounts.Registry.GetOrCreate(qq, Create);
        if (entry is null)
        {
            await ReverseSockets.CloseAsync(socket, WebSocketCloseStatus.EndpointUnavailable, "server shutting down", RefusalCloseTimeout).ConfigureAwait(false);
            socket.Dispose();
            return;
        }

        if (entry.State() == ConnectionState.Connected)
        {
            ServerLog.DuplicateSocket(_logger, qq, "reverse-ws", remote);
        }

        // Held open until this socket's session ends; a rejected verify closes it with 1008 first.
        var end = await entry.Offer(socket).ConfigureAwait(false);
        ServerLog.SocketEnded(_logger, "reverse-ws", qq, remote, end.Reason, end.Detail);
    }

    private string? Refusal(HttpRequest request)
    {
        if (_options.AccessToken is { Length: > 0 } expected)
        {
            if (ReverseSockets.PresentedToken(request) is not { } presented)
            {
                return "no access token (set extraHeaders Authorization: Bearer <token> in mirai-api-http's reverse-ws settings)";
            }

            if (!ReverseSockets.Matches(presented, expected))
            {
                return "wrong access token";
            }
        }

        if (AccountOf(request) <= 0)
        {
            return "no account: add extraHeaders X-Self-ID: <qq> (or extraParameters qq) to the destination, or set DefaultQQ";
        }

        return _accounts.Registry.IsShuttingDown ? "the server is shutting down" : null;
    }

    private long AccountOf(HttpRequest request)
    {
        var named = ReverseSockets.Last(request.Headers["X-Self-ID"]) ?? ReverseSockets.Last(request.Query["qq"]);
        if (named is null)
        {
            return _options.DefaultQQ;
        }

        return long.TryParse(named.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var qq) ? qq : 0;
    }

    private void Log(string remote, string path, string reason, string outcome)
    {
        if (_refusals.FirstTime(remote, reason))
        {
            ServerLog.UpgradeRefused(_logger, path, remote, reason, outcome);
        }
        else
        {
            ServerLog.UpgradeRefusedAgain(_logger, path, remote, reason, outcome);
        }
    }

    private AccountEntry<MiraiConnection> Create(long qq)
    {
        var options = new MiraiConnectionOptions { WaitForConnection = false };
        _options.ConfigureConnection?.Invoke(options);

        // The address only names the connection in logs (uploads need UploadUri: reverse-ws has none).
        options.Uri = new Uri("ws://mirai-reverse-ws/" + qq.ToString(CultureInfo.InvariantCulture));
        options.VerifyKey = _options.VerifyKey;
        options.QQ = qq;
        options.Reconnect = new ReconnectOptions { Enabled = true, MaxAttempts = null };
        var source = new AcceptedSockets<MiraiEvent>();
        var connection = new MiraiConnection(options, _accounts.LoggerFactory, source);
        var registry = _accounts.Registry;
        connection.StateChanged += (_, change) => registry.OnStateChanged(qq, change);
        _ = connection.ConnectAsync().ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return new AccountEntry<MiraiConnection>(qq, connection, source.OfferAsync, () => connection.State, connection.DisposeAsync);
    }
}
