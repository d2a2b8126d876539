using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace MiraiClient.Internal;

/// <summary>Fans events out to subscribers, one bounded ring each. Publishing never waits.</summary>
internal sealed class EventBroadcaster
{
    private static readonly TimeSpan DropLogInterval = TimeSpan.FromSeconds(5);

    private readonly object _gate = new();
    private readonly int _capacity;
    private readonly bool _dropNewest;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private EventSink[] _subscribers = [];
    private bool _completed;
    private long _dropped;

    public EventBroadcaster(int capacity, EventOverflowPolicy policy, ILogger logger, TimeProvider time)
    {
        _capacity = capacity;
        _dropNewest = policy == EventOverflowPolicy.DropNewest;
        _logger = logger;
        _time = time;
    }

    /// <summary>Gets the number of events dropped across all subscribers.</summary>
    public long DroppedCount => Interlocked.Read(ref _dropped);

    /// <summary>Gets the number of live subscriptions.</summary>
    public int SubscriberCount => Volatile.Read(ref _subscribers).Length;

    /// <summary>Registers a subscriber now, so no event published after this call is missed.</summary>
    /// <param name="cancellationToken">Ends the subscription cleanly when cancelled.</param>
    /// <returns>The subscription.</returns>
    public EventSubscription<TEvent> Subscribe<TEvent>(CancellationToken cancellationToken)
        where TEvent : MiraiEvent
    {
        var subscription = new EventSubscription<TEvent>(this, _capacity, _dropNewest);
        lock (_gate)
        {
            if (_completed)
            {
                subscription.Complete();
                return subscription;
            }

            _subscribers = [.. _subscribers, subscription];
        }

        subscription.EndOn(cancellationToken);
        return subscription;
    }

    /// <summary>Hands a batch of events, in order, to every subscriber.</summary>
    /// <param name="batch">The events; the span is not kept.</param>
    public void Publish(ReadOnlySpan<MiraiEvent> batch)
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            subscriber.Offer(batch);
        }
    }

    /// <summary>Ends every subscription; later subscriptions end at once.</summary>
    public void Complete()
    {
        EventSink[] subscribers;
        lock (_gate)
        {
            _completed = true;
            subscribers = _subscribers;
            _subscribers = [];
        }

        foreach (var subscriber in subscribers)
        {
            subscriber.Complete();
        }
    }

    internal void Remove(EventSink subscription)
    {
        lock (_gate)
        {
            var index = Array.IndexOf(_subscribers, subscription);
            if (index >= 0)
            {
                _subscribers = [.. _subscribers.AsSpan(0, index), .. _subscribers.AsSpan(index + 1)];
            }
        }
    }

    internal void OnDropped(EventSink subscription, MiraiEvent item)
    {
        var total = Interlocked.Increment(ref _dropped);
        MiraiTelemetry.EventsDropped.Add(1, new KeyValuePair<string, object?>("mirai.event", item is UnknownEvent ? "Unknown" : item.Type));
        var now = _time.GetTimestamp();
        var last = Volatile.Read(ref subscription.LastDropLog);
        if (last == 0 || _time.GetElapsedTime(last, now) >= DropLogInterval)
        {
            Volatile.Write(ref subscription.LastDropLog, now);
            Log.EventsDropped(_logger, item.Type, total);
        }
    }
}

/// <summary>What the broadcaster sees of a subscription.</summary>
internal abstract class EventSink
{
    internal long LastDropLog;

    public abstract void Offer(ReadOnlySpan<MiraiEvent> batch);

    public abstract void Complete();
}

/// <summary>One subscriber's buffer of the events of one type, bounded in events; enumerable once.</summary>
/// <remarks>A batch of events costs one lock and at most one wake-up of the reader, however many events
/// it holds, and the reader takes everything buffered in one lock too: waking a reader, or contending
/// for a lock, per event costs more than decoding the event.</remarks>
/// <typeparam name="TEvent">The events kept; others are not buffered and never count against the capacity.</typeparam>
internal sealed class EventSubscription<TEvent> : EventSink, IAsyncEnumerable<TEvent>
    where TEvent : MiraiEvent
{
    /// <summary>The most events the reader takes out at once.</summary>
    private const int MaxTake = 256;

    private readonly EventBroadcaster _owner;
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

    public EventSubscription(EventBroadcaster owner, int capacity, bool dropNewest)
    {
        _owner = owner;
        // The ring grows as needed: a large capacity costs nothing until a burst needs it.
        _capacity = capacity;
        _ring = new TEvent?[Math.Min(capacity, MaxTake)];
        _dropNewest = dropNewest;
    }

    public override void Offer(ReadOnlySpan<MiraiEvent> batch)
    {
        TaskCompletionSource? waiter;

        // Drops are reported after the lock is released: reporting logs and records a metric, which
        // runs listeners' code.
        List<MiraiEvent>? dropped = null;
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
            _endRegistration = cancellationToken.Register(static s => ((EventSink)s!).Complete(), this);
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
