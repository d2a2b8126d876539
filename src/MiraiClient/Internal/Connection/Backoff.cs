namespace MiraiClient.Internal;

/// <summary>The reconnect schedule as a pure function, so it can be tested exactly.</summary>
internal static class Backoff
{
    /// <summary>Gets the delay before retry number <paramref name="retry"/> (1-based) after a failure.</summary>
    /// <param name="retry">1 for the first retry after a drop or failed attempt, 2 for the next, and so on.</param>
    /// <param name="options">The schedule.</param>
    /// <param name="random">A uniform random number in [0, 1).</param>
    /// <returns>The delay.</returns>
    /// <remarks>
    /// Retry 1 waits U[0, FirstRetryMaxDelay] so a crowd of clients that lost the same server spreads out
    /// while staying near-immediate. Retry k ≥ 2 waits U[0.5, 1] × min(MaxDelay, BaseDelay · Multiplier^(k−2)):
    /// jitter is applied inside the cap, so the cap is a hard bound and randomness survives there.
    /// </remarks>
    public static TimeSpan GetDelay(int retry, ReconnectSettings options, double random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retry, 1);
        if (retry == 1)
        {
            return TimeSpan.FromTicks((long)(options.FirstRetryMaxDelay.Ticks * random));
        }

        // Exponent grows without bound in theory; clamp before Math.Pow overflows to infinity.
        var exponent = Math.Min(retry - 2, 64);
        var stepTicks = options.BaseDelay.Ticks * Math.Pow(options.Multiplier, exponent);
        var cappedTicks = Math.Min(stepTicks, options.MaxDelay.Ticks);
        return TimeSpan.FromTicks((long)(cappedTicks * (0.5 + (0.5 * random))));
    }
}
