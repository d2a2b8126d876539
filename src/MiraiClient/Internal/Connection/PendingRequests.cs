namespace MiraiClient.Internal;

/// <summary>A request waiting for its reply. It is the reply's completion source itself (one object fewer per
/// request), and disposing it removes it from the map it was registered in, so every exit path of a caller
/// cleans up with one <c>using</c>.</summary>
internal sealed class PendingRequest : TaskCompletionSource<byte[]>, IDisposable
{
    private readonly PendingRequests _owner;
    private volatile bool _written;

    internal PendingRequest(PendingRequests owner, long id, long registeredAt, long deadline)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        _owner = owner;
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

    /// <summary>Gets whether its frame reached the socket (set by the outbox).</summary>
    public bool Written => _written;

    /// <summary>Records that the frame was written.</summary>
    public void MarkWritten() => _written = true;

    /// <summary>Removes the request from its map; idempotent.</summary>
    public void Dispose() => _owner.Remove(this);
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
    /// <returns>The entry, or <see langword="null"/> once the session has ended (nothing was sent).</returns>
    public PendingRequest? TryRegister(long id, long now, long deadline)
    {
        var pending = new PendingRequest(this, id, now, deadline);
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

    /// <summary>Completes the request with this id with a copy of the reply.</summary>
    /// <returns>Whether a waiting request matched.</returns>
    public bool TryComplete(long id, ReadOnlySpan<byte> reply)
    {
        PendingRequest? pending;
        lock (_gate)
        {
            if (!_entries.Remove(id, out pending))
            {
                _abandoned?.Remove(id);
                return false;
            }
        }

        return pending.TrySetResult(reply.ToArray());
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
            // Nobody may be waiting any more; mark it observed so it never surfaces as unobserved.
            if (pending.TrySetException(error(pending)))
            {
                _ = pending.Task.Exception;
            }
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
