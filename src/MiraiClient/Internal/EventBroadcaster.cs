using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace MiraiClient.Internal;

/// <summary>Fans events out to subscribers, one bounded channel each. Publishing never waits.</summary>
internal sealed class EventBroadcaster
{
    private static readonly TimeSpan DropLogInterval = TimeSpan.FromSeconds(5);

    private readonly object _gate = new();
    private readonly int _capacity;
    private readonly bool _dropNewest;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private EventSubscription[] _subscribers = [];
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
    public EventSubscription Subscribe(CancellationToken cancellationToken)
    {
        var subscription = new EventSubscription(this, _capacity, _dropNewest);
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
        EventSubscription[] subscribers;
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

    internal void Remove(EventSubscription subscription)
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

    internal void OnDropped(EventSubscription subscription, MiraiEvent item)
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

/// <summary>One subscriber's buffer, bounded in events; enumerable once.</summary>
/// <remarks>A batch of events costs one lock and at most one wake-up of the reader, however many
/// events it holds: waking a reader per event costs more than decoding the event.</remarks>
internal sealed class EventSubscription : IAsyncEnumerable<MiraiEvent>
{
    internal long LastDropLog;

    private readonly EventBroadcaster _owner;
    private readonly object _gate = new();
    private readonly MiraiEvent?[] _ring;
    private readonly bool _dropNewest;
    private int _head;
    private int _count;
    private bool _completed;
    private TaskCompletionSource? _waiter;
    private CancellationTokenRegistration _endRegistration;
    private int _enumerated;

    public EventSubscription(EventBroadcaster owner, int capacity, bool dropNewest)
    {
        _owner = owner;
        _ring = new MiraiEvent?[capacity];
        _dropNewest = dropNewest;
    }

    public void Offer(ReadOnlySpan<MiraiEvent> batch)
    {
        TaskCompletionSource? waiter;
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }

            foreach (var item in batch)
            {
                if (_count == _ring.Length)
                {
                    if (_dropNewest)
                    {
                        _owner.OnDropped(this, item);
                        continue;
                    }

                    var oldest = _ring[_head]!;
                    _ring[_head] = null;
                    _head = (_head + 1) % _ring.Length;
                    _count--;
                    _owner.OnDropped(this, oldest);
                }

                _ring[(_head + _count) % _ring.Length] = item;
                _count++;
            }

            waiter = _waiter;
            _waiter = null;
        }

        // The reader continues on the pool (the source runs continuations asynchronously), never on the receive loop.
        waiter?.TrySetResult();
    }

    public void Complete()
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
            _endRegistration = cancellationToken.Register(static s => ((EventSubscription)s!).Complete(), this);
        }
    }

    public IAsyncEnumerator<MiraiEvent> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _enumerated, 1) != 0)
        {
            throw new InvalidOperationException("An event subscription can be enumerated only once; call GetEventsAsync again for another.");
        }

        return ReadAllAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
    }

    /// <summary>Takes the oldest buffered event, or gets a task that completes when there may be one.</summary>
    private bool TryTake(out MiraiEvent? item, out Task? wait)
    {
        lock (_gate)
        {
            if (_count > 0)
            {
                item = _ring[_head];
                _ring[_head] = null;
                _head = (_head + 1) % _ring.Length;
                _count--;
                wait = null;
                return true;
            }

            item = null;
            if (_completed)
            {
                wait = null;
                return false;
            }

            _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            wait = _waiter.Task;
            return false;
        }
    }

    private async IAsyncEnumerable<MiraiEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                if (TryTake(out var item, out var wait))
                {
                    yield return item!;
                    continue;
                }

                if (wait is null)
                {
                    yield break;
                }

                await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _endRegistration.Dispose();
            Complete();
        }
    }
}
