using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Log = MiraiClient.Hosting.HostingLog;

namespace MiraiClient.Hosting;

/// <summary>What a command router needs of a command's settings, whichever protocol's builder made them.</summary>
/// <typeparam name="TContext">The protocol's command context.</typeparam>
internal interface ICommandSettings<TContext>
    where TContext : class
{
    string Name { get; }

    string? Description { get; }

    string? Usage { get; }

    IReadOnlyList<string> Aliases { get; }

    IReadOnlyList<CommandFilter<TContext>> Filters { get; }

    CommandCooldown? Cooldown { get; }

    bool IsUnordered { get; }
}

/// <summary>The chat a command runs in, for cooldowns: the bot, the kind of chat, the chat and the sender.</summary>
internal readonly record struct CommandChat(string Bot, ChatKind Kind, long ChatId, long SenderId);

/// <summary>
/// The protocol-neutral part of commands: finds the command in a message's plain text (prefix, name or
/// alias, arguments; or a mention of the bot with no command), answers the help command, checks filters
/// and the cooldown, and runs the command with its failures isolated. The mirai and the OneBot routers
/// wrap it with their own message and context types.
/// </summary>
/// <typeparam name="TContext">The protocol's command context.</typeparam>
internal sealed class CommandRouter<TContext>
    where TContext : class
{
    private const int CooldownSweepThreshold = 1024;
    private readonly Dictionary<string, Command> _commands;
    private readonly List<Command> _listed = [];
    private readonly string[] _prefixes;
    private readonly string _displayPrefix;
    private readonly string? _helpName;
    private readonly Command? _mentionCommand;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<CooldownKey, long> _cooldowns = [];

    /// <exception cref="InvalidOperationException">Two commands share a name, a name is not one word, or
    /// <see cref="MiraiCommandOptions.MentionCommand"/> names no command.</exception>
    public CommandRouter(IEnumerable<(ICommandSettings<TContext> Settings, Func<TContext, CancellationToken, Task> Handler)> registrations, MiraiCommandOptions settings, TimeProvider time, ILogger logger)
    {
        var comparer = settings.CaseSensitive ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;
        _commands = new Dictionary<string, Command>(comparer);
        _time = time;
        _logger = logger;
        _prefixes = [.. settings.Prefixes.Select(p => p ?? throw new InvalidOperationException("A command prefix must not be null.")).Distinct().OrderByDescending(p => p.Length)];
        if (_prefixes.Length == 0)
        {
            throw new InvalidOperationException("MiraiCommandOptions.Prefixes is empty: add at least one prefix, such as \"/\" (or \"\" for none).");
        }

        _displayPrefix = settings.Prefixes[0];

        foreach (var (commandSettings, handler) in registrations)
        {
            var command = new Command(commandSettings, handler);
            _listed.Add(command);
            foreach (var name in commandSettings.Aliases.Prepend(commandSettings.Name))
            {
                CheckName(name);
                if (!_commands.TryAdd(name, command))
                {
                    throw new InvalidOperationException($"The command name '{name}' is registered twice.");
                }
            }
        }

        if (settings.HelpCommand is { } help)
        {
            CheckName(help);
            _helpName = _commands.ContainsKey(help) ? null : help;
        }

        if (settings.MentionCommand is { } mention)
        {
            _mentionCommand = _commands.TryGetValue(mention, out var target) ? target
                : throw new InvalidOperationException($"MiraiCommandOptions.MentionCommand names '{mention}', which is not a registered command.");
        }
    }

    /// <summary>Gets whether a message that mentions the bot runs a command; the caller then checks for the mention.</summary>
    public bool HasMentionCommand => _mentionCommand is not null;

    /// <summary>Gets the name of the built-in help command, when it is on and no command replaced it.</summary>
    public string? HelpName => _helpName;

    /// <summary>Finds the command in a message's plain text. <paramref name="command"/> is <see langword="null"/> for the help command.</summary>
    /// <param name="text">The message's plain text.</param>
    /// <param name="mentionsMe">Whether the message mentions the bot (only read when <see cref="HasMentionCommand"/>).</param>
    /// <param name="command">The command, or <see langword="null"/> for help.</param>
    /// <param name="match">The name as typed and the trimmed arguments.</param>
    /// <returns>Whether the message runs a command.</returns>
    public bool TryMatch(string text, bool mentionsMe, out Command? command, out (string Name, string Arguments) match)
    {
        command = null;
        match = default;
        text = text.TrimStart();
        foreach (var prefix in _prefixes)
        {
            if (!text.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var rest = text.AsSpan(prefix.Length);
            var end = 0;
            while (end < rest.Length && !char.IsWhiteSpace(rest[end]))
            {
                end++;
            }

            if (end == 0)
            {
                continue;
            }

            var name = rest[..end].ToString();
            if (_commands.TryGetValue(name, out command) || (_helpName is not null && _commands.Comparer.Equals(name, _helpName)))
            {
                match = (name, rest[end..].Trim().ToString());
                return true;
            }
        }

        if (_mentionCommand is not null && mentionsMe)
        {
            command = _mentionCommand;
            match = (_mentionCommand.Settings.Name, text.Trim());
            return true;
        }

        return false;
    }

    /// <summary>Runs a matched command (the help command when <paramref name="command"/> is <see langword="null"/>):
    /// filters, cooldown, then the handler; a failure of the handler is logged and goes no further.</summary>
    /// <param name="command">The command, or <see langword="null"/> for help.</param>
    /// <param name="context">The command's context.</param>
    /// <param name="chat">Where it runs, for the cooldown.</param>
    /// <param name="eventType">The event's type name, for logs.</param>
    /// <param name="reply">Sends a text where the message came from (help, denials, cooldown notes).</param>
    /// <param name="cancellationToken">The handlers' token.</param>
    /// <returns>A task that completes when the command has run.</returns>
    public async Task RunAsync(Command? command, TContext context, CommandChat chat, string eventType, Func<string, CancellationToken, Task> reply, CancellationToken cancellationToken)
    {
        if (command is null)
        {
            await reply(HelpText(), cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!await MayRunAsync(command, context, chat, reply, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        try
        {
            await command.Handler(context, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            Log.CommandFailed(_logger, command.Settings.Name, eventType, ex);
        }
    }

    private static void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Any(char.IsWhiteSpace))
        {
            throw new InvalidOperationException($"The command name '{name}' is not valid: a name is one word without white space.");
        }
    }

    private async Task<bool> MayRunAsync(Command command, TContext context, CommandChat chat, Func<string, CancellationToken, Task> reply, CancellationToken cancellationToken)
    {
        foreach (var filter in command.Settings.Filters)
        {
            if (!filter.Allow(context))
            {
                Log.CommandDenied(_logger, command.Settings.Name, filter.Description);
                if (filter.DeniedReply is { } denied)
                {
                    await reply(denied, cancellationToken).ConfigureAwait(false);
                }

                return false;
            }
        }

        if (command.Settings.Cooldown is { } cooldown && TryEnterCooldown(command, cooldown, chat) is { } remaining)
        {
            Log.CommandDenied(_logger, command.Settings.Name, "it is cooling down");
            if (cooldown.Reply is { } text)
            {
                var seconds = ((int)Math.Ceiling(remaining.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await reply(text.Replace("{remaining}", seconds, StringComparison.Ordinal), cancellationToken).ConfigureAwait(false);
            }

            return false;
        }

        return true;
    }

    /// <summary>Starts a cooldown period unless one is running.</summary>
    /// <returns>The time left of a running period, or <see langword="null"/> when the command may run.</returns>
    private TimeSpan? TryEnterCooldown(Command command, CommandCooldown cooldown, CommandChat chat)
    {
        var key = cooldown.Scope switch
        {
            CooldownScope.Everyone => new CooldownKey(command, chat.Bot, 0, 0, 0),
            CooldownScope.Chat => new CooldownKey(command, chat.Bot, chat.Kind, chat.ChatId, 0),
            _ => new CooldownKey(command, chat.Bot, chat.Kind, chat.ChatId, chat.SenderId),
        };
        var now = _time.GetTimestamp();
        lock (_cooldowns)
        {
            if (_cooldowns.TryGetValue(key, out var until) && until > now)
            {
                return _time.GetElapsedTime(now, until);
            }

            // Expired entries go in bulk once many have piled up: memory follows the active senders only.
            if (_cooldowns.Count >= CooldownSweepThreshold)
            {
                foreach (var stale in _cooldowns.Where(pair => pair.Value <= now).Select(pair => pair.Key).ToList())
                {
                    _cooldowns.Remove(stale);
                }
            }

            _cooldowns[key] = now + (long)(cooldown.Period.TotalSeconds * _time.TimestampFrequency);
            return null;
        }
    }

    private string HelpText()
    {
        var prefix = _displayPrefix;
        var text = new StringBuilder("Commands:");
        foreach (var command in _listed)
        {
            var settings = command.Settings;
            text.Append('\n').Append(prefix).Append(settings.Name);
            if (settings.Usage is { } usage)
            {
                text.Append(' ').Append(usage);
            }

            if (settings.Description is { } description)
            {
                text.Append(" - ").Append(description);
            }
        }

        return text.Append('\n').Append(prefix).Append(_helpName).Append(" - Lists the commands").ToString();
    }

    /// <summary>A registered command.</summary>
    internal sealed class Command(ICommandSettings<TContext> settings, Func<TContext, CancellationToken, Task> handler)
    {
        public ICommandSettings<TContext> Settings { get; } = settings;

        public Func<TContext, CancellationToken, Task> Handler { get; } = handler;
    }

    private readonly record struct CooldownKey(Command Command, string Bot, ChatKind Kind, long ChatId, long SenderId);
}
