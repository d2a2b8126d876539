using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using Log = MiraiClient.Hosting.HostingLog;

namespace MiraiClient.Hosting.Dispatch;

/// <summary>
/// Runs handlers for a stream of events with bounded concurrency and per-conversation order, and knows
/// nothing of any chat protocol: the caller says which conversation an event belongs to (or none) and
/// which handlers it gets. The mirai bot host sits on top; a OneBot host can reuse it with its own types.
/// </summary>
/// <remarks>
/// <para><b>Fair scheduling.</b> A slot is taken only by an invocation that can run. An event whose
/// conversation is busy waits in that conversation's queue and holds nothing; when the conversation's
/// current invocation finishes, its next event joins the ready queue, which takes free slots in arrival
/// order. One flooded conversation therefore has at most one invocation running, and other
/// conversations are never held up behind it. A conversation whose queue empties is removed, so idle
/// conversations cost nothing.</para>
/// <para><b>Waiters.</b> Every new event is first offered to registered waiters (<see cref="DispatchInvocation{TEvent}.Expect"/>);
/// the first whose filter matches takes it. Because the offer happens before ordering, a handler that
/// waits for its own conversation's next message gets it, instead of deadlocking behind itself.</para>
/// <para><b>Stop.</b> <see cref="StopAsync"/> takes no new events, lets the work in hand finish for the
/// drain time, then cancels the handlers' token, drops events not started, and waits a bounded time more.</para>
/// <para>Handlers never run under the lock: they are started on the thread pool after it is released.
/// Waiter filters do run under it (so the earliest matching event wins); they must be quick.</para>
/// </remarks>
/// <typeparam name="TEvent">The event type.</typeparam>
/// <typeparam name="TKey">The conversation key.</typeparam>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "A handler abandoned at stop may still finish later and use the token source; it holds no unmanaged resource.")]
internal sealed partial class ConversationDispatcher<TEvent, TKey>
    where TEvent : class
    where TKey : struct, IEquatable<TKey>
{
    private readonly object _gate = new();
    private readonly Dictionary<TKey, Conversation> _conversations = [];
    private readonly Queue<Item> _ready = new();
    private readonly Queue<SlotRequest> _resuming = new();
    private readonly Dictionary<string, Group> _groups = new(StringComparer.Ordinal);
    private readonly List<Waiter> _waiters = [];
    private readonly CancellationTokenSource _handlersStop = new();
    private readonly DispatcherSettings _settings;
    private readonly Func<TEvent, string> _describe;
    private readonly Func<TEvent, Activity?>? _startActivity;
    private readonly ILogger _logger;
    private long _sequence;
    private int _running;
    private int _active;
    private int _queued;
    private bool _closed;
    private bool _discarding;
    private bool _fullReported;
    private TaskCompletionSource? _space;
    private TaskCompletionSource? _idle;

    /// <param name="settings">The bounds.</param>
    /// <param name="describe">Names an event in logs (its type, never its content).</param>
    /// <param name="startActivity">Starts a trace activity around an event's handlers, if tracing is wanted.</param>
    /// <param name="logger">Where handler failures and stop progress are logged.</param>
    public ConversationDispatcher(DispatcherSettings settings, Func<TEvent, string> describe, Func<TEvent, Activity?>? startActivity, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.MaxConcurrentHandlers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.MaxQueuedEvents, 1);
        _settings = settings;
        _describe = describe;
        _startActivity = startActivity;
        _logger = logger;
    }

    /// <summary>Gets the token handlers receive; it is cancelled when the drain time of a stop runs out.</summary>
    public CancellationToken HandlersToken => _handlersStop.Token;

    /// <summary>Gets how many conversations have an invocation ready or running (for tests).</summary>
    internal int ConversationCount
    {
        get
        {
            lock (_gate)
            {
                return _conversations.Count;
            }
        }
    }

    /// <summary>Gets how many waiters are registered (for tests).</summary>
    internal int WaiterCount
    {
        get
        {
            lock (_gate)
            {
                return _waiters.Count;
            }
        }
    }

    /// <summary>Gets how many invocations hold a slot (for tests).</summary>
    internal int RunningCount
    {
        get
        {
            lock (_gate)
            {
                return _running;
            }
        }
    }

    /// <summary>Gets how many events wait for their turn or a slot (for tests).</summary>
    internal int QueuedCount
    {
        get
        {
            lock (_gate)
            {
                return _queued;
            }
        }
    }

    /// <summary>Hands one event to the dispatcher: to a waiter that wants it, else to its handlers. Waits
    /// only while <see cref="DispatcherSettings.MaxQueuedEvents"/> events are already waiting.</summary>
    /// <param name="event">The event.</param>
    /// <param name="key">Its conversation, or <see langword="null"/> to run it without ordering.</param>
    /// <param name="handlers">Its handlers, run one after another; none means only waiters may take it.</param>
    /// <param name="cancellationToken">Abandons the wait for room.</param>
    /// <param name="group">The group it counts against for <see cref="DispatcherSettings.MaxConcurrentPerGroup"/>
    /// (the bot account it arrived on), or <see langword="null"/> for none.</param>
    /// <returns>A task that completes when the event was taken, queued or started.</returns>
    public async ValueTask DispatchAsync(TEvent @event, TKey? key, IReadOnlyList<DispatchHandler<TEvent>> handlers, CancellationToken cancellationToken, string? group = null)
    {
        var sequence = Interlocked.Increment(ref _sequence);
        List<Item>? start;
        while (true)
        {
            Task room;
            bool reportFull;
            lock (_gate)
            {
                if (_closed || OfferLocked(@event) || handlers.Count == 0)
                {
                    return;
                }

                if (_queued < _settings.MaxQueuedEvents)
                {
                    EnqueueLocked(new Item(this, sequence, @event, key, handlers, group));
                    start = StartReadyLocked();
                    break;
                }

                reportFull = !_fullReported;
                _fullReported = true;
                _space ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                room = _space.Task;
            }

            if (reportFull)
            {
                Log.QueueFull(_logger, _settings.MaxQueuedEvents);
            }

            await room.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        Start(start);
    }

    /// <summary>Stops: no new events; the work in hand may finish for <paramref name="drain"/>; then the
    /// handlers' token is cancelled and events not started are dropped; then it waits up to
    /// <paramref name="abandon"/> for the handlers to return. Every step also ends when
    /// <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="drain">How long the work in hand may go on.</param>
    /// <param name="abandon">How long cancelled handlers get to return.</param>
    /// <param name="cancellationToken">The host's shutdown token: when cancelled, stop moves on at once.</param>
    /// <returns>A task that completes when stopped.</returns>
    public async Task StopAsync(TimeSpan drain, TimeSpan abandon, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _closed = true;
        }

        if (await WaitIdleAsync(drain, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        int running;
        var dropped = 0;
        List<SlotRequest> granted = [];
        lock (_gate)
        {
            _discarding = true;
            foreach (var item in _ready)
            {
                dropped += item.Claimed ? 0 : 1;
            }

            _ready.Clear();
            foreach (var group in _groups.Values)
            {
                foreach (var item in group.Parked)
                {
                    dropped += item.Claimed ? 0 : 1;
                }

                group.Parked.Clear();
            }

            foreach (var (key, conversation) in _conversations.ToList())
            {
                foreach (var item in conversation.Waiting)
                {
                    dropped += item.Claimed ? 0 : 1;
                }

                conversation.Waiting.Clear();
                if (!conversation.Current.Started)
                {
                    _conversations.Remove(key);
                }
            }

            _queued = 0;

            // Handlers waiting for a slot to resume get one now: they are about to see their token cancelled.
            while (_resuming.TryDequeue(out var request))
            {
                TakeSlotLocked(request.Item);
                granted.Add(request);
            }

            running = _active;
        }

        foreach (var request in granted)
        {
            request.Granted.TrySetResult();
        }

        Log.HandlersCancelling(_logger, running, dropped, drain.TotalMilliseconds);
        await _handlersStop.CancelAsync().ConfigureAwait(false);
        if (!await WaitIdleAsync(abandon, cancellationToken).ConfigureAwait(false))
        {
            Log.HandlersAbandoned(_logger, ActiveCount(), abandon.TotalMilliseconds);
        }
    }

    private int ActiveCount()
    {
        lock (_gate)
        {
            return _active;
        }
    }

    private async Task<bool> WaitIdleAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        Task idle;
        lock (_gate)
        {
            if (IsIdleLocked())
            {
                return true;
            }

            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            idle = _idle.Task;
        }

        try
        {
            await idle.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private bool IsIdleLocked() => _active == 0 && (_queued == 0 || _discarding);

    private void CheckIdleLocked()
    {
        if (_idle is not null && IsIdleLocked())
        {
            _idle.TrySetResult();
            _idle = null;
        }
    }

    private void EnqueueLocked(Item item)
    {
        _queued++;
        if (item.Key is { } key)
        {
            if (_conversations.TryGetValue(key, out var busy))
            {
                busy.Waiting.Enqueue(item);
                return;
            }

            _conversations[key] = new Conversation(item);
        }

        _ready.Enqueue(item);
    }

    /// <summary>Gives free slots to handlers resuming after a wait first, then to ready events in arrival order.</summary>
    /// <returns>The invocations to start once the lock is released.</returns>
    private List<Item>? StartReadyLocked()
    {
        List<Item>? start = null;
        while (_running < _settings.MaxConcurrentHandlers)
        {
            if (_resuming.TryDequeue(out var request))
            {
                TakeSlotLocked(request.Item);
                request.Granted.TrySetResult();
                continue;
            }

            if (_discarding || !_ready.TryDequeue(out var item))
            {
                break;
            }

            if (item.Claimed)
            {
                // A waiter took this event while it waited; let its conversation move on.
                AdvanceLocked(item);
                continue;
            }

            if (item.Group is { } name && GroupOf(name) is { } group && group.Running >= _settings.MaxConcurrentPerGroup)
            {
                // Its bot is at its own limit: it waits aside, holding nothing, so other bots' events go on.
                group.Parked.Enqueue(item);
                continue;
            }

            _queued--;
            item.Started = true;
            TakeSlotLocked(item);
            _active++;
            (start ??= []).Add(item);
        }

        SignalRoomLocked();
        return start;
    }

    /// <summary>Gets the group's bookkeeping, or <see langword="null"/> when groups are not limited.</summary>
    private Group? GroupOf(string name)
    {
        if (_settings.MaxConcurrentPerGroup <= 0)
        {
            return null;
        }

        if (!_groups.TryGetValue(name, out var group))
        {
            group = new Group();
            _groups[name] = group;
        }

        return group;
    }

    private void TakeSlotLocked(Item item)
    {
        _running++;
        item.HoldsSlot = true;
        if (item.Group is { } name && GroupOf(name) is { } group)
        {
            group.Running++;
        }
    }

    /// <summary>Frees the invocation's slot, if it holds one; the first event its group parked becomes ready again.</summary>
    private void GiveSlotBackLocked(Item item)
    {
        if (!item.HoldsSlot)
        {
            return;
        }

        item.HoldsSlot = false;
        _running--;
        if (item.Group is not { } name || !_groups.TryGetValue(name, out var group))
        {
            return;
        }

        group.Running--;
        if (group.Parked.TryDequeue(out var parked))
        {
            _ready.Enqueue(parked);
        }
        else if (group.Running == 0)
        {
            // Idle groups cost nothing, as idle conversations do.
            _groups.Remove(name);
        }
    }

    private void AdvanceLocked(Item finished)
    {
        if (finished.Key is not { } key || !_conversations.TryGetValue(key, out var conversation))
        {
            return;
        }

        if (!_discarding && conversation.Waiting.TryDequeue(out var next))
        {
            conversation.Current = next;
            _ready.Enqueue(next);
        }
        else
        {
            _conversations.Remove(key);
        }
    }

    private void SignalRoomLocked()
    {
        if (_space is not null && _queued < _settings.MaxQueuedEvents)
        {
            _space.TrySetResult();
            _space = null;
            _fullReported = false;
        }
    }

    private void Start(List<Item>? items)
    {
        if (items is null)
        {
            return;
        }

        // The thread pool, not the caller's thread: a handler's synchronous start must not hold up dispatch.
        // Without the caller's execution context either: the caller may be another event's handler, whose
        // trace activity and async-locals must not become this event's.
        var suppress = !ExecutionContext.IsFlowSuppressed();
        var flow = suppress ? ExecutionContext.SuppressFlow() : default;
        try
        {
            foreach (var item in items)
            {
                _ = Task.Run(() => RunAsync(item), CancellationToken.None);
            }
        }
        finally
        {
            if (suppress)
            {
                flow.Undo();
            }
        }
    }

    private async Task RunAsync(Item item)
    {
        try
        {
            using var activity = _startActivity?.Invoke(item.Event);
            foreach (var handler in item.Handlers)
            {
                if (_handlersStop.IsCancellationRequested)
                {
                    break;
                }

                try
                {
                    await handler.Invoke(item, _handlersStop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (_handlersStop.IsCancellationRequested)
                {
                    var eventType = _describe(item.Event);
                    Log.HandlerCancelled(_logger, handler.Name, eventType);
                }
                catch (Exception ex)
                {
                    var eventType = _describe(item.Event);
                    Log.HandlerFailed(_logger, handler.Name, eventType, ex);
                }
            }
        }
        catch (Exception ex)
        {
            Log.DispatcherFailed(_logger, ex);
        }
        finally
        {
            Finished(item);
        }
    }

    private void Finished(Item item)
    {
        List<Item>? start;
        lock (_gate)
        {
            _active--;
            GiveSlotBackLocked(item);

            AdvanceLocked(item);
            CloseWaitersOfLocked(item);
            start = StartReadyLocked();
            CheckIdleLocked();
        }

        Start(start);
    }

    /// <summary>Closes waiters a finished invocation left registered, so none outlives its handler.</summary>
    private void CloseWaitersOfLocked(Item item)
    {
        for (var i = _waiters.Count - 1; i >= 0; i--)
        {
            if (_waiters[i].Owner == item)
            {
                _waiters[i].Closed = true;
                _waiters[i].Result.TrySetCanceled(CancellationToken.None);
                _waiters.RemoveAt(i);
            }
        }
    }

    /// <summary>The conversation of a busy key: its ready or running invocation and the events behind it.</summary>
    private sealed class Conversation(Item current)
    {
        public Item Current { get; set; } = current;

        public Queue<Item> Waiting { get; } = new();
    }

    /// <summary>A group's invocations holding a slot, and its events waiting for the group's limit.</summary>
    private sealed class Group
    {
        public int Running { get; set; }

        public Queue<Item> Parked { get; } = new();
    }

    /// <summary>A handler resuming after a wait, queued for a slot.</summary>
    private sealed class SlotRequest(Item item)
    {
        public Item Item { get; } = item;

        public TaskCompletionSource Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>One event and its handlers on their way through the dispatcher. State changes under the lock.</summary>
    private sealed class Item(ConversationDispatcher<TEvent, TKey> owner, long sequence, TEvent @event, TKey? key, IReadOnlyList<DispatchHandler<TEvent>> handlers, string? group)
        : DispatchInvocation<TEvent>(sequence, @event)
    {
        public TKey? Key { get; } = key;

        public string? Group { get; } = group;

        public IReadOnlyList<DispatchHandler<TEvent>> Handlers { get; } = handlers;

        /// <summary>Gets or sets whether it was started (it may have given its slot back since).</summary>
        public bool Started { get; set; }

        /// <summary>Gets or sets whether a waiter took it before it started; it is then skipped.</summary>
        public bool Claimed { get; set; }

        public bool HoldsSlot { get; set; }

        /// <summary>Gets or sets how many of its handler's waits are in progress.</summary>
        public int Waits { get; set; }

        public override EventWaiter<TEvent> Expect(Func<TEvent, bool> filter)
        {
            ArgumentNullException.ThrowIfNull(filter);
            return owner.Register(this, filter);
        }
    }
}
