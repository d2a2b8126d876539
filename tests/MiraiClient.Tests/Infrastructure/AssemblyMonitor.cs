using System.Collections.Concurrent;
using MiraiClient.Tests.Infrastructure;

[assembly: AssemblyFixture(typeof(AssemblyMonitor))]

// One collection for the whole assembly, so test classes run one at a time, as they were written to; beside
// it run a few long classes that mostly wait (RunsBeside), each in its own collection. The RunsAlone and
// ProcessExitCode collections run afterwards, one test at a time, with nothing else running.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerAssembly, MaxParallelThreads = 6)]

namespace MiraiClient.Tests.Infrastructure;

/// <summary>
/// Fails the run if any task exception goes unobserved, or if any secret used by a test appears in any
/// captured log line. Tests also check the unobserved count after each scenario.
/// </summary>
public sealed class AssemblyMonitor : IAsyncDisposable
{
    private static readonly ConcurrentQueue<Exception> Unobserved = new();
    private static readonly ConcurrentDictionary<string, byte> Secrets = new();

    public AssemblyMonitor()
    {
        TaskScheduler.UnobservedTaskException += OnUnobserved;
    }

    public static IReadOnlyCollection<Exception> UnobservedExceptions => Unobserved;

    /// <summary>Registers a secret (verify key, session key) that must never appear in a log line.</summary>
    public static string Secret(string value)
    {
        Secrets.TryAdd(value, 0);
        return value;
    }

    public static void CollectGarbage()
    {
        for (var i = 0; i < 2; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }

    public static IEnumerable<string> LeakedSecrets() =>
        from secret in Secrets.Keys
        from line in CapturingLoggerProvider.EveryLineInRun
        where line.Contains(secret, StringComparison.Ordinal)
        select $"{secret} in: {line}";

    public ValueTask DisposeAsync()
    {
        CollectGarbage();
        TaskScheduler.UnobservedTaskException -= OnUnobserved;
        if (!Unobserved.IsEmpty)
        {
            throw new InvalidOperationException($"{Unobserved.Count} task exception(s) went unobserved during the run:\n{string.Join("\n---\n", Unobserved)}");
        }

        var leaks = LeakedSecrets().Take(5).ToList();
        if (leaks.Count > 0)
        {
            throw new InvalidOperationException($"Secrets reached log lines:\n{string.Join("\n", leaks)}");
        }

        return ValueTask.CompletedTask;
    }

    private static void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e) => Unobserved.Enqueue(e.Exception);
}
