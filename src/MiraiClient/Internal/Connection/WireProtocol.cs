using System.Net.WebSockets;
using Microsoft.Extensions.Logging;

namespace MiraiClient.Internal;

/// <summary>
/// A wire protocol spoken over one WebSocket: everything the connection engine needs that differs between
/// protocols. The engine (<see cref="ConnectionCore{TEvent}"/>, <see cref="Session{TEvent}"/>,
/// <see cref="Outbox"/>, <see cref="PendingRequests"/>, <see cref="HeartbeatMonitor"/>, the backoff, the
/// telemetry and disposal) knows nothing else about mirai-api-http or any other protocol.
/// </summary>
/// <typeparam name="TEvent">The protocol's event base type.</typeparam>
/// <remarks>
/// A protocol plugs in four things: its handshake (headers on the upgrade, and whether a handshake frame
/// must follow it), the classification of inbound frames (<see cref="CreateFrameHandler"/>), the encoding of
/// its liveness probe (requests are encoded by the protocol's command layer and handed to
/// <see cref="CommandInvoker{TEvent}"/>), and, optionally, a supervisor that watches what lies above the
/// socket for as long as a session lives (<see cref="SuperviseAsync"/>).
/// </remarks>
internal abstract class WireProtocol<TEvent>
    where TEvent : class
{
    protected WireProtocol(ProtocolTelemetry telemetry)
    {
        Telemetry = telemetry;
    }

    /// <summary>Gets the protocol's instruments and tag names.</summary>
    public ProtocolTelemetry Telemetry { get; }

    /// <summary>Gets whether a session counts as connected only once the peer's handshake frame accepted it
    /// (<see cref="IFrameSink{TEvent}.AcceptHandshake"/>); otherwise the WebSocket upgrade is enough.</summary>
    public abstract bool AwaitsHandshakeFrame { get; }

    /// <summary>Gets whether the peer answers requests strictly in the order they were sent, so a failure
    /// reply without an id belongs to the oldest unanswered request.</summary>
    public virtual bool RepliesInOrder => false;

    /// <summary>Gets whether the peer sends some frames on its own timer whatever it reads (OneBot heartbeat
    /// events), which prove only that it writes. When <see langword="true"/>, the frame handler reports every
    /// other frame with <see cref="IFrameSink{TEvent}.ProvesReading"/>, and only those postpone or answer the
    /// heartbeat's probe, so a peer that keeps writing while it reads nothing is found dead; when
    /// <see langword="false"/> (the default), every inbound frame counts.</summary>
    public virtual bool HasWriteOnlyFrames => false;

    /// <summary>Sets the protocol's headers on a client socket before it connects. Called for every attempt.</summary>
    /// <param name="options">The socket's options.</param>
    public abstract void ConfigureClientSocket(ClientWebSocketOptions options);

    /// <summary>Creates the per-socket inbound handler: it classifies each whole inbound message and reports
    /// what it found to <paramref name="sink"/>.</summary>
    /// <param name="sink">The session the handler reports to.</param>
    /// <returns>The handler; called from the session's receive loop only, never concurrently.</returns>
    public abstract FrameHandler<TEvent> CreateFrameHandler(IFrameSink<TEvent> sink);

    /// <summary>Encodes a request sent as soon as the socket opens, whose reply is the handshake (for protocols
    /// whose peer says nothing on its own); <see langword="null"/> (the default) sends nothing. Its id is set on
    /// <see cref="FrameHandler{TEvent}.HandshakeRequestId"/> before it is sent.</summary>
    public virtual RequestFrame? EncodeHandshakeRequest(long id) => null;

    /// <summary>Gets the address a client socket actually dials (for example with an access token in its
    /// query); <see cref="ConnectionSettings.Endpoint"/>, which is what is logged, stays free of secrets.</summary>
    public virtual Uri ConnectUri(Uri endpoint) => endpoint;

    /// <summary>Encodes the request the heartbeat sends when the peer has been silent: one the peer answers
    /// cheaply whatever else it is doing.</summary>
    /// <param name="id">The request id to carry.</param>
    /// <returns>The frame, owned by the caller.</returns>
    public abstract RequestFrame EncodeProbe(long id);

    /// <summary>Gets the tag an event is counted under in the events metrics (bounded cardinality).</summary>
    public abstract string EventTag(TEvent item);

    /// <summary>Decides whether a session's end stops the connection for good (a configuration the peer
    /// rejects, such as a wrong key) instead of being retried.</summary>
    public abstract bool IsFatal(SessionEnd end);

    /// <summary>Gets the error a fatal end leaves the connection with (default: the end's own error); a protocol
    /// may name the likely cause, such as a rejected key.</summary>
    public virtual Exception? DescribeFatal(SessionEnd end) => end.Error;

    /// <summary>Gets the account a connected session speaks for, for the log (0 when it is not known yet).</summary>
    public virtual long AccountOf(Session<TEvent> session) => 0;

    /// <summary>Watches what lies above the socket while a session lives (for example, whether the account the
    /// session is bound to is still there). Ending the returned task with a <see cref="SessionEnd"/> ends the
    /// session; returning <see langword="null"/> (the default) means there is nothing to watch.</summary>
    /// <param name="session">The session, connected.</param>
    /// <param name="cancellationToken">Cancelled when the session ends.</param>
    /// <returns>The end the supervisor decided on, or <see langword="null"/> when it stopped without ending the session.</returns>
    /// <param name="account">Where the supervisor reports what it learns about the account.</param>
    public virtual Task<SessionEnd?> SuperviseAsync(Session<TEvent> session, IAccountObserver account, CancellationToken cancellationToken) =>
        Task.FromResult<SessionEnd?>(null);

    /// <summary>Tells the protocol that a request on a session failed with a failure the peer reported, so its
    /// supervisor can weigh it as evidence about the account (for example, a closed bot's failure).</summary>
    /// <param name="session">The session the request used.</param>
    /// <param name="error">The peer's failure.</param>
    public virtual void OnPeerError(Session<TEvent> session, Exception error)
    {
    }
}

