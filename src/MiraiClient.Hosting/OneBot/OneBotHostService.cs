using System.Collections.Concurrent;
using System.Diagnostics;
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
/// Runs every registered OneBot connection as a bot inside the host, on the same dispatcher and with the
/// same start and stop contract as the mirai bots (<see cref="MiraiBotService"/>): a bad configuration stops
/// the host with <see cref="MiraiBotOptions.FatalExitCode"/> and one log line; a stop takes no new events,
/// drains for <see cref="MiraiBotOptions.DrainTimeout"/>, cancels, waits up to
/// <see cref="MiraiBotOptions.AbandonTimeout"/>, then disposes the connections. Accounts that dial in (server mode,
/// <see cref="IServedAccounts{TConnection}"/>) are served beside the dialed connections, each as a bot of its own.
/// </summary>
/// <remarks>The stop runs as the host starts stopping (<see cref="IHostedLifecycleService.StoppingAsync"/>), before any
/// service's <c>StopAsync</c>: a web server that stops first would otherwise wait for the accounts' held-open upgrade
/// requests, and handlers draining still reply through sockets that are open.</remarks>
internal sealed class OneBotHostService : IHostedLifecycleService, IOneBotHost
{
    private static readonly ActivitySource ActivitySource = new("MiraiClient.Hosting");

    private readonly IServiceProvider _services;
    private readonly OneBotServiceCatalog _catalog;
    private readonly OneBotHandlerRegistration[] _registrations;
    private readonly IServiceScopeFactory _scopes;
    private readonly IOptions<MiraiBotOptions> _options;
    private readonly IOptionsMonitor<OneBotConnectionOptions> _connectionOptions;
    private readonly HashSet<string> _boundNames;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<Type, DispatchHandler<OneBotReceivedEvent>[]> _handlersByType = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ServedBots<IOneBotConnection, OneBotRunner> _served;
    private readonly object _stopGate = new();
    private OneBotRunner[] _runners = [];
    private Task? _stop;
    private ConversationDispatcher<OneBotReceivedEvent, ConversationKey>? _dispatcher;
    private OneBotCommandRouter? _router;
    private MiraiBotOptions _settings = new();

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
    {
        // Nothing is resolved or validated here: a problem must surface in StartAsync as one log line.
        _services = services;
        _catalog = catalog;
        _registrations = registrations.ToArray();
        _scopes = scopes;
        _options = options;
        _connectionOptions = connectionOptions;
        _boundNames = bound.Select(b => b.Name).ToHashSet(StringComparer.Ordinal);
        _lifetime = lifetime;
        _logger = logger;
        _served = new ServedBots<IOneBotConnection, OneBotRunner>(served, StartServed, static runner => runner.StopReadingAsync(), logger);
    }

    public IReadOnlyList<OneBotAccount> Bots => [.. Volatile.Read(ref _runners).Concat(_served.Runners).Select(r => r.Bot)];

