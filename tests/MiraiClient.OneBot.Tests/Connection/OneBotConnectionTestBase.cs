using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using MiraiClient.Testing.OneBot;

namespace MiraiClient.OneBot.Tests.Connection;

/// <summary>Shared plumbing for <see cref="OneBotConnection"/> tests against the fake implementation: fast
/// options, captured logs, bounded waits, and checks after each test that no background task failed
/// unobserved and that the access token never reached a log line.</summary>
public abstract class OneBotConnectionTestBase : IAsyncLifetime
{
    /// <summary>A bound for awaits that must not hang; generous, because the machine is shared.</summary>
    protected static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    /// <summary>A token distinctive enough that finding it anywhere is certainly a leak.</summary>
    protected const string Token = "tok-9f3c1e7a-SECRET";

    private static readonly ConcurrentQueue<string> Unobserved = new();
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly List<Task> _background = [];
    private int _unobservedAtStart;

    static OneBotConnectionTestBase()
    {
        TaskScheduler.UnobservedTaskException += (_, e) => Unobserved.Enqueue(e.Exception.ToString());
    }

    protected OneBotConnectionTestBase(ITestOutputHelper output)
    {
        Output = output;
        Logs = new CapturingLoggerProvider();
        LoggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
    }

    protected ITestOutputHelper Output { get; }

    protected ILoggerFactory LoggerFactory { get; }

    protected CapturingLoggerProvider Logs { get; }

    protected static CancellationToken TestToken => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _unobservedAtStart = Unobserved.Count;
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        List<IAsyncDisposable> owned;
        lock (_owned)
        {
            owned = [.. _owned];
        }

        owned.Reverse();
        foreach (var item in owned)
        {
            await item.DisposeAsync().AsTask().WaitAsync(Bound);
        }

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

        foreach (var line in Logs.Lines)
        {
            Output.WriteLine(line.ToString());
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var unobserved = Unobserved.Skip(_unobservedAtStart).ToList();
        Assert.True(unobserved.Count == 0, $"Unobserved task exceptions: {string.Join("\n", unobserved)}");
        Assert.DoesNotContain(Token, Logs.AllText, StringComparison.Ordinal);
        LoggerFactory.Dispose();
        GC.SuppressFinalize(this);
    }

    protected T Track<T>(T value)
        where T : IAsyncDisposable
    {
        lock (_owned)
        {
            _owned.Add(value);
        }

        return value;
    }

    protected async Task<FakeOneBotImplementation> StartFakeAsync(Action<FakeOneBotOptions>? configure = null)
    {
        var options = new FakeOneBotOptions();
        configure?.Invoke(options);
        return Track(await FakeOneBotImplementation.StartAsync(options));
    }

    /// <summary>Options tuned for tests: short delays and timeouts so scenarios finish in seconds.</summary>
    protected static OneBotConnectionOptions FastOptions(Uri uri, string? token = null) => new()
    {
        Uri = uri,
        AccessToken = token,
        ConnectTimeout = TimeSpan.FromSeconds(3),
        HandshakeTimeout = TimeSpan.FromSeconds(3),
        CommandTimeout = TimeSpan.FromSeconds(10),
        Reconnect = new ReconnectOptions
        {
            FirstRetryMaxDelay = TimeSpan.FromMilliseconds(50),
            BaseDelay = TimeSpan.FromMilliseconds(100),
            MaxDelay = TimeSpan.FromMilliseconds(400),
        },
        Heartbeat = new HeartbeatOptions { Interval = TimeSpan.FromSeconds(1), Timeout = TimeSpan.FromSeconds(2) },
    };

    protected OneBotConnection CreateConnection(OneBotConnectionOptions options) => Track(new OneBotConnection(options, LoggerFactory));

    /// <summary>Starts connecting without waiting; the test's cleanup observes the outcome.</summary>
    protected Task StartConnecting(OneBotConnection connection)
    {
        var task = connection.ConnectAsync(TestToken);
        _background.Add(task);
        return task;
    }

    protected static async Task<T> Within<T>(Task<T> task, TimeSpan? bound = null) => await task.WaitAsync(bound ?? Bound);

    protected static async Task Within(Task task, TimeSpan? bound = null) => await task.WaitAsync(bound ?? Bound);

    protected static TimeSpan Since(long started) => Stopwatch.GetElapsedTime(started);
}

/// <summary>Records state changes and waits for them with a bound.</summary>
public sealed class StateRecorder
{
    private readonly ConcurrentQueue<ConnectionStateChangedEventArgs> _changes = new();
    private readonly SemaphoreSlim _signal = new(0);

    public StateRecorder(IOneBotConnection connection)
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
        var deadline = Stopwatch.GetTimestamp() + (long)((timeout ?? TimeSpan.FromSeconds(20)).TotalSeconds * Stopwatch.Frequency);
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

/// <summary>Records bot state changes and waits for them with a bound.</summary>
public sealed class BotStateRecorder
{
    private readonly ConcurrentQueue<BotStateChangedEventArgs> _changes = new();
    private readonly SemaphoreSlim _signal = new(0);

    public BotStateRecorder(IOneBotConnection connection)
    {
        connection.BotStateChanged += (_, e) =>
        {
            _changes.Enqueue(e);
            _signal.Release();
        };
    }

    public IReadOnlyList<BotStateChangedEventArgs> Changes => [.. _changes];

    public async Task<BotStateChangedEventArgs> WaitForAsync(BotState state, int skip = 0)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(20 * Stopwatch.Frequency);
        while (true)
        {
            var match = _changes.Where(c => c.CurrentState == state).Skip(skip).FirstOrDefault();
            if (match is not null)
            {
                return match;
            }

            var left = TimeSpan.FromSeconds((deadline - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency);
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"No bot state {state}; saw: {string.Join(", ", _changes.Select(c => $"{c.PreviousState}->{c.CurrentState} ({c.Reason})"))}");
            }

            await _signal.WaitAsync(left);
        }
    }
}

/// <summary>Captures every log line written through it.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogLine> _lines = new();

    public IReadOnlyList<LogLine> Lines => [.. _lines];

    public string AllText => string.Join("\n", _lines.Select(l => l.ToString()));

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var structured = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join(";", pairs.Select(p => $"{p.Key}={p.Value}"))
                : "";
            owner._lines.Enqueue(new LogLine(logLevel, eventId, category, formatter(state, exception), exception?.ToString(), structured));
        }
    }
}

public sealed record LogLine(LogLevel Level, EventId EventId, string Category, string Message, string? Exception, string Structured)
{
    public override string ToString() => $"[{Level}] {EventId.Id}:{EventId.Name} {Category}: {Message} {Structured} {Exception}";
}
