using System.Net;
using System.Net.Http;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using MiraiClient.Internal;

namespace MiraiClient.OneBot.Internal;

/// <summary>OneBot v11 over a forward WebSocket, as a <see cref="WireProtocol{TEvent}"/>: the access token on the
/// upgrade, <c>get_login_info</c> as the handshake (it proves the token and tells the account), frames classified
/// by <c>post_type</c> and correlated by string echo, and <c>get_status</c> as the liveness probe.</summary>
internal sealed class OneBotProtocol : WireProtocol<OneBotEvent>
{
    /// <summary>The OneBot instruments: <c>onebot.connections</c>, <c>onebot.action.duration</c>, ….</summary>
    public static readonly ProtocolTelemetry OneBotTelemetry = new("onebot", "action", "onebot.echo");

    private readonly OneBotSettings _settings;
    private readonly long _expectedSelfId;
    private long _selfId;

    /// <param name="settings">The settings.</param>
    /// <param name="expectedSelfId">On sockets a server accepted: the account the implementation announced
    /// (<c>X-Self-ID</c>), which <c>get_login_info</c> must confirm; 0 on a dialling connection.</param>
    public OneBotProtocol(OneBotSettings settings, long expectedSelfId = 0)
        : base(OneBotTelemetry)
    {
        _settings = settings;
        _selfId = expectedSelfId;
        _expectedSelfId = expectedSelfId;
    }

    /// <inheritdoc/>
    /// <remarks>The reply to <c>get_login_info</c>, sent as the socket opens, is the handshake: implementations
    /// that check the token in-band answer it (or precede it) with retcode 1403.</remarks>
    public override bool AwaitsHandshakeFrame => true;

    /// <inheritdoc/>
    /// <remarks>Heartbeat meta-events: an implementation whose reading side is stalled keeps sending them.</remarks>
    public override bool HasWriteOnlyFrames => true;

    public override void ConfigureClientSocket(ClientWebSocketOptions options)
    {
        if (_settings.AccessToken is { } token && !_settings.AccessTokenInQuery)
        {
            options.SetRequestHeader("Authorization", "Bearer " + token);
        }
    }

    public override Uri ConnectUri(Uri endpoint)
    {
        if (_settings.AccessToken is not { } token || !_settings.AccessTokenInQuery)
        {
            return endpoint;
        }

        var query = endpoint.Query.TrimStart('?');
        return new UriBuilder(endpoint) { Query = (query.Length == 0 ? "" : query + "&") + "access_token=" + Uri.EscapeDataString(token) }.Uri;
    }

    /// <summary>Gets the account the implementation spoke for on the most recent handshake (0 before the first):
    /// it stays known while the connection is between sockets.</summary>
    public long SelfId => Volatile.Read(ref _selfId);

    public override FrameHandler<OneBotEvent> CreateFrameHandler(IFrameSink<OneBotEvent> sink) =>
        new OneBotFrameHandler(sink, account => Volatile.Write(ref _selfId, account), _expectedSelfId);

    public override RequestFrame? EncodeHandshakeRequest(long id) => OneBotRequestEncoder.Encode<NoParams>(id, "get_login_info", null, null);

    public override RequestFrame EncodeProbe(long id) => OneBotRequestEncoder.Encode<NoParams>(id, "get_status", null, null);

    public override string EventTag(OneBotEvent item) => item is OneBotUnknownEvent ? "Unknown" : item.GetType().Name;

    /// <inheritdoc/>
    /// <remarks>A rejected token, in-band (retcode 1403) or on the upgrade (HTTP 401/403), cannot heal by retrying.</remarks>
    public override bool IsFatal(SessionEnd end) =>
        end.Reason == DisconnectReason.HandshakeRejected
        || (end.Reason == DisconnectReason.ConnectFailed && FindStatus(end.Error) is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden);

