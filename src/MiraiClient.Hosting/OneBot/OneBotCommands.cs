using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MiraiClient.OneBot;

namespace MiraiClient.Hosting;

/// <summary>Describes one OneBot command: its help text, its aliases, who may run it and how often.</summary>
/// <remarks>Filters are checked in the order they were added, then the cooldown; a command runs only
/// when every filter allows it. A denied sender gets the filter's reply when it has one, else silence.</remarks>
public sealed class OneBotCommandBuilder : ICommandSettings<OneBotCommandContext>
{
    private readonly List<string> _aliases = [];
    private readonly List<CommandFilter<OneBotCommandContext>> _filters = [];
    private string? _description;
    private string? _usage;
    private CommandCooldown? _cooldown;
    private bool _unordered;

    internal OneBotCommandBuilder(string name) => Name = name;

    /// <summary>Gets the command's name, as typed after the prefix.</summary>
    public string Name { get; }

    string? ICommandSettings<OneBotCommandContext>.Description => _description;

    string? ICommandSettings<OneBotCommandContext>.Usage => _usage;

    IReadOnlyList<string> ICommandSettings<OneBotCommandContext>.Aliases => _aliases;

    IReadOnlyList<CommandFilter<OneBotCommandContext>> ICommandSettings<OneBotCommandContext>.Filters => _filters;

    CommandCooldown? ICommandSettings<OneBotCommandContext>.Cooldown => _cooldown;

    bool ICommandSettings<OneBotCommandContext>.IsUnordered => _unordered;

    /// <summary>Sets the line shown by the help command.</summary>
    /// <param name="description">What the command does.</param>
    /// <param name="usage">Its arguments, for example <c>&lt;question&gt;</c>.</param>
    /// <returns>This builder.</returns>
    public OneBotCommandBuilder WithDescription(string description, string? usage = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(description);
        _description = description;
        _usage = usage;
        return this;
    }

    /// <summary>Adds other names the command answers to.</summary>
    /// <param name="aliases">The names.</param>
    /// <returns>This builder.</returns>
    public OneBotCommandBuilder WithAliases(params string[] aliases)
    {
        ArgumentNullException.ThrowIfNull(aliases);
        _aliases.AddRange(aliases);
        return this;
    }

    /// <summary>Lets the command run only when <paramref name="allow"/> says so.</summary>
    /// <param name="allow">The condition; it must be quick and must not throw.</param>
    /// <param name="deniedReply">What to answer when it does not hold; <see langword="null"/> for silence.</param>
    /// <returns>This builder.</returns>
    public OneBotCommandBuilder Where(Func<OneBotCommandContext, bool> allow, string? deniedReply = null)
    {
        ArgumentNullException.ThrowIfNull(allow);
        _filters.Add(new("a Where condition", allow, deniedReply));
        return this;
    }

    /// <summary>Lets the command run only in a group, sent by the group's owner or an administrator (the
    /// <c>sender.role</c> the implementation reports).</summary>
    /// <param name="deniedReply">What to answer anyone else; <see langword="null"/> for silence.</param>
    /// <returns>This builder.</returns>
    public OneBotCommandBuilder RequireGroupAdmin(string? deniedReply = null)
    {
        _filters.Add(new(
            "the sender is not an owner or administrator of the group",
            static context => context.Event is GroupMessageEvent { Sender.GroupRole: OneBotRole.Admin or OneBotRole.Owner },
            deniedReply));
        return this;
    }

    /// <summary>Lets the command run only for the given accounts, for example the bot's operators.</summary>
    /// <param name="senders">The QQ numbers allowed.</param>
    /// <param name="deniedReply">What to answer anyone else; <see langword="null"/> for silence.</param>
    /// <returns>This builder.</returns>
    public OneBotCommandBuilder RequireSender(IReadOnlyCollection<long> senders, string? deniedReply = null)
    {
        ArgumentNullException.ThrowIfNull(senders);
        var allowed = senders.ToHashSet();
        _filters.Add(new(
            "the sender is not in the command's sender list",
            context => OneBotChat.Of(context.Event) is { } chat && allowed.Contains(chat.SenderId),
            deniedReply));
        return this;
    }

