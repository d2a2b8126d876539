using MiraiClient.Internal;

namespace MiraiClient.Tests;

/// <summary>The heartbeat's decisions driven tick by tick, with timestamps in milliseconds.</summary>
public class HeartbeatMonitorTests
{
    // Interval 1 s, timeout 3 s: the tick is 125 ms.
    private static readonly HeartbeatSettings Settings = new(Enabled: true, Interval: TimeSpan.FromSeconds(1), Timeout: TimeSpan.FromSeconds(3));

    private static HeartbeatMonitor Start() => new(Settings, startTimestamp: 0, timestampFrequency: 1000);

    /// <summary>Ticks every 125 ms from <paramref name="from"/> (exclusive) to <paramref name="to"/> (inclusive)
    /// and returns the first verdict that is not None, with its time.</summary>
    private static (HeartbeatVerdict Verdict, long At) TickUntilVerdict(HeartbeatMonitor monitor, long from, long to, long lastInbound)
    {
        for (var now = from + 125; now <= to; now += 125)
        {
            var verdict = monitor.OnTick(now, lastInbound);
            if (verdict != HeartbeatVerdict.None)
            {
                return (verdict, now);
            }
        }

        return (HeartbeatVerdict.None, to);
    }

    [Fact]
    public void SilentPeer_IsProbedAfterTheInterval_AndExpiresTheTimeoutAfterTheProbe()
    {
        var monitor = Start();
        Assert.Equal((HeartbeatVerdict.Probe, 1000), TickUntilVerdict(monitor, 0, 10_000, lastInbound: 0));
        Assert.Equal(1000, monitor.ProbeSentAt);
        Assert.Equal((HeartbeatVerdict.Expired, 4000), TickUntilVerdict(monitor, 1000, 10_000, lastInbound: 0));
        Assert.Equal(TimeSpan.FromSeconds(4), monitor.Silent);
    }

    [Fact]
    public void AnythingReceivedAfterTheProbe_AnswersIt()
    {
        var monitor = Start();
        TickUntilVerdict(monitor, 0, 1000, lastInbound: 0);
        Assert.True(monitor.Probing);

        // A frame at 1.5 s: the probe is answered, and the next probe comes an interval after that frame.
        Assert.Equal(HeartbeatVerdict.None, monitor.OnTick(1625, lastInbound: 1500));
        Assert.False(monitor.Probing);
        Assert.Equal((HeartbeatVerdict.Probe, 2500), TickUntilVerdict(monitor, 1625, 10_000, lastInbound: 1500));
    }

    [Fact]
    public void OnTick_ProbesAndExpires_WhenOnlyWriteOnlyFramesArrive()
    {
        // The peer writes a frame at every tick (its own heartbeats) but nothing proves that it reads.
        var monitor = Start();
        (HeartbeatVerdict Verdict, long At) first = (HeartbeatVerdict.None, 0);
        for (var now = 125L; now <= 10_000 && first.Verdict == HeartbeatVerdict.None; now += 125)
        {
            first = (monitor.OnTick(now, lastInbound: now - 10, lastProofOfReading: 0), now);
        }

        Assert.Equal((HeartbeatVerdict.Probe, 1000L), first);
        (HeartbeatVerdict Verdict, long At) second = (HeartbeatVerdict.None, 0);
        for (var now = 1125L; now <= 10_000 && second.Verdict == HeartbeatVerdict.None; now += 125)
        {
            second = (monitor.OnTick(now, lastInbound: now - 10, lastProofOfReading: 0), now);
        }

        Assert.Equal((HeartbeatVerdict.Expired, 4000L), second);
        Assert.Equal(TimeSpan.FromMilliseconds(10), monitor.Silent);
        Assert.Equal(TimeSpan.FromSeconds(4), monitor.Unanswered);
    }

    [Fact]
    public void OnTick_ProofOfReadingAfterTheProbe_AnswersIt_WhenWriteOnlyFramesAlsoArrive()
    {
        var monitor = Start();
        Assert.Equal(HeartbeatVerdict.Probe, monitor.OnTick(1000, lastInbound: 990, lastProofOfReading: 0));

        // Write-only frames after the probe do not answer it; the reply at 1.3 s does.
        Assert.Equal(HeartbeatVerdict.None, monitor.OnTick(1125, lastInbound: 1100, lastProofOfReading: 0));
        Assert.True(monitor.Probing);
        Assert.Equal(HeartbeatVerdict.None, monitor.OnTick(1375, lastInbound: 1360, lastProofOfReading: 1300));
        Assert.False(monitor.Probing);

        // The next probe comes an interval after that reply, heartbeats notwithstanding.
        Assert.Equal(HeartbeatVerdict.None, monitor.OnTick(2250, lastInbound: 2240, lastProofOfReading: 1300));
        Assert.Equal(HeartbeatVerdict.Probe, monitor.OnTick(2375, lastInbound: 2360, lastProofOfReading: 1300));
    }

