using System.Net.WebSockets;

namespace MiraiClient.Internal;

/// <summary>
/// The ordered queue of one socket's outgoing frames, and the writer role that drains it.
/// </summary>
/// <remarks>
/// <para><b>Replaces</b> the platform idiom of a bounded <c>Channel</c> of frames drained by a dedicated
/// writer task. Here a caller that finds no write in progress becomes the writer and writes, inline, every
/// frame queued until the queue is empty; callers that find a write in progress only enqueue and return.
/// After <see cref="MaxInlineWrites"/> frames the writer yields to the thread pool, so the caller that
/// started it gets its thread back.</para>
/// <para><b>Why</b>: at 64 requests in flight a writer lock (or a writer task fed by a channel) cost a
/// lock hand-over, a wake-up and a cancellation registration per frame: 936 B per request and 0.85× the
/// raw socket's requests/s; this queue brought it to 560 B and 0.98× (benchmarks/RESULTS.md, "Round trips
/// at 64 in flight").</para>
/// <para><b>Contract</b>: frames go out in the order they were posted; <see cref="Post"/> never waits and
/// never throws; a frame whose request completed (cancelled or timed out) before its turn is skipped, so
/// the server never sees it; a failed write reports its exception once through the callback given at
/// construction (the session then ends, failing every waiting request) and every later frame is returned
/// to the pool unsent. <see cref="CloseOutputAsync"/> waits for a running write, bounded, then sends the
/// close frame; the socket allows one writer at a time, and this class is that one writer.</para>
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The write lock never allocates a wait handle, so it holds nothing to release; disposing it could race the writer's release.")]
internal sealed class Outbox
{
    /// <summary>The most frames a caller writes for others before the rest move to the pool.</summary>
    internal const int MaxInlineWrites = 64;

    private readonly WebSocket _socket;
    private readonly CancellationToken _aborted;
    private readonly Action<Exception> _writeFailed;
    private readonly Action<string> _sent;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly object _gate = new();
    private readonly Queue<Outgoing> _queue = new();
    private bool _writing;
    private bool _closed;

    /// <param name="socket">The socket written to.</param>
    /// <param name="writeFailed">Called once with the exception of the first failed write.</param>
    /// <param name="sent">Called with the request name of each frame written (not for probes).</param>
    /// <param name="aborted">Cancelled when the session ends; aborts a write in progress.</param>
    public Outbox(WebSocket socket, Action<Exception> writeFailed, Action<string> sent, CancellationToken aborted)
    {
        _socket = socket;
        _aborted = aborted;
        _writeFailed = writeFailed;
        _sent = sent;
    }

    /// <summary>Queues a frame and takes ownership of it: it goes back to the pool once written, skipped or dropped.</summary>
    /// <param name="frame">The frame.</param>
    /// <param name="request">The request the frame carries; once it has settled (cancelled, failed) before its turn, the frame is skipped.</param>
    /// <param name="name">The request's name, reported as sent once written; <see langword="null"/> for probes.</param>
    public void Post(RequestFrame frame, PendingRequest? request, string? name)
    {
        bool startWriter;
        lock (_gate)
        {
            if (_closed)
            {
                frame.Return();
                return;
            }

            _queue.Enqueue(new Outgoing(frame, request, name));
            startWriter = !_writing;
            _writing = true;
        }

        if (startWriter)
        {
            // Never faults: a failed write is reported through the callback.
            _ = WriteAsync();
        }
    }

    /// <summary>Sends a close frame once any running write has finished, each wait bounded by <paramref name="timeout"/>.</summary>
    /// <returns>Whether the close frame was sent.</returns>
    public async Task<bool> CloseOutputAsync(TimeSpan timeout, TimeProvider time, WebSocketCloseStatus status = WebSocketCloseStatus.NormalClosure, string? description = null)
    {
        if (!await _writeLock.WaitAsync(timeout).ConfigureAwait(false))
        {
            return false;
        }

        try
        {
            using var deadline = new CancellationTokenSource(timeout, time);
            await _socket.CloseOutputAsync(status, description, deadline.Token).ConfigureAwait(false);
            return true;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Stops accepting frames and returns the unsent ones to the pool; the writer returns the one it holds.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            while (_queue.TryDequeue(out var unsent))
            {
                unsent.Frame.Return();
            }
        }
    }

    private async Task WriteAsync()
    {
        // Uncontended unless the session is closing; then this waits for the close, whose abort makes the
        // writes below fail fast.
        await _writeLock.WaitAsync().ConfigureAwait(false);
        var written = 0;
        try
        {
            while (true)
            {
                if (++written % MaxInlineWrites == 0)
                {
                    // The caller that started the writer gets its thread back; the pool writes the rest.
                    await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
                }

                Outgoing next;
                lock (_gate)
                {
                    if (!_queue.TryDequeue(out next))
                    {
                        _writing = false;
                        return;
                    }
                }

                try
                {
                    if (next.Request?.IsSettled == true)
                    {
                        // Its caller gave up before the frame's turn: the server never sees it.
                        continue;
                    }

                    // Marked first: the reply can arrive before this method runs again.
                    next.Request?.MarkWritten();
                    await _socket.SendAsync(next.Frame.Memory, WebSocketMessageType.Text, endOfMessage: true, _aborted).ConfigureAwait(false);
                    if (next.Name is { } name)
                    {
                        _sent(name);
                    }
                }
                finally
                {
                    next.Frame.Return();
                }
            }
        }
        catch (Exception ex)
        {
            // The session ends and closes this outbox, so no writer starts again and _writing is never read.
            Close();
            _writeFailed(ex);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private readonly record struct Outgoing(RequestFrame Frame, PendingRequest? Request, string? Name);
}
