using MiraiClient.Internal;

namespace MiraiClient.Tests;

public class BackoffTests
{
    private static readonly ReconnectSettings Defaults = Settings(new ReconnectOptions());

    private static ReconnectSettings Settings(ReconnectOptions o) =>
        new(o.Enabled, o.FirstRetryMaxDelay, o.BaseDelay, o.MaxDelay, o.Multiplier, o.MaxAttempts, o.StableAfter);

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.5, 125)]
    [InlineData(0.999999, 250)]
    public void FirstRetry_IsUniformWithinFirstRetryWindow(double random, int expectedMs)
    {
        var delay = Backoff.GetDelay(1, Defaults, random);
        Assert.InRange(delay.TotalMilliseconds, expectedMs - 0.5, expectedMs + 0.5);
    }

    [Fact]
    public void LaterRetries_DoubleFromBaseToCap_AtTheTopOfTheJitterRange()
    {
        var expectedSeconds = new[] { 1, 2, 4, 8, 16, 30, 30, 30 };
        for (var i = 0; i < expectedSeconds.Length; i++)
        {
            var delay = Backoff.GetDelay(i + 2, Defaults, 0.999999);
            Assert.InRange(delay.TotalSeconds, expectedSeconds[i] * 0.9999, expectedSeconds[i]);
        }
    }

    [Fact]
    public void LaterRetries_AreHalfTheStep_AtTheBottomOfTheJitterRange()
    {
        var expectedSeconds = new[] { 0.5, 1, 2, 4, 8, 15, 15 };
        for (var i = 0; i < expectedSeconds.Length; i++)
        {
            Assert.Equal(TimeSpan.FromSeconds(expectedSeconds[i]), Backoff.GetDelay(i + 2, Defaults, 0.0));
        }
    }

    [Theory]
    [InlineData(7)]
    [InlineData(50)]
    [InlineData(100_000)]
    public void JitterIsAppliedInsideTheCap_SoTheCapIsNeverExceededAndRandomnessSurvivesThere(int retry)
    {
        var low = Backoff.GetDelay(retry, Defaults, 0.0);
        var high = Backoff.GetDelay(retry, Defaults, 0.999999);
        Assert.Equal(TimeSpan.FromSeconds(15), low);
        Assert.True(high <= TimeSpan.FromSeconds(30));
        Assert.True(high > TimeSpan.FromSeconds(29.99));
    }

    [Fact]
    public void Delays_AreSpreadUniformly_AcrossManyClients()
    {
        var random = new Random(1234);
        var delays = Enumerable.Range(0, 10_000).Select(_ => Backoff.GetDelay(4, Defaults, random.NextDouble()).TotalSeconds).ToList();
        Assert.All(delays, d => Assert.InRange(d, 2.0, 4.0));
        Assert.InRange(delays.Average(), 2.95, 3.05);
        Assert.InRange(delays.Count(d => d < 2.5), 2300, 2700);
    }

    [Fact]
    public void CustomMultiplierAndCap_AreHonoured()
    {
        var options = Settings(new ReconnectOptions { BaseDelay = TimeSpan.FromMilliseconds(100), Multiplier = 3, MaxDelay = TimeSpan.FromSeconds(1) });
        Assert.Equal(TimeSpan.FromMilliseconds(100), Backoff.GetDelay(2, options, 0.999999999).RoundTo());
        Assert.Equal(TimeSpan.FromMilliseconds(300), Backoff.GetDelay(3, options, 0.999999999).RoundTo());
        Assert.Equal(TimeSpan.FromMilliseconds(900), Backoff.GetDelay(4, options, 0.999999999).RoundTo());
        Assert.Equal(TimeSpan.FromMilliseconds(1000), Backoff.GetDelay(5, options, 0.999999999).RoundTo());
    }

    [Fact]
    public void RetryNumbersBelowOne_AreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Backoff.GetDelay(0, Defaults, 0.5));
    }
}

internal static class TimeSpanExtensions
{
    public static TimeSpan RoundTo(this TimeSpan value) => TimeSpan.FromMilliseconds(Math.Round(value.TotalMilliseconds));
}