    /// <inheritdoc/>
    /// <remarks>A refused upgrade only says "HTTP 401"; the error names the likely cause (never the token).</remarks>
    public override Exception? DescribeFatal(SessionEnd end) =>
        end.Reason == DisconnectReason.ConnectFailed && FindStatus(end.Error) is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
            ? new MiraiConnectionException(
                DisconnectReason.ConnectFailed,
                $"The OneBot implementation refused the connection with HTTP {(int)FindStatus(end.Error)!.Value} ({(_settings.AccessToken is null ? "no access token was sent" : "the access token was rejected")}); check OneBotConnectionOptions.AccessToken.",
                end.Error)
            : end.Error;

    public override long AccountOf(Session<OneBotEvent> session) => ((OneBotFrameHandler)session.Handler).SelfId;

    /// <inheritdoc/>
    /// <remarks>The account is online when the handshake succeeds; heartbeats' <c>status.online</c> and the
    /// <c>bot_offline</c> notice move it; an event for another account means the implementation logged in as
    /// someone else, and the session is ended so the next one learns who.</remarks>
    public override async Task<SessionEnd?> SuperviseAsync(Session<OneBotEvent> session, IAccountObserver account, CancellationToken cancellationToken)
    {
        var handler = (OneBotFrameHandler)session.Handler;
        account.Report(BotState.Online, handler.SelfId, "connected");
        await foreach (var signal in handler.Signals.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            switch (signal.Kind)
            {
                case AccountChange.Online:
                    account.Report(BotState.Online, handler.SelfId, signal.Reason);
                    break;
                case AccountChange.Offline:
                    account.Report(BotState.Offline, handler.SelfId, signal.Reason);
                    break;
                case AccountChange.Replaced:
                    return new SessionEnd(
                        DisconnectReason.StaleSession,
                        new MiraiConnectionException(DisconnectReason.StaleSession, $"The implementation now speaks for account {signal.Account}, not {handler.SelfId}."),
                        "the implementation logged in as another account");
            }
        }

        return null;
    }

    private static HttpStatusCode? FindStatus(Exception? error)
    {
        for (; error is not null; error = error.InnerException)
        {
            if (error is HttpRequestException { StatusCode: { } status })
            {
                return status;
            }
        }

        return null;
    }
}

/// <summary>What the frame handler learned about the account, for the supervisor.</summary>
internal enum AccountChange
{
    Online,
    Offline,
    Replaced,
}

/// <summary>A change the frame handler saw.</summary>
internal readonly record struct AccountSignal(AccountChange Kind, long Account, string Reason);

/// <summary>Classifies one socket's inbound OneBot frames: events by <c>post_type</c>, responses by echo (the
/// handshake's among them), NapCat's stream chunks (skipped until the final frame), and in-band token rejections.</summary>
/// <remarks>Implementations send the lifecycle <c>connect</c> event (and heartbeats) before they answer
/// <c>get_login_info</c>; such events are held until the answer arrives, because the engine takes any delivered
/// event as proof that the handshake succeeded, and because the account must be known to check theirs.</remarks>
internal sealed class OneBotFrameHandler : FrameHandler<OneBotEvent>
{
    private readonly IFrameSink<OneBotEvent> _sink;
    private readonly Action<long> _learned;
    private readonly long _expectedSelfId;
    private List<OneBotEvent>? _early = [];
    private bool? _online;

    public OneBotFrameHandler(IFrameSink<OneBotEvent> sink, Action<long> learned, long expectedSelfId = 0)
    {
        _sink = sink;
        _learned = learned;
        _expectedSelfId = expectedSelfId;
    }

    /// <summary>Gets the account this socket speaks for (from <c>get_login_info</c>), or 0 until known.</summary>
    public long SelfId { get; private set; }

