using System.Buffers;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;

namespace MiraiClient.Internal;

/// <remarks>
/// The receive side: one loop assembles whole messages in a pooled buffer (growing up to
/// <see cref="ConnectionSettings.MaxMessageSize"/>), hands each to the protocol's
/// <see cref="FrameHandler{TEvent}"/>, and hands the events it delivered to the subscribers in batches.
/// Invariants: the loop never awaits user code (subscribers read from their own rings); events that arrived
/// before the end are handed over before the session ends; only this loop writes <see cref="_lastInbound"/>.
/// A reply the loop decodes is handed to its caller when the loop next waits for the socket: with more input
/// buffered, at once on the thread pool; otherwise on this thread, after the loop's own continuation is
/// registered with the receive (<see cref="ReceiveThenComplete"/>), so the caller saves a thread hop and the
/// loop never runs, or waits for, the caller's code.
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

    // Written and read only by the receive loop (Reply runs inside Handler.Handle, on the loop).
    private bool _handlingFrame;
    private PendingRequest? _deferredReply;

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
        var checkedText = SocketTransport.ChecksText(socket);
        var buffer = ArrayPool<byte>.Shared.Rent(InitialReceiveBuffer);
        SessionEnd? end = null;
        try
        {
            while (true)
            {
                var count = 0;
                var messageType = WebSocketMessageType.Binary;
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
                    ValueWebSocketReceiveResult result;
                    if (receive.IsCompleted)
                    {
                        // More input is buffered: a reply decoded before it goes to the pool now, not after it.
                        ReleaseDeferredReply();
                        result = await receive.ConfigureAwait(false);
                    }
                    else
                    {
                        // Nothing more to read yet: hand over what was decoded before waiting.
                        FlushEvents();
                        if (_deferredReply is { } reply && Thread.CurrentThread.IsThreadPoolThread)
                        {
                            // The loop goes on wherever the receive completes; this pool thread runs the caller.
                            _deferredReply = null;
                            result = await new ReceiveThenComplete(this, receive, reply);
                        }
                        else
                        {
                            ReleaseDeferredReply();
                            result = await receive.ConfigureAwait(false);
                        }
                    }

                    Volatile.Write(ref _lastInbound, _time.GetTimestamp());
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        end = SessionEnd.Classify(SessionStage.Receive, null, new SessionSignals(CloseStatus: socket.CloseStatus, CloseDescription: socket.CloseStatusDescription));
                        return;
                    }

                    count += result.Count;
                    messageType = result.MessageType;
                    if (result.EndOfMessage)
                    {
                        break;
                    }
                }

                _handlingFrame = true;
                try
                {
                    Handler.Handle(buffer.AsSpan(0, count), checkedText && messageType == WebSocketMessageType.Text);
                }
                finally
                {
                    _handlingFrame = false;
                }
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
            ReleaseDeferredReply();
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

    /// <summary>Holds a reply the loop decoded until the loop next waits for the socket (one at a time: a
    /// frame carries at most one reply, and the loop releases it before handling the next frame).</summary>
    private void DeferReply(PendingRequest reply)
    {
        ReleaseDeferredReply();
        _deferredReply = reply;
    }

    private void ReleaseDeferredReply()
    {
        if (_deferredReply is { } reply)
        {
            _deferredReply = null;
            reply.CompleteClaimed();
        }
    }

    private void CompleteInline(PendingRequest reply)
    {
        try
        {
            reply.CompleteInline();
        }
        catch (Exception ex)
        {
            // A continuation does not throw (an async method keeps its exception in its task); if one ever
            // did, it must not reach the awaiter registration below it, which would end the process.
            Log.BackgroundTaskFailed(_logger, "reply continuation", ex);
        }
    }

    /// <summary>Awaits the socket's pending receive, and once the loop's continuation is registered with it,
    /// runs the waiting caller's continuation on the current thread.</summary>
    /// <remarks>
    /// <para><b>Replaces</b> completing every reply on the thread pool (a
    /// <see cref="TaskCompletionSource{TResult}"/> with <see cref="TaskCreationOptions.RunContinuationsAsynchronously"/>),
    /// when the loop has nothing more to read: the thread the reply arrived on would only go idle, so it runs
    /// the caller instead of waking another.</para>
    /// <para><b>Why</b>: the thread hop was the one cost a round trip had over a hand-written client, and it
    /// grows when the cores are busy: with it gone the load test counts 1.00 thread-pool work items per round
    /// trip instead of 2.00 (the measurement is described on <see cref="PendingRequest"/>).</para>
    /// <para><b>Safety</b>: the continuation is registered first, so when data arrives the loop resumes on
    /// the thread that completes the receive, whatever the caller's code does on this one (a test blocks it:
    /// <c>PendingRequestTests</c>). A registration never runs the continuation inline: an operation that
    /// completed meanwhile queues it to the pool.</para>
    /// </remarks>
    private readonly struct ReceiveThenComplete(Session<TEvent> session, ValueTask<ValueWebSocketReceiveResult> receive, PendingRequest reply) : ICriticalNotifyCompletion
    {
        public bool IsCompleted => false;

        public ReceiveThenComplete GetAwaiter() => this;

        public ValueWebSocketReceiveResult GetResult() => receive.GetAwaiter().GetResult();

        public void OnCompleted(Action continuation)
        {
            receive.ConfigureAwait(false).GetAwaiter().OnCompleted(continuation);
            session.CompleteInline(reply);
        }

        public void UnsafeOnCompleted(Action continuation)
        {
            receive.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(continuation);
            session.CompleteInline(reply);
        }
    }
}
