using System.Diagnostics;
using System.Runtime;
using System.Text.Json.Serialization;

namespace MiraiClient.LoadTest;

/// <summary>One measured phase of one contestant process.</summary>
internal sealed record Sample(
    string Contestant,
    string Scenario,
    long Count,
    double Seconds,
    double CpuSeconds,
    long AllocatedBytes,
    int Gen0,
    double P50Microseconds = 0,
    double P99Microseconds = 0,
    bool Valid = true,
    string Note = "",
    long JitMethods = 0)
{
    public double PerSecond => Count / Seconds;

    public double CpuMicrosecondsPerItem => CpuSeconds * 1e6 / Count;

    public double BytesPerItem => (double)AllocatedBytes / Count;

    public double Gen0Per100k => Gen0 * 100_000.0 / Count;
}

/// <summary>Wall clock, process CPU, allocations and gen0 collections between two points.</summary>
internal readonly struct Meter
{
    private readonly long _started;
    private readonly TimeSpan _cpu;
    private readonly long _allocated;
    private readonly int _gen0;
    private readonly long _jitted;

    private Meter(long started, TimeSpan cpu, long allocated, int gen0, long jitted)
    {
        _jitted = jitted;
        _started = started;
        _cpu = cpu;
        _allocated = allocated;
        _gen0 = gen0;
    }

    public static Meter Start() => new(Stopwatch.GetTimestamp(), Environment.CpuUsage.TotalTime, GC.GetTotalAllocatedBytes(precise: true), GC.CollectionCount(0), JitInfo.GetCompiledMethodCount());

    public Sample Stop(string contestant, string scenario, long count, bool valid = true, string note = "", double p50 = 0, double p99 = 0)
    {
        var seconds = Stopwatch.GetElapsedTime(_started).TotalSeconds;
        var cpu = (Environment.CpuUsage.TotalTime - _cpu).TotalSeconds;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - _allocated;
        return new Sample(contestant, scenario, count, seconds, cpu, allocated, GC.CollectionCount(0) - _gen0, p50, p99, valid, note, JitInfo.GetCompiledMethodCount() - _jitted);
    }
}

/// <summary>Waits until the JIT has been idle for a while, so a measured phase is not charged for compiling
/// the phase before it.</summary>
/// <remarks>Tiered compilation recompiles hot methods on a background thread some time after the calls that
/// made them hot, and keeps postponing it while new methods are still being compiled. Measured without this
/// wait, the phase after a warm-up compiled hundreds of methods (2026-12-02: 771 during MiraiConnection's
/// measured ingest, 428 during the raw client's), which is start-up cost, not the steady state the figures
/// describe. Each sample reports how many methods were compiled while it was measured.</remarks>
internal static class JitQuiet
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    /// <summary>Gets or sets whether <see cref="WaitAsync"/> waits (not in a smoke run, which judges no timing).</summary>
    public static bool Enabled { get; set; } = true;

    /// <summary>Repeats <paramref name="work"/> until no method has been compiled while it ran for half a second
    /// (at most 15 s), then waits as <see cref="WaitAsync"/> does.</summary>
    /// <remarks>Idle waiting is not enough before a measured phase: tiered compilation counts calls, so a method
    /// that became a candidate during a warm-up is recompiled only once it is called again, which, after an idle
    /// wait, is in the measured phase. A profile of a OneBot child showed 0.66 s of compilation in the first 1.5 s
    /// of a measured block after such a wait (the raw client: 0.13 s).</remarks>
    public static async Task WarmAsync(Func<Task> work)
    {
        await UntilQuietAsync(work);
        await WaitAsync();
    }

    /// <summary>Waits until the JIT has compiled nothing for half a second (at most 15 s).</summary>
    public static Task WaitAsync() => UntilQuietAsync(static () => Task.Delay(100));

    /// <summary>Runs <paramref name="step"/> until a step ends half a second after the last compilation, or 15 s have passed.</summary>
    private static async Task UntilQuietAsync(Func<Task> step)
    {
        if (!Enabled)
        {
            return;
        }

        var started = Stopwatch.GetTimestamp();
        var last = JitInfo.GetCompiledMethodCount();
        var quietSince = started;
        while (Stopwatch.GetElapsedTime(started) < Bound)
        {
            await step();
            var now = JitInfo.GetCompiledMethodCount();
            if (now != last)
            {
                last = now;
                quietSince = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(quietSince) >= Quiet)
            {
                return;
            }
        }
    }
}

[JsonSerializable(typeof(Sample))]
[JsonSerializable(typeof(ResilienceReport))]
internal sealed partial class ReportJson : JsonSerializerContext
{
}