    public async Task WaitUntilReadyAsync(CancellationToken cancellationToken = default)
    {
        await _started.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(Volatile.Read(ref _runners).Select(r => r.Ready)).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        OneBotRunner[] runners;
        try
        {
            runners = Prepare();
        }
        catch (Exception ex)
        {
            FailStart(ex);
            return;
        }

        var names = string.Join(", ", runners.Select(r => r.Bot.DisplayName));
        Log.BotsStarting(_logger, runners.Length, names);
        Volatile.Write(ref _runners, runners);
        foreach (var runner in runners)
        {
            runner.Start();
        }

        try
        {
            await _served.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // A bad server setting or an address in use: the same contract as a bad connection setting.
            FailStart(ex);
            return;
        }

        _started.TrySetResult();
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => StopOnceAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => StopOnceAsync(cancellationToken);

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private Task StopOnceAsync(CancellationToken cancellationToken)
    {
        lock (_stopGate)
        {
            return _stop ??= StopCoreAsync(cancellationToken);
        }
    }

    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        var runners = Volatile.Read(ref _runners);
        var served = _served.Close();
        if (_dispatcher is not { } dispatcher)
        {
            await _served.StopAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        Log.Stopping(_logger, _settings.DrainTimeout.TotalMilliseconds);
        await Task.WhenAll(runners.Concat(served).Select(r => r.StopReadingAsync())).ConfigureAwait(false);
        await dispatcher.StopAsync(_settings.DrainTimeout, _settings.AbandonTimeout, cancellationToken).ConfigureAwait(false);

        // Bounded by each connection's DisposeTimeout, and always done: a stopped bot never leaves a socket open.
        // The accounts that dialled in are closed by their server, which stops listening too.
        await Task.WhenAll(runners.Select(r => r.StopConnectionAsync()).Append(_served.StopAsync(cancellationToken))).ConfigureAwait(false);
    }

    private void FailStart(Exception ex)
    {
        var code = MiraiBotOptionsBinder.Check(_settings) is null ? _settings.FatalExitCode : new MiraiBotOptions().FatalExitCode;
        var cause = string.Join(' ', ex.Message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Log.ConfigurationInvalid(_logger, cause, code);
        Log.ConfigurationInvalidDetail(_logger, ex);
        Environment.ExitCode = code;
        MiraiBotService.FailQuietly(_started, new InvalidOperationException("The OneBot bot host could not start: " + cause));
        _lifetime.StopApplication();
    }

    /// <summary>An account dialled in: it becomes a bot named by its number, whose connection its server owns.</summary>
    private OneBotRunner StartServed(long selfId, IOneBotConnection connection)
    {
        var runner = new OneBotRunner(this, new OneBotAccount(selfId.ToString(System.Globalization.CultureInfo.InvariantCulture), connection), _logger, ownsConnection: false);
        Log.AccountArrived(_logger, runner.Bot.DisplayName);
        runner.Start();
        return runner;
    }

    /// <summary>Hands an event of one account to the dispatcher, with its conversation key and handlers.</summary>
    internal ValueTask DispatchAsync(OneBotAccount bot, OneBotEvent item, CancellationToken cancellationToken)
    {
        var handlers = _handlersByType.GetOrAdd(item.GetType(), static (type, service) => service.HandlersFor(type), this);
        var key = _settings.Ordering == ConversationOrdering.None || (_router?.IsUnordered(bot, item) ?? false)
            ? null
            : OneBotChat.KeyOf(bot, item, _settings.Ordering);
        return _dispatcher!.DispatchAsync(new OneBotReceivedEvent(bot, item), key, handlers, cancellationToken, bot.DisplayName);
    }

    /// <summary>A connection stopped for good: log once, set the exit code, stop the host.</summary>
    internal void OnFatal(OneBotAccount bot, Exception exception)
    {
        // RunAsync only throws when the connection cannot recover; its messages never carry the access token.
        Log.OneBotFatalStop(_logger, bot.DisplayName, exception.Message, _settings.FatalExitCode);
        Environment.ExitCode = _settings.FatalExitCode;
        _lifetime.StopApplication();
    }

    /// <summary>Checks every setting and resolves every connection; throws with a message naming the
    /// configuration key of the first problem of each account.</summary>
    private OneBotRunner[] Prepare()
    {
        _settings = _options.Value;
        if (MiraiBotOptionsBinder.Check(_settings) is { } invalid)
        {
            throw new InvalidOperationException(invalid);
        }

        var names = _catalog.ConnectionNames();
        if (names.Count == 0 && !_served.Any)
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
        _dispatcher = new ConversationDispatcher<OneBotReceivedEvent, ConversationKey>(
            new DispatcherSettings(_settings.MaxConcurrentHandlers, _settings.MaxQueuedEvents, _settings.MaxConcurrentHandlersPerBot),
            static received => OneBotChat.Describe(received.Event),
            StartActivity,
            _logger);
        return [.. bots.Select(b => new OneBotRunner(this, b, _logger))];
    }

    private static Activity? StartActivity(OneBotReceivedEvent received)
    {
        var type = OneBotChat.Describe(received.Event);
        var activity = ActivitySource.StartActivity("onebot.event " + type, ActivityKind.Consumer);
        activity?.SetTag("onebot.event", type);
        activity?.SetTag("mirai.bot", received.Bot.DisplayName);
        return activity;
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
internal sealed class OneBotRunner(OneBotHostService host, OneBotAccount bot, ILogger logger, bool ownsConnection = true)
{
    private readonly CancellationTokenSource _readStop = new();
    private readonly CancellationTokenSource _connectionStop = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _pump = Task.CompletedTask;
    private Task _runner = Task.CompletedTask;

    public OneBotAccount Bot { get; } = bot;

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
