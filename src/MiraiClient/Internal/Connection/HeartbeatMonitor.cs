namespace MiraiClient.Internal;

/// <summary>What the heartbeat should do after a tick.</summary>
internal enum HeartbeatVerdict
{
    /// <summary>Nothing to do.</summary>
    None,

    /// <summary>Nothing proving that the peer reads has arrived for the interval: send a probe.</summary>
    Probe,

    /// <summary>The probe's deadline has passed with nothing proving that the peer reads received since it was sent.</summary>
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

    /// <summary>Gets how long no frame proving that the peer reads had arrived at the last tick (equal to
    /// <see cref="Silent"/> for protocols whose every frame proves it).</summary>
    public TimeSpan Unanswered { get; private set; }

    /// <summary>Decides what to do at a tick, for a protocol whose every inbound frame proves the peer both
    /// writes and reads.</summary>
    /// <param name="now">The tick's timestamp.</param>
    /// <param name="lastInbound">When the last frame of any kind arrived.</param>
    public HeartbeatVerdict OnTick(long now, long lastInbound) => OnTick(now, lastInbound, lastInbound);

    /// <summary>Decides what to do at a tick.</summary>
    /// <param name="now">The tick's timestamp.</param>
    /// <param name="lastInbound">When the last frame of any kind arrived.</param>
    /// <param name="lastProofOfReading">When the last frame arrived that proves the peer reads what it is sent
    /// (a reply, or anything but a frame the peer sends on its own timer, such as a OneBot heartbeat event).
    /// Only these frames postpone or answer the probe: a peer that keeps writing while it reads nothing is
    /// probed after the interval and ends the session when the probe goes unanswered.</param>
    public HeartbeatVerdict OnTick(long now, long lastInbound, long lastProofOfReading)
    {
        // A tick that comes far too late means this process could not run (pool starvation, a long GC
        // pause); the receive loop could not have read a reply either, so that time is not charged to the peer.
        var stall = Elapsed(_previousTick, now) - (2 * _settings.Tick);
        _previousTick = now;
        CreditedStall = TimeSpan.Zero;
        Silent = Elapsed(lastInbound, now);
        Unanswered = Elapsed(lastProofOfReading, now);

        if (Probing && lastProofOfReading > ProbeSentAt)
        {
            Probing = false;
        }

        if (!Probing)
        {
            if (Unanswered < _settings.Interval)
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
