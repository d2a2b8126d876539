using MiraiClient;
using MiraiClient.Hosting;

namespace ConsoleBot;

/// <summary>The sample bot: <c>/ping</c> → <c>pong</c>, <c>/echo text</c> → <c>text</c>, everything else ignored.</summary>
internal static class PingEchoBot
{
    /// <summary>Gets the reply to a message's plain text, or <see langword="null"/> to stay silent.</summary>
    public static string? Reply(string plainText)
    {
        var text = plainText.Trim();
        if (text == "/ping")
        {
            return "pong";
        }

        const string Echo = "/echo ";
        return text.StartsWith(Echo, StringComparison.Ordinal) && text.Length > Echo.Length ? text[Echo.Length..] : null;
    }

    public static async Task HandleAsync(MiraiEventContext<MessageEvent> context, CancellationToken cancellationToken)
    {
        if (context.Event is not (GroupMessage or FriendMessage))
        {
            return;
        }

        if (Reply(context.Event.MessageChain.ToPlainText()) is { } reply)
        {
            await context.ReplyAsync(reply, cancellationToken: cancellationToken);
        }
    }
}
