namespace MiraiClient;

/// <summary>The base of every error the SDK raises for protocol, server or connection failures.</summary>
/// <remarks>Misuse (bad arguments, calls after disposal) throws the usual BCL exceptions instead.</remarks>
public class MiraiException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="MiraiException"/> class.</summary>
    /// <param name="message">The error message.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public MiraiException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>The connection could not be made, was lost, or is not available for a command.</summary>
public class MiraiConnectionException : MiraiException
{
    /// <summary>Initializes a new instance of the <see cref="MiraiConnectionException"/> class.</summary>
    /// <param name="reason">Why the connection is not available.</param>
    /// <param name="message">The error message.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public MiraiConnectionException(DisconnectReason reason, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
    }

    /// <summary>Gets why the connection is not available.</summary>
    public DisconnectReason Reason { get; }
}

/// <summary>A command was in flight when its connection dropped. It was not resent: the server may
/// or may not have carried it out.</summary>
public sealed class MiraiConnectionLostException : MiraiConnectionException
{
    /// <summary>Initializes a new instance of the <see cref="MiraiConnectionLostException"/> class.</summary>
    /// <param name="reason">Why the connection ended.</param>
    /// <param name="message">The error message.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public MiraiConnectionLostException(DisconnectReason reason, string message, Exception? innerException = null)
        : base(reason, message, innerException)
    {
    }
}

/// <summary>The server rejected the handshake. Codes 1 (wrong verify key) and 400 (no bot account
/// given) are configuration errors that stop the connection; code 2 (no such bot yet) is retried.</summary>
public sealed class MiraiHandshakeException : MiraiConnectionException
{
    /// <summary>Initializes a new instance of the <see cref="MiraiHandshakeException"/> class.</summary>
    /// <param name="code">The server's status code.</param>
    /// <param name="serverMessage">The server's message text.</param>
    public MiraiHandshakeException(int code, string? serverMessage)
        : base(DisconnectReason.HandshakeRejected, Describe(code, serverMessage))
    {
        Code = code;
        ServerMessage = serverMessage;
    }

    /// <summary>Gets the server's status code (1, 2, 3, 4 or 400).</summary>
    public int Code { get; }

    /// <summary>Gets the server's message text, as sent.</summary>
    public string? ServerMessage { get; }

    /// <summary>Gets whether retrying can succeed: code 2 ("no such bot", which may resolve once the
    /// account is added) and code 3 (unknown session, cured by a fresh connect).</summary>
    public bool IsRetryable => Code is 2 or 3;

    private static string Describe(int code, string? serverMessage)
    {
        var meaning = code switch
        {
            1 => "the verify key is wrong or missing",
            2 => "the server has no bot with the configured QQ (it may still be logging in)",
            3 => "the session does not exist",
            4 => "the session is not bound",
            400 => "no bot account (QQ) was given and the server is not in single mode",
            _ => "unknown reason",
        };
        return $"The server rejected the handshake with code {code}: {meaning} (server said: \"{serverMessage}\").";
    }
}

/// <summary>The server answered a command with a non-zero status code.</summary>
public sealed class MiraiApiException : MiraiException, Internal.IPeerError
{
    /// <summary>Initializes a new instance of the <see cref="MiraiApiException"/> class.</summary>
    /// <param name="command">The command word.</param>
    /// <param name="code">The server's status code.</param>
    /// <param name="serverMessage">The server's message text.</param>
    public MiraiApiException(string command, int code, string? serverMessage)
        : this(command, code, serverMessage, Classify(code, serverMessage))
    {
    }

    private MiraiApiException(string command, int code, string? serverMessage, MiraiFailureKind kind)
        : base(kind == MiraiFailureKind.NotDelivered
            ? $"Command '{command}' was answered with code {code} but message id -1: the server did not deliver the message (risk control, or a send it dropped); it was not retried (server said: \"{serverMessage}\")."
            : $"Command '{command}' failed with code {code}{Describe(kind)} (server said: \"{serverMessage}\").")
    {
        Command = command;
        Code = code;
        ServerMessage = serverMessage;
        FailureKind = kind;
    }

    /// <summary>Gets the command word that failed.</summary>
    public string Command { get; }

    /// <summary>Gets the server's status code, for example 5 (target not found), 6 (unsupported or
    /// file missing), 10 (no permission), 20 (bot muted), 30 (message too long), 400 (bad
    /// parameters) or 500 (server-side exception); 0 for a send the server answered with message id -1.</summary>
    public int Code { get; }

    /// <summary>Gets the server's message text, as sent.</summary>
    public string? ServerMessage { get; }

    /// <summary>Gets the class of the failure, for the cases a bot must react to differently (stop sending to a
    /// group it was removed from, slow down under risk control, shorten a message, …).</summary>
    public MiraiFailureKind FailureKind { get; }

    int Internal.IPeerError.Code => Code;

    string Internal.IPeerError.FailureTag => FailureKind switch
    {
        MiraiFailureKind.TargetNotFound => "target_not_found",
        MiraiFailureKind.NoPermission => "no_permission",
        MiraiFailureKind.BotMuted => "bot_muted",
        MiraiFailureKind.MessageTooLong => "message_too_long",
        MiraiFailureKind.RiskControl => "risk_control",
        MiraiFailureKind.RemovedFromGroup => "removed_from_group",
        MiraiFailureKind.NotDelivered => "not_delivered",
        MiraiFailureKind.BotUnavailable => "bot_unavailable",
        _ => "unknown",
    };

