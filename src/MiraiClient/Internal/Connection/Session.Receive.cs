using System.Buffers;
using System.Net.WebSockets;

namespace MiraiClient.Internal;

/// <remarks>
/// The receive side: one loop assembles whole messages in a pooled buffer (growing up to
/// <see cref="ConnectionSettings.MaxMessageSize"/>), hands each to the protocol's
/// <see cref="FrameHandler{TEvent}"/>, and hands the events it delivered to the subscribers in batches.
/// Invariants: the loop never awaits user code (subscribers read from their own rings); events that arrived
/// before the end are handed over before the session ends; only this loop writes <see cref="_lastInbound"/>.
/// </remarks>
internal sealed partial class Session<TEvent>
{
    private const int InitialReceiveBuffer = 16 * 1024;

    /// <summary>Events are handed to subscribers in batches of at most this many; a smaller batch goes
    /// as soon as the socket has nothing more to read, so an event waits only while more are already
    /// buffered (at most this many decodes, a few milliseconds). Each hand-over may wake a reader,
    /// which costs far more than decoding an event, so at full rate the batch size sets the hand-over's
    /// share of the CPU (benchmarks/RESULTS.md, "Handing events over: batch size").</summary>
    internal const int MaxEventBatch = 2048;

    private readonly EventBroadcaster<TEvent> _events;
    private readonly TEvent[] _eventBatch;
    private int _eventBatchCount;
    private long _lastInbound;
    private Task _receiveLoop = Task.CompletedTask;

    /// <inheritdoc/>
    public void Deliver(TEvent item)
    {
        // A frame after the upgrade can only reach an accepted socket.
        _handshake.TrySetResult();
        _protocol.Telemetry.RecordEvent(_protocol.EventTag(item));
        _eventBatch[_eventBatchCount++] = item;
        if (_eventBatchCount == _eventBatch.Length)
        {
            FlushEvents();
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var socket = _socket!;
        var buffer = ArrayPool<byte>.Shared.Rent(InitialReceiveBuffer);
        SessionEnd? end = null;
        try
        {
            while (true)
            {
                var count = 0;
                while (true)
                {
                    var limit = Math.Min(buffer.Length, _settings.MaxMessageSize);
                    if (count == limit)
                    {
                        if (limit >= _settings.MaxMessageSize)
                        {
                            throw new MiraiProtocolException($"An inbound message exceeded MaxMessageSize ({_settings.MaxMessageSize} bytes).");
                        }

                        var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, _settings.MaxMessageSize));
                        buffer.AsSpan(0, count).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                        limit = Math.Min(buffer.Length, _settings.MaxMessageSize);
                    }

                    // No token: ending the session aborts the socket, which ends a pending receive, and a
                    // token would cost a registration on every message.
                    var receive = socket.ReceiveAsync(buffer.AsMemory(count, limit - count), CancellationToken.None);
                    if (!receive.IsCompleted)
                    {
                        // Nothing more to read yet: hand over what was decoded before waiting.
                        FlushEvents();
                    }

                    var result = await receive.ConfigureAwait(false);
                    Volatile.Write(ref _lastInbound, _time.GetTimestamp());
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        end = SessionEnd.Classify(SessionStage.Receive, null, new SessionSignals(CloseStatus: socket.CloseStatus, CloseDescription: socket.CloseStatusDescription));
                        return;
                    }

                    count += result.Count;
                    if (result.EndOfMessage)
                    {
                        break;
                    }
                }

                Handler.Handle(buffer.AsSpan(0, count));
            }
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
            // Ended from elsewhere; that cause is already recorded.
        }
        catch (Exception ex)
        {
            end = SessionEnd.Classify(SessionStage.Receive, ex, default);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            try
            {
                // Events that arrived before the end are delivered before the state changes.
                FlushEvents();
            }
            finally
            {
                End(end ?? new SessionEnd(DisconnectReason.Stopped, null, "receive loop stopped"));
            }
        }
    }

    private void FlushEvents()
    {
        if (_eventBatchCount == 0)
        {
            return;
        }

        try
        {
            _events.Publish(_eventBatch.AsSpan(0, _eventBatchCount));
        }
        finally
        {
            Array.Clear(_eventBatch, 0, _eventBatchCount);
            _eventBatchCount = 0;
        }
    }
}
