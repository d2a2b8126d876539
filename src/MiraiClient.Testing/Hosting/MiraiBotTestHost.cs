using System.Globalization;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MiraiClient.Hosting;

namespace MiraiClient.Testing;

/// <summary>
/// Runs a hosted bot (one registered with <c>AddMiraiBot()</c>) against a <see cref="FakeMiraiBackend"/>
/// for a test: the bot's own registration code builds the host, the connection is pointed at the fake,
/// and the test starts once the bot is connected and knows its QQ.
/// </summary>
/// <remarks>
/// <para>A hosted-bot test in a few lines:</para>
/// <code>
/// await using var bot = await MiraiBotTestHost.StartAsync(builder => builder.AddMyBot());
/// await bot.PushGroupMessageAsync(group: 1, sender: 2, "/ping");
/// var reply = await bot.Sent.NextMessageAsync();
/// Assert.Equal("pong", reply.Text);
/// </code>
/// <para>The host is built without the defaults of <c>Host.CreateApplicationBuilder(args)</c> (no
/// appsettings.json, environment variables or command line), so a test sees only the configuration it gives
/// (<see cref="MiraiBotTestHostOptions.Configuration"/>). The test host sets <c>Mirai:Uri</c>,
/// <c>Mirai:VerifyKey</c> and <c>Mirai:QQ</c> (the fake's first bot, 10001 by default), and <c>Uri</c> and
/// <c>VerifyKey</c> of every <c>Mirai:Bots:{name}</c>, both before the registration code runs (for code that
/// reads them at once) and after it (so a configuration source that code adds cannot point the bot at a real
/// server). The bot's other settings stay as its code and the test's configuration make them.</para>
/// <para>Logging goes to <see cref="Logs"/> only: logging providers the registration code adds (a console
/// logger, for example) are removed.</para>
/// <para>Starting fails fast, with the cause in the message, when the bot connects as a QQ the fake does not
/// know, when the bot host refuses its configuration or a connection stops for good (the one-line reason and
/// the exit code the bot host would exit with), or when the host stops; and with
/// <see cref="TimeoutException"/> when the bot is not ready within <see cref="MiraiBotTestHostOptions.ReadyTimeout"/>.
/// The bot host's exit code is not left in <see cref="Environment.ExitCode"/>: it is restored when starting
/// fails and when the test host is disposed.</para>
/// </remarks>
public sealed class MiraiBotTestHost : IAsyncDisposable
{
    /// <summary>How long stopping may run past the shutdown token before a hosted service is taken to ignore it.</summary>
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    private readonly IHost _host;
    private readonly bool _ownsBackend;
    private readonly TimeSpan _stopTimeout;
    private readonly int _exitCodeBefore;
    private readonly object _gate = new();
    private Task? _stopping;
    private int _disposed;

    private MiraiBotTestHost(IHost host, FakeMiraiBackend backend, bool ownsBackend, CapturedLogs logs, TimeSpan stopTimeout, int exitCodeBefore)
    {
        _host = host;
        Backend = backend;
        _ownsBackend = ownsBackend;
        Logs = logs;
        _stopTimeout = stopTimeout;
        _exitCodeBefore = exitCodeBefore;
        Bots = host.Services.GetRequiredService<IMiraiBotHost>().Bots;
        Sent = backend.CommandCursor();
    }

    /// <summary>Gets the fake backend the bot is connected to: push events, script replies and inject faults
    /// (<see cref="FakeMiraiBackend.RestartAsync"/>, <see cref="FakeMiraiBackend.AbortConnections"/>, …) there.</summary>
    public FakeMiraiBackend Backend { get; }

    /// <summary>Gets the host's services, for example to resolve a service of the bot and look at its state.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>Gets the bots the host runs, in registration order; each knows its QQ.</summary>
    public IReadOnlyList<MiraiBot> Bots { get; }

    /// <summary>Gets the QQ number of the first bot, for example to mention it:
    /// <c>new MessageChainBuilder().At(bot.BotQQ).Text(" hi").Build()</c>.</summary>
    public long BotQQ => Bots[0].QQ;