    /// <summary>The failure of a send the server answered with code 0 and message id -1: nothing was delivered.</summary>
    internal static MiraiApiException NotDelivered(string command, int code, string? serverMessage) =>
        new(command, code, serverMessage, MiraiFailureKind.NotDelivered);

    /// <summary>Classifies a failure from the server's code and message (REAL-SERVERS: status codes 5/10/20/30,
    /// and mirai's send-failure texts inside a code 500).</summary>
    internal static MiraiFailureKind Classify(int code, string? message) => code switch
    {
        5 => MiraiFailureKind.TargetNotFound,
        10 => MiraiFailureKind.NoPermission,
        20 => MiraiFailureKind.BotMuted,
        30 => MiraiFailureKind.MessageTooLong,
        _ when HasResultType(message, "110") => MiraiFailureKind.RemovedFromGroup,
        _ when message is not null && (message.Contains("LIMITED_MESSAGING", StringComparison.Ordinal) || HasResultType(message, "46") || HasResultType(message, "55")) => MiraiFailureKind.RiskControl,
        _ when Internal.BotSignature.IsClosedBot(code, message) => MiraiFailureKind.BotUnavailable,
        _ => MiraiFailureKind.Unknown,
    };

    private static bool HasResultType(string? message, string value)
    {
        if (message is null)
        {
            return false;
        }

        var marker = "resultType=" + value;
        for (var at = message.IndexOf(marker, StringComparison.Ordinal); at >= 0; at = message.IndexOf(marker, at + 1, StringComparison.Ordinal))
        {
            var end = at + marker.Length;
            if (end == message.Length || !char.IsAsciiDigit(message[end]))
            {
                return true;
            }
        }

        return false;
    }

    private static string Describe(MiraiFailureKind kind) => kind switch
    {
        MiraiFailureKind.TargetNotFound => ": the target does not exist",
        MiraiFailureKind.NoPermission => ": the bot has no permission for this",
        MiraiFailureKind.BotMuted => ": the bot is muted in this group",
        MiraiFailureKind.MessageTooLong => ": the message is too long",
        MiraiFailureKind.RiskControl => ": QQ refused the send (risk control); sending less often may help",
        MiraiFailureKind.RemovedFromGroup => ": the bot is no longer in this group",
        MiraiFailureKind.BotUnavailable => ": the bot account behind this session is offline or was replaced",
        _ => "",
    };
}

/// <summary>The classes of command failures a bot must react to differently (<see cref="MiraiApiException.FailureKind"/>).</summary>
public enum MiraiFailureKind
{
    /// <summary>None of the classes below; read <see cref="MiraiApiException.Code"/> and <see cref="MiraiApiException.ServerMessage"/>.</summary>
    Unknown,

    /// <summary>Code 5: the friend, group, member or message does not exist.</summary>
    TargetNotFound,

    /// <summary>Code 10: the bot lacks the permission (for example, it is not an administrator).</summary>
    NoPermission,

    /// <summary>Code 20: the bot is muted in the group.</summary>
    BotMuted,

    /// <summary>Code 30: the message is too long.</summary>
    MessageTooLong,

    /// <summary>QQ refused the send (code 500 carrying mirai's <c>LIMITED_MESSAGING</c>, <c>resultType=46</c> or
    /// <c>resultType=55</c>): risk control. Sending less often, and not repeating the same text, may help.</summary>
    RiskControl,

    /// <summary>The bot was removed from the group (<c>resultType=110</c>).</summary>
    RemovedFromGroup,

    /// <summary>The server answered the send with message id -1: nothing was delivered (risk control, or a send
    /// it dropped). The message was not retried.</summary>
    NotDelivered,

    /// <summary>The bot account behind the session is offline or was replaced (a relogin); the connection
    /// opens a new session once the account is back.</summary>
    BotUnavailable,
}

/// <summary>A command got no reply within its timeout. The server may still carry it out.</summary>
/// <remarks>A <see cref="TimeoutException"/>, so <c>catch (TimeoutException)</c> sees it; it is not a
/// <see cref="MiraiException"/>.</remarks>
public sealed class MiraiTimeoutException : TimeoutException
{
    /// <summary>Initializes a new instance of the <see cref="MiraiTimeoutException"/> class.</summary>
    /// <param name="command">The command word.</param>
    /// <param name="timeout">The timeout that elapsed.</param>
    public MiraiTimeoutException(string command, TimeSpan timeout)
        : base($"Command '{command}' got no reply within {timeout.TotalSeconds:0.###} s. It was not resent: if it was written, the server may still carry it out.")
    {
        Command = command;
        Timeout = timeout;
    }

    /// <summary>Gets the command word.</summary>
    public string Command { get; }

    /// <summary>Gets the timeout that elapsed.</summary>
    public TimeSpan Timeout { get; }
}

/// <summary>The server sent something the client cannot process: a malformed frame, an oversize
/// message, or a reply of the wrong shape.</summary>
public sealed class MiraiProtocolException : MiraiException
{
    /// <summary>Initializes a new instance of the <see cref="MiraiProtocolException"/> class.</summary>
    /// <param name="message">The error message.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public MiraiProtocolException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
