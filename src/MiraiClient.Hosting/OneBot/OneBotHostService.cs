using System.Collections.Concurrent;
using System.Globalization;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MiraiClient.Hosting.Configuration;
using MiraiClient.Hosting.Dispatch;
using MiraiClient.Hosting.Served;
using MiraiClient.OneBot;
using Log = MiraiClient.Hosting.HostingLog;

namespace MiraiClient.Hosting;

/// <summary>
/// Runs every registered OneBot connection, and every OneBot account that dials in (server mode), as a bot inside
/// the host, on the same dispatcher design and start and stop contract as the mirai bots
/// (<see cref="BotHostService{TRunner, TConnection, TReceived}"/>).
/// </summary>
internal sealed class OneBotHostService : BotHostService<OneBotRunner, IOneBotConnection, OneBotReceivedEvent>, IOneBotHost
{
    private readonly IServiceProvider _services;
    private readonly OneBotServiceCatalog _catalog;
    private readonly OneBotHandlerRegistration[] _registrations;
    private readonly IServiceScopeFactory _scopes;
    private readonly IOptionsMonitor<OneBotConnectionOptions> _connectionOptions;
    private readonly HashSet<string> _boundNames;
    private readonly ConcurrentDictionary<Type, DispatchHandler<OneBotReceivedEvent>[]> _handlersByType = new();
    private OneBotCommandRouter? _router;

    public OneBotHostService(
        IServiceProvider services,
        OneBotServiceCatalog catalog,
        IEnumerable<OneBotHandlerRegistration> registrations,
        IServiceScopeFactory scopes,
        IOptions<MiraiBotOptions> options,
        IOptionsMonitor<OneBotConnectionOptions> connectionOptions,
        IEnumerable<OneBotBoundConnection> bound,
        IEnumerable<IServedAccounts<IOneBotConnection>> served,
        IHostApplicationLifetime lifetime,
        ILogger<OneBotHostService> logger)
        : base(options, served, lifetime, logger)
    {
        _services = services;
        _catalog = catalog;
        _registrations = registrations.ToArray();
        _scopes = scopes;
        _connectionOptions = connectionOptions;
        _boundNames = bound.Select(b => b.Name).ToHashSet(StringComparer.Ordinal);
    }

    public IReadOnlyList<OneBotAccount> Bots => [.. Runners.Select(r => r.Bot)];

    protected override string HostName => "The OneBot bot host";

    /// <summary>Hands an event of one account to the dispatcher, with its conversation key and handlers.</summary>
    internal ValueTask DispatchAsync(OneBotAccount bot, OneBotEvent item, CancellationToken cancellationToken)
    {
        var handlers = _handlersByType.GetOrAdd(item.GetType(), static (type, service) => service.HandlersFor(type), this);
        var key = Settings.Ordering == ConversationOrdering.None || (_router?.IsUnordered(bot, item) ?? false)
            ? null
            : OneBotChat.KeyOf(bot, item, Settings.Ordering);
        return Dispatcher!.DispatchAsync(new OneBotReceivedEvent(bot, item), key, handlers, cancellationToken, bot.DisplayName);
    }

    /// <summary>A connection stopped for good: log once, set the exit code, stop the host.</summary>
    internal void OnFatal(OneBotAccount bot, Exception exception) => OnFatal(bot.DisplayName, exception, Log.OneBotFatalStop);

    /// <summary>Checks every connection's settings and resolves it; throws with a message naming the
    /// configuration key of the first problem of each account.</summary>
    protected override OneBotRunner[] Prepare()
    {
        var names = _catalog.ConnectionNames();
        if (names.Count == 0 && !Served.Any)
        {
            throw new InvalidOperationException("AddOneBot() found no connection to run: register one with AddOneBotClient(configuration.GetSection(\"OneBot\")) or AddOneBotClient(name, …), or serve the accounts that dial in (ServeReverseWebSocket).");
        }

        var problems = new List<string>();
        var bots = new List<OneBotAccount>();
        foreach (var name in names)
        {
            if (_boundNames.Contains(name) && OneBotOptionsBinder.Check(_connectionOptions.Get(name)) is { } problem)
            {
                problems.Add(problem);
                continue;
            }

            try
            {
                var connection = name.Length == 0 ? _services.GetRequiredService<IOneBotConnection>() : _services.GetRequiredKeyedService<IOneBotConnection>(name);
                bots.Add(new OneBotAccount(name, connection));
            }
            catch (ArgumentException ex)
            {
                // A connection configured in code: the package names the option that is wrong.
                problems.Add(name.Length == 0 ? ex.Message : $"OneBot bot '{name}': {ex.Message}");
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", problems));
        }

        _router = _services.GetService<OneBotCommandRouter>();
        return [.. bots.Select(b => new OneBotRunner(this, b, Logger))];
    }

    /// <summary>An account dialled in: it becomes a bot named by its number, whose connection its server owns.</summary>
    protected override OneBotRunner CreateServed(long selfId, IOneBotConnection connection) =>
        new(this, new OneBotAccount(selfId.ToString(CultureInfo.InvariantCulture), connection), Logger, ownsConnection: false);

    protected override string Describe(OneBotReceivedEvent received) => OneBotChat.Describe(received.Event);

    protected override (string Name, string EventTag, string EventType, string Bot) Trace(OneBotReceivedEvent received)
    {
        var type = OneBotChat.Describe(received.Event);
        return ("onebot.event " + type, "onebot.event", type, received.Bot.DisplayName);
    }

    private DispatchHandler<OneBotReceivedEvent>[] HandlersFor(Type eventType) =>
        [.. _registrations.Where(r => r.EventType.IsAssignableFrom(eventType)).Select(Wrap)];

    private DispatchHandler<OneBotReceivedEvent> Wrap(OneBotHandlerRegistration registration) =>
        new(registration.Name, async (invocation, token) =>
        {
            var scope = _scopes.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                await registration.Invoke(new OneBotHandlerInput(scope.ServiceProvider, invocation), token).ConfigureAwait(false);
            }
        });
}

