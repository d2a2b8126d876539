using System.Buffers;
using System.Globalization;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using MiraiClient.Internal;
using MiraiClient.OneBot;
using MiraiClient.OneBot.Internal;

namespace MiraiClient.AspNetCore.Internal;

/// <summary>The OneBot v11 reverse WebSocket endpoint: authenticates and identifies the caller before the upgrade
/// (401/403/400, logged once per caller and reason), answers the upgrade at once, and hands the socket to the
/// account's connection (Universal/API) or reads it for events (Event).</summary>
internal sealed class OneBotEndpoint
{
    private const int MaxEventMessage = 64 * 1024 * 1024;

    private readonly OneBotAccounts _accounts;
    private readonly OneBotReverseWebSocketOptions _options;
    private readonly ILogger _logger;
    private readonly RefusalLog _refusals = new();

    public OneBotEndpoint(OneBotAccounts accounts, OneBotReverseWebSocketOptions options)
    {
        _accounts = accounts;
        _options = options;
        _logger = accounts.LoggerFactory.CreateLogger(ServerLog.Category);
    }

    private enum Role
    {
        Universal,
        Api,
        Event,
    }

    public async Task HandleAsync(HttpContext context)
    {
        var remote = ReverseSockets.Remote(context);
        var path = context.Request.Path.Value ?? "/";
        if (!context.WebSockets.IsWebSocketRequest)
        {
            Refuse(context, remote, StatusCodes.Status400BadRequest, "not a WebSocket upgrade request");
            return;
        }

        if (_options.AccessToken is { Length: > 0 } expected)
        {
            if (ReverseSockets.PresentedToken(context.Request) is not { } presented)
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
                Refuse(context, remote, StatusCodes.Status401Unauthorized, "no access token (expected Authorization: Bearer <token> or ?access_token=)");
                return;
            }

            if (!ReverseSockets.Matches(presented, expected))
            {
                Refuse(context, remote, StatusCodes.Status403Forbidden, "wrong access token");
                return;
            }
        }

        if (!long.TryParse(ReverseSockets.Last(context.Request.Headers["X-Self-ID"]), NumberStyles.None, CultureInfo.InvariantCulture, out var selfId) || selfId <= 0)
        {
            Refuse(context, remote, StatusCodes.Status400BadRequest, "missing or invalid X-Self-ID header");
            return;
        }

        var roleText = ReverseSockets.Last(context.Request.Headers["X-Client-Role"])?.Trim();
        Role role;
        if (string.IsNullOrEmpty(roleText) || roleText.Equals("Universal", StringComparison.OrdinalIgnoreCase))
        {
            role = Role.Universal;
        }
        else if (roleText.Equals("API", StringComparison.OrdinalIgnoreCase))
        {
            role = Role.Api;
        }
        else if (roleText.Equals("Event", StringComparison.OrdinalIgnoreCase))
        {
            role = Role.Event;
        }
        else
        {
            Refuse(context, remote, StatusCodes.Status400BadRequest, "unknown X-Client-Role (expected Universal, API or Event)");
            return;
        }

        if (_accounts.Registry.IsShuttingDown)
        {
            Refuse(context, remote, StatusCodes.Status503ServiceUnavailable, "the server is shutting down");
            return;
        }

        // Nothing slow before the 101: NapCat and LLBot give the upgrade 2 s.
        var socket = await ReverseSockets.AcceptAsync(context, _options).ConfigureAwait(false);
        var roleName = role.ToString();
        ServerLog.SocketAccepted(_logger, roleName, selfId, remote, path);
        var entry = _accounts.Registry.GetOrCreate(selfId, account => Create(account, context.Request));
        if (entry is null)
        {
            await ReverseSockets.CloseAsync(socket, WebSocketCloseStatus.EndpointUnavailable, "server shutting down", TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            socket.Dispose();
            return;
        }

        if (role == Role.Event)
        {
            await RunEventSocketAsync(entry, socket, remote).ConfigureAwait(false);
            return;
        }

        if (entry.State() == ConnectionState.Connected)
        {
            ServerLog.DuplicateSocket(_logger, selfId, roleName, remote);
        }

        // Held open until this socket's session ends (replaced, dropped, or shut down).
        var end = await entry.Offer(socket).ConfigureAwait(false);
        ServerLog.SocketEnded(_logger, roleName, selfId, remote, end.Reason, end.Detail);
    }

