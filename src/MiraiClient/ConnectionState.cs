namespace MiraiClient;

/// <summary>The lifecycle state of a connection (<see cref="MiraiConnection"/> and the other protocols' connections).</summary>
/// <remarks>A connection that dropped is <see cref="Reconnecting"/>, never back in <see cref="NotStarted"/>.</remarks>
public enum ConnectionState
{
    /// <summary>Created and not started yet (<c>ConnectAsync</c> or <c>RunAsync</c> has not been called).</summary>
    NotStarted = 0,

    /// <summary>The former name of <see cref="NotStarted"/>, which it equals; it never meant a dropped connection.</summary>
    [Obsolete("Use NotStarted: this state means the connection has not been started yet; a dropped connection is Reconnecting.")]
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    Disconnected = NotStarted,

    /// <summary>Making the first connection (including retries while the server is not up yet).</summary>
    Connecting,

    /// <summary>The server accepted the handshake; events flow and commands can be sent.</summary>
    Connected,

    /// <summary>The connection dropped; waiting for the next attempt or making it.</summary>
    Reconnecting,

    /// <summary>Stopped for good by an error that retrying cannot fix (for example a wrong verify
    /// key) or by running out of attempts. <see cref="MiraiConnection.LastError"/> says why.</summary>
    Faulted,

    /// <summary>Disposed, or stopped by the token given to <see cref="MiraiConnection.RunAsync"/>.</summary>
    Disposed,
}

/// <summary>Why a connection attempt failed or an established connection ended.</summary>
public enum DisconnectReason
{
    /// <summary>No failure (used for transitions that are not caused by one).</summary>
    None,

    /// <summary>The TCP, TLS or WebSocket upgrade step failed or was refused.</summary>
    ConnectFailed,

    /// <summary>The upgrade did not finish within the connect timeout.</summary>
    ConnectTimeout,

    /// <summary>The server upgraded the socket but sent no handshake frame within the handshake timeout.</summary>
    HandshakeTimeout,

    /// <summary>The server answered the handshake with a non-zero code.</summary>
    HandshakeRejected,

    /// <summary>The server closed the socket (any close status; mirai-api-http uses 1000 for errors too).</summary>
    RemoteClosed,

    /// <summary>The socket failed without a close handshake (the client-side meaning of 1006).</summary>
    TransportError,

    /// <summary>Nothing arrived within the heartbeat bound: the peer is dead, half-open or frozen.</summary>
    HeartbeatTimeout,

    /// <summary>The server sent something the client refuses to process, such as an oversize message.</summary>
    ProtocolError,

    /// <summary>The connection was stopped by its owner (cancellation or disposal).</summary>
    Stopped,

    /// <summary>The bot account behind the session went offline or was replaced (a relogin) while the socket
    /// stayed up; once it was back, the session was ended so that a new one binds to it.</summary>
    StaleSession,
}

/// <summary>Describes one change of <see cref="MiraiConnection.State"/>.</summary>
public sealed class ConnectionStateChangedEventArgs : EventArgs
{
    internal ConnectionStateChangedEventArgs(ConnectionState previous, ConnectionState current, DisconnectReason reason, Exception? error, int attempt, TimeSpan? retryDelay)
    {
        PreviousState = previous;
        CurrentState = current;
        Reason = reason;
        Error = error;
        Attempt = attempt;
        RetryDelay = retryDelay;
    }

    /// <summary>Gets the state before the change.</summary>
    public ConnectionState PreviousState { get; }

    /// <summary>Gets the state after the change.</summary>
    public ConnectionState CurrentState { get; }

    /// <summary>Gets why the previous connection or attempt ended, when that caused the change.</summary>
    public DisconnectReason Reason { get; }

    /// <summary>Gets the error behind the change, if any.</summary>
    public Exception? Error { get; }

    /// <summary>Gets the number of consecutive failed attempts so far (0 once connected).</summary>
    public int Attempt { get; }

    /// <summary>Gets the delay chosen before the next attempt, when the change starts a wait.</summary>
    public TimeSpan? RetryDelay { get; }

    /// <inheritdoc/>
    public override string ToString() =>
        RetryDelay is { } delay
            ? $"{PreviousState} -> {CurrentState} ({Reason}, attempt {Attempt}, retry in {delay.TotalMilliseconds:F0} ms)"
            : $"{PreviousState} -> {CurrentState} ({Reason})";
}
