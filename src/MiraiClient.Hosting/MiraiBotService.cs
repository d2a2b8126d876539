using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MiraiClient.Hosting.Configuration;
using MiraiClient.Hosting.Dispatch;
using MiraiClient.Hosting.Served;
using Log = MiraiClient.Hosting.HostingLog;

namespace MiraiClient.Hosting;

/// <summary>
/// Runs every registered connection, and every account that dials in (server mode), as a bot inside the host, on
/// the start and stop contract of <see cref="BotHostService{TRunner, TConnection, TReceived}"/>.
/// </summary>
internal sealed class MiraiBotService : BotHostService<MiraiBotRunner, IMiraiConnection, ReceivedEvent>, IMiraiBotHost
{
    private readonly IServiceProvider _services;
    private readonly MiraiServiceCatalog _catalog;
    private readonly HandlerRegistration[] _registrations;
    private readonly IServiceScopeFactory _scopes;
    private readonly IOptionsMonitor<MiraiConnectionOptions> _connectionOptions;
    private readonly HashSet<string> _boundNames;
    private readonly ConcurrentDictionary<Type, DispatchHandler<ReceivedEvent>[]> _handlersByType = new();
    private MiraiCommandRouter? _router;

    public MiraiBotService(
        IServiceProvider services,
        MiraiServiceCatalog catalog,
        IEnumerable<HandlerRegistration> registrations,
        IServiceScopeFactory scopes,
        IOptions<MiraiBotOptions> options,
        IOptionsMonitor<MiraiConnectionOptions> connectionOptions,
        IEnumerable<MiraiBoundConnection> bound,
        IEnumerable<IServedAccounts<IMiraiConnection>> served,
        IHostApplicationLifetime lifetime,
        ILogger<MiraiBotService> logger)
        : base(options, served, lifetime, logger)
    {
        _services = services;
        _catalog = catalog;
        _registrations = registrations.ToArray();
        _scopes = scopes;
        _connectionOptions = connectionOptions;
        _boundNames = bound.Select(b => b.Name).ToHashSet(StringComparer.Ordinal);
    }

    public IReadOnlyList<MiraiBot> Bots => [.. Runners.Select(r => r.Bot)];

    protected override string HostName => "The bot host";

    /// <summary>Hands an event of one bot to the dispatcher, with its conversation key and handlers.</summary>
    internal ValueTask DispatchAsync(MiraiBot bot, MiraiEvent item, CancellationToken cancellationToken)
    {
        var handlers = _handlersByType.GetOrAdd(item.GetType(), static (type, service) => service.HandlersFor(type), this);
        var key = Settings.Ordering == ConversationOrdering.None || (_router?.IsUnordered(bot, item) ?? false)
            ? null
            : ConversationKey.Of(bot, item, Settings.Ordering);
        return Dispatcher!.DispatchAsync(new ReceivedEvent(bot, item), key, handlers, cancellationToken, bot.DisplayName);
    }

    /// <summary>A connection stopped for good: log once, set the exit code, stop the host.</summary>
    internal void OnFatal(MiraiBot bot, Exception exception) => OnFatal(bot.DisplayName, exception, Log.FatalStop);

    /// <summary>Checks every connection's settings and resolves it; throws with a message naming the
    /// configuration key of the first problem of each bot.</summary>
    protected override MiraiBotRunner[] Prepare()
    {
        var names = _catalog.ConnectionNames();
        if (names.Count == 0 && !Served.Any)
        {
            throw new InvalidOperationException("AddMiraiBot() found no connection to run: register one with AddMiraiClient(configuration.GetSection(\"Mirai\")) or AddMiraiClient(name, …), or serve the accounts that dial in (ServeReverseWebSocket).");
        }

        var problems = new List<string>();
        var bots = new List<(string Name, IMiraiConnection Connection, long QQ)>();
        foreach (var name in names)
        {
            long qq = 0;
            if (_boundNames.Contains(name))
            {
                var options = _connectionOptions.Get(name);
                if (MiraiOptionsBinder.Check(options) is { } problem)
                {
                    problems.Add(problem);
                    continue;
                }

                qq = options.QQ;
            }

            try
            {
                var connection = name.Length == 0 ? _services.GetRequiredService<IMiraiConnection>() : _services.GetRequiredKeyedService<IMiraiConnection>(name);
                bots.Add((name, connection, qq));
            }
            catch (ArgumentException ex)
            {
                // A connection configured in code: the core names the option that is wrong.
                problems.Add(name.Length == 0 ? ex.Message : $"Bot '{name}': {ex.Message}");
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", problems));
        }

        _router = _services.GetService<MiraiCommandRouter>();
        return [.. bots.Select(b => new MiraiBotRunner(this, new MiraiBot(b.Name, b.Connection, b.QQ), Logger))];
    }

    /// <summary>An account dialled in: it becomes a bot named by its QQ, whose connection its server owns.</summary>
    protected override MiraiBotRunner CreateServed(long qq, IMiraiConnection connection) =>
        new(this, new MiraiBot(qq.ToString(CultureInfo.InvariantCulture), connection, qq), Logger, ownsConnection: false);

    protected override string Describe(ReceivedEvent received) => received.Event.Type;

    protected override (string Name, string EventTag, string EventType, string Bot) Trace(ReceivedEvent received) =>
        ("mirai.event " + received.Event.Type, "mirai.event", received.Event is UnknownEvent ? "Unknown" : received.Event.Type, received.Bot.DisplayName);

    private DispatchHandler<ReceivedEvent>[] HandlersFor(Type eventType) =>
        [.. _registrations.Where(r => r.EventType.IsAssignableFrom(eventType)).Select(Wrap)];

    private DispatchHandler<ReceivedEvent> Wrap(HandlerRegistration registration) =>
        new(registration.Name, async (invocation, token) =>
        {
            var scope = _scopes.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                await registration.Invoke(new HandlerInput(scope.ServiceProvider, invocation), token).ConfigureAwait(false);
            }
        });
}

/// <summary>Finds the connections registered in the service collection, so <c>AddMiraiBot</c> runs keyed
/// ones too, whichever order the registrations were made in.</summary>
internal sealed class MiraiServiceCatalog(IServiceCollection services)
{
    /// <summary>Gets the names of the registered connections: <c>""</c> for the unkeyed one, the key of each
    /// keyed one (string keys only), in registration order.</summary>
    public IReadOnlyList<string> ConnectionNames()
    {
        var names = new List<string>();
        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType != typeof(IMiraiConnection))
            {
                continue;
            }

            var name = !descriptor.IsKeyedService ? "" : descriptor.ServiceKey as string;
            if (name is not null && !names.Contains(name, StringComparer.Ordinal))
            {
                names.Add(name);
            }
        }

        return names;
    }
}

/// <summary>Marks a connection whose options were bound from configuration (<c>""</c> for the unkeyed one).</summary>
internal sealed record MiraiBoundConnection(string Name);
