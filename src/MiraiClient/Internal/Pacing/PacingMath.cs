namespace MiraiClient.Internal.Pacing;

/// <summary>Bounds of the pacing options and conversions between spans and <see cref="TimeProvider"/>
/// timestamps. The buckets count in timestamps so the hot path never converts.</summary>
internal static class PacingMath
{
    /// <summary>The largest burst accepted; with intervals of at most a day it keeps a bucket's
    /// capacity, in timestamps, far from overflowing.</summary>
    public const int MaxBurst = 10_000;

    /// <summary>The longest interval or wait accepted.</summary>
    public static readonly TimeSpan MaxSpan = TimeSpan.FromDays(1);

    /// <summary>Converts a span to timestamps, rounding up (at least one).</summary>
    /// <param name="span">A non-negative span.</param>
    /// <param name="frequency">Timestamps per second.</param>
    /// <returns>The timestamps.</returns>
    public static long ToStampsCeiling(TimeSpan span, long frequency)
    {
        var product = (Int128)span.Ticks * frequency;
        var stamps = (product + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond;
        return Math.Max(1, checked((long)stamps));
    }

    /// <summary>Converts a span to timestamps, rounding down; negative spans give zero.</summary>
    /// <param name="span">The span.</param>
    /// <param name="frequency">Timestamps per second.</param>
    /// <returns>The timestamps.</returns>
    public static long ToStampsFloor(TimeSpan span, long frequency) =>
        span <= TimeSpan.Zero ? 0 : checked((long)((Int128)span.Ticks * frequency / TimeSpan.TicksPerSecond));

    /// <summary>Converts timestamps to a span, rounding up so a wait is never reported short.</summary>
    /// <param name="stamps">Non-negative timestamps.</param>
    /// <param name="frequency">Timestamps per second.</param>
    /// <returns>The span.</returns>
    public static TimeSpan ToSpanCeiling(long stamps, long frequency)
    {
        var ticks = (((Int128)stamps * TimeSpan.TicksPerSecond) + frequency - 1) / frequency;
        return ticks >= TimeSpan.MaxValue.Ticks ? TimeSpan.MaxValue : TimeSpan.FromTicks((long)ticks);
    }
}
