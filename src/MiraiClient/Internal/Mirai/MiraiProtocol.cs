using System.Globalization;
using System.Net.WebSockets;

namespace MiraiClient.Internal;

/// <summary>mirai-api-http v2 over its WebSocket adapter, as a <see cref="WireProtocol{TEvent}"/>: the
/// handshake headers and frame, the envelope of inbound frames, and <c>about</c> as the liveness probe.</summary>
internal sealed class MiraiProtocol : WireProtocol<MiraiEvent>
{
    /// <summary>The mirai-api-http instruments: <c>mirai.connections</c>, <c>mirai.command.duration</c>, ….</summary>
    public static readonly ProtocolTelemetry MiraiTelemetry = new("mirai", "command", "mirai.sync_id");

    private readonly MiraiSettings _settings;
    private readonly bool _reverse;
    private int _singleModeLogged;

    /// <param name="settings">The settings.</param>
    /// <param name="reverse">Whether mirai-api-http dialled in (its <c>reverse-ws</c> adapter): then it says
    /// nothing after the upgrade, and this side sends <c>verify</c> as the handshake request.</param>
    public MiraiProtocol(MiraiSettings settings, bool reverse = false)
        : base(MiraiTelemetry)
    {
        _settings = settings;
        _reverse = reverse;
    }

    /// <inheritdoc/>
    /// <remarks>The server's first frame (or, reversed, its reply to <c>verify</c>) says whether it accepted the
    /// verify key and QQ.</remarks>
    public override bool AwaitsHandshakeFrame => true;

    /// <inheritdoc/>
    /// <remarks>Reversed only: <c>verify</c> with all three content keys present (mirai-api-http cannot parse
    /// the content when one is missing, and then answers code 1 whatever the key).</remarks>
    public override RequestFrame? EncodeHandshakeRequest(long id) => _reverse ? EncodeVerify(id, _settings.VerifyKey, _settings.QQ) : null;

    /// <inheritdoc/>
    /// <remarks>The server runs one connection's commands one at a time.</remarks>
    public override bool RepliesInOrder => true;

    public override void ConfigureClientSocket(ClientWebSocketOptions options)
    {
        if (_settings.VerifyKey is { } key)
        {
            options.SetRequestHeader("verifyKey", key);
        }

        if (_settings.QQ != 0)
        {
            options.SetRequestHeader("qq", _settings.QQ.ToString(CultureInfo.InvariantCulture));
        }
    }

    public override FrameHandler<MiraiEvent> CreateFrameHandler(IFrameSink<MiraiEvent> sink) => new MiraiFrameHandler(sink, _settings.ReservedSyncId);

    public override RequestFrame EncodeProbe(long id) => RequestEncoder.Encode(id, "about", null, null, null);

    public override string EventTag(MiraiEvent item) => item is UnknownEvent ? "Unknown" : item.Type;

    /// <inheritdoc/>
    /// <remarks>A wrong verify key (1) or no bot account on a multi-bot server (400) cannot heal by retrying;
    /// an account still logging in (2) can.</remarks>
    public override bool IsFatal(SessionEnd end) => end.Error is MiraiHandshakeException { IsRetryable: false };

    public override long AccountOf(Session<MiraiEvent> session) => _settings.QQ != 0 ? _settings.QQ : HandlerOf(session).Account;

    /// <inheritdoc/>
    /// <remarks>Learns the account in single mode (from <c>sessionInfo</c>), then runs the
    /// <see cref="MiraiAccountSupervisor"/>.</remarks>
    public override async Task<SessionEnd?> SuperviseAsync(Session<MiraiEvent> session, IAccountObserver account, CancellationToken cancellationToken)
    {
        var handler = HandlerOf(session);
        if (_settings.QQ == 0)
        {
            if (handler.SessionKey == "SINGLE_SESSION" && Interlocked.Exchange(ref _singleModeLogged, 1) == 0)
            {
                Log.SingleMode(session.Logger);
            }

            handler.Account = await LearnAccountAsync(session).ConfigureAwait(false);
        }

        return await handler.Supervisor.RunAsync(session, _settings, _settings.BotLiveness, account, () => AccountOf(session), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <remarks>A failure a closed bot gives (or a lookup that found nothing, which a stale session gives for every
    /// target) makes the supervisor check the account at once.</remarks>
    public override void OnPeerError(Session<MiraiEvent> session, Exception error)
    {
        if (error is MiraiApiException { FailureKind: MiraiFailureKind.BotUnavailable or MiraiFailureKind.TargetNotFound })
        {
            HandlerOf(session).Supervisor.Signal(AccountSignal.Suspect);
        }
    }

    private static MiraiFrameHandler HandlerOf(Session<MiraiEvent> session) => (MiraiFrameHandler)session.Handler;

    private async Task<long> LearnAccountAsync(Session<MiraiEvent> session)
    {
        try
        {
            var reply = await session.RequestAsync(
                id => RequestEncoder.Encode(id, "sessionInfo", null, MiraiJsonContext.Default.EmptyContent, new EmptyContent()),
                "sessionInfo",
                _settings.Connection.CommandTimeout).ConfigureAwait(false);
            return reply is null ? 0 : Replies.Restful("sessionInfo", reply, MiraiJsonContext.Default.SessionInfo).QQ.Id;
        }
        catch (MiraiException ex)
        {
            Log.AccountCheckFailed(session.Logger, "sessionInfo", ex);
            return 0;
        }
    }

    private static RequestFrame EncodeVerify(long id, string? verifyKey, long qq)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("syncId"u8, id.ToString(CultureInfo.InvariantCulture));
            writer.WriteString("command"u8, "verify"u8);
            writer.WriteNull("subCommand"u8);
            writer.WriteStartObject("content"u8);
            if (verifyKey is null)
            {
                writer.WriteNull("verifyKey"u8);
            }
            else
            {
                writer.WriteString("verifyKey"u8, verifyKey);
            }

            writer.WriteNull("sessionKey"u8);
            if (qq == 0)
            {
                writer.WriteNull("qq"u8);
            }
            else
            {
                writer.WriteNumber("qq"u8, qq);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(buffer.WrittenCount);
        buffer.WrittenSpan.CopyTo(rented);
        return new RequestFrame(rented, buffer.WrittenCount);
    }

    /// <summary>Gets a session's key (held only in memory, never logged).</summary>
    public static string? SessionKeyOf(Session<MiraiEvent>? session) => (session?.Handler as MiraiFrameHandler)?.SessionKey;
}
