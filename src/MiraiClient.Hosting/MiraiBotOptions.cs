namespace MiraiClient.Hosting;

/// <summary>How the hosted bot dispatches events to handlers.</summary>
public sealed class MiraiBotOptions
{
    /// <summary>Gets or sets how many handler invocations may run at once (default: 16).</summary>
    /// <remarks>When this many are running, the dispatcher stops reading events; the subscription's
    /// buffer then absorbs the burst (and drops by its overflow policy when full), so memory stays bounded.</remarks>
    public int MaxConcurrentHandlers { get; set; } = 16;

    /// <summary>Gets or sets whether messages from the same conversation (a group, a friend, a temporary
    /// chat) are handled one after another in arrival order (default: <see langword="true"/>).
    /// Different conversations run in parallel either way.</summary>
    public bool OrderPerConversation { get; set; } = true;

    /// <summary>Gets or sets the process exit code set when the connection stops for good, for example
    /// because the server rejected the verify key (default: 3).</summary>
    public int FatalExitCode { get; set; } = 3;
}
