namespace MiraiClient.Internal;

/// <remarks>
/// The heartbeat: a periodic tick asks the clock-free <see cref="HeartbeatMonitor"/> what to do. After
/// <see cref="HeartbeatSettings.Interval"/> of silence it posts the protocol's probe; when the probe's
/// allowance passes with nothing received, the session ends with <see cref="DisconnectReason.HeartbeatTimeout"/>.
/// Posting never waits for the socket, so a write stuck on a dead socket cannot stop the heartbeat from
/// declaring it dead. For peers that answer in order, a request sent before the probe and still within its
/// own deadline means the peer may be busy, not dead. For protocols with
/// <see cref="WireProtocol{TEvent}.HasWriteOnlyFrames"/>, only frames the handler reported as proving that the
/// peer reads count as an answer: a peer that keeps sending its own heartbeats while it reads nothing is probed.
/// </remarks>
internal sealed partial class Session<TEvent>
{
    private long _probeId = -1;
    private Task _heartbeatLoop = Task.CompletedTask;

    // Written by the receive loop (during a frame, so _lastInbound is that frame's arrival), read by the heartbeat.
    private long _lastProofOfReading;

    void IFrameSink<TEvent>.ProvesReading() => Volatile.Write(ref _lastProofOfReading, Volatile.Read(ref _lastInbound));

    private async Task HeartbeatLoopAsync()
    {
        var heartbeat = _settings.Heartbeat;
        using var timer = new PeriodicTimer(heartbeat.Tick, _time);
        var started = _time.GetTimestamp();
        var monitor = new HeartbeatMonitor(heartbeat, started, _time.TimestampFrequency);
        var writeOnlyFrames = _protocol.HasWriteOnlyFrames;
        try
        {
            while (await timer.WaitForNextTickAsync(_cts.Token).ConfigureAwait(false))
            {
                var now = _time.GetTimestamp();
                var inbound = Volatile.Read(ref _lastInbound);
                var verdict = monitor.OnTick(now, inbound, writeOnlyFrames ? Math.Max(started, Volatile.Read(ref _lastProofOfReading)) : inbound);
                if (monitor.CreditedStall > TimeSpan.Zero)
                {
                    Log.HeartbeatStalled(_logger, monitor.CreditedStall.TotalMilliseconds);
                }

                if (verdict == HeartbeatVerdict.Probe)
                {
                    Log.HeartbeatProbe(_logger, monitor.Unanswered.TotalMilliseconds);
                    var id = _requestIds.Next();
                    Volatile.Write(ref _probeId, id);
                    Post(_protocol.EncodeProbe(id), request: null, name: null);
                }
                else if (verdict == HeartbeatVerdict.Expired && !(_protocol.RepliesInOrder && Requests.AnyWaitingSince(monitor.ProbeSentAt, now)))
                {
                    Log.HeartbeatTimeout(_logger, monitor.Unanswered.TotalMilliseconds);
                    var description = monitor.Silent < monitor.Unanswered
                        ? $"Only frames the peer sends on its own timer (its heartbeats) were received for {monitor.Unanswered.TotalSeconds:0.#} s and the heartbeat probe went unanswered: the peer is not reading what it is sent."
                        : $"Nothing was received for {monitor.Silent.TotalSeconds:0.#} s and the heartbeat probe went unanswered.";
                    End(SessionStage.Heartbeat, null, new SessionSignals(TimedOut: true, Description: description));
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            End(SessionStage.Heartbeat, ex, default);
        }
    }
}
