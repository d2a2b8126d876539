using System.Diagnostics;
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
    string Note = "")
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

    private Meter(long started, TimeSpan cpu, long allocated, int gen0)
    {
        _started = started;
        _cpu = cpu;
        _allocated = allocated;
        _gen0 = gen0;
    }

    public static Meter Start() => new(Stopwatch.GetTimestamp(), Environment.CpuUsage.TotalTime, GC.GetTotalAllocatedBytes(precise: true), GC.CollectionCount(0));

    public Sample Stop(string contestant, string scenario, long count, bool valid = true, string note = "", double p50 = 0, double p99 = 0)
    {
        var seconds = Stopwatch.GetElapsedTime(_started).TotalSeconds;
        var cpu = (Environment.CpuUsage.TotalTime - _cpu).TotalSeconds;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - _allocated;
        return new Sample(contestant, scenario, count, seconds, cpu, allocated, GC.CollectionCount(0) - _gen0, p50, p99, valid, note);
    }
}

[JsonSerializable(typeof(Sample))]
[JsonSerializable(typeof(ResilienceReport))]
internal sealed partial class ReportJson : JsonSerializerContext
{
}
