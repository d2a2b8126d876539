using System.ComponentModel;

namespace MiraiClient.Hosting;

/// <summary>How the hosted bot dispatches events to handlers and how it stops. Bind it from
/// configuration with <see cref="MiraiBotBuilderExtensions.Configure(IMiraiBotBuilder, Microsoft.Extensions.Configuration.IConfiguration)"/>
/// (keys named as the properties, for example <c>Mirai:Hosting:Ordering</c>).</summary>
public sealed class MiraiBotOptions
{
    /// <summary>Gets or sets how many handler invocations may run at once, across every bot of the host (default: 16).</summary>
    /// <remarks>Only invocations that are actually running count. An event whose conversation is busy waits in
    /// that conversation's queue and holds no slot, and so does a handler while it waits in
    /// <see cref="MiraiEventContext{TEvent}.WaitForNextMessageAsync"/>. Runnable events take free slots in
    /// arrival order, so one busy conversation never delays another one.</remarks>
    public int MaxConcurrentHandlers { get; set; } = 16;

    /// <summary>Gets or sets how many handler invocations of one bot account may run at once (default: 0, no limit
    /// of its own: only <see cref="MaxConcurrentHandlers"/> applies).</summary>
    /// <remarks>Set it when one host serves many accounts (server mode), so a flood on one account leaves slots for
    /// the others: an event of an account at its limit waits aside, holding no slot, and the next runnable event of
    /// another account starts. Handlers resuming after a wait are not held back by it.</remarks>
    public int MaxConcurrentHandlersPerBot { get; set; }

    /// <summary>Gets or sets how many events may wait, for their conversation's turn or for a free slot,
    /// before the bot stops reading events (default: 1024).</summary>
    /// <remarks>While the bot does not read, the subscription's own buffer absorbs the burst (and drops by
    /// <see cref="MiraiConnectionOptions.EventOverflowPolicy"/> when it is full), so memory stays bounded.</remarks>
    public int MaxQueuedEvents { get; set; } = 1024;

    /// <summary>Gets or sets which messages are handled one after another in arrival order
    /// (default: <see cref="ConversationOrdering.PerSender"/>).</summary>
    /// <remarks>Messages of different conversations always run in parallel, up to
    /// <see cref="MaxConcurrentHandlers"/>. Events that are not chat messages (requests, notices) are never ordered.</remarks>
    public ConversationOrdering Ordering { get; set; } = ConversationOrdering.PerSender;

    /// <summary>Gets or sets whether messages of one conversation are handled in arrival order.</summary>
    /// <remarks>Kept from 0.1.0: <see langword="false"/> is <see cref="ConversationOrdering.None"/>; <see langword="true"/>
    /// keeps the current <see cref="Ordering"/>, or restores the default when it was <see cref="ConversationOrdering.None"/>.</remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [Obsolete("Use Ordering, which also offers per-sender order.")]
    public bool OrderPerConversation
    {
        get => Ordering != ConversationOrdering.None;
        set => Ordering = !value ? ConversationOrdering.None
            : Ordering == ConversationOrdering.None ? ConversationOrdering.PerSender
            : Ordering;
    }

    /// <summary>Gets or sets how long running handlers may go on when the host stops, before their
    /// cancellation token is cancelled (default: 1 s; <see cref="TimeSpan.Zero"/> cancels at once).</summary>
    /// <remarks>Stop takes no new events; queued events still run during this time. A bot whose handlers
    /// honour their token therefore stops about this long after SIGTERM, whatever the host's
    /// <c>ShutdownTimeout</c> (the host's timeout still caps every step).</remarks>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets how long cancelled handlers get to return before the bot stops waiting for
    /// them, logs them as abandoned (event 2003) and disposes its connections (default: 2 s).</summary>
    public TimeSpan AbandonTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets the process exit code set when the bot cannot run: its configuration is
    /// invalid, or a connection stops for good, for example because the server rejected the verify key (default: 3).</summary>
    public int FatalExitCode { get; set; } = 3;
}

/// <summary>Which chat messages a hosted bot handles one after another.</summary>
public enum ConversationOrdering
{
    /// <summary>No ordering: every message may run as soon as a slot is free.</summary>
    None,

    /// <summary>One queue per chat: a group, a friend, a temporary chat. One member's slow handler holds up
    /// everyone in the group.</summary>
    PerChat,

    /// <summary>One queue per sender in each chat: a member of a group, a friend, a temporary chat. A member's
    /// messages keep their order; other members are not held up (the default).</summary>
    PerSender,
}
