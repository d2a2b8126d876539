using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MiraiClient.Hosting.Configuration;
using MiraiClient.Hosting.Dispatch;
using MiraiClient.Hosting.Served;
using Log = MiraiClient.Hosting.HostingLog;

namespace MiraiClient.Hosting;

/// <summary>One account's life in a bot host: reads its events into the dispatcher and, when the host dials the
/// connection itself, runs it.</summary>
internal interface IBotRunner
{
    /// <summary>Gets a task that completes once the account is ready for events, or fails if its connection stops for good.</summary>
    Task Ready { get; }

    /// <summary>Gets the account's name in logs.</summary>
    string DisplayName { get; }

    /// <summary>Subscribes to the connection's state and events, and runs the connection when the host owns it.</summary>
    void Start();

    /// <summary>Stops reading events; bounded.</summary>
    Task StopReadingAsync();

    /// <summary>Stops the connection when the host owns it (bounded by its dispose timeout).</summary>
    Task StopConnectionAsync();
}

/// <summary>
/// The start and stop contract of the mirai and OneBot bot hosts. On start it checks the configuration (a problem
/// stops the host with the fatal exit code and one log line, never an exception), starts a runner per dialed
/// connection, then serves the accounts that dial in (server mode). On stop it (1) stops taking events, (2) lets the
/// work in hand go on for <see cref="MiraiBotOptions.DrainTimeout"/>, (3) cancels the handlers and waits up to
/// <see cref="MiraiBotOptions.AbandonTimeout"/>, (4) disposes the dialed connections and closes the served accounts
/// (both bounded). The host's shutdown token caps every step.
/// </summary>
/// <remarks>The stop runs as the host starts stopping (<see cref="IHostedLifecycleService.StoppingAsync"/>), before any
/// service's <c>StopAsync</c>: a web server that stops first would otherwise wait for the accounts' held-open upgrade
/// requests, and handlers draining still reply through sockets that are open.</remarks>
/// <typeparam name="TRunner">The protocol's runner.</typeparam>
/// <typeparam name="TConnection">The protocol's connection type.</typeparam>
/// <typeparam name="TReceived">An event as the dispatcher carries it, with its account.</typeparam>
internal abstract class BotHostService<TRunner, TConnection, TReceived> : IHostedLifecycleService
    where TRunner : class, IBotRunner
    where TConnection : class
    where TReceived : class
{
    private static readonly ActivitySource ActivitySource = new("MiraiClient.Hosting");

    private readonly IOptions<MiraiBotOptions> _options;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _stopGate = new();
    private TRunner[] _runners = [];
    private Task? _stop;

    protected BotHostService(IOptions<MiraiBotOptions> options, IEnumerable<IServedAccounts<TConnection>> served, IHostApplicationLifetime lifetime, ILogger logger)
    {
        // Nothing is resolved or validated here: a problem must surface in StartAsync as one log line.
        _options = options;
        _lifetime = lifetime;
        Logger = logger;
        Served = new ServedBots<TConnection, TRunner>(served, StartServed, static runner => runner.StopReadingAsync(), logger);
    }

    /// <summary>Gets the dispatcher, once started.</summary>
    internal ConversationDispatcher<TReceived, ConversationKey>? Dispatcher { get; private set; }

    /// <summary>Gets the host's settings, once started.</summary>
    protected MiraiBotOptions Settings { get; private set; } = new();

    protected ILogger Logger { get; }

    /// <summary>Gets the accounts that dial in.</summary>
    protected ServedBots<TConnection, TRunner> Served { get; }

    /// <summary>Gets every runner: the dialed connections', then the served accounts'.</summary>
    protected IEnumerable<TRunner> Runners => Volatile.Read(ref _runners).Concat(Served.Runners);

    /// <summary>Gets the host's name in the message of a failed start, for example <c>The bot host</c>.</summary>
    protected abstract string HostName { get; }

    /// <summary>Waits until the host has started and every dialed connection is ready.</summary>
    public async Task WaitUntilReadyAsync(CancellationToken cancellationToken = default)
    {
        await _started.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        var pending = Volatile.Read(ref _runners).Select(r => r.Ready).ToList();
        while (pending.Count > 0)
        {
            // Not WhenAll: it waits for every task, and a connection that never gets ready (the host stopping
            // because another one failed) would hold the failure back.
            var done = await Task.WhenAny(pending).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (done.Exception?.InnerException is StoppedBeforeReadyException
                && pending.Find(t => t.IsFaulted && t.Exception!.InnerException is not StoppedBeforeReadyException) is { } cause)
            {
                // Stopped only because the host stopped: the connection that stopped the host says why.
                done = cause;
            }

            await done.ConfigureAwait(false);
            pending.Remove(done);
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        TRunner[] runners;
        try
        {
            Settings = _options.Value;
            if (MiraiBotOptionsBinder.Check(Settings) is { } invalid)
            {
                throw new InvalidOperationException(invalid);
            }

            runners = Prepare();
            Dispatcher = new ConversationDispatcher<TReceived, ConversationKey>(
                new DispatcherSettings(Settings.MaxConcurrentHandlers, Settings.MaxQueuedEvents, Settings.MaxConcurrentHandlersPerBot),
                Describe,
                StartActivity,
                Logger);
        }
        catch (Exception ex)
        {
            FailStart(ex);
            return;
        }

        var names = string.Join(", ", runners.Select(r => r.DisplayName));
        Log.BotsStarting(Logger, runners.Length, names);
        Volatile.Write(ref _runners, runners);
        foreach (var runner in runners)
        {
            runner.Start();
        }

        try
        {
            await Served.StartAsync(cancellationToken).ConfigureAwait(false);
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

    /// <summary>Faults a readiness task that nobody may ever await, without an unobserved-exception report.</summary>
    internal static void FailQuietly(TaskCompletionSource source, Exception exception)
    {
        if (source.TrySetException(exception))
        {
            _ = source.Task.Exception;
        }
    }

    /// <summary>A connection stopped for good: log once, set the exit code, stop the host.</summary>
    internal void OnFatal(string bot, Exception exception, Action<ILogger, string, string, int> log)
    {
        // RunAsync only throws when the connection cannot recover; its messages never carry secrets.
        log(Logger, bot, exception.Message, Settings.FatalExitCode);
        Environment.ExitCode = Settings.FatalExitCode;
        _lifetime.StopApplication();
    }

    /// <summary>Resolves every dialed connection and makes its runner (not started); throws with a message naming the
    /// configuration key of each problem. <see cref="Settings"/> is set and valid.</summary>
    protected abstract TRunner[] Prepare();

    /// <summary>Makes the runner of an account that dialled in (not started); its server owns its connection.</summary>
    protected abstract TRunner CreateServed(long account, TConnection connection);

    /// <summary>Names an event in logs: its type, never its content.</summary>
    protected abstract string Describe(TReceived received);

    /// <summary>Names the event's trace activity and tags it.</summary>
    protected abstract (string Name, string EventTag, string EventType, string Bot) Trace(TReceived received);

    private Activity? StartActivity(TReceived received)
    {
        // Commands a handler sends become children of this activity: a reply is traced to its event.
        var (name, tag, type, bot) = Trace(received);
        var activity = ActivitySource.StartActivity(name, ActivityKind.Consumer);
        activity?.SetTag(tag, type);
        activity?.SetTag("mirai.bot", bot);
        return activity;
    }

    private TRunner StartServed(long account, TConnection connection)
    {
        var runner = CreateServed(account, connection);
        Log.AccountArrived(Logger, runner.DisplayName);
        runner.Start();
        return runner;
    }

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
        var served = Served.Close();
        if (Dispatcher is not { } dispatcher)
        {
            await Served.StopAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        Log.Stopping(Logger, Settings.DrainTimeout.TotalMilliseconds);
        await Task.WhenAll(runners.Concat(served).Select(r => r.StopReadingAsync())).ConfigureAwait(false);
        await dispatcher.StopAsync(Settings.DrainTimeout, Settings.AbandonTimeout, cancellationToken).ConfigureAwait(false);

        // Disposal is bounded by each connection's DisposeTimeout, and always happens, even when the host's token
        // ran out: a stopped bot never leaves a socket open. The accounts that dialled in are closed by their
        // server, which stops listening too.
        await Task.WhenAll(runners.Select(r => r.StopConnectionAsync()).Append(Served.StopAsync(cancellationToken))).ConfigureAwait(false);
    }

    private void FailStart(Exception ex)
    {
        var code = MiraiBotOptionsBinder.Check(Settings) is null ? Settings.FatalExitCode : new MiraiBotOptions().FatalExitCode;
        var cause = string.Join(' ', ex.Message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Log.ConfigurationInvalid(Logger, cause, code);
        Log.ConfigurationInvalidDetail(Logger, ex);
        Environment.ExitCode = code;
        FailQuietly(_started, new InvalidOperationException($"{HostName} could not start: {cause}"));
        _lifetime.StopApplication();
    }
}

/// <summary>A connection that stopped with the host before it was ready: a consequence, never the cause, so a
/// readiness wait reports another connection's failure over it.</summary>
internal sealed class StoppedBeforeReadyException(string botName)
    : InvalidOperationException($"Bot {botName} stopped before it was ready.");
