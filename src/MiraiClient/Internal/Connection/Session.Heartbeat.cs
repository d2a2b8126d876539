namespace MiraiClient.Internal;

/// <remarks>
/// The heartbeat: a periodic tick asks the clock-free <see cref="HeartbeatMonitor"/> what to do. After
/// <see cref="HeartbeatSettings.Interval"/> of silence it posts the protocol's probe; when the probe's
/// allowance passes with nothing received, the session ends with <see cref="DisconnectReason.HeartbeatTimeout"/>.
/// Posting never waits for the socket, so a write stuck on a dead socket cannot stop the heartbeat from
/// declaring it dead. For peers that answer in order, a request sent before the probe and still within its
/// own deadline means the peer may be busy, not dead.
/// </remarks>
internal sealed partial class Session<TEvent>
{
    private long _probeId = -1;
    private Task _heartbeatLoop = Task.CompletedTask;

    private async Task HeartbeatLoopAsync()
    {
        var heartbeat = _settings.Heartbeat;
        using var timer = new PeriodicTimer(heartbeat.Tick, _time);
        var monitor = new HeartbeatMonitor(heartbeat, _time.GetTimestamp(), _time.TimestampFrequency);
        try
        {
            while (await timer.WaitForNextTickAsync(_cts.Token).ConfigureAwait(false))
            {
                var now = _time.GetTimestamp();
                var verdict = monitor.OnTick(now, Volatile.Read(ref _lastInbound));
                if (monitor.CreditedStall > TimeSpan.Zero)
                {
                    Log.HeartbeatStalled(_logger, monitor.CreditedStall.TotalMilliseconds);
                }

                if (verdict == HeartbeatVerdict.Probe)
                {
                    Log.HeartbeatProbe(_logger, monitor.Silent.TotalMilliseconds);
                    var id = _requestIds.Next();
                    Volatile.Write(ref _probeId, id);
                    Post(_protocol.EncodeProbe(id), request: null, name: null);
                }
                else if (verdict == HeartbeatVerdict.Expired && !(_protocol.RepliesInOrder && Requests.AnyWaitingSince(monitor.ProbeSentAt, now)))
                {
                    Log.HeartbeatTimeout(_logger, monitor.Silent.TotalMilliseconds);
                    End(SessionStage.Heartbeat, null, new SessionSignals(TimedOut: true, Description: $"Nothing was received for {monitor.Silent.TotalSeconds:0.#} s and the heartbeat probe went unanswered."));
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
