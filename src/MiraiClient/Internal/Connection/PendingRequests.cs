using System.Buffers;
using System.Threading.Tasks.Sources;

namespace MiraiClient.Internal;

/// <summary>A request waiting for its reply, awaited once through <see cref="WaitAsync"/>; disposing it removes it
/// from the map it was registered in, so every exit path of a caller cleans up with one <c>using</c>.</summary>
/// <remarks>
/// <para><b>Replaces</b> a <see cref="TaskCompletionSource{TResult}"/> created with
/// <see cref="TaskCreationOptions.RunContinuationsAsynchronously"/>, which handed every reply's continuation to the
/// thread pool: one thread hop per round trip, on the critical path of every command's latency.</para>
/// <para><b>How</b>: a <see cref="ManualResetValueTaskSourceCore{TResult}"/> whose continuations run asynchronously
/// by default, exactly as before, for every way a request ends (cancellation, deadline, the session's end, a
/// reply seen while more input is already buffered). Only the receive loop's <see cref="CompleteInline"/> runs the
/// caller's continuation on the current thread, and only after the loop has registered its own continuation with
/// the socket's pending receive (<c>Session.ReceiveThenComplete</c>): the thread is no longer the loop's, so a
/// continuation that blocks holds up nothing but itself. Whoever settles the request first wins
/// (<see cref="IsSettled"/>); the others see <see langword="false"/>.</para>
/// <para><b>Why</b>: round-trip latency with one command in flight, which the load test judges against a
/// hand-written <c>ClientWebSocket</c> client (p50 ≤ 1.15× its). Measured with the load test's round trips
/// (<c>MiraiClient.LoadTest</c>, one request in flight, <c>--token linked</c>, 2026-12-01): the thread-pool work
/// items per request fell from 2.00 to 1.00 (the hand-written client: 2.00), for sendGroupMessage and for
/// OneBot's send_group_msg alike; that count is what the latency pays for when the cores are busy. On a
/// 2-core machine loaded by other builds the p50 itself was too noisy to rank (see benchmarks/README.md,
/// "Round trips and the caller's token"). One object per request instead of two is a side effect (867 → 851
/// bytes per request).</para>
/// <para><b>Pooled replies</b>: a request registered with <c>pooledReply</c> (its reply shape decodes from
/// a span, as the send receipt does) gets its reply copied into an array rented from
/// <see cref="ArrayPool{T}.Shared"/> instead of a new one; its caller reads <see cref="ReplyLength"/> bytes
/// and hands the array back with <see cref="ReturnReply"/> after decoding. <b>Replaces</b> a fresh
/// <c>byte[]</c> per reply (about 88 B for a receipt). <b>Why</b>: bytes per request with a cancellable
/// caller token (see <see cref="CommandInvoker{TEvent}"/> for the measurement). The reply cannot be decoded
/// from the receive loop's own buffer: the caller decodes after the loop has moved on to the next frame.</para>
/// </remarks>
internal sealed class PendingRequest : IValueTaskSource<byte[]>, IDisposable
{
    private const int Waiting = 0;
    private const int Settled = 1;

    /// <summary>Replies longer than this are never pooled: a rare huge reply must not stay in the pool.</summary>
    private const int MaxPooledReply = 16 * 1024;

    private readonly PendingRequests _owner;
    private readonly bool _pooledReply;
    private ManualResetValueTaskSourceCore<byte[]> _core = new() { RunContinuationsAsynchronously = true };
    private byte[]? _claimedReply;
    private int _replyLength;
    private int _state;
    private bool _rented;
    private volatile bool _written;

    internal PendingRequest(PendingRequests owner, long id, long registeredAt, long deadline, bool pooledReply = false)
    {
        _owner = owner;
        _pooledReply = pooledReply;
        Id = id;
        RegisteredAt = registeredAt;
        Deadline = deadline;
    }

    /// <summary>Gets the request id the reply will carry.</summary>
    public long Id { get; }

    /// <summary>Gets when the request was registered (monotonic timestamp).</summary>
    public long RegisteredAt { get; }

    /// <summary>Gets when its caller stops waiting (monotonic timestamp).</summary>
    public long Deadline { get; }

    /// <summary>Gets how many bytes of the array <see cref="WaitAsync"/> delivered are the reply (the whole
    /// array unless the request was registered for a pooled reply); read it after the await.</summary>
    public int ReplyLength => _replyLength;

    /// <summary>Gets whether its frame reached the socket (set by the outbox).</summary>
    public bool Written => _written;

