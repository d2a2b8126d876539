using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Log = MiraiClient.Hosting.HostingLog;

namespace MiraiClient.Hosting;

/// <summary>Finds the command in a message (prefix, name or alias, arguments; or an @-mention of the bot
/// with no command), checks its filters and cooldown, and runs it. One handler registration of the bot
/// host, for group, friend and temporary messages; the bot's own synced messages never run commands.</summary>
internal sealed class MiraiCommandRouter
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
    public MiraiCommandRouter(IEnumerable<CommandRegistration> registrations, IOptions<MiraiCommandOptions> options, TimeProvider time, ILogger logger)
    {
        var settings = options.Value;
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

        foreach (var registration in registrations)
        {
            var command = new Command(registration.Settings, registration.Handler);
            _listed.Add(command);
            foreach (var name in registration.Settings.Aliases.Prepend(registration.Settings.Name))
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

    /// <summary>Gets whether the message runs a command registered as unordered, so it skips its conversation's queue.</summary>
    public bool IsUnordered(MiraiBot bot, MiraiEvent item) =>
        item is MessageEvent message && TryMatch(message, bot.QQ, out var command, out _) && command is { Settings.IsUnordered: true };

    public async Task HandleAsync(HandlerInput input, CancellationToken cancellationToken)
    {
        var received = input.Invocation.Event;
        if (received.Event is not (GroupMessage or FriendMessage or TempMessage) || !TryMatch((MessageEvent)received.Event, received.Bot.QQ, out var command, out var match))
        {
            return;
        }

        var context = new MiraiCommandContext((MessageEvent)received.Event, received.Bot, input.Services, input.Invocation, command?.Settings.Name ?? _helpName!, match.Arguments);
        if (command is null)
        {
            await context.ReplyAsync(HelpText(), cancellationToken: cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!await MayRunAsync(command, context, cancellationToken).ConfigureAwait(false))
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
            Log.CommandFailed(_logger, command.Settings.Name, received.Event.Type, ex);
        }
    }

    /// <summary>Finds the command of a message. <paramref name="command"/> is <see langword="null"/> for the help command.</summary>
    internal bool TryMatch(MessageEvent message, long botQQ, out Command? command, out (string Name, string Arguments) match)
    {
        command = null;
        match = default;
        if (ChatIdentity.Of(message) is null)
        {
            return false;
        }

        var text = message.MessageChain.ToPlainText().TrimStart();
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

        if (_mentionCommand is not null && botQQ != 0 && message.MessageChain.Mentions(botQQ))
        {
            command = _mentionCommand;
            match = (_mentionCommand.Settings.Name, text.Trim());
            return true;
        }

        return false;
    }

    private static void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Any(char.IsWhiteSpace))
        {
            throw new InvalidOperationException($"The command name '{name}' is not valid: a name is one word without white space.");
        }
    }

    private async Task<bool> MayRunAsync(Command command, MiraiCommandContext context, CancellationToken cancellationToken)
    {
        foreach (var filter in command.Settings.Filters)
        {
            if (!filter.Allow(context))
            {
                Log.CommandDenied(_logger, command.Settings.Name, filter.Description);
                if (filter.DeniedReply is { } reply)
                {
                    await context.ReplyAsync(reply, cancellationToken: cancellationToken).ConfigureAwait(false);
                }

                return false;
            }
        }

        if (command.Settings.Cooldown is { } cooldown && TryEnterCooldown(command, cooldown, context) is { } remaining)
        {
            Log.CommandDenied(_logger, command.Settings.Name, "it is cooling down");
            if (cooldown.Reply is { } reply)
            {
                var seconds = ((int)Math.Ceiling(remaining.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await context.ReplyAsync(reply.Replace("{remaining}", seconds, StringComparison.Ordinal), cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            return false;
        }

        return true;
    }

    /// <summary>Starts a cooldown period unless one is running.</summary>
    /// <returns>The time left of a running period, or <see langword="null"/> when the command may run.</returns>
    private TimeSpan? TryEnterCooldown(Command command, CommandCooldown cooldown, MiraiCommandContext context)
    {
        var chat = ChatIdentity.Of(context.Event)!.Value;
        var key = cooldown.Scope switch
        {
            CooldownScope.Everyone => new CooldownKey(command, context.Bot.Name, 0, 0, 0),
            CooldownScope.Chat => new CooldownKey(command, context.Bot.Name, chat.Kind, chat.ChatId, 0),
            _ => new CooldownKey(command, context.Bot.Name, chat.Kind, chat.ChatId, chat.SenderId),
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
    internal sealed class Command(MiraiCommandBuilder settings, Func<MiraiCommandContext, CancellationToken, Task> handler)
    {
        public MiraiCommandBuilder Settings { get; } = settings;

        public Func<MiraiCommandContext, CancellationToken, Task> Handler { get; } = handler;
    }

    private readonly record struct CooldownKey(Command Command, string Bot, ChatKind Kind, long ChatId, long SenderId);
}
