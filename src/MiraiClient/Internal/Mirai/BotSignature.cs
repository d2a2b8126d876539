namespace MiraiClient.Internal;

/// <summary>How mirai-api-http answers a bot-dependent command on a session whose Bot instance is gone
/// (closed after a logout, or replaced by a relogin): the "closed bot" signature.</summary>
internal static class BotSignature
{
    /// <summary>Whether a failure reply carries the closed-bot signature.</summary>
    public static bool IsClosedBot(int code, string? message) =>
        code == 500 && message is not null
        && (message.Contains("network is dead", StringComparison.OrdinalIgnoreCase)
            || message.Contains("Bot is closed", StringComparison.OrdinalIgnoreCase)
            || message.Contains("Bot already closed", StringComparison.OrdinalIgnoreCase));
}
