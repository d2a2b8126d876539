using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MiraiClient.Hosting;

/// <summary>Runs commands in mirai messages: one handler registration of the bot host, for group, friend and
/// temporary messages; the bot's own synced messages never run commands. The matching, filters, cooldown
/// and help are the shared <see cref="CommandRouter{TContext}"/>.</summary>
internal sealed class MiraiCommandRouter
{
    private readonly CommandRouter<MiraiCommandContext> _router;

    /// <exception cref="InvalidOperationException">Two commands share a name, a name is not one word, or
    /// <see cref="MiraiCommandOptions.MentionCommand"/> names no command.</exception>
    public MiraiCommandRouter(IEnumerable<CommandRegistration> registrations, IOptions<MiraiCommandOptions> options, TimeProvider time, ILogger logger) =>
        _router = new(registrations.Select(r => ((ICommandSettings<MiraiCommandContext>)r.Settings, r.Handler)), options.Value, time, logger);

    /// <summary>Gets whether the message runs a command registered as unordered, so it skips its conversation's queue.</summary>
    public bool IsUnordered(MiraiBot bot, MiraiEvent item) =>
        item is MessageEvent message && TryMatch(message, bot.QQ, out var command, out _) && command is { Settings.IsUnordered: true };

    public Task HandleAsync(HandlerInput input, CancellationToken cancellationToken)
    {
        var received = input.Invocation.Event;
        if (received.Event is not (GroupMessage or FriendMessage or TempMessage) || !TryMatch((MessageEvent)received.Event, received.Bot.QQ, out var command, out var match))
        {
            return Task.CompletedTask;
        }

        var message = (MessageEvent)received.Event;
        var context = new MiraiCommandContext(message, received.Bot, input.Services, input.Invocation, command?.Settings.Name ?? _router.HelpName!, match.Arguments);
        var chat = ChatIdentity.Of(message)!.Value;
        return _router.RunAsync(
            command,
            context,
            new CommandChat(received.Bot.Name, chat.Kind, chat.ChatId, chat.SenderId),
            message.Type,
            (text, token) => context.ReplyAsync(text, cancellationToken: token),
            cancellationToken);
    }

    /// <summary>Finds the command of a message. <paramref name="command"/> is <see langword="null"/> for the help command.</summary>
    internal bool TryMatch(MessageEvent message, long botQQ, out CommandRouter<MiraiCommandContext>.Command? command, out (string Name, string Arguments) match)
    {
        if (ChatIdentity.Of(message) is null)
        {
            command = null;
            match = default;
            return false;
        }

        var mentionsMe = _router.HasMentionCommand && botQQ != 0 && message.MessageChain.Mentions(botQQ);
        return _router.TryMatch(message.MessageChain.ToPlainText(), mentionsMe, out command, out match);
    }
}