    /// <summary>Lets the command run at most once per <paramref name="period"/> for each sender, chat, or
    /// everyone, counted from the start of a run that passed the filters.</summary>
    /// <param name="period">The cooldown; positive and at most one day.</param>
    /// <param name="scope">Whose runs share the cooldown (default: each sender in each chat).</param>
    /// <param name="reply">What to answer while it cools down; <c>{remaining}</c> becomes the seconds left.
    /// <see langword="null"/> for silence.</param>
    /// <returns>This builder.</returns>
    public OneBotCommandBuilder WithCooldown(TimeSpan period, CooldownScope scope = CooldownScope.Sender, string? reply = null)
    {
        _cooldown = CommandCooldown.Create(period, scope, reply);
        return this;
    }

    /// <summary>Runs this command's messages as soon as a slot is free, outside their conversation's order,
    /// so a quick command never waits behind a slow one of the same conversation.</summary>
    /// <returns>This builder.</returns>
    /// <remarks>The whole message skips the queue, for every handler that receives it.</remarks>
    public OneBotCommandBuilder Unordered()
    {
        _unordered = true;
        return this;
    }
}

/// <summary>A OneBot command as registered: its handler and its settings.</summary>
internal sealed record OneBotCommandRegistration(OneBotCommandBuilder Settings, Func<OneBotCommandContext, CancellationToken, Task> Handler);

/// <summary>Runs commands in OneBot messages: one handler registration of the OneBot host, for group and
/// private messages of others (never the account's own <c>message_sent</c>). The matching, filters,
/// cooldown and help are the shared <see cref="CommandRouter{TContext}"/>.</summary>
internal sealed class OneBotCommandRouter
{
    private readonly CommandRouter<OneBotCommandContext> _router;

    /// <exception cref="InvalidOperationException">Two commands share a name, a name is not one word, or
    /// <see cref="MiraiCommandOptions.MentionCommand"/> names no command.</exception>
    public OneBotCommandRouter(IEnumerable<OneBotCommandRegistration> registrations, IOptions<MiraiCommandOptions> options, TimeProvider time, ILogger logger) =>
        _router = new(registrations.Select(r => ((ICommandSettings<OneBotCommandContext>)r.Settings, r.Handler)), options.Value, time, logger);

    /// <summary>Gets whether the message runs a command registered as unordered, so it skips its conversation's queue.</summary>
    public bool IsUnordered(OneBotAccount bot, OneBotEvent item) =>
        item is OneBotMessageEvent message && TryMatch(message, bot.SelfId, out var command, out _) && command is { Settings.IsUnordered: true };

    public Task HandleAsync(OneBotHandlerInput input, CancellationToken cancellationToken)
    {
        var received = input.Invocation.Event;
        if (received.Event is not OneBotMessageEvent message || !TryMatch(message, received.Bot.SelfId, out var command, out var match))
        {
            return Task.CompletedTask;
        }

        var context = new OneBotCommandContext(message, received.Bot, input.Services, input.Invocation, command?.Settings.Name ?? _router.HelpName!, match.Arguments);
        var chat = OneBotChat.Of(message)!.Value;
        return _router.RunAsync(
            command,
            context,
            new CommandChat(received.Bot.Name, chat.Kind, chat.ChatId, chat.SenderId),
            OneBotChat.Describe(message),
            (text, token) => context.ReplyAsync(text, cancellationToken: token),
            cancellationToken);
    }

    private bool TryMatch(OneBotMessageEvent message, long selfId, out CommandRouter<OneBotCommandContext>.Command? command, out (string Name, string Arguments) match)
    {
        if (OneBotChat.Of(message) is null)
        {
            command = null;
            match = default;
            return false;
        }

        selfId = selfId != 0 ? selfId : message.SelfId;
        var mentionsMe = _router.HasMentionCommand && selfId != 0 && message.Message.Mentions(selfId);
        return _router.TryMatch(message.Message.ToPlainText(), mentionsMe, out command, out match);
    }
}
