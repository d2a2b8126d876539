namespace MiraiClient.Internal.Pacing;

/// <summary>A token bucket that also holds reservations: sends promised for later instants.</summary>
/// <remarks>
/// <para>Credit is counted in timestamps: a message costs one interval, the bucket holds at most
/// burst × interval, and credit grows by one per elapsed timestamp. A send that goes now is charged
/// at once; a reservation is charged at its own instant, so the room before it stays usable by other
/// sends. A reservation is admitted only if the credit stays at or above one interval before every
/// charge, immediate or reserved, so what goes out never exceeds burst + elapsed / interval in any
/// window, whatever the order reservations were made in.</para>
/// <para>Not thread-safe: the limiter guards every bucket with its lock. All instants passed in are
/// at or after the last <see cref="Advance"/>.</para>
/// </remarks>
internal class PacingBucket
{
    private long[] _due = [];
    private int _count;
    private long _credit;
    private long _at;

    /// <summary>Gets how many reservations have not yet come due.</summary>
    public int PendingCount => _count;

    /// <summary>Gets the latest reservation; only when <see cref="PendingCount"/> is positive.</summary>
    public long LastDue => _due[_count - 1];

    /// <summary>Empties the reservations and fills the bucket.</summary>
    /// <param name="now">The current timestamp.</param>
    /// <param name="capacity">Burst × interval.</param>
    public void Reset(long now, long capacity)
    {
        _credit = capacity;
        _at = now;
        _count = 0;
    }

    /// <summary>Brings the bucket to <paramref name="now"/>: refills it and charges the reservations
    /// that came due, at their own instants.</summary>
    /// <param name="now">The current timestamp.</param>
    /// <param name="interval">The cost of one message.</param>
    /// <param name="capacity">Burst × interval.</param>
    public void Advance(long now, long interval, long capacity)
    {
        if (now <= _at)
        {
            return;
        }

        var folded = 0;
        while (folded < _count && _due[folded] <= now)
        {
            var due = _due[folded++];
            _credit += Math.Min(capacity - _credit, due - _at) - interval;
            _at = due;
        }

        if (folded > 0)
        {
            _count -= folded;
            Array.Copy(_due, folded, _due, 0, _count);
        }

        _credit += Math.Min(capacity - _credit, now - _at);
        _at = now;
    }

    /// <summary>Gets whether a message can go now with nothing reserved: the fast path.</summary>
    /// <param name="interval">The cost of one message.</param>
    /// <returns><see langword="true"/> when it can.</returns>
    public bool CanTakeNow(long interval) => _count == 0 && _credit >= interval;

    /// <summary>Charges a message that goes now; only after <see cref="CanTakeNow"/> or <see cref="Earliest"/> allowed it.</summary>
    /// <param name="interval">The cost of one message.</param>
    public void TakeNow(long interval) => _credit -= interval;

    /// <summary>Gets whether the bucket is full with nothing reserved, so forgetting it changes nothing.</summary>
    /// <param name="now">The current timestamp.</param>
    /// <param name="capacity">Burst × interval.</param>
    /// <returns><see langword="true"/> when it is.</returns>
    public bool IsIdle(long now, long capacity) => _count == 0 && now - _at >= capacity - _credit;

    /// <summary>Finds the earliest instant at or after <paramref name="notBefore"/> at which one more
    /// message fits without making any reservation late.</summary>
    /// <param name="notBefore">The lower bound, at or after the last <see cref="Advance"/>.</param>
    /// <param name="interval">The cost of one message.</param>
    /// <param name="capacity">Burst × interval.</param>
    /// <param name="scratch">Working space, grown as needed.</param>
    /// <returns>The instant.</returns>
    public long Earliest(long notBefore, long interval, long capacity, ref long[] scratch)
    {
        var n = _count;
        if (n == 0)
        {
            return _credit >= interval ? notBefore : Math.Max(notBefore, _at + (interval - _credit));
        }

        if (scratch.Length < 2 * n)
        {
            scratch = new long[Math.Max(2 * n, scratch.Length * 2)];
        }

        // level[k]: credit just before reservation k is charged (at least one interval, by construction).
        var level = scratch.AsSpan(0, n);
        var position = _at;
        var credit = _credit;
        for (var k = 0; k < n; k++)
        {
            credit += Math.Min(capacity - credit, _due[k] - position);
            level[k] = credit;
            credit -= interval;
            position = _due[k];
        }

        // slack[k]: the most credit that may be missing just before reservation k with every later
        // reservation still covered. A shortfall shrinks only where the bucket would have overflowed.
        var slack = scratch.AsSpan(n, n);
        slack[n - 1] = level[n - 1] - interval;
        for (var k = n - 2; k >= 0; k--)
        {
            var overflow = Math.Max(0, level[k] - interval + (_due[k + 1] - _due[k]) - capacity);
            slack[k] = Math.Min(level[k] - interval, slack[k + 1] + overflow);
        }

        // Try each gap between reservations, from the first that reaches notBefore. In a gap the
        // earliest instant with a full interval of credit is the only candidate worth testing: a
        // later one leaves less time to refill before the next reservation.
        for (var j = -1; ; j++)
        {
            var start = j < 0 ? _at : _due[j];
            var after = j < 0 ? _credit : level[j] - interval;
            var candidate = Math.Max(notBefore, start);
            if (after < interval)
            {
                candidate = Math.Max(candidate, start + (interval - after));
            }

            if (j == n - 1)
            {
                return candidate;
            }

            var next = _due[j + 1];
            if (candidate > next)
            {
                continue;
            }

            var atCandidate = Math.Min(capacity, after + (candidate - start));
            var shortfall = Math.Clamp(interval - (atCandidate + (next - candidate) - capacity), 0, interval);
            if (shortfall <= slack[j + 1])
            {
                return candidate;
            }
        }
    }

    /// <summary>Charges a message at <paramref name="instant"/>: at once if that is now, otherwise as a
    /// reservation. Only at an instant <see cref="Earliest"/> allowed.</summary>
    /// <param name="instant">When the message goes.</param>
    /// <param name="interval">The cost of one message.</param>
    public void Reserve(long instant, long interval)
    {
        if (instant <= _at)
        {
            _credit -= interval;
            return;
        }

        if (_count == _due.Length)
        {
            Array.Resize(ref _due, Math.Max(4, _count * 2));
        }

        // Usually the latest, so search from the end.
        var index = _count;
        while (index > 0 && _due[index - 1] > instant)
        {
            index--;
        }

        Array.Copy(_due, index, _due, index + 1, _count - index);
        _due[index] = instant;
        _count++;
    }

    /// <summary>Withdraws a reservation that has not come due, returning its room.</summary>
    /// <param name="instant">The reserved instant.</param>
    /// <returns><see langword="false"/> when no such reservation is pending (it was already charged).</returns>
    public bool Withdraw(long instant)
    {
        var index = Array.BinarySearch(_due, 0, _count, instant);
        if (index < 0)
        {
            return false;
        }

        _count--;
        Array.Copy(_due, index + 1, _due, index, _count - index);
        return true;
    }
}
