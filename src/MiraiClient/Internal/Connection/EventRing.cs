using System.Runtime.CompilerServices;

namespace MiraiClient.Internal;

/// <summary>What the broadcaster sees of a subscription.</summary>
/// <typeparam name="TBase">The protocol's event base type.</typeparam>
internal abstract class EventSink<TBase>
    where TBase : class
{
    internal long LastDropLog;

    /// <summary>Gets whether anyone has started reading the subscription.</summary>
    public abstract bool Enumerated { get; }

    public abstract void Offer(ReadOnlySpan<TBase> batch);

    public abstract void Complete();
}

/// <summary>One subscriber's buffer of the events of one type: a growable ring bounded in events, enumerable once.</summary>
/// <remarks>
/// <para><b>Replaces</b> a <c>Channel.CreateBounded</c> per subscriber with a <c>FullMode</c> and a drop
/// callback, the platform idiom for the same contract: bounded, drop oldest or newest when full, drops
/// reported, one reader, ending with the subscription.</para>
/// <para><b>Why</b>: a channel takes its lock and may wake its reader per event; this ring takes a whole
/// batch of events under one lock with at most one wake-up, and the reader takes everything buffered in one
/// lock too. Waking a reader, or contending for a lock, costs more than decoding the event, and the
/// hand-over is what the batch size trades against (benchmarks/RESULTS.md, "Handing events over: batch
/// size": 1.32× the best practice's events/s with batches of 256, 1.53× at 2048).</para>
/// <para><b>Contract</b>: <see cref="Offer"/> never blocks beyond the ring's own short lock and never runs
/// the reader's code (the reader continues on the pool); the ring starts small and grows up to its capacity;
/// the subscription ends when its token is cancelled, when enumeration stops, or when the connection is
/// disposed.</para>
/// </remarks>
/// <typeparam name="TBase">The protocol's event base type.</typeparam>
/// <typeparam name="TEvent">The events kept; others are not buffered and never count against the capacity.</typeparam>
internal sealed class EventRing<TBase, TEvent> : EventSink<TBase>, IAsyncEnumerable<TEvent>
    where TBase : class
    where TEvent : class, TBase
{
    /// <summary>The most events the reader takes out at once.</summary>
    private const int MaxTake = 256;

    private readonly EventBroadcaster<TBase> _owner;
    private readonly object _gate = new();
    private readonly int _capacity;
    private readonly bool _dropNewest;
    private TEvent?[] _ring;
    private int _head;
    private int _count;
    private bool _completed;
    private TaskCompletionSource? _waiter;
    private CancellationTokenRegistration _endRegistration;
    private int _enumerated;

    public override bool Enumerated => Volatile.Read(ref _enumerated) != 0;

    public EventRing(EventBroadcaster<TBase> owner, int capacity, bool dropNewest)
    {
        _owner = owner;
        // The ring grows as needed: a large capacity costs nothing until a burst needs it.
        _capacity = capacity;
        _ring = new TEvent?[Math.Min(capacity, MaxTake)];
        _dropNewest = dropNewest;
    }

    public override void Offer(ReadOnlySpan<TBase> batch)
    {
        TaskCompletionSource? waiter;

        // Drops are reported after the lock is released: reporting logs and records a metric, which
        // runs listeners' code.
        List<TBase>? dropped = null;
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }

            foreach (var candidate in batch)
            {
                if (candidate is not TEvent item)
                {
                    continue;
                }

                if (_count == _ring.Length && _count < _capacity)
                {
                    Grow();
                }

                if (_count == _ring.Length)
                {
                    if (_dropNewest)
                    {
                        (dropped ??= []).Add(item);
                        continue;
                    }

                    (dropped ??= []).Add(_ring[_head]!);
                    _ring[_head] = null;
                    _head = (_head + 1) % _ring.Length;
                    _count--;
                }

                _ring[(_head + _count) % _ring.Length] = item;
                _count++;
            }

            waiter = _count == 0 ? null : _waiter;
            if (waiter is not null)
            {
                _waiter = null;
            }
        }

        if (dropped is not null)
        {
            foreach (var item in dropped)
            {
                _owner.OnDropped(this, item);
            }
        }

        // The reader continues on the pool (the source runs continuations asynchronously), never on the receive loop.
        waiter?.TrySetResult();
    }

    public override void Complete()
    {
        TaskCompletionSource? waiter;
        lock (_gate)
        {
            _completed = true;
            waiter = _waiter;
            _waiter = null;
        }

        waiter?.TrySetResult();
        _owner.Remove(this);
    }

    public void EndOn(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            _endRegistration = cancellationToken.Register(static s => ((EventSink<TBase>)s!).Complete(), this);
        }
    }

    public IAsyncEnumerator<TEvent> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _enumerated, 1) != 0)
        {
            throw new InvalidOperationException("An event subscription can be enumerated only once; call GetEventsAsync again for another.");
        }

        return ReadAllAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
    }

    private void Grow()
    {
        var larger = new TEvent?[(int)Math.Min((long)_ring.Length * 2, _capacity)];
        for (var i = 0; i < _count; i++)
        {
            larger[i] = _ring[(_head + i) % _ring.Length];
        }

        _ring = larger;
        _head = 0;
    }

    /// <summary>Moves the buffered events, oldest first, into <paramref name="taken"/>; when there are none,
    /// gets a task that completes when there may be some (or <see langword="null"/> once completed).</summary>
    private int Take(TEvent?[] taken, out Task? wait)
    {
        lock (_gate)
        {
            var count = Math.Min(_count, taken.Length);
            for (var i = 0; i < count; i++)
            {
                taken[i] = _ring[_head];
                _ring[_head] = null;
                _head = (_head + 1) % _ring.Length;
            }

            _count -= count;
            wait = null;
            if (count == 0 && !_completed)
            {
                _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _waiter.Task;
            }

            return count;
        }
    }

    private async IAsyncEnumerable<TEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var taken = new TEvent?[Math.Min(_capacity, MaxTake)];
        try
        {
            while (true)
            {
                var count = Take(taken, out var wait);
                if (count == 0)
                {
                    if (wait is null)
                    {
                        yield break;
                    }

                    await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }

                for (var i = 0; i < count; i++)
                {
                    var item = taken[i]!;
                    taken[i] = null;
                    yield return item;
                }
            }
        }
        finally
        {
            _endRegistration.Dispose();
            Complete();
        }
    }
}
