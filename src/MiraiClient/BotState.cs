namespace MiraiClient;

/// <summary>Whether the bot account behind a connection is online, as far as the connection can tell. It is
/// separate from <see cref="ConnectionState"/>: the account can go offline, or be replaced by a relogin, while
/// the socket stays up.</summary>
public enum BotState
{
    /// <summary>Not known: the connection is not connected (or has not yet learned anything).</summary>
    Unknown,

    /// <summary>The account is online and the session is bound to it.</summary>
    Online,

    /// <summary>The account went offline (an offline event, or a command or liveness check failed the way a
    /// closed bot fails). The connection waits for it to come back and then opens a new session.</summary>
    Offline,
}

/// <summary>Describes a change of <see cref="BotState"/>.</summary>
public sealed class BotStateChangedEventArgs : EventArgs
{
    internal BotStateChangedEventArgs(BotState previous, BotState current, long account, string reason)
    {
        PreviousState = previous;
        CurrentState = current;
        Account = account;
        Reason = reason;
    }

    /// <summary>Gets the state before the change.</summary>
    public BotState PreviousState { get; }

    /// <summary>Gets the state after the change.</summary>
    public BotState CurrentState { get; }

    /// <summary>Gets the account (QQ number), or 0 when it is not known.</summary>
    public long Account { get; }

    /// <summary>Gets what showed the change (for example "BotOfflineEventForce", or "the liveness check failed as a closed bot does").</summary>
    public string Reason { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{PreviousState} -> {CurrentState} ({Reason})";
}
