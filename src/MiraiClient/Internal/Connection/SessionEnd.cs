using System.Net.Http;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Authentication;

namespace MiraiClient.Internal;

/// <summary>Where in a session's life something ended it.</summary>
internal enum SessionStage
{
    /// <summary>Opening the socket (TCP, TLS, the HTTP upgrade).</summary>
    Connect,

    /// <summary>Waiting for the protocol's handshake after the upgrade.</summary>
    Handshake,

    /// <summary>The receive loop.</summary>
    Receive,

    /// <summary>The outbox's writer.</summary>
    Write,

    /// <summary>The heartbeat.</summary>
    Heartbeat,

    /// <summary>The protocol's own supervision above the socket (for example, the account behind it went away).</summary>
    Protocol,

    /// <summary>This side: a close, a dispose, a stop.</summary>
    Client,
}

/// <summary>What else was observed when a session ended, besides the stage and the exception.</summary>
/// <param name="TimedOut">The stage's deadline passed.</param>
/// <param name="AbortedElsewhere">The socket was already aborted by someone other than the session: the
/// runtime's keep-alive, when the peer stopped answering pings.</param>
/// <param name="CloseStatus">The peer's close status, when it sent a close frame.</param>
/// <param name="CloseDescription">The peer's close description.</param>
/// <param name="Description">A sentence the stage made for this end (for example which address and timeout),
/// used where the exception alone does not say it.</param>
/// <param name="Reason">For <see cref="SessionStage.Protocol"/>: the reason the protocol gave.</param>
internal readonly record struct SessionSignals(
    bool TimedOut = false,
    bool AbortedElsewhere = false,
    WebSocketCloseStatus? CloseStatus = null,
    string? CloseDescription = null,
    string? Description = null,
    DisconnectReason Reason = DisconnectReason.None);

/// <summary>How one session ended: the reason the state machine reports, the error callers see, and a
/// short detail for the log.</summary>
/// <param name="Reason">The reason.</param>
/// <param name="Error">The error, if any.</param>
/// <param name="Detail">A short description for logs (never a secret).</param>
/// <param name="Unexpected">Whether the end was a defect rather than a network or peer event (logged as an error).</param>
internal sealed record SessionEnd(DisconnectReason Reason, Exception? Error, string Detail, bool Unexpected = false)
{
    /// <summary>
    /// Decides how a session ended, from where it ended and what was seen there. This is the one place
    /// that chooses a <see cref="DisconnectReason"/> for a session; everything else reports observations.
    /// </summary>
    /// <param name="stage">Where it ended.</param>
    /// <param name="error">The exception seen there, if any.</param>
    /// <param name="signals">What else was seen.</param>
    /// <returns>The end, or <see langword="null"/> when the exception is not a session end at all but a
    /// defect or misconfiguration that must propagate (only for <see cref="SessionStage.Connect"/>: for
    /// example, a <c>ConfigureWebSocket</c> callback that throws).</returns>
    public static SessionEnd? Classify(SessionStage stage, Exception? error, in SessionSignals signals) => stage switch
    {
        SessionStage.Connect when signals.TimedOut =>
            Wrapped(DisconnectReason.ConnectTimeout, signals.Description ?? "Connecting did not finish in time.", error),
        SessionStage.Connect when IsTransportFailure(error) =>
            Wrapped(DisconnectReason.ConnectFailed, $"{signals.Description ?? "Could not connect"}: {DescribeConnectFailure(error!)}", error),
        SessionStage.Connect => null,

        SessionStage.Handshake when error is MiraiHandshakeException rejected =>
            new SessionEnd(DisconnectReason.HandshakeRejected, rejected, rejected.Message),
        SessionStage.Handshake =>
            Wrapped(DisconnectReason.HandshakeTimeout, signals.Description ?? "No handshake arrived in time.", error, "no handshake frame"),

        SessionStage.Receive when signals.CloseStatus is not null || signals.CloseDescription is not null || (error is null && !signals.TimedOut) =>
            Wrapped(
                DisconnectReason.RemoteClosed,
                $"The server closed the connection with status {(int?)signals.CloseStatus} ({signals.CloseDescription}).",
                null,
                $"server closed with {(int?)signals.CloseStatus}"),
        SessionStage.Receive when error is MiraiProtocolException =>
            new SessionEnd(DisconnectReason.ProtocolError, error, error.Message),

        // A cancellation nobody on this side asked for is the runtime's keep-alive aborting the socket.
        SessionStage.Receive when error is OperationCanceledException =>
            Wrapped(DisconnectReason.HeartbeatTimeout, $"The connection failed: {error.Message}", error, error.Message),
        SessionStage.Receive when IsTransportFailure(error) =>
            Wrapped(DisconnectReason.TransportError, $"The connection failed: {error!.Message}", error, error.Message),
        SessionStage.Receive =>
            new SessionEnd(DisconnectReason.TransportError, error, "the receive loop failed", Unexpected: true),

        SessionStage.Write when IsTransportFailure(error) || error is OperationCanceledException =>
            signals.AbortedElsewhere
                ? new SessionEnd(DisconnectReason.HeartbeatTimeout, error, "the WebSocket keep-alive got no pong")
                : new SessionEnd(DisconnectReason.TransportError, error, "a write failed"),
        SessionStage.Write =>
            new SessionEnd(DisconnectReason.TransportError, error, "the writer failed", Unexpected: true),

        SessionStage.Heartbeat when error is null =>
            Wrapped(DisconnectReason.HeartbeatTimeout, signals.Description ?? "The heartbeat probe went unanswered.", null, "heartbeat timeout"),
        SessionStage.Heartbeat =>
            new SessionEnd(DisconnectReason.TransportError, error, "heartbeat failed", Unexpected: true),

        SessionStage.Protocol =>
            Wrapped(signals.Reason, signals.Description ?? "The protocol ended the session.", error),

        _ => new SessionEnd(DisconnectReason.Stopped, null, signals.Description ?? "stopped"),
    };

    /// <summary>The error a request still waiting when the session ended gets.</summary>
    public MiraiConnectionLostException LostRequestError() =>
        new(Reason, $"The connection dropped while the command was in flight ({Reason}: {Detail}); it was not resent.", Error);

    private static SessionEnd Wrapped(DisconnectReason reason, string message, Exception? inner, string? detail = null) =>
        new(reason, new MiraiConnectionException(reason, message, inner), detail ?? message);

    private static bool IsTransportFailure(Exception? error) =>
        error is WebSocketException or HttpRequestException or IOException or SocketException or ObjectDisposedException;

    private static string DescribeConnectFailure(Exception error)
    {
        for (var inner = error; inner is not null; inner = inner.InnerException)
        {
            if (inner is AuthenticationException tls)
            {
                return $"the TLS handshake failed ({tls.Message}); check the server certificate or the ConfigureWebSocket option's RemoteCertificateValidationCallback";
            }
        }

        return error.Message;
    }
}
