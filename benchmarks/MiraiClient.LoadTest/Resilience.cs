using System.Diagnostics;

namespace MiraiClient.LoadTest;

/// <summary>Reconnect overhead, frozen-backend detection and memory drift of one MiraiConnection process.</summary>
internal sealed record ResilienceReport(
    double HeapWarmMiB,
    double WorkingSetWarmMiB,
    long Events,
    double HeapAfterEventsMiB,
    double WorkingSetAfterEventsMiB,
    int Reconnects,
    double HeapAfterReconnectsMiB,
    double WorkingSetAfterReconnectsMiB,
    double OverheadP50Ms,
    double OverheadP90Ms,
    double OverheadMaxMs,
    double ScheduledDelayP50Ms,
    double FrozenDetectionSeconds,
    bool Valid,
    string Note);

internal static class Resilience
{
    public static async Task<ResilienceReport> RunAsync(Server.Endpoints endpoints, long warmup, long events, int reconnects, bool frozen)
    {
        var contestant = new MiraiContestant();
        var notes = new List<string>();
        var valid = true;

        // The warm-up runs both measured paths, so the first reconnects' one-time costs (code compiled,
        // runtime structures sized) are not read as drift.
        var warm = await contestant.IngestAsync(endpoints.Stream(warmup), warmup);
        valid &= warm.Valid;
        await ReconnectCyclesAsync(endpoints.Drop(10), Math.Min(50, reconnects));
        var (heapWarm, wsWarm) = Snapshot();

        var bulk = await contestant.IngestAsync(endpoints.Stream(events), events);
        valid &= bulk.Valid;
        notes.Add($"{events} events at {bulk.PerSecond:0} events/s, {bulk.Note}");
        var (heapEvents, wsEvents) = Snapshot();

        var (overheads, delays, heapCycles, wsCycles) = await ReconnectCyclesAsync(endpoints.Drop(10), reconnects);
        valid &= overheads.Length == reconnects;
        Array.Sort(overheads);
        Array.Sort(delays);

        double frozenSeconds = 0;
        if (frozen)
        {
            frozenSeconds = await FrozenDetectionAsync(endpoints.Freeze());
        }

        return new ResilienceReport(
            heapWarm, wsWarm, events, heapEvents, wsEvents, overheads.Length, heapCycles, wsCycles,
            At(overheads, 0.5), At(overheads, 0.9), overheads.Length == 0 ? 0 : overheads[^1], At(delays, 0.5),
            frozenSeconds, valid, string.Join("; ", notes));
    }

    private static double At(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    private static (double HeapMiB, double WorkingSetMiB) Snapshot()
    {
        // Aggressive collections also give back the memory the GC keeps committed for future
        // allocations, so the working set shows what is retained rather than the GC's current budget.
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        return (GC.GetTotalMemory(forceFullCollection: false) / 1048576.0, Environment.WorkingSet / 1048576.0);
    }

    /// <summary>The server aborts each connection shortly after its handshake; the SDK reconnects.
    /// Overhead is the time from the attempt the backoff scheduled to Connected.</summary>
    private static async Task<(double[] Overheads, double[] Delays, double Heap, double WorkingSet)> ReconnectCyclesAsync(Uri uri, int cycles)
    {
        var options = MiraiContestant.Options(uri);
        options.Reconnect.FirstRetryMaxDelay = TimeSpan.FromMilliseconds(20);
        options.Reconnect.BaseDelay = TimeSpan.FromMilliseconds(20);
        options.Reconnect.MaxDelay = TimeSpan.FromMilliseconds(40);
        var overheads = new List<double>(cycles);
        var delays = new List<double>(cycles);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long scheduledAt = 0;
        var gate = new object();
        await using var connection = new MiraiConnection(options);
        connection.StateChanged += (_, change) =>
        {
            var now = Stopwatch.GetTimestamp();
            lock (gate)
            {
                if (change.RetryDelay is { } delay)
                {
                    scheduledAt = now + (long)(delay.TotalSeconds * Stopwatch.Frequency);
                    delays.Add(delay.TotalMilliseconds);
                }
                else if (change.CurrentState == ConnectionState.Connected && scheduledAt != 0)
                {
                    overheads.Add(Stopwatch.GetElapsedTime(scheduledAt, now).TotalMilliseconds);
                    scheduledAt = 0;
                    if (overheads.Count == cycles)
                    {
                        done.TrySetResult();
                    }
                }
            }
        };
        await connection.ConnectAsync();
        await done.Task.WaitAsync(TimeSpan.FromSeconds(30 + (cycles * 0.5)));
        var (heap, workingSet) = Snapshot();
        lock (gate)
        {
            return ([.. overheads], [.. delays], heap, workingSet);
        }
    }

    private static async Task<double> FrozenDetectionAsync(Uri uri)
    {
        var detected = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var connection = new MiraiConnection(MiraiContestant.Options(uri));
        connection.StateChanged += (_, change) =>
        {
            if (change.Reason == DisconnectReason.HeartbeatTimeout)
            {
                detected.TrySetResult(Stopwatch.GetTimestamp());
            }
        };
        await connection.ConnectAsync();
        var connected = Stopwatch.GetTimestamp();
        var at = await detected.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return Stopwatch.GetElapsedTime(connected, at).TotalSeconds;
    }
}