    private void Refuse(HttpContext context, string remote, int status, string reason)
    {
        var path = context.Request.Path.Value ?? "/";
        var statusText = "HTTP " + status.ToString(CultureInfo.InvariantCulture);
        if (_refusals.FirstTime(remote, reason))
        {
            ServerLog.UpgradeRefused(_logger, path, remote, reason, statusText);
        }
        else
        {
            ServerLog.UpgradeRefusedAgain(_logger, path, remote, reason, statusText);
        }

        context.Response.StatusCode = status;
    }

    private AccountEntry<OneBotConnection> Create(long selfId, HttpRequest request)
    {
        var options = new OneBotConnectionOptions { WaitForConnection = false };
        _options.ConfigureConnection?.Invoke(options);

        // The address only names the connection in logs; the token was checked at the upgrade.
        options.Uri = new UriBuilder("ws", request.Host.Host is { Length: > 0 } host ? host : "localhost", request.Host.Port ?? -1, request.PathBase + request.Path).Uri;
        options.AccessToken = null;
        options.AccessTokenInQuery = false;
        options.Reconnect = new ReconnectOptions { Enabled = true, MaxAttempts = null };
        var source = new AcceptedSockets<OneBotEvent>();
        var connection = new OneBotConnection(options, _accounts.LoggerFactory, source, selfId);
        var registry = _accounts.Registry;
        connection.StateChanged += (_, change) => registry.OnStateChanged(selfId, change);
        _ = connection.ConnectAsync().ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return new AccountEntry<OneBotConnection>(selfId, connection, source.OfferAsync, () => connection.State, connection.DisposeAsync);
    }

    /// <summary>Reads a split client's Event socket: every event goes to the account's connection; the newest Event
    /// socket wins; a socket silent for twice its heartbeat interval (plus 5 s) is aborted.</summary>
    private async Task RunEventSocketAsync(AccountEntry<OneBotConnection> entry, WebSocket socket, string remote)
    {
        var account = entry.Account;
        if (Interlocked.Exchange(ref entry.EventSocket, socket) is { } previous)
        {
            ServerLog.DuplicateSocket(_logger, account, "Event", remote);
            previous.Abort();
        }

        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var lastInbound = Environment.TickCount64;
        long heartbeatMs = 0;
        using var stop = new CancellationTokenSource();
        var watchdog = WatchAsync();
        var reason = "closed by the implementation";
        try
        {
            while (true)
            {
                var count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (count == buffer.Length)
                    {
                        if (buffer.Length >= MaxEventMessage)
                        {
                            throw new MiraiProtocolException($"An inbound message exceeded {MaxEventMessage} bytes.");
                        }

                        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, count).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }

                    result = await socket.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None).ConfigureAwait(false);
                    Volatile.Write(ref lastInbound, Environment.TickCount64);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        await ReverseSockets.CloseAsync(socket, WebSocketCloseStatus.NormalClosure, "", TimeSpan.FromSeconds(1)).ConfigureAwait(false);
                        return;
                    }

                    count += result.Count;
                }
                while (!result.EndOfMessage);

                if (Handle(entry, buffer.AsSpan(0, count)) is { } interval)
                {
                    Volatile.Write(ref heartbeatMs, interval);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException or MiraiProtocolException)
        {
            reason = ex.Message;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            await stop.CancelAsync().ConfigureAwait(false);
            await watchdog.ConfigureAwait(false);
            Interlocked.CompareExchange(ref entry.EventSocket, null, socket);
            socket.Abort();
            socket.Dispose();
            ServerLog.EventSocketEnded(_logger, account, reason);
        }

        async Task WatchAsync()
        {
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), stop.Token).ConfigureAwait(false);
                    var interval = Volatile.Read(ref heartbeatMs);
                    if (interval > 0 && Environment.TickCount64 - Volatile.Read(ref lastInbound) > (2 * interval) + 5000)
                    {
                        socket.Abort();
                        return;
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <returns>The heartbeat interval (ms) when the frame was a heartbeat.</returns>
    private long? Handle(AccountEntry<OneBotConnection> entry, ReadOnlySpan<byte> message)
    {
        OneBotFrame frame;
        try
        {
            frame = OneBotFrameReader.Read(message);
        }
        catch (MiraiProtocolException ex)
        {
            ServerLog.MalformedEventFrame(_logger, message.Length, entry.Account, ex.Message);
            return null;
        }

        if (frame.Kind != OneBotFrameKind.Event || frame.Event is not { } item)
        {
            return null;
        }

        if (item.SelfId != 0 && item.SelfId != entry.Account)
        {
            ServerLog.ForeignEvent(_logger, item.SelfId, entry.Account);
            return null;
        }

        entry.Connection.Publish(item);
        return item is HeartbeatEvent { Interval: > 0 } heartbeat ? heartbeat.Interval : null;
    }
}
