namespace MiraiClient.Internal;

/// <summary>What the heartbeat should do after a tick.</summary>
internal enum HeartbeatVerdict
{
    /// <summary>Nothing to do.</summary>
    None,

    /// <summary>Nothing has arrived for the interval: send a probe.</summary>
    Probe,

    /// <summary>The probe's deadline has passed with nothing received since it was sent.</summary>
    Expired,
}

/// <summary>
/// The heartbeat's decisions, tick by tick. Time comes in as timestamps, so tests drive it without clocks.
/// </summary>
internal sealed class HeartbeatMonitor
{
    private readonly HeartbeatSettings _settings;
    private readonly double _ticksPerTimestamp;
    private long _previousTick;
    private TimeSpan _allowance;

    public HeartbeatMonitor(HeartbeatSettings settings, long startTimestamp, long timestampFrequency)
    {
        _settings = settings;
        _ticksPerTimestamp = (double)TimeSpan.TicksPerSecond / timestampFrequency;
        _previousTick = startTimestamp;
    }

    /// <summary>Gets whether a probe is out and unanswered.</summary>
    public bool Probing { get; private set; }

    /// <summary>Gets when the outstanding probe was sent.</summary>
    public long ProbeSentAt { get; private set; }

    /// <summary>Gets the stall the last tick added to the probe's allowance: how much later than due it came,
    /// beyond one tick of slack, while a probe was out; zero otherwise.</summary>
    public TimeSpan CreditedStall { get; private set; }

    /// <summary>Gets how long nothing had arrived at the last tick.</summary>
    public TimeSpan Silent { get; private set; }

    /// <summary>Decides what to do at a tick.</summary>
    /// <param name="now">The tick's timestamp.</param>
    /// <param name="lastInbound">When the last frame of any kind arrived.</param>
    public HeartbeatVerdict OnTick(long now, long lastInbound)
    {
        // A tick that comes far too late means this process could not run (pool starvation, a long GC
        // pause); the receive loop could not have read a reply either, so that time is not charged to the peer.
        var stall = Elapsed(_previousTick, now) - (2 * _settings.Tick);
        _previousTick = now;
        CreditedStall = TimeSpan.Zero;
        Silent = Elapsed(lastInbound, now);

        if (Probing && lastInbound > ProbeSentAt)
        {
            Probing = false;
        }

        if (!Probing)
        {
            if (Silent < _settings.Interval)
            {
                return HeartbeatVerdict.None;
            }

            Probing = true;
            ProbeSentAt = now;
            _allowance = _settings.Timeout;
            return HeartbeatVerdict.Probe;
        }

        if (stall > TimeSpan.Zero)
        {
            CreditedStall = stall;
            _allowance += stall;
        }

        return Elapsed(ProbeSentAt, now) >= _allowance ? HeartbeatVerdict.Expired : HeartbeatVerdict.None;
    }

    private TimeSpan Elapsed(long from, long to) => TimeSpan.FromTicks((long)((to - from) * _ticksPerTimestamp));
}