    /// <summary>Gets whether its outcome is decided (a reply, a cancellation or an error), even if its
    /// continuation has not run yet.</summary>
    public bool IsSettled => Volatile.Read(ref _state) != Waiting;

    /// <summary>Records that the frame was written.</summary>
    public void MarkWritten() => _written = true;

    /// <summary>The reply, or the request's error; await it once. For a request registered for a pooled
    /// reply, only the first <see cref="ReplyLength"/> bytes are the reply, and the caller returns the array
    /// with <see cref="ReturnReply"/> once decoded.</summary>
    public ValueTask<byte[]> WaitAsync() => new(this, _core.Version);

    /// <summary>Hands a delivered reply's array back to the pool when it came from there; once, after decoding.</summary>
    /// <param name="reply">The array <see cref="WaitAsync"/> delivered.</param>
    public void ReturnReply(byte[] reply)
    {
        if (_rented)
        {
            _rented = false;
            ArrayPool<byte>.Shared.Return(reply);
        }
    }

    /// <summary>Completes the request with a reply; its continuation runs on the thread pool.</summary>
    /// <returns>Whether this call settled it.</returns>
    public bool TrySetResult(byte[] reply)
    {
        if (!TrySettle())
        {
            return false;
        }

        _replyLength = reply.Length;
        _core.SetResult(reply);
        return true;
    }

    /// <summary>Cancels the request; its continuation runs on the thread pool, never inside the caller of
    /// <see cref="CancellationTokenSource.Cancel()"/>.</summary>
    /// <returns>Whether this call settled it.</returns>
    public bool TrySetCanceled(CancellationToken token) => TrySetException(new OperationCanceledException(token));

    /// <summary>Fails the request; its continuation runs on the thread pool.</summary>
    /// <returns>Whether this call settled it.</returns>
    public bool TrySetException(Exception error)
    {
        if (!TrySettle())
        {
            return false;
        }

        _core.SetException(error);
        return true;
    }

    /// <summary>Settles the request with a copy of a reply whose continuation is to run later, by
    /// <see cref="CompleteInline"/> or <see cref="CompleteClaimed"/>. Copied only once settled, so a reply
    /// that lost to a cancellation costs nothing.</summary>
    /// <returns>Whether this call settled it (false: it was cancelled or failed first).</returns>
    internal bool TryClaim(ReadOnlySpan<byte> reply)
    {
        if (!TrySettle())
        {
            return false;
        }

        if (_pooledReply && reply.Length <= MaxPooledReply)
        {
            var rented = ArrayPool<byte>.Shared.Rent(reply.Length);
            reply.CopyTo(rented);
            _rented = true;
            _claimedReply = rented;
        }
        else
        {
            _claimedReply = reply.ToArray();
        }

        _replyLength = reply.Length;
        return true;
    }

    /// <summary>Completes a claimed request, its continuation on the thread pool.</summary>
    internal void CompleteClaimed() => _core.SetResult(TakeClaimedReply());

    /// <summary>Completes a claimed request and runs its continuation on this thread, now. Only for a thread
    /// that no other work depends on: the receive loop calls it once its own continuation is registered elsewhere.</summary>
    internal void CompleteInline()
    {
        var reply = TakeClaimedReply();
        _core.RunContinuationsAsynchronously = false;
        _core.SetResult(reply);
    }

    /// <summary>Removes the request from its map; idempotent.</summary>
    public void Dispose() => _owner.Remove(this);

    byte[] IValueTaskSource<byte[]>.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<byte[]>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<byte[]>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    private bool TrySettle() => Interlocked.CompareExchange(ref _state, Settled, Waiting) == Waiting;

    private byte[] TakeClaimedReply()
    {
        var reply = _claimedReply ?? throw new InvalidOperationException("The request was not claimed with a reply.");
        _claimedReply = null;
        return reply;
    }
}

/// <summary>
/// The requests of one session that wait for replies, by id. Entries remove themselves when their caller
/// disposes them; replies complete them; the session's end fails them all at once.
/// </summary>
/// <remarks>
/// For servers that answer strictly in order (<c>repliesInOrder</c>), a failure reply without an id belongs
/// to the oldest written request still unanswered. A request whose caller gave up after its frame was
/// written still gets its reply from such a server, so its id is remembered (a bounded number of them)
/// until that reply comes: otherwise an abandoned request's error would be blamed on the next one.
/// All members are thread-safe.
/// </remarks>
internal sealed class PendingRequests
{
    private const int MaxAbandonedTracked = 256;

