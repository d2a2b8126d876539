using System.Collections.Concurrent;
using System.Diagnostics;
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
/// Runs every registered connection as a bot inside the host. On start it checks the configuration
/// (a problem stops the host with the fatal exit code and one log line, never an exception), then for
/// each bot subscribes to events, connects, and feeds one shared dispatcher. On stop it (1) stops taking
/// events, (2) lets the work in hand go on for <see cref="MiraiBotOptions.DrainTimeout"/>, (3) cancels the
/// handlers and waits up to <see cref="MiraiBotOptions.AbandonTimeout"/>, (4) disposes the connections,
/// which is bounded itself. The host's shutdown token caps every step. Accounts that dial in (server mode,
/// <see cref="IServedAccounts{TConnection}"/>) are served beside the dialed connections, each as a bot of its own.
/// </summary>
/// <remarks>The stop runs as the host starts stopping (<see cref="IHostedLifecycleService.StoppingAsync"/>), before any
/// service's <c>StopAsync</c>: a web server that stops first would otherwise wait for the accounts' held-open upgrade
/// requests, and handlers draining still reply through sockets that are open.</remarks>
internal sealed class MiraiBotService : IHostedLifecycleService, IMiraiBotHost
{
    private static readonly ActivitySource ActivitySource = new("MiraiClient.Hosting");

    private readonly IServiceProvider _services;
    private readonly MiraiServiceCatalog _catalog;
    private readonly HandlerRegistration[] _registrations;
    private readonly IServiceScopeFactory _scopes;
    private readonly IOptions<MiraiBotOptions> _options;
    private readonly IOptionsMonitor<MiraiConnectionOptions> _connectionOptions;
    private readonly HashSet<string> _boundNames;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<Type, DispatchHandler<ReceivedEvent>[]> _handlersByType = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ServedBots<IMiraiConnection, MiraiBotRunner> _served;
    private readonly object _stopGate = new();
    private MiraiBotRunner[] _runners = [];
    private Task? _stop;
    private ConversationDispatcher<ReceivedEvent, ConversationKey>? _dispatcher;
    private MiraiCommandRouter? _router;
    private MiraiBotOptions _settings = new();

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
        _served = new ServedBots<IMiraiConnection, MiraiBotRunner>(served, StartServed, static runner => runner.StopReadingAsync(), logger);
    }

    public IReadOnlyList<MiraiBot> Bots => [.. Volatile.Read(ref _runners).Concat(_served.Runners).Select(r => r.Bot)];

    internal ConversationDispatcher<ReceivedEvent, ConversationKey>? Dispatcher => _dispatcher;

    public async Task WaitUntilReadyAsync(CancellationToken cancellationToken = default)
    {
        await _started.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(Volatile.Read(ref _runners).Select(r => r.Ready)).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        MiraiBotRunner[] runners;
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

        // Disposal is bounded by each connection's DisposeTimeout, and always happens, even when the host's
        // token ran out: a stopped bot never leaves a socket open. The accounts that dialled in are closed by
        // their server, which stops listening too.
        await Task.WhenAll(runners.Select(r => r.StopConnectionAsync()).Append(_served.StopAsync(cancellationToken))).ConfigureAwait(false);
    }

    private void FailStart(Exception ex)
    {
        var code = MiraiBotOptionsBinder.Check(_settings) is null ? _settings.FatalExitCode : new MiraiBotOptions().FatalExitCode;
        var cause = OneLine(ex.Message);
        Log.ConfigurationInvalid(_logger, cause, code);
        Log.ConfigurationInvalidDetail(_logger, ex);
        Environment.ExitCode = code;
        FailQuietly(_started, new InvalidOperationException("The bot host could not start: " + cause));
        _lifetime.StopApplication();
    }

    /// <summary>An account dialled in: it becomes a bot named by its QQ, whose connection its server owns.</summary>
    private MiraiBotRunner StartServed(long qq, IMiraiConnection connection)
    {
        var runner = new MiraiBotRunner(this, new MiraiBot(qq.ToString(System.Globalization.CultureInfo.InvariantCulture), connection, qq), _logger, ownsConnection: false);
        Log.AccountArrived(_logger, runner.Bot.DisplayName);
        runner.Start();
        return runner;
    }

    /// <summary>Hands an event of one bot to the dispatcher, with its conversation key and handlers.</summary>
    internal ValueTask DispatchAsync(MiraiBot bot, MiraiEvent item, CancellationToken cancellationToken)
    {
        var handlers = _handlersByType.GetOrAdd(item.GetType(), static (type, service) => service.HandlersFor(type), this);
        var key = _settings.Ordering == ConversationOrdering.None || (_router?.IsUnordered(bot, item) ?? false)
            ? null
            : ConversationKey.Of(bot, item, _settings.Ordering);
        return _dispatcher!.DispatchAsync(new ReceivedEvent(bot, item), key, handlers, cancellationToken, bot.DisplayName);
    }

    /// <summary>A connection stopped for good: log once, set the exit code, stop the host.</summary>
    internal void OnFatal(MiraiBot bot, Exception exception)
    {
        // RunAsync only throws when the connection cannot recover; its messages never carry secrets.
        Log.FatalStop(_logger, bot.DisplayName, exception.Message, _settings.FatalExitCode);
        Environment.ExitCode = _settings.FatalExitCode;
        _lifetime.StopApplication();
    }

    /// <summary>Faults a readiness task that nobody may ever await, without an unobserved-exception report.</summary>
    internal static void FailQuietly(TaskCompletionSource source, Exception exception)
    {
        if (source.TrySetException(exception))
        {
            _ = source.Task.Exception;
        }
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>Checks every setting and resolves every connection; throws with a message naming the
    /// configuration key of the first problem of each bot.</summary>
    private MiraiBotRunner[] Prepare()
    {
        _settings = _options.Value;
        if (MiraiBotOptionsBinder.Check(_settings) is { } invalid)
        {
            throw new InvalidOperationException(invalid);
        }

        var names = _catalog.ConnectionNames();
        if (names.Count == 0 && !_served.Any)
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
        _dispatcher = new ConversationDispatcher<ReceivedEvent, ConversationKey>(
            new DispatcherSettings(_settings.MaxConcurrentHandlers, _settings.MaxQueuedEvents, _settings.MaxConcurrentHandlersPerBot),
            static received => received.Event.Type,
            StartActivity,
            _logger);
        return [.. bots.Select(b => new MiraiBotRunner(this, new MiraiBot(b.Name, b.Connection, b.QQ), _logger))];
    }

    private static Activity? StartActivity(ReceivedEvent received)
    {
        // Commands a handler sends become children of this activity: a reply is traced to its event.
        var activity = ActivitySource.StartActivity("mirai.event " + received.Event.Type, ActivityKind.Consumer);
        activity?.SetTag("mirai.event", received.Event is UnknownEvent ? "Unknown" : received.Event.Type);
        activity?.SetTag("mirai.bot", received.Bot.DisplayName);
        return activity;
    }

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