    [Fact]
    public void FrameReceivedBeforeTheProbe_DoesNotAnswerIt()
    {
        var monitor = Start();
        TickUntilVerdict(monitor, 0, 1000, lastInbound: 0);
        Assert.Equal((HeartbeatVerdict.Expired, 4000), TickUntilVerdict(monitor, 1000, 10_000, lastInbound: 1000));
    }

    [Fact]
    public void TicksLateByUpToOneTick_AreNotStalls()
    {
        var monitor = Start();
        TickUntilVerdict(monitor, 0, 1000, lastInbound: 0);

        // Every tick 250 ms apart (one tick late each time): detection is not delayed.
        var now = 1000L;
        HeartbeatVerdict verdict;
        do
        {
            now += 250;
            verdict = monitor.OnTick(now, lastInbound: 0);
            Assert.Equal(TimeSpan.Zero, monitor.CreditedStall);
        }
        while (verdict == HeartbeatVerdict.None);
        Assert.Equal((HeartbeatVerdict.Expired, 4000L), (verdict, now));
    }

    [Fact]
    public void StallWhileProbing_ExtendsTheProbesDeadlineByTheStall()
    {
        var monitor = Start();
        TickUntilVerdict(monitor, 0, 1000, lastInbound: 0);

        // The process could not run from 1.0 s to 6.0 s: the tick at 6.0 s is 4.75 s later than its slack allows.
        Assert.Equal(HeartbeatVerdict.None, monitor.OnTick(6000, lastInbound: 0));
        Assert.Equal(TimeSpan.FromMilliseconds(4750), monitor.CreditedStall);

        // The reply read right after the stall answers the probe.
        Assert.Equal(HeartbeatVerdict.None, monitor.OnTick(6125, lastInbound: 6010));
        Assert.False(monitor.Probing);
    }

    [Fact]
    public void StallWhileProbing_StillExpires_OnceTheTimeoutHasPassedInRunningTime()
    {
        var monitor = Start();
        TickUntilVerdict(monitor, 0, 1000, lastInbound: 0);
        Assert.Equal(HeartbeatVerdict.None, monitor.OnTick(6000, lastInbound: 0));

        // 3 s allowance + 4.75 s credited: the frozen peer is declared dead at 8.75 s.
        Assert.Equal((HeartbeatVerdict.Expired, 8750), TickUntilVerdict(monitor, 6000, 20_000, lastInbound: 0));
    }

    [Fact]
    public void TwoStallsOfHalfTheTimeout_WithAShortGap_DoNotExpireTheProbe()
    {
        // The starvation scenario: the pool is blocked for 1.5 s, runs for 0.5 s, is blocked for 1.5 s again.
        var monitor = Start();
        TickUntilVerdict(monitor, 0, 1000, lastInbound: 0);
        Assert.Equal(HeartbeatVerdict.None, monitor.OnTick(2500, lastInbound: 0));
        Assert.Equal((HeartbeatVerdict.None, 3000), TickUntilVerdict(monitor, 2500, 3000, lastInbound: 0));
        Assert.Equal(HeartbeatVerdict.None, monitor.OnTick(4500, lastInbound: 0));

        // Without the credit the probe would have expired at 4.0 s; the reply read at 4.6 s answers it.
        Assert.Equal(HeartbeatVerdict.None, monitor.OnTick(4625, lastInbound: 4600));
        Assert.False(monitor.Probing);
    }

    [Fact]
    public void StallBeforeAProbe_IsNotCredited_TheProbeIsSentAtOnce()
    {
        var monitor = Start();
        Assert.Equal(HeartbeatVerdict.Probe, monitor.OnTick(5000, lastInbound: 0));
        Assert.Equal(TimeSpan.Zero, monitor.CreditedStall);
        Assert.Equal((HeartbeatVerdict.Expired, 8000), TickUntilVerdict(monitor, 5000, 20_000, lastInbound: 0));
    }
}
