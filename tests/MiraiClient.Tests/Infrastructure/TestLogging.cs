using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace MiraiClient.Tests.Infrastructure;

/// <summary>Captures every log line written through it, and keeps a process-wide copy for the secret scan.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private static readonly ConcurrentQueue<string> AllLines = new();
    private readonly ConcurrentQueue<LogLine> _lines = new();

    /// <summary>Gets every line captured by any provider in this test run.</summary>
    public static IReadOnlyCollection<string> EveryLineInRun => AllLines;

    public IReadOnlyList<LogLine> Lines => [.. _lines];

    public string AllText => string.Join("\n", _lines.Select(l => l.ToString()));

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void Dispose()
    {
    }

    internal void Add(LogLine line)
    {
        _lines.Enqueue(line);
        AllLines.Enqueue(line.ToString());
    }

    public static ILoggerFactory CreateFactory(out CapturingLoggerProvider provider)
    {
        var captured = new CapturingLoggerProvider();
        provider = captured;
        return LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(captured));
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
            owner.Add(new LogLine(logLevel, eventId, category, formatter(state, exception), exception?.ToString(), structured));
        }
    }
}

public sealed record LogLine(LogLevel Level, EventId EventId, string Category, string Message, string? Exception, string Structured)
{
    public override string ToString() => $"[{Level}] {EventId.Id}:{EventId.Name} {Category}: {Message} {Structured} {Exception}";
}