    /// <summary>Gets what the supervisor must know about the account.</summary>
    public Channel<AccountSignal> Signals { get; } = Channel.CreateBounded<AccountSignal>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    public override void Handle(ReadOnlySpan<byte> message, bool isCheckedUtf8)
    {
        OneBotFrame frame;
        try
        {
            frame = OneBotFrameReader.Read(message, isCheckedUtf8);
        }
        catch (MiraiProtocolException ex)
        {
            Log.MalformedFrame(_sink.Logger, message.Length, ex.Message, ex);
            return;
        }

        if (frame.Event is not HeartbeatEvent)
        {
            // Heartbeat events come on the implementation's timer whether or not it reads this socket; every
            // other frame (a response, or an event it produced) counts as an answer to the liveness probe.
            _sink.ProvesReading();
        }

        if (frame.Kind == OneBotFrameKind.Event)
        {
            var item = frame.Event!;
            if (item is OneBotUnknownEvent unknown)
            {
                Log.UnknownEvent(_sink.Logger, unknown.PostType);
            }

            if (_early is { } early)
            {
                // Before the handshake's answer (bounded by the handshake timeout).
                early.Add(item);
                return;
            }

            Observe(item);
            _sink.Deliver(item);
            return;
        }

        var response = frame.Response;
        if (response.RetCode is 1401 or 1403 && !_sink.HandshakeCompleted)
        {
            _early = null;
            // NapCat and LLBot accept the upgrade, then reject the token in-band and close.
            _sink.RejectHandshake(new MiraiConnectionException(
                DisconnectReason.HandshakeRejected,
                $"The OneBot implementation rejected the access token (retcode {response.RetCode}: \"{response.Wording ?? response.Message}\"); check OneBotConnectionOptions.AccessToken."));
            return;
        }

        if (response.EchoKind != OneBotEchoKind.Id)
        {
            // A reply to a request this client never made (or without an echo): nobody can be waiting for it.
            Log.UnmatchedReply(_sink.Logger, -1);
            return;
        }

        if (!response.IsFinal)
        {
            // A stream action's chunk: the request completes with its last frame.
            return;
        }

        if (response.EchoId == HandshakeRequestId)
        {
            CompleteHandshake(message, response);
            return;
        }

        _sink.Reply(response.EchoId, message);
    }

    private void CompleteHandshake(ReadOnlySpan<byte> message, in OneBotResponse response)
    {
        try
        {
            var login = OneBotReplyShape.Data(OneBotJsonContext.Default.LoginInfo).Read("get_login_info", message, response);
            if (_expectedSelfId != 0 && login.UserId != _expectedSelfId)
            {
                // The upgrade announced one account and the implementation is logged in as another.
                _early = null;
                _sink.RejectHandshake(new MiraiConnectionException(DisconnectReason.HandshakeRejected, $"The implementation announced X-Self-ID {_expectedSelfId} but get_login_info says {login.UserId}."));
                return;
            }

            SelfId = login.UserId;
            _learned(login.UserId);
        }
        catch (MiraiException ex)
        {
            _early = null;
            _sink.RejectHandshake(new MiraiConnectionException(DisconnectReason.ProtocolError, $"The first call on the new socket (get_login_info) failed: {ex.Message}", ex));
            return;
        }

        _sink.AcceptHandshake();
        var early = _early;
        _early = null;
        foreach (var item in early ?? [])
        {
            Observe(item);
            _sink.Deliver(item);
        }
    }

    private void Observe(OneBotEvent item)
    {
        if (SelfId != 0 && item.SelfId != 0 && item.SelfId != SelfId)
        {
            Signals.Writer.TryWrite(new AccountSignal(AccountChange.Replaced, item.SelfId, "an event for another account"));
            return;
        }

        switch (item)
        {
            case HeartbeatEvent { Status.Online: { } online } when online != _online:
                _online = online;
                Signals.Writer.TryWrite(new AccountSignal(online ? AccountChange.Online : AccountChange.Offline, item.SelfId, online ? "a heartbeat says online" : "a heartbeat says offline"));
                break;
            case BotOfflineNotice:
                _online = false;
                Signals.Writer.TryWrite(new AccountSignal(AccountChange.Offline, item.SelfId, "the bot_offline notice"));
                break;
        }
    }
}
