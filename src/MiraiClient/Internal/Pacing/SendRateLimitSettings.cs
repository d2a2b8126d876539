namespace MiraiClient.Internal.Pacing;

/// <summary>The validated, frozen copy of <see cref="SendRateLimitOptions"/> a connection runs with.</summary>
internal sealed record SendRateLimitSettings(
    bool Enabled,
    int AccountBurst,
    TimeSpan AccountInterval,
    int ConversationBurst,
    TimeSpan ConversationInterval,
    TimeSpan MaxWait)
{
    /// <summary>Gets settings that limit nothing.</summary>
    public static SendRateLimitSettings Disabled { get; } = new(false, 1, TimeSpan.FromSeconds(1), 1, TimeSpan.FromSeconds(1), TimeSpan.Zero);
}
