namespace MiraiClient.Internal;

/// <summary>How mirai-api-http answers a bot-dependent command on a session whose Bot instance is gone
/// (closed after a logout, or replaced by a relogin): the "closed bot" signature.</summary>
internal static class BotSignature
{
    /// <summary>Whether a failure reply carries the closed-bot signature: a code 500 with mirai's error for a
    /// closed network (mirai 2.7 and later: <c>NetworkHandler is already closed.</c>; before: <c>network is dead
    /// therefore can't send any packet</c>, MAH#253) or a closed bot.</summary>
    /// <remarks>A stale session also answers contact lookups with code 5 (MAH#707), which a wrong target gives
    /// too: that is only a reason to check, never proof.</remarks>
    public static bool IsClosedBot(int code, string? message) =>
        code == 500 && message is not null
        && (message.Contains("is already closed", StringComparison.OrdinalIgnoreCase)
            || message.Contains("network is dead", StringComparison.OrdinalIgnoreCase)
            || message.Contains("Bot is closed", StringComparison.OrdinalIgnoreCase));
}
