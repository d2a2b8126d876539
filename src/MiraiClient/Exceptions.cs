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
public sealed class MiraiApiException : MiraiException
{
    /// <summary>Initializes a new instance of the <see cref="MiraiApiException"/> class.</summary>
    /// <param name="command">The command word.</param>
    /// <param name="code">The server's status code.</param>
    /// <param name="serverMessage">The server's message text.</param>
    public MiraiApiException(string command, int code, string? serverMessage)
        : base($"Command '{command}' failed with code {code} (server said: \"{serverMessage}\").")
    {
        Command = command;
        Code = code;
        ServerMessage = serverMessage;
    }

    /// <summary>Gets the command word that failed.</summary>
    public string Command { get; }

    /// <summary>Gets the server's status code, for example 5 (target not found), 6 (unsupported or
    /// file missing), 10 (no permission), 20 (bot muted), 30 (message too long), 400 (bad
    /// parameters) or 500 (server-side exception).</summary>
    public int Code { get; }

    /// <summary>Gets the server's message text, as sent.</summary>
    public string? ServerMessage { get; }
}

/// <summary>A command got no reply within its timeout. The server may still carry it out.</summary>
public sealed class MiraiTimeoutException : MiraiException
{
    /// <summary>Initializes a new instance of the <see cref="MiraiTimeoutException"/> class.</summary>
    /// <param name="command">The command word.</param>
    /// <param name="timeout">The timeout that elapsed.</param>
    public MiraiTimeoutException(string command, TimeSpan timeout)
        : base($"Command '{command}' got no reply within {timeout.TotalSeconds:0.###} s.")
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
