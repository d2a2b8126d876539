using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace MiraiClient.Internal;

/// <summary>Fans events out to subscribers, one bounded channel each. Publishing never waits.</summary>
internal sealed class EventBroadcaster
{
    private static readonly TimeSpan DropLogInterval = TimeSpan.FromSeconds(5);

    private readonly object _gate = new();
    private readonly int _capacity;
    private readonly BoundedChannelFullMode _fullMode;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private EventSubscription[] _subscribers = [];
    private bool _completed;
    private long _dropped;

    public EventBroadcaster(int capacity, EventOverflowPolicy policy, ILogger logger, TimeProvider time)
    {
        _capacity = capacity;
        _fullMode = policy == EventOverflowPolicy.DropNewest ? BoundedChannelFullMode.DropWrite : BoundedChannelFullMode.DropOldest;
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
        var subscription = new EventSubscription(this, _capacity, _fullMode);
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

    public void Publish(MiraiEvent item)
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            subscriber.Offer(item);
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

/// <summary>One subscriber's buffer; enumerable once.</summary>
internal sealed class EventSubscription : IAsyncEnumerable<MiraiEvent>
{
    internal long LastDropLog;

    private readonly EventBroadcaster _owner;
    private readonly Channel<MiraiEvent> _channel;
    private CancellationTokenRegistration _endRegistration;
    private int _enumerated;

    public EventSubscription(EventBroadcaster owner, int capacity, BoundedChannelFullMode fullMode)
    {
        _owner = owner;
        var options = new BoundedChannelOptions(capacity) { FullMode = fullMode, SingleReader = true, SingleWriter = true };
        _channel = Channel.CreateBounded<MiraiEvent>(options, item => owner.OnDropped(this, item));
    }

    public void Offer(MiraiEvent item) => _channel.Writer.TryWrite(item);

    public void Complete()
    {
        _channel.Writer.TryComplete();
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

    private async IAsyncEnumerable<MiraiEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            var reader = _channel.Reader;
            while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (reader.TryRead(out var item))
                {
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
