using System.Runtime.ExceptionServices;

namespace MiraiClient.Hosting.Dispatch;

/// <remarks>Waiters: registered under the lock, offered every new event first, and able to take an event
/// that arrived after their invocation's event and still waits for its turn. A waiter is closed (removed,
/// and never completed afterwards) under the lock on every path out of its wait.</remarks>
internal sealed partial class ConversationDispatcher<TEvent, TKey>
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromDays(1);

    private Waiter Register(Item owner, Func<TEvent, bool> filter)
    {
        var waiter = new Waiter(this, owner, filter);
        lock (_gate)
        {
            if (_discarding || _handlersStop.IsCancellationRequested)
            {
                waiter.Result.TrySetCanceled(_handlersStop.Token);
                waiter.Closed = true;
            }
            else if (!TryClaimQueuedLocked(waiter))
            {
                _waiters.Add(waiter);
            }
        }

        return waiter;
    }

    /// <summary>Offers a new event to the waiters in registration order; the first match takes it.</summary>
    /// <returns><see langword="true"/> if a waiter took it.</returns>
    private bool OfferLocked(TEvent @event)
    {
        for (var i = 0; i < _waiters.Count; i++)
        {
            var waiter = _waiters[i];
            if (!Matches(waiter, @event))
            {
                if (waiter.Closed)
                {
                    _waiters.RemoveAt(i--);
                }

                continue;
            }

            _waiters.RemoveAt(i);
            waiter.Closed = true;
            waiter.Result.TrySetResult(@event);
            return true;
        }

        return false;
    }

    /// <summary>Takes the earliest event that arrived after the waiter's own invocation and is still queued.</summary>
    private bool TryClaimQueuedLocked(Waiter waiter)
    {
        List<Item>? candidates = null;
        foreach (var item in _ready)
        {
            Consider(item);
        }

        foreach (var conversation in _conversations.Values)
        {
            foreach (var item in conversation.Waiting)
            {
                Consider(item);
            }
        }

        if (candidates is null)
        {
            return false;
        }

        candidates.Sort(static (a, b) => a.Sequence.CompareTo(b.Sequence));
        foreach (var item in candidates)
        {
            if (Matches(waiter, item.Event))
            {
                item.Claimed = true;
                _queued--;
                SignalRoomLocked();
                waiter.Closed = true;
                waiter.Result.TrySetResult(item.Event);
                return true;
            }

            if (waiter.Closed)
            {
                return true;
            }
        }

        return false;

        void Consider(Item item)
        {
            if (!item.Started && !item.Claimed && item.Sequence > waiter.Owner.Sequence)
            {
                (candidates ??= []).Add(item);
            }
        }
    }

    /// <summary>Runs a waiter's filter; an exception ends that wait with it (and closes the waiter).</summary>
    private static bool Matches(Waiter waiter, TEvent @event)
    {
        if (waiter.Closed)
        {
            return false;
        }

        try
        {
            return waiter.Filter(@event);
        }
        catch (Exception ex)
        {
            waiter.Closed = true;
            waiter.Result.TrySetException(ex);
            return false;
        }
    }

    private void Close(Waiter waiter)
    {
        lock (_gate)
        {
            waiter.Closed = true;
            _waiters.Remove(waiter);
        }
    }

    /// <summary>Gives the invocation's slot back while its handler waits; its conversation stays reserved.</summary>
    private void ReleaseSlot(Item item)
    {
        List<Item>? start = null;
        lock (_gate)
        {
            item.Waits++;
            if (item.Waits == 1 && item.HoldsSlot)
            {
                GiveSlotBackLocked(item);
                start = StartReadyLocked();
            }
        }

        Start(start);
    }

    /// <summary>Takes a slot again after a wait, ahead of events that have not started. Bounded: a stop grants every pending request.</summary>
    private Task ReacquireSlotAsync(Item item)
    {
        lock (_gate)
        {
            item.Waits--;
            if (item.Waits > 0 || item.HoldsSlot)
            {
                return Task.CompletedTask;
            }

            if (_running < _settings.MaxConcurrentHandlers || _discarding)
            {
                TakeSlotLocked(item);
                return Task.CompletedTask;
            }

            var request = new SlotRequest(item);
            _resuming.Enqueue(request);
            return request.Granted.Task;
        }
    }

    private sealed class Waiter(ConversationDispatcher<TEvent, TKey> owner, Item invocation, Func<TEvent, bool> filter) : EventWaiter<TEvent>
    {
        private int _waited;

        public Item Owner { get; } = invocation;

        public Func<TEvent, bool> Filter { get; } = filter;

        public TaskCompletionSource<TEvent> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Gets or sets whether it can no longer take an event. Changed under the dispatcher's lock.</summary>
        public bool Closed { get; set; }

        public override async Task<TEvent?> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
        {
            if (timeout <= TimeSpan.Zero || timeout > MaxWait)
            {
                throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The wait must be positive and at most one day.");
            }

            if (Interlocked.Exchange(ref _waited, 1) != 0)
            {
                throw new InvalidOperationException("This waiter has already been awaited.");
            }

            var cancelled = false;
            var released = !Result.Task.IsCompleted;
            if (released)
            {
                owner.ReleaseSlot(Owner);
            }

            try
            {
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, owner._handlersStop.Token);
                await Result.Task.WaitAsync(timeout, linked.Token).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }
            catch (OperationCanceledException)
            {
                cancelled = true;
            }
            catch (Exception) when (Result.Task.IsFaulted)
            {
                // The filter threw; rethrown below once the waiter is closed.
            }
            finally
            {
                owner.Close(this);
                if (released)
                {
                    await owner.ReacquireSlotAsync(Owner).ConfigureAwait(false);
                }
            }

            // Closed now, so the outcome is final: an event taken at the last moment is returned, never lost.
            var result = Result.Task;
            if (result.IsCompletedSuccessfully)
            {
                return result.Result;
            }

            if (result.IsFaulted)
            {
                ExceptionDispatchInfo.Throw(result.Exception!.InnerException!);
            }

            if (cancelled || result.IsCanceled)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw new OperationCanceledException("The bot is stopping.", owner._handlersStop.Token);
            }

            return null;
        }

        public override void Dispose() => owner.Close(this);
    }
}
