using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using Log = MiraiClient.Hosting.HostingLog;

namespace MiraiClient.Hosting;

/// <summary>
/// One bot's life in the host: logs its connection's state changes (from the very first), subscribes to
/// its events before connecting, runs the connection, learns the bot's own QQ from the session when none
/// is configured, and feeds its events to the host's dispatcher.
/// </summary>
/// <remarks>Not disposable on purpose: a handler abandoned at stop may still finish later, and the token
/// sources it touches must stay usable (none holds an unmanaged resource).</remarks>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "See remarks.")]
internal sealed class MiraiBotRunner(MiraiBotService host, MiraiBot bot, ILogger logger, bool ownsConnection = true) : IBotRunner
{
    private static readonly TimeSpan LearnTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan LearnRetryAfter = TimeSpan.FromSeconds(30);

    // The connection learns a single-mode session's account itself right after the handshake and reports it
    // with the bot's state; the host waits that long for the report before asking the session itself.
    private static readonly TimeSpan AccountReportWait = TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource _readStop = new();
    private readonly CancellationTokenSource _connectionStop = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<long> _accountReported = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _learnGate = new();
    private Task _pump = Task.CompletedTask;
    private Task _runner = Task.CompletedTask;
    private Task? _learning;
    private long _learnFailedAt;
    private bool _connected;

    public MiraiBot Bot { get; } = bot;

    public string DisplayName => Bot.DisplayName;

    /// <summary>Gets a task that completes once the bot has connected and knows its QQ, or fails if the connection stops for good.</summary>
    public Task Ready => _ready.Task;

    public void Start()
    {
        // Log and subscribe before connecting, so neither the first transition nor the first event is missed.
        Bot.Connection.StateChanged += OnStateChanged;
        Bot.Connection.BotStateChanged += OnBotStateChanged;
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

    /// <summary>Stops the connection; RunAsync disposes it within its own DisposeTimeout. The state handler
    /// stays subscribed, so the final change to Disposed, raised in the background, is logged too.</summary>
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

    private async Task PumpAsync(IAsyncEnumerable<MiraiEvent> events)
    {
        try
        {
            await foreach (var item in events.ConfigureAwait(false))
            {
                if (Bot.QQ == 0)
                {
                    await WaitForQQAsync().ConfigureAwait(false);
                }

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

    /// <summary>Holds an event until the bot's QQ is known, so its handlers can tell mentions of the bot;
    /// bounded, and a failure (already logged) lets the event through with the QQ still unknown.</summary>
    private async Task WaitForQQAsync()
    {
        try
        {
            await LearnQQAsync().WaitAsync(LearnTimeout, _readStop.Token).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
    }

    private void OnBotStateChanged(object? sender, BotStateChangedEventArgs e)
    {
        if (e.Account != 0)
        {
            _accountReported.TrySetResult(e.Account);
        }
    }

    private void OnStateChanged(object? sender, ConnectionStateChangedEventArgs e)
    {
        // A retry without a change of state is the connection's own news (1003, 1004), not a transition.
        if (e.PreviousState != e.CurrentState)
        {
            Log.StateChanged(logger, Bot.DisplayName, e.PreviousState, e.CurrentState, e.Reason);
        }

        if (e.CurrentState != ConnectionState.Connected)
        {
            return;
        }

        Volatile.Write(ref _connected, true);
        if (Bot.QQ != 0)
        {
            _ready.TrySetResult();
        }
        else
        {
            _ = LearnQQAsync();
        }
    }

    /// <summary>Asks the session for the bot's QQ, once per connection: concurrent callers share one request,
    /// and after a failure the next attempt waits a while. Never throws.</summary>
    private Task LearnQQAsync()
    {
        lock (_learnGate)
        {
            if (Bot.QQ != 0)
            {
                return Task.CompletedTask;
            }

            if (_learning is { IsCompleted: false } running)
            {
                return running;
            }

            if (_learnFailedAt != 0 && Stopwatch.GetElapsedTime(_learnFailedAt) < LearnRetryAfter)
            {
                return Task.CompletedTask;
            }

            return _learning = AskSessionAsync();
        }
    }

    private async Task AskSessionAsync()
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_connectionStop.Token);
            timeout.CancelAfter(LearnTimeout);
            long qq;
            try
            {
                qq = await _accountReported.Task.WaitAsync(AccountReportWait, timeout.Token).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                qq = (await Bot.Connection.GetSessionInfoAsync(timeout.Token).ConfigureAwait(false)).QQ.Id;
            }

            Bot.SetQQ(qq);
            Log.BotQQLearned(logger, Bot.DisplayName, qq);
            if (Volatile.Read(ref _connected))
            {
                _ready.TrySetResult();
            }
        }
        catch (Exception ex) when (!_connectionStop.IsCancellationRequested)
        {
            lock (_learnGate)
            {
                _learnFailedAt = Stopwatch.GetTimestamp();
            }

            Log.BotQQUnknown(logger, Bot.DisplayName, ex.Message);
        }
        catch (Exception)
        {
            // Stopping: nothing to learn any more.
        }
    }
}