/// <summary>
/// One OneBot account's life in the host: logs its connection's state changes, subscribes to its events
/// before connecting, runs the connection, and feeds its events to the host's dispatcher. The account's
/// <c>self_id</c> comes with every connect (<c>get_login_info</c>), so it is ready once connected.
/// </summary>
/// <remarks>Not disposable on purpose, like <see cref="MiraiBotRunner"/>: a handler abandoned at stop may still
/// finish later, and the token sources it touches must stay usable.</remarks>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "See remarks.")]
internal sealed class OneBotRunner(OneBotHostService host, OneBotAccount bot, ILogger logger, bool ownsConnection = true) : IBotRunner
{
    private readonly CancellationTokenSource _readStop = new();
    private readonly CancellationTokenSource _connectionStop = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _pump = Task.CompletedTask;
    private Task _runner = Task.CompletedTask;

    public OneBotAccount Bot { get; } = bot;

    public string DisplayName => Bot.DisplayName;

    /// <summary>Gets a task that completes once the account has connected, or fails if the connection stops for good.</summary>
    public Task Ready => _ready.Task;

    public void Start()
    {
        Bot.Connection.StateChanged += OnStateChanged;
        var events = Bot.Connection.GetEventsAsync(_readStop.Token);
        _pump = Task.Run(() => PumpAsync(events), CancellationToken.None);
        if (ownsConnection)
        {
            _runner = Task.Run(RunConnectionAsync, CancellationToken.None);
        }
    }

    /// <summary>Stops reading events; bounded, since every wait of the pump honours the token.</summary>
    public async Task StopReadingAsync()
    {
        await _readStop.CancelAsync().ConfigureAwait(false);
        await _pump.ConfigureAwait(false);
    }

    /// <summary>Stops the connection; RunAsync disposes it within its own DisposeTimeout.</summary>
    public async Task StopConnectionAsync()
    {
        await _connectionStop.CancelAsync().ConfigureAwait(false);
        await _runner.ConfigureAwait(false);
    }

    private async Task RunConnectionAsync()
    {
        try
        {
            await Bot.Connection.RunAsync(_connectionStop.Token).ConfigureAwait(false);

            // Stopped with the host; a wait for readiness must not outlive it.
            MiraiBotService.FailQuietly(_ready, new StoppedBeforeReadyException(Bot.DisplayName));
        }
        catch (Exception ex)
        {
            MiraiBotService.FailQuietly(_ready, new InvalidOperationException($"Bot {Bot.DisplayName} stopped for good: {ex.Message}", ex));
            host.OnFatal(Bot, ex);
        }
    }

    private async Task PumpAsync(IAsyncEnumerable<OneBotEvent> events)
    {
        try
        {
            await foreach (var item in events.ConfigureAwait(false))
            {
                await host.DispatchAsync(Bot, item, _readStop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_readStop.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Log.DispatcherFailed(logger, ex);
        }
    }

    private void OnStateChanged(object? sender, ConnectionStateChangedEventArgs e)
    {
        if (e.PreviousState != e.CurrentState)
        {
            Log.StateChanged(logger, Bot.DisplayName, e.PreviousState, e.CurrentState, e.Reason);
        }

        if (e.CurrentState == ConnectionState.Connected)
        {
            _ready.TrySetResult();
        }
    }
}

/// <summary>Finds the OneBot connections registered in the service collection, so <c>AddOneBot</c> runs keyed
/// ones too, whichever order the registrations were made in.</summary>
internal sealed class OneBotServiceCatalog(IServiceCollection services)
{
    /// <summary>Gets the names of the registered connections: <c>""</c> for the unkeyed one, the key of each
    /// keyed one (string keys only), in registration order.</summary>
    public IReadOnlyList<string> ConnectionNames()
    {
        var names = new List<string>();
        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType != typeof(IOneBotConnection))
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

/// <summary>Marks a OneBot connection whose options were bound from configuration (<c>""</c> for the unkeyed one).</summary>
internal sealed record OneBotBoundConnection(string Name);