    /// <summary>Gets a cursor over the commands the bot sent since it became ready: each
    /// <see cref="CommandCursor.NextMessageAsync"/> or <see cref="CommandCursor.NextAsync(string)"/> returns the
    /// next one after the previous match. Make a fresh one with <see cref="FakeMiraiBackend.CommandCursor()"/>.</summary>
    public CommandCursor Sent { get; }

    /// <summary>Gets the host's log.</summary>
    public CapturedLogs Logs { get; }

    /// <summary>Builds a host with the bot's registration code, points its connections at a fake backend, starts
    /// it and waits until every bot is connected and knows its QQ.</summary>
    /// <param name="configure">The bot's registration, the same code its Program.cs runs on
    /// <c>Host.CreateApplicationBuilder(args)</c>, for example <c>builder =&gt; builder.AddMyBot()</c>.</param>
    /// <param name="options">The backend, extra configuration and bounds (default: a new backend with bot
    /// 10001 and the <c>Mirai</c> section).</param>
    /// <param name="cancellationToken">Abandons the start.</param>
    /// <returns>The running test host; dispose it to stop the host (and the backend it started).</returns>
    /// <exception cref="InvalidOperationException">The registration has no <c>AddMiraiBot()</c>; a bot connects
    /// as a QQ the fake does not know; the bot host could not start or a connection stopped for good; or the
    /// host stopped before the bot was ready. The message says which, with the bot host's one-line reason.</exception>
    /// <exception cref="TimeoutException">The bot was not ready within <see cref="MiraiBotTestHostOptions.ReadyTimeout"/>;
    /// the message says what the fake backend saw.</exception>
    public static async Task<MiraiBotTestHost> StartAsync(Action<HostApplicationBuilder> configure, MiraiBotTestHostOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configure);
        options ??= new MiraiBotTestHostOptions();
        ArgumentException.ThrowIfNullOrEmpty(options.Section, $"{nameof(options)}.{nameof(options.Section)}");
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.ReadyTimeout, TimeSpan.Zero, $"{nameof(options)}.{nameof(options.ReadyTimeout)}");
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.StopTimeout, TimeSpan.Zero, $"{nameof(options)}.{nameof(options.StopTimeout)}");

        var ownsBackend = options.Backend is null;
        var backend = options.Backend ?? await FakeMiraiBackend.StartAsync(BackendOptionsFor(options)).ConfigureAwait(false);
        var logs = new CapturedLogs(options.LogWriter);
        var exitCodeBefore = Environment.ExitCode;
        IHost? host = null;
        try
        {
            host = Build(configure, options, backend, logs);
            if (host.Services.GetService<IMiraiBotHost>() is not { } bots)
            {
                throw new InvalidOperationException(
                    "The registration runs no bot: MiraiBotTestHost runs bots registered with services.AddMiraiBot() (MiraiClient.Hosting). "
                    + "Test a connection used without the bot host against FakeMiraiBackend directly.");
            }

            CheckBotAccounts(host.Services.GetRequiredService<IConfiguration>(), backend, options.Section);
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            await StartHostAsync(host, options.ReadyTimeout, cancellationToken).ConfigureAwait(false);
            var left = options.ReadyTimeout - System.Diagnostics.Stopwatch.GetElapsedTime(started);
            await WaitUntilReadyAsync(host, bots, backend, logs, options, left, cancellationToken).ConfigureAwait(false);
            return new MiraiBotTestHost(host, backend, ownsBackend, logs, options.StopTimeout, exitCodeBefore);
        }
        catch
        {
            await CleanUpAfterFailedStartAsync(host, options.StopTimeout, ownsBackend ? backend : null).ConfigureAwait(false);
            RestoreExitCode(exitCodeBefore);
            throw;
        }
    }

    /// <summary>Pushes a group message (a <c>Source</c> element with a new message id is put first).</summary>
    /// <param name="group">The group number.</param>
    /// <param name="sender">The sender's QQ number.</param>
    /// <param name="chain">The content: a string, or a chain built with <see cref="MessageChainBuilder"/>.</param>
    /// <returns>The event as pushed; its <c>MessageChain.MessageId</c> is what a reply quoting it carries.</returns>
    public Task<GroupMessage> PushGroupMessageAsync(long group, long sender, MessageChain chain) => Backend.PushGroupMessageAsync(group, sender, chain);

    /// <summary>Pushes a friend message (a <c>Source</c> element with a new message id is put first).</summary>
    /// <param name="friend">The friend's QQ number.</param>
    /// <param name="chain">The content: a string, or a chain built with <see cref="MessageChainBuilder"/>.</param>
    /// <returns>The event as pushed.</returns>
    public Task<FriendMessage> PushFriendMessageAsync(long friend, MessageChain chain) => Backend.PushFriendMessageAsync(friend, chain);

    /// <summary>Pushes a temporary-chat message (a <c>Source</c> element with a new message id is put first).</summary>
    /// <param name="group">The group the chat started from.</param>
    /// <param name="sender">The sender's QQ number.</param>
    /// <param name="chain">The content: a string, or a chain built with <see cref="MessageChainBuilder"/>.</param>
    /// <returns>The event as pushed.</returns>
    public Task<TempMessage> PushTempMessageAsync(long group, long sender, MessageChain chain) => Backend.PushTempMessageAsync(group, sender, chain);

    /// <summary>Pushes any typed event, for example one built with <see cref="FakeEvents"/>
    /// (<c>FakeEvents.NewFriendRequest(fromId: 50)</c>).</summary>
    /// <param name="value">The event.</param>
    /// <param name="bot">Only the sessions of this bot account (default: every bot's).</param>
    /// <returns>A task that completes when the event was written to the bot's connection.</returns>
    public Task PushEventAsync(MiraiEvent value, long? bot = null) => Backend.PushEventAsync(value, bot);

    /// <summary>Stops the host as the process would on SIGTERM: the bot host drains, cancels its handlers and
    /// closes its connections. The backend keeps running. Calling it again returns the same stop.</summary>
    /// <returns>A task that completes when the host has stopped.</returns>
    /// <exception cref="TimeoutException">The host had not stopped 10 s after its shutdown token
    /// (<see cref="MiraiBotTestHostOptions.StopTimeout"/>) was cancelled: a hosted service ignores it.</exception>
    public Task StopAsync()
    {
        lock (_gate)
        {
            return _stopping ??= StopHostAsync(_host, _stopTimeout, Logs);
        }
    }

    /// <summary>Stops the host (see <see cref="StopAsync"/>), disposes it, disposes the backend if the test host
    /// started it, and restores <see cref="Environment.ExitCode"/>. Bounded: at most
    /// <see cref="MiraiBotTestHostOptions.StopTimeout"/> plus about 15 s.</summary>
    /// <returns>A task that completes when everything has stopped.</returns>
    /// <exception cref="TimeoutException">The host did not stop or could not be disposed in time; the backend
    /// was disposed anyway.</exception>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Exception? failure = null;
        try
        {
            await StopAsync().ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            failure = ex;
        }

        try
        {
            await DisposeHostAsync(_host).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            failure ??= ex;
        }

        if (_ownsBackend)
        {
            await Backend.DisposeAsync().ConfigureAwait(false);
        }

        RestoreExitCode(_exitCodeBefore);
        if (failure is not null)
        {
            ExceptionDispatchInfo.Throw(failure);
        }
    }

    private static FakeMiraiBackendOptions BackendOptionsFor(MiraiBotTestHostOptions options)
    {
        var backendOptions = options.BackendOptions ?? new FakeMiraiBackendOptions();
        foreach (var qq in options.Bots.Values)
        {
            if (!backendOptions.Bots.Contains(qq))
            {
                backendOptions.Bots.Add(qq);
            }
        }

        return backendOptions;
    }

    private static IHost Build(Action<HostApplicationBuilder> configure, MiraiBotTestHostOptions options, FakeMiraiBackend backend, CapturedLogs logs)
    {
        var section = options.Section;
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var fake = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase) { [$"{section}:Uri"] = backend.Uri.ToString() };
        if (backend.VerifyKey is { } key)
        {
            fake[$"{section}:VerifyKey"] = key;
        }

        if (!backend.SingleMode && backend.KnownBots.Count > 0)
        {
            fake[$"{section}:QQ"] = Invariant(backend.KnownBots[0]);
        }

        foreach (var (name, qq) in options.Bots)
        {
            ArgumentException.ThrowIfNullOrEmpty(name, $"{nameof(options)}.{nameof(options.Bots)}");
            fake[$"{section}:Bots:{name}:QQ"] = Invariant(qq);
        }

        // Before the registration code, which may read values at once (AddMiraiClient decides between one bot
        // and several when it is called)...
        builder.Configuration.AddInMemoryCollection(Layer(fake, options.Configuration));
        configure(builder);

        // ...and after it, so a source it added (appsettings.json, environment variables) cannot point a bot elsewhere.
        foreach (var bot in builder.Configuration.GetSection($"{section}:Bots").GetChildren())
        {
            fake[$"{section}:Bots:{bot.Key}:Uri"] = backend.Uri.ToString();
            if (backend.VerifyKey is { } botKey)
            {
                fake[$"{section}:Bots:{bot.Key}:VerifyKey"] = botKey;
            }
        }

        builder.Configuration.AddInMemoryCollection(Layer(fake, options.Configuration));
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(options.MinimumLogLevel);
        builder.Logging.AddProvider(logs.Provider);
        return builder.Build();
    }

    private static Dictionary<string, string?> Layer(Dictionary<string, string?> fake, IDictionary<string, string?> test)
    {
        var layer = new Dictionary<string, string?>(fake, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in test)
        {
            layer[key] = value;
        }

        return layer;
    }

    private static async Task StartHostAsync(IHost host, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            // WaitAsync as well: a hosted service that ignores the token must not hold the test forever.
            await host.StartAsync(limit.Token).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The host did not start within {Seconds(timeout)} s: a hosted service's StartAsync did not return.");
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The host did not start within {Seconds(timeout)} s: a hosted service's StartAsync did not return.");
        }
    }

    /// <summary>A bot that names a QQ the fake does not know gets code 2, which a client retries forever: say so
    /// before anything starts. Reads the QQ numbers as the bot host binds them (a bot's own, else the section's).</summary>
    private static void CheckBotAccounts(IConfiguration configuration, FakeMiraiBackend backend, string section)
    {
        if (backend.SingleMode)
        {
            return;
        }

        var root = configuration.GetSection(section);
        var bots = root.GetSection("Bots").GetChildren().ToList();
        var configured = bots.Count == 0
            ? [(Name: "", Key: $"{section}:QQ", Value: root["QQ"])]
            : bots.Select(b => b["QQ"] is { } own ? (Name: b.Key, Key: $"{section}:Bots:{b.Key}:QQ", Value: own) : (Name: b.Key, Key: $"{section}:QQ", Value: root["QQ"])).ToList();
        var known = backend.KnownBots;
        foreach (var (name, key, value) in configured)
        {
            // A value that is no number is the bot host's to report, with its exit code.
            if (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var qq) && qq != 0 && !known.Contains(qq))
            {
                throw new InvalidOperationException(
                    $"Bot {(name.Length == 0 ? "default" : $"'{name}'")} connects as QQ {Invariant(qq)} ({key}), which is not a bot of the fake backend (its bots: {string.Join(", ", known.Select(Invariant))}); "
                    + "the handshake would fail with code 2 and be retried forever. Leave the QQ to the test host, which sets the fake's, "
                    + "or list the bot in MiraiBotTestHostOptions.Bots, or add its QQ to FakeMiraiBackendOptions.Bots.");
            }
        }
    }

    private static async Task WaitUntilReadyAsync(IHost host, IMiraiBotHost bots, FakeMiraiBackend backend, CapturedLogs logs, MiraiBotTestHostOptions options, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var ready = bots.WaitUntilReadyAsync(cancellationToken);

        // Readiness may fail after this method gave up waiting (the host is stopped then): observe it.
        _ = ready.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        var expired = Task.Delay(timeout > TimeSpan.Zero ? timeout : TimeSpan.Zero, timer.Token);
        var first = await Task.WhenAny(ready, stopping.Task, expired).ConfigureAwait(false);
        await timer.CancelAsync().ConfigureAwait(false);
        if (first == stopping.Task)
        {
            // A bot host that refuses to start fails its readiness and stops the host at once: prefer its reason.
            await Task.WhenAny(ready, Task.Delay(TimeSpan.FromSeconds(1), cancellationToken)).ConfigureAwait(false);
            if (!ready.IsCompleted)
            {
                throw new InvalidOperationException($"The host stopped before the bot was ready.{ErrorsOf(logs)}");
            }
        }

        if (ready.IsCompleted)
        {
            try
            {
                await ready.ConfigureAwait(false);
                return;
            }
            catch (InvalidOperationException ex)
            {
                // The bot host's critical line carries the one-line reason and the exit code it would exit with;
                // it is written just after readiness fails.
                CapturedLogEntry? critical = null;
                try
                {
                    critical = await logs.WaitForAsync(e => e.Level == LogLevel.Critical, TimeSpan.FromSeconds(2)).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                }

                throw new InvalidOperationException($"The bot host stopped before the bot was ready: {critical?.Message ?? ex.Message}", ex);
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        var states = string.Join("; ", bots.Bots.Select(b => $"bot {NameOf(b)} (QQ {Invariant(b.QQ)}) is {b.Connection.State}"));
        var hint = backend.AcceptCount == 0
            ? $" The test host set {options.Section}:Uri (and the Uri of every {options.Section}:Bots:{{name}}) to {backend.Uri}; a connection configured in code must take its address from builder.Configuration[\"{options.Section}:Uri\"]."
            : "";
        throw new TimeoutException(
            $"The bot was not ready within {Seconds(options.ReadyTimeout)} s (every bot connected and knowing its QQ): {states}. The fake backend: {backend.DescribeClients()}{hint}{ErrorsOf(logs)}");
    }

    private static string ErrorsOf(CapturedLogs logs)
    {
        var problems = logs.Entries.Where(e => e.Level >= LogLevel.Warning && e.Level != LogLevel.None)
            .Select(e => e.ToString().ReplaceLineEndings(" ")).Reverse().Distinct(StringComparer.Ordinal).Take(5).Reverse().ToList();
        return problems.Count == 0 ? "" : $" The last warnings and errors logged (repeats left out): {string.Join(" | ", problems)}";
    }

    private static async Task StopHostAsync(IHost host, TimeSpan timeout, CapturedLogs logs)
    {
        using var shutdown = new CancellationTokenSource(timeout);
        try
        {
            await host.StopAsync(shutdown.Token).WaitAsync(timeout + StopGrace).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            // A service gave up when the shutdown token ran out: the host has stopped all the same.
        }
        catch (TimeoutException)
        {
            throw new TimeoutException(
                $"The host did not stop within {Seconds(timeout + StopGrace)} s: a hosted service or a handler ignores its cancellation token.{ErrorsOf(logs)}");
        }
    }

    private static async Task DisposeHostAsync(IHost host)
    {
        var disposing = host is IAsyncDisposable asyncDisposable ? asyncDisposable.DisposeAsync().AsTask() : Task.Run(host.Dispose);
        try
        {
            await disposing.WaitAsync(StopGrace).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The host's services were not disposed within {Seconds(StopGrace)} s: a service's Dispose blocks.");
        }
    }

    private static async Task CleanUpAfterFailedStartAsync(IHost? host, TimeSpan stopTimeout, FakeMiraiBackend? backend)
    {
        try
        {
            if (host is not null)
            {
                try
                {
                    await StopHostAsync(host, stopTimeout, new CapturedLogs(writer: null)).ConfigureAwait(false);
                }
                finally
                {
                    await DisposeHostAsync(host).ConfigureAwait(false);
                }
            }
        }
#pragma warning disable CA1031 // The start's own failure is what the test must see; a failed clean-up must not replace it.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
        finally
        {
            if (backend is not null)
            {
                await backend.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static void RestoreExitCode(int before)
    {
        if (Environment.ExitCode != before)
        {
            Environment.ExitCode = before;
        }
    }

    private static string NameOf(MiraiBot bot) => bot.Name.Length == 0 ? "default" : $"'{bot.Name}'";

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