/// <summary>Classifies the whole inbound messages of one socket. Implementations report to the
/// <see cref="IFrameSink{TEvent}"/> they were created with and never throw for bad input: a malformed frame
/// is logged and skipped, an unknown type is kept as the protocol's unknown event.</summary>
/// <typeparam name="TEvent">The protocol's event base type.</typeparam>
internal abstract class FrameHandler<TEvent>
    where TEvent : class
{
    /// <summary>Gets or sets the id of the handshake request, when the protocol sends one (else -1).</summary>
    public long HandshakeRequestId { get; set; } = -1;

    /// <summary>Handles one whole inbound message.</summary>
    /// <param name="message">The message's bytes; valid only during the call.</param>
    /// <param name="isCheckedUtf8">Whether the socket has already checked that the bytes are valid UTF-8 (a
    /// text message through a socket that fails invalid text, see <see cref="SocketTransport.ChecksText"/>).</param>
    public abstract void Handle(ReadOnlySpan<byte> message, bool isCheckedUtf8);
}

/// <summary>Where a protocol's supervisor reports the state of the account behind a session (the connection,
/// which raises its bot-state change and logs it).</summary>
internal interface IAccountObserver
{
    /// <summary>Reports the account's state.</summary>
    /// <param name="state">The state.</param>
    /// <param name="account">The account, or 0 when not known.</param>
    /// <param name="reason">What showed it.</param>
    void Report(BotState state, long account, string reason);
}

/// <summary>What a <see cref="FrameHandler{TEvent}"/> reports inbound frames to: the session.</summary>
/// <typeparam name="TEvent">The protocol's event base type.</typeparam>
internal interface IFrameSink<in TEvent>
    where TEvent : class
{
    /// <summary>Gets the session's logger.</summary>
    ILogger Logger { get; }

    /// <summary>Gets whether the handshake has completed (accepted or rejected).</summary>
    bool HandshakeCompleted { get; }

    /// <summary>Delivers an event to the subscribers (in order, batched).</summary>
    void Deliver(TEvent item);

    /// <summary>Completes the request with this id; a reply nobody waits for is logged and dropped.</summary>
    void Reply(long requestId, ReadOnlySpan<byte> reply);

    /// <summary>Hands a reply that carries no request id to the oldest unanswered request (peers that answer
    /// in order only, see <see cref="WireProtocol{TEvent}.RepliesInOrder"/>).</summary>
    /// <returns>Whether a waiting request took it.</returns>
    bool ReplyToOldest(ReadOnlySpan<byte> reply);

    /// <summary>The frame being handled proves that the peer reads what it is sent (a reply, or anything but a
    /// frame it sends on its own timer). Called only by protocols with
    /// <see cref="WireProtocol{TEvent}.HasWriteOnlyFrames"/>; from the receive loop, during the frame.</summary>
    void ProvesReading();

    /// <summary>The peer accepted the handshake.</summary>
    void AcceptHandshake();

    /// <summary>The peer rejected the handshake.</summary>
    void RejectHandshake(MiraiConnectionException error);
}
