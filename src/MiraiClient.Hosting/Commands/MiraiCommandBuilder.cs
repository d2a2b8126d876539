namespace MiraiClient.Hosting;

/// <summary>Describes one command: its help text, its aliases, who may run it and how often.</summary>
/// <remarks>Filters are checked in the order they were added, then the cooldown; a command runs only
/// when every filter allows it. A denied sender gets the filter's reply when it has one, else silence.</remarks>
public sealed class MiraiCommandBuilder : ICommandSettings<MiraiCommandContext>
{
    internal MiraiCommandBuilder(string name) => Name = name;

    /// <summary>Gets the command's name, as typed after the prefix.</summary>
    public string Name { get; }

    internal string? Description { get; private set; }

    internal string? Usage { get; private set; }

    internal List<string> Aliases { get; } = [];

    internal List<CommandFilter<MiraiCommandContext>> Filters { get; } = [];

    internal CommandCooldown? Cooldown { get; private set; }

    internal bool IsUnordered { get; private set; }

    string? ICommandSettings<MiraiCommandContext>.Description => Description;

    string? ICommandSettings<MiraiCommandContext>.Usage => Usage;

    IReadOnlyList<string> ICommandSettings<MiraiCommandContext>.Aliases => Aliases;

    IReadOnlyList<CommandFilter<MiraiCommandContext>> ICommandSettings<MiraiCommandContext>.Filters => Filters;

    CommandCooldown? ICommandSettings<MiraiCommandContext>.Cooldown => Cooldown;

    bool ICommandSettings<MiraiCommandContext>.IsUnordered => IsUnordered;

    /// <summary>Sets the line shown by the help command.</summary>
    /// <param name="description">What the command does.</param>
    /// <param name="usage">Its arguments, for example <c>&lt;question&gt;</c>.</param>
    /// <returns>This builder.</returns>
    public MiraiCommandBuilder WithDescription(string description, string? usage = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(description);
        Description = description;
        Usage = usage;
        return this;
    }

    /// <summary>Adds other names the command answers to.</summary>
    /// <param name="aliases">The names.</param>
    /// <returns>This builder.</returns>
    public MiraiCommandBuilder WithAliases(params string[] aliases)
    {
        ArgumentNullException.ThrowIfNull(aliases);
        Aliases.AddRange(aliases);
        return this;
    }

    /// <summary>Lets the command run only when <paramref name="allow"/> says so.</summary>
    /// <param name="allow">The condition; it must be quick and must not throw.</param>
    /// <param name="deniedReply">What to answer when it does not hold; <see langword="null"/> for silence.</param>
    /// <returns>This builder.</returns>
    public MiraiCommandBuilder Where(Func<MiraiCommandContext, bool> allow, string? deniedReply = null)
    {
        ArgumentNullException.ThrowIfNull(allow);
        Filters.Add(new CommandFilter<MiraiCommandContext>("a Where condition", allow, deniedReply));
        return this;
    }

    /// <summary>Lets the command run only in a group, sent by the group's owner or an administrator.</summary>
    /// <param name="deniedReply">What to answer anyone else; <see langword="null"/> for silence.</param>
    /// <returns>This builder.</returns>
    public MiraiCommandBuilder RequireGroupAdmin(string? deniedReply = null)
    {
        Filters.Add(new CommandFilter<MiraiCommandContext>(
            "the sender is not an owner or administrator of the group",
            static context => context.Event is GroupMessage { Sender.Permission: GroupPermission.Administrator or GroupPermission.Owner },
            deniedReply));
        return this;
    }

    /// <summary>Lets the command run only for the given accounts, for example the bot's operators.</summary>
    /// <param name="senders">The QQ numbers allowed.</param>
    /// <param name="deniedReply">What to answer anyone else; <see langword="null"/> for silence.</param>
    /// <returns>This builder.</returns>
    public MiraiCommandBuilder RequireSender(IReadOnlyCollection<long> senders, string? deniedReply = null)
    {
        ArgumentNullException.ThrowIfNull(senders);
        var allowed = senders.ToHashSet();
        Filters.Add(new CommandFilter<MiraiCommandContext>(
            "the sender is not in the command's sender list",
            context => ChatIdentity.Of(context.Event) is { } chat && allowed.Contains(chat.SenderId),
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
    public MiraiCommandBuilder WithCooldown(TimeSpan period, CooldownScope scope = CooldownScope.Sender, string? reply = null)
    {
        Cooldown = CommandCooldown.Create(period, scope, reply);
        return this;
    }

    /// <summary>Runs this command's messages as soon as a slot is free, outside their conversation's order,
    /// so a quick command (an admin's <c>/recall</c>) never waits behind a slow one of the same conversation.</summary>
    /// <returns>This builder.</returns>
    /// <remarks>The whole message skips the queue, for every handler that receives it.</remarks>
    public MiraiCommandBuilder Unordered()
    {
        IsUnordered = true;
        return this;
    }
}

/// <summary>Whose runs of a command share a cooldown.</summary>
public enum CooldownScope
{
    /// <summary>Each sender in each chat has their own cooldown.</summary>
    Sender,

    /// <summary>Everyone in a chat (a group, a friend chat) shares one cooldown.</summary>
    Chat,

    /// <summary>One cooldown for everyone, in every chat of the bot.</summary>
    Everyone,
}

/// <summary>Settings of the command router.</summary>
public sealed class MiraiCommandOptions
{
    /// <summary>Gets the prefixes a command starts with (default: <c>/</c>). The longest that matches wins;
    /// an empty prefix makes every message's first word a candidate.</summary>
    public IList<string> Prefixes { get; } = ["/"];

    /// <summary>Gets or sets whether command names are matched with their letter case (default: <see langword="false"/>).</summary>
    public bool CaseSensitive { get; set; }

    /// <summary>Gets or sets the name of the built-in command that lists the commands (default: <c>help</c>;
    /// <see langword="null"/> for none). A command registered under the same name replaces it.</summary>
    public string? HelpCommand { get; set; } = "help";

    /// <summary>Gets or sets the command that runs when a message @-mentions the bot without naming a command,
    /// with all the message's text as its arguments (default: none). For example <c>ask</c>, so that
    /// "@bot what is …" works like "/ask what is …".</summary>
    public string? MentionCommand { get; set; }
}

/// <summary>A condition a command's sender must meet, with what to say otherwise.</summary>
/// <typeparam name="TContext">The protocol's command context.</typeparam>
internal sealed record CommandFilter<TContext>(string Description, Func<TContext, bool> Allow, string? DeniedReply);

/// <summary>A command's cooldown.</summary>
internal sealed record CommandCooldown(TimeSpan Period, CooldownScope Scope, string? Reply)
{
    public static CommandCooldown Create(TimeSpan period, CooldownScope scope, string? reply)
    {
        if (period <= TimeSpan.Zero || period > TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, "The cooldown must be positive and at most one day.");
        }

        if (!Enum.IsDefined(scope))
        {
            throw new ArgumentOutOfRangeException(nameof(scope), scope, "Unknown cooldown scope.");
        }

        return new CommandCooldown(period, scope, reply);
    }
}

/// <summary>A command as registered: its handler and its settings.</summary>
internal sealed record CommandRegistration(MiraiCommandBuilder Settings, Func<MiraiCommandContext, CancellationToken, Task> Handler);
