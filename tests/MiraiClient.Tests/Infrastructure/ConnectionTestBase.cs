using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using MiraiClient.Testing;

namespace MiraiClient.Tests.Infrastructure;

/// <summary>Shared plumbing for tests against the fake backend: fast options, captured logs, bounded
/// waits, and a check after each test that nothing went unobserved and no secret was logged.</summary>
public abstract class ConnectionTestBase : IAsyncLifetime
{
    protected static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);
    private readonly List<IAsyncDisposable> _disposables = [];
    private readonly List<Task> _background = [];
    private int _unobservedAtStart;

    protected ConnectionTestBase(ITestOutputHelper output)
    {
        Output = output;
        LoggerFactory = CapturingLoggerProvider.CreateFactory(out var provider);
        Logs = provider;
    }

    protected ITestOutputHelper Output { get; }

    protected ILoggerFactory LoggerFactory { get; }

    protected CapturingLoggerProvider Logs { get; }

    protected static CancellationToken TestToken => TestContext.Current.CancellationToken;

    public virtual ValueTask InitializeAsync()
    {
        _unobservedAtStart = AssemblyMonitor.UnobservedExceptions.Count;
        return ValueTask.CompletedTask;
    }

    public virtual async ValueTask DisposeAsync()
    {
        for (var i = _disposables.Count - 1; i >= 0; i--)
        {
            await _disposables[i].DisposeAsync().AsTask().WaitAsync(Bound);
        }

        // Tasks a test started and did not await end once their connection is disposed; observe them.
        foreach (var task in _background)
        {
            try
            {
                await task.WaitAsync(Bound);
            }
            catch (Exception ex) when (ex is not TimeoutException)
            {
            }
        }

        AssemblyMonitor.CollectGarbage();
        var unobserved = AssemblyMonitor.UnobservedExceptions.Skip(_unobservedAtStart).ToList();
        Assert.True(unobserved.Count == 0, $"Unobserved task exceptions: {string.Join("\n", unobserved)}");
        LoggerFactory.Dispose();
    }

    /// <summary>Starts connecting without waiting; the test's cleanup observes the outcome.</summary>
    protected Task StartConnecting(MiraiConnection connection)
    {
        var task = connection.ConnectAsync(TestToken);
        _background.Add(task);
        return task;
    }

    protected T Track<T>(T disposable)
        where T : IAsyncDisposable
    {
        _disposables.Add(disposable);
        return disposable;
    }

    protected async Task<FakeMiraiBackend> StartBackendAsync(Action<FakeMiraiBackendOptions>? configure = null)
    {
        var options = new FakeMiraiBackendOptions();
        configure?.Invoke(options);
        return Track(await FakeMiraiBackend.StartAsync(options));
    }

    /// <summary>Options tuned for tests: short delays and timeouts so scenarios finish in seconds.</summary>
    protected static MiraiConnectionOptions FastOptions(Uri uri, long qq = 10001) => new()
    {
        Uri = uri,
        QQ = qq,
        ConnectTimeout = TimeSpan.FromSeconds(2),
        HandshakeTimeout = TimeSpan.FromSeconds(1),
        CommandTimeout = TimeSpan.FromSeconds(5),
        Reconnect = new ReconnectOptions
        {
            FirstRetryMaxDelay = TimeSpan.FromMilliseconds(50),
            BaseDelay = TimeSpan.FromMilliseconds(100),
            MaxDelay = TimeSpan.FromMilliseconds(400),
        },
        Heartbeat = new HeartbeatOptions { Interval = TimeSpan.FromSeconds(1), Timeout = TimeSpan.FromSeconds(1) },

        // These tests send bursts to prove other things; pacing has its own tests (PacingTests, SendLimiterTests).
        SendRateLimit = new SendRateLimitOptions { Enabled = false },
    };

    protected MiraiConnection CreateConnection(MiraiConnectionOptions options, Func<double>? random = null) =>
        Track(new MiraiConnection(options, LoggerFactory, random));

    protected static async Task<T> Within<T>(Task<T> task, TimeSpan? bound = null) => await task.WaitAsync(bound ?? Bound);

    protected static async Task Within(Task task, TimeSpan? bound = null) => await task.WaitAsync(bound ?? Bound);

    /// <summary>Waits, bounded, until <paramref name="condition"/> holds: for something that happens after a delay
    /// the test does not control (a late reply, a log line), without betting on a fixed sleep under load.</summary>
    protected static async Task UntilAsync(Func<bool> condition, TimeSpan? bound = null)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)((bound ?? Bound).TotalSeconds * Stopwatch.Frequency);
        while (!condition() && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(10);
        }
    }

    protected static async Task<TimeSpan> TimeAsync(Func<Task> action)
    {
        var started = Stopwatch.GetTimestamp();
        await action();
        return Stopwatch.GetElapsedTime(started);
    }
}

/// <summary>Records state changes and waits for them with a bound.</summary>
public sealed class StateRecorder
{
    private readonly ConcurrentQueue<ConnectionStateChangedEventArgs> _changes = new();
    private readonly SemaphoreSlim _signal = new(0);

    public StateRecorder(IMiraiConnection connection)
    {
        connection.StateChanged += (_, e) =>
        {
            _changes.Enqueue(e);
            _signal.Release();
        };
    }

    public IReadOnlyList<ConnectionStateChangedEventArgs> Changes => [.. _changes];

    public async Task<ConnectionStateChangedEventArgs> WaitForAsync(Func<ConnectionStateChangedEventArgs, bool> predicate, TimeSpan? timeout = null, int skip = 0)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)((timeout ?? TimeSpan.FromSeconds(15)).TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var match = _changes.Where(predicate).Skip(skip).FirstOrDefault();
            if (match is not null)
            {
                return match;
            }

            var left = TimeSpan.FromSeconds((deadline - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency);
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"No matching state change; saw: {string.Join(", ", _changes)}");
            }

            await _signal.WaitAsync(left);
        }
    }

    public Task<ConnectionStateChangedEventArgs> WaitForStateAsync(ConnectionState state, TimeSpan? timeout = null, int skip = 0) =>
        WaitForAsync(c => c.CurrentState == state, timeout, skip);
}
