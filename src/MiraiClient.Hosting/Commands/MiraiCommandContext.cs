using MiraiClient.Hosting.Dispatch;

namespace MiraiClient.Hosting;

/// <summary>What a command handler gets: the message context plus the command's name and arguments.</summary>
public sealed class MiraiCommandContext : MiraiEventContext<MessageEvent>
{
    private static readonly char[] NoSeparators = [];

    internal MiraiCommandContext(MessageEvent message, MiraiBot bot, IServiceProvider services, DispatchInvocation<ReceivedEvent>? invocation, string command, string argumentText)
        : base(message, bot, services, invocation)
    {
        Command = command;
        ArgumentText = argumentText;
        Arguments = argumentText.Split(NoSeparators, StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Gets the command's registered name (not the alias or the letter case the sender typed).</summary>
    public string Command { get; }

    /// <summary>Gets the plain text after the command's name, trimmed (for a message that only @-mentions
    /// the bot, all its text). Mentions and images are not text: read them from <c>Event.MessageChain</c>.</summary>
    public string ArgumentText { get; }

    /// <summary>Gets <see cref="ArgumentText"/> split at white space (full-width spaces included).</summary>
    public IReadOnlyList<string> Arguments { get; }
}