    private readonly object _gate = new();
    private readonly Dictionary<long, PendingRequest> _entries = [];
    private readonly SortedSet<long>? _abandoned;
    private bool _closed;

    public PendingRequests(bool repliesInOrder)
    {
        _abandoned = repliesInOrder ? [] : null;
    }

    /// <summary>Gets the number of requests waiting.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Registers a request before it is sent, so its reply cannot be missed.</summary>
    /// <param name="id">The request id its reply carries.</param>
    /// <param name="now">The current timestamp.</param>
    /// <param name="deadline">When its caller stops waiting.</param>
    /// <param name="pooledReply">Whether its caller reads the reply from a pooled array (see <see cref="PendingRequest.ReplyLength"/>).</param>
    /// <returns>The entry, or <see langword="null"/> once the session has ended (nothing was sent).</returns>
    public PendingRequest? TryRegister(long id, long now, long deadline, bool pooledReply = false)
    {
        var pending = new PendingRequest(this, id, now, deadline, pooledReply);
        lock (_gate)
        {
            if (_closed)
            {
                return null;
            }

            _entries.Add(id, pending);
        }

        return pending;
    }

    /// <summary>Completes the request with this id with a copy of the reply; its continuation runs on the thread pool.</summary>
    /// <returns>Whether a waiting request matched.</returns>
    public bool TryComplete(long id, ReadOnlySpan<byte> reply)
    {
        var claimed = TryClaim(id, reply);
        claimed?.CompleteClaimed();
        return claimed is not null;
    }

    /// <summary>Takes the request with this id out of the map and settles it with a copy of the reply, leaving
    /// the caller to complete it (<see cref="PendingRequest.CompleteInline"/> or
    /// <see cref="PendingRequest.CompleteClaimed"/>) exactly once.</summary>
    /// <returns>The request, or <see langword="null"/> when none waits for this id any more.</returns>
    public PendingRequest? TryClaim(long id, ReadOnlySpan<byte> reply)
    {
        PendingRequest? pending;
        lock (_gate)
        {
            if (!_entries.Remove(id, out pending))
            {
                _abandoned?.Remove(id);
                return null;
            }
        }

        return pending.TryClaim(reply) ? pending : null;
    }

    /// <summary>Completes the oldest written request still unanswered with a copy of a reply that carries no
    /// request id (servers that answer in order only: such a reply is the answer to that request).</summary>
    /// <returns>Whether a waiting request took the reply (false: nobody waits, or the oldest was abandoned by its caller).</returns>
    public bool TryCompleteOldest(ReadOnlySpan<byte> reply)
    {
        PendingRequest? oldest = null;
        lock (_gate)
        {
            foreach (var entry in _entries.Values)
            {
                if (entry.Written && (oldest is null || entry.Id < oldest.Id))
                {
                    oldest = entry;
                }
            }

            if (_abandoned is { Count: > 0 } abandoned && (oldest is null || abandoned.Min < oldest.Id))
            {
                abandoned.Remove(abandoned.Min);
                return false;
            }

            if (oldest is null)
            {
                return false;
            }

            _entries.Remove(oldest.Id);
        }

        return oldest.TrySetResult(reply.ToArray());
    }

    /// <summary>Whether a request registered before <paramref name="since"/> is still within its own deadline:
    /// a server that runs requests one at a time may be busy with it rather than dead.</summary>
    public bool AnyWaitingSince(long since, long now)
    {
        lock (_gate)
        {
            foreach (var pending in _entries.Values)
            {
                if (pending.RegisteredAt <= since && pending.Deadline > now)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Closes the map: no request registers any more, and every waiting one fails.</summary>
    /// <param name="error">Makes each request's error.</param>
    public void Close(Func<PendingRequest, Exception> error)
    {
        PendingRequest[] orphans;
        lock (_gate)
        {
            _closed = true;
            orphans = [.. _entries.Values];
            _entries.Clear();
            _abandoned?.Clear();
        }

        foreach (var pending in orphans)
        {
            _ = pending.TrySetException(error(pending));
        }
    }

    internal void Remove(PendingRequest pending)
    {
        lock (_gate)
        {
            if (!_entries.Remove(pending.Id) || _closed)
            {
                return;
            }

            // Removed by its caller before the reply: an in-order server still owes it one.
            if (_abandoned is { } abandoned && pending.Written)
            {
                if (abandoned.Count == MaxAbandonedTracked)
                {
                    abandoned.Remove(abandoned.Min);
                }

                abandoned.Add(pending.Id);
            }
        }
    }
}
