using System.Globalization;
using Microsoft.Extensions.Logging;

namespace MiraiClient.Testing;

/// <summary>One log entry written by a host that <see cref="MiraiBotTestHost"/> runs.</summary>
public sealed class CapturedLogEntry
{
    internal CapturedLogEntry(LogLevel level, EventId eventId, string category, string message, Exception? exception)
    {
        Level = level;
        EventId = eventId;
        Category = category;
        Message = message;
        Exception = exception;
    }

    /// <summary>Gets the level.</summary>
    public LogLevel Level { get; }

    /// <summary>Gets the event id (the SDK's ids are listed in docs/hosting.md and docs/architecture.md).</summary>
    public EventId EventId { get; }

    /// <summary>Gets the logger's category, for example <c>MiraiClient.Hosting.MiraiBotService</c>.</summary>
    public string Category { get; }

    /// <summary>Gets the formatted message.</summary>
    public string Message { get; }

    /// <summary>Gets the exception logged with the entry, if any.</summary>
    public Exception? Exception { get; }

    /// <inheritdoc/>
    public override string ToString()
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"[{Level}] {EventId.Id} {Category}: {Message}");
        return Exception is null ? text : $"{text}{Environment.NewLine}    {Exception.GetType().FullName}: {Exception.Message}";
    }
}

/// <summary>The log of a host that <see cref="MiraiBotTestHost"/> runs: every entry at or above
/// <see cref="MiraiBotTestHostOptions.MinimumLogLevel"/>, in the order written, kept for the host's lifetime.</summary>
/// <remarks>Assert that nothing went wrong with <c>Assert.Empty(bot.Logs.Errors)</c>; wait for something the
/// bot logs in the background with <see cref="WaitForAsync"/>.</remarks>
public sealed class CapturedLogs
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    private readonly List<CapturedLogEntry> _entries = [];
    private readonly object _gate = new();
    private readonly Action<string>? _writer;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal CapturedLogs(Action<string>? writer)
    {
        _writer = writer;
        Provider = new CapturingProvider(this);
    }

    /// <summary>Gets every entry so far, in the order written.</summary>
    public IReadOnlyList<CapturedLogEntry> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }
    }

    /// <summary>Gets the entries at <see cref="LogLevel.Error"/> or <see cref="LogLevel.Critical"/> so far.</summary>
    public IReadOnlyList<CapturedLogEntry> Errors
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries.Where(e => e.Level >= LogLevel.Error && e.Level != LogLevel.None)];
            }
        }
    }

    internal ILoggerProvider Provider { get; }

    /// <summary>Waits for the first entry, written so far or later, that matches <paramref name="predicate"/>.</summary>
    /// <param name="predicate">The condition, for example <c>e =&gt; e.EventId.Id == 2001</c>.</param>
    /// <param name="timeout">How long to wait (default: 10 s).</param>
    /// <returns>The entry.</returns>
    /// <exception cref="TimeoutException">None was written in time; the message lists the last entries.</exception>
    public async Task<CapturedLogEntry> WaitForAsync(Func<CapturedLogEntry, bool> predicate, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var limit = timeout ?? DefaultTimeout;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(limit, TimeSpan.Zero, nameof(timeout));
        using var deadline = new CancellationTokenSource(limit);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_entries.FirstOrDefault(predicate) is { } found)
                {
                    return found;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No matching log entry was written within {limit.TotalSeconds:0.###} s. The last entries:{Environment.NewLine}{Describe(20)}");
            }
        }
    }

    /// <summary>Gets every entry, one per line.</summary>
    /// <returns>The log.</returns>
    public override string ToString() => Describe(int.MaxValue);

    private string Describe(int last)
    {
        var entries = Entries;
        return entries.Count == 0 ? "(nothing was logged)" : string.Join(Environment.NewLine, entries.TakeLast(last));
    }

    private void Add(CapturedLogEntry entry)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _entries.Add(entry);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
        if (_writer is { } writer)
        {
            try
            {
                writer(entry.ToString());
            }
#pragma warning disable CA1031 // A test's output sink may refuse lines written after its test ended; the entry is kept anyway.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    private sealed class CapturingProvider(CapturedLogs owner) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new CapturingLogger(owner, categoryName);

        public void Dispose()
        {
        }
    }

    private sealed class CapturingLogger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        // The host's filters (MinimumLogLevel and any the bot adds) decide what reaches this logger.
        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            owner.Add(new CapturedLogEntry(logLevel, eventId, category, formatter(state, exception), exception));
        }
    }
}
