namespace MiraiClient.Hosting.Dispatch;

/// <summary>Bounds of a <see cref="ConversationDispatcher{TEvent, TKey}"/>.</summary>
/// <param name="MaxConcurrentHandlers">How many invocations may run at once; waiting ones hold no slot.</param>
/// <param name="MaxQueuedEvents">How many events may wait before <c>DispatchAsync</c> waits for room.</param>
/// <param name="MaxConcurrentPerGroup">How many invocations of one group (bot account) may start while others of
/// the group hold slots; 0 for no limit beyond <paramref name="MaxConcurrentHandlers"/>. Handlers resuming after a
/// wait are not held back by it.</param>
internal sealed record DispatcherSettings(int MaxConcurrentHandlers, int MaxQueuedEvents, int MaxConcurrentPerGroup = 0);

/// <summary>A handler the dispatcher runs for an event, with the name its failures are logged under.</summary>
/// <typeparam name="TEvent">The event type.</typeparam>
internal sealed class DispatchHandler<TEvent>(string name, Func<DispatchInvocation<TEvent>, CancellationToken, Task> invoke)
    where TEvent : class
{
    public string Name { get; } = name;

    public Func<DispatchInvocation<TEvent>, CancellationToken, Task> Invoke { get; } = invoke;
}

/// <summary>One event being handled: what a handler gets from the dispatcher besides its token.</summary>
/// <typeparam name="TEvent">The event type.</typeparam>
internal abstract class DispatchInvocation<TEvent>
    where TEvent : class
{
    private protected DispatchInvocation(long sequence, TEvent @event)
    {
        Sequence = sequence;
        Event = @event;
    }

    /// <summary>Gets the event's place in arrival order (1, 2, …).</summary>
    public long Sequence { get; }

    /// <summary>Gets the event.</summary>
    public TEvent Event { get; }

    /// <summary>Starts waiting for an event matching <paramref name="filter"/>, before this method returns.
    /// An event that arrived after this invocation's event and still waits for its turn counts too (the
    /// earliest wins), so an answer sent right after a prompt is never lost to the race between the prompt
    /// and this call. A matching event is taken by the waiter: no handler sees it.</summary>
    /// <param name="filter">Which event to take; it runs on the dispatch path, so it must be quick. An exception
    /// it throws ends the wait with that exception.</param>
    /// <returns>The waiter; await <see cref="EventWaiter{TEvent}.WaitAsync"/> or dispose it.</returns>
    public abstract EventWaiter<TEvent> Expect(Func<TEvent, bool> filter);
}

/// <summary>A registered wait for one event. Unregisters itself on every path out of
/// <see cref="WaitAsync"/>, and on <see cref="Dispose"/> when it was never awaited.</summary>
/// <typeparam name="TEvent">The event type.</typeparam>
internal abstract class EventWaiter<TEvent> : IDisposable
    where TEvent : class
{
    /// <summary>Waits for the event. While it waits, the invocation gives its concurrency slot back (its
    /// conversation stays reserved), and takes one again before returning.</summary>
    /// <param name="timeout">How long to wait; positive and at most one day.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The event, or <see langword="null"/> when none came in time.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled, or the dispatcher is stopping.</exception>
    public abstract Task<TEvent?> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Stops waiting without taking anything.</summary>
    public abstract void Dispose();
}
