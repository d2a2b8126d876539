using Microsoft.Extensions.Logging;

namespace MiraiClient.Internal;

/// <summary>Fans events out to subscribers, one bounded <see cref="EventRing{TBase, TEvent}"/> each. Publishing never waits.</summary>
/// <typeparam name="TBase">The protocol's event base type.</typeparam>
internal sealed class EventBroadcaster<TBase>
    where TBase : class
{
    private static readonly TimeSpan DropLogInterval = TimeSpan.FromSeconds(5);

    private readonly object _gate = new();
    private readonly int _capacity;
    private readonly bool _dropNewest;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ProtocolTelemetry _telemetry;
    private readonly Func<TBase, string> _tag;
    private EventSink<TBase>[] _subscribers = [];
    private bool _completed;
    private long _dropped;

    public EventBroadcaster(int capacity, EventOverflowPolicy policy, ILogger logger, TimeProvider time, ProtocolTelemetry telemetry, Func<TBase, string> tag)
    {
        _capacity = capacity;
        _dropNewest = policy == EventOverflowPolicy.DropNewest;
        _logger = logger;
        _time = time;
        _telemetry = telemetry;
        _tag = tag;
    }

    /// <summary>Gets the number of events dropped across all subscribers.</summary>
    public long DroppedCount => Interlocked.Read(ref _dropped);

    /// <summary>Gets the number of live subscriptions.</summary>
    public int SubscriberCount => Volatile.Read(ref _subscribers).Length;

    /// <summary>Registers a subscriber now, so no event published after this call is missed.</summary>
    /// <param name="cancellationToken">Ends the subscription cleanly when cancelled.</param>
    /// <returns>The subscription.</returns>
    public EventRing<TBase, TEvent> Subscribe<TEvent>(CancellationToken cancellationToken)
        where TEvent : class, TBase
    {
        var subscription = new EventRing<TBase, TEvent>(this, _capacity, _dropNewest);
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
    public void Publish(ReadOnlySpan<TBase> batch)
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            subscriber.Offer(batch);
        }
    }

    /// <summary>Ends every subscription; later subscriptions end at once.</summary>
    public void Complete()
    {
        EventSink<TBase>[] subscribers;
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

    internal void Remove(EventSink<TBase> subscription)
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

    internal void OnDropped(EventSink<TBase> subscription, TBase item)
    {
        var total = Interlocked.Increment(ref _dropped);
        var tag = _tag(item);
        _telemetry.RecordDropped(tag);
        var now = _time.GetTimestamp();
        var last = Volatile.Read(ref subscription.LastDropLog);
        if (last == 0 || _time.GetElapsedTime(last, now) >= DropLogInterval)
        {
            Volatile.Write(ref subscription.LastDropLog, now);
            if (subscription.Enumerated)
            {
                Log.EventsDropped(_logger, tag, total);
            }
            else
            {
                Log.SubscriptionNeverRead(_logger, tag, total);
            }
        }
    }
}
