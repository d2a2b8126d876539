using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using MiraiClient.Hosting.Dispatch;
using MiraiClient.Tests.Infrastructure;

namespace MiraiClient.Tests.Hosting;

/// <summary>The protocol-independent dispatcher on its own: slots, order, bounds, waiters, stop.</summary>
public class DispatcherTests(ITestOutputHelper output) : ConnectionTestBase(output)
{
    private static readonly TimeSpan LongWait = TimeSpan.FromDays(1);

    [Fact]
    public async Task DispatchAsync_GivesAFreeSlotToAnotherConversation_WhileOneConversationIsFlooded()
    {
        var gates = new ConcurrentDictionary<int, TaskCompletionSource>();
        var started = new ConcurrentQueue<Ev>();
        var dispatcher = Create(2, 100);
        var handler = Handler(async (inv, _) =>
        {
            started.Enqueue(inv.Event);
            await gates.GetOrAdd(inv.Event.N, _ => NewGate()).Task;
        });
        for (var i = 0; i < 10; i++)
        {
            await dispatcher.DispatchAsync(new Ev(1, i), 1, [handler], TestToken);
        }

        await dispatcher.DispatchAsync(new Ev(2, 100), 2, [handler], TestToken);
        await WaitUntilAsync(() => started.Count == 2);

        // Old behaviour: the flooded conversation took both slots (one running, one waiting for it).
        Assert.Equal([new Ev(1, 0), new Ev(2, 100)], started.OrderBy(e => e.N));
        Assert.Equal(2, dispatcher.RunningCount);
        Assert.Equal(9, dispatcher.QueuedCount);

        for (var i = 0; i < 10; i++)
        {
            gates.GetOrAdd(i, _ => NewGate()).TrySetResult();
        }

        gates.GetOrAdd(100, _ => NewGate()).TrySetResult();
        await WaitUntilAsync(() => started.Count == 11 && dispatcher.RunningCount == 0);
        Assert.Equal(Enumerable.Range(0, 10), started.Where(e => e.Conversation == 1).Select(e => e.N));
        Assert.Equal(0, dispatcher.ConversationCount);
    }

    [Fact]
    public async Task DispatchAsync_KeepsArrivalOrderPerConversation_AndForgetsIdleConversations()
    {
        var seen = new ConcurrentDictionary<int, ConcurrentQueue<int>>();
        var done = 0;
        var dispatcher = Create(4, 1000);
        var handler = Handler(async (inv, ct) =>
        {
            await Task.Delay(Random.Shared.Next(0, 5), ct);
            seen.GetOrAdd(inv.Event.Conversation, _ => new()).Enqueue(inv.Event.N);
            Interlocked.Increment(ref done);
        });
        for (var i = 0; i < 40; i++)
        {
            foreach (var conversation in new[] { 1, 2, 3 })
            {
                await dispatcher.DispatchAsync(new Ev(conversation, i), conversation, [handler], TestToken);
            }
        }

        await WaitUntilAsync(() => Volatile.Read(ref done) == 120 && dispatcher.ConversationCount == 0);
        foreach (var conversation in new[] { 1, 2, 3 })
        {
            Assert.Equal(Enumerable.Range(0, 40), seen[conversation]);
        }

        Assert.Equal(0, dispatcher.QueuedCount);
    }

    [Fact]
    public async Task DispatchAsync_WaitsForRoom_WhenTheQueueIsFull_AndHonoursCancellation()
    {
        var gate = NewGate();
        var dispatcher = Create(1, 2);
        var handler = Handler((_, _) => gate.Task);
        await dispatcher.DispatchAsync(new Ev(1, 0), 1, [handler], TestToken);
        await WaitUntilAsync(() => dispatcher.RunningCount == 1);
        await dispatcher.DispatchAsync(new Ev(1, 1), 1, [handler], TestToken);
        await dispatcher.DispatchAsync(new Ev(1, 2), 1, [handler], TestToken);

        using var cancel = new CancellationTokenSource();
        var blocked = dispatcher.DispatchAsync(new Ev(1, 3), 1, [handler], cancel.Token).AsTask();
        await Task.Delay(100, TestToken);
        Assert.False(blocked.IsCompleted);
        Assert.Single(Logs.Lines, l => l.EventId.Name == "QueueFull");
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => blocked);

        var waiting = dispatcher.DispatchAsync(new Ev(1, 4), 1, [handler], TestToken).AsTask();
        Assert.False(waiting.IsCompleted);
        gate.SetResult();
        await Within(waiting);
        await WaitUntilAsync(() => dispatcher.QueuedCount == 0 && dispatcher.RunningCount == 0);
    }

    [Fact]
    public async Task HandlerFailure_IsLoggedAndIsolated_TheNextHandlerAndEventRun()
    {
        var ran = new ConcurrentQueue<string>();
        var dispatcher = Create(2, 10);
        var failing = Handler((inv, _) => inv.Event.N == 0 ? throw new InvalidOperationException("bug") : Task.CompletedTask, "failing");
        var recording = Handler((inv, _) =>
        {
            ran.Enqueue($"{inv.Event.N}");
            return Task.CompletedTask;
        });
        await dispatcher.DispatchAsync(new Ev(1, 0), 1, [failing, recording], TestToken);
        await dispatcher.DispatchAsync(new Ev(1, 1), 1, [failing, recording], TestToken);
        await WaitUntilAsync(() => ran.Count == 2);
        Assert.Equal(["0", "1"], ran);
        var failure = Assert.Single(Logs.Lines, l => l.EventId.Id == 2001);
        Assert.Contains("failing", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expect_TakesTheNextMatchingEvent_AndNoHandlerSeesIt()
    {
        var handled = new ConcurrentQueue<Ev>();
        var answer = new TaskCompletionSource<Ev?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var dispatcher = Create(4, 10);
        var handler = Handler(async (inv, ct) =>
        {
            handled.Enqueue(inv.Event);
            if (inv.Event.N == 0)
            {
                using var waiter = inv.Expect(e => e.Conversation == 9);
                answer.SetResult(await waiter.WaitAsync(TimeSpan.FromSeconds(30), ct));
            }
        });
        await dispatcher.DispatchAsync(new Ev(1, 0), 1, [handler], TestToken);
        await WaitUntilAsync(() => dispatcher.WaiterCount == 1);
        await dispatcher.DispatchAsync(new Ev(2, 1), 2, [handler], TestToken);
        await dispatcher.DispatchAsync(new Ev(9, 2), 9, [handler], TestToken);
        Assert.Equal(new Ev(9, 2), await Within(answer.Task));
        await WaitUntilAsync(() => dispatcher.RunningCount == 0);
        Assert.DoesNotContain(new Ev(9, 2), handled);
        Assert.Contains(new Ev(2, 1), handled);
        Assert.Equal(0, dispatcher.WaiterCount);
    }

    [Fact]
    public async Task Expect_ForItsOwnConversation_GetsTheMessage_InsteadOfDeadlockingBehindItself()
    {
        var answer = new TaskCompletionSource<Ev?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var dispatcher = Create(4, 10);
        var handler = Handler(async (inv, ct) =>
        {
            if (inv.Event.N == 0)
            {
                using var waiter = inv.Expect(e => e.Conversation == inv.Event.Conversation);
                answer.SetResult(await waiter.WaitAsync(TimeSpan.FromSeconds(30), ct));
            }
        });
        await dispatcher.DispatchAsync(new Ev(1, 0), 1, [handler], TestToken);
        await WaitUntilAsync(() => dispatcher.WaiterCount == 1);
        await dispatcher.DispatchAsync(new Ev(1, 1), 1, [handler], TestToken);
        Assert.Equal(new Ev(1, 1), await Within(answer.Task));
        await WaitUntilAsync(() => dispatcher.ConversationCount == 0);
    }

    [Fact]
    public async Task Expect_ClaimsTheEarliestMatchingEventQueuedBehindItsInvocation_SoAnEarlyAnswerIsNotLost()
    {
        var handled = new ConcurrentQueue<Ev>();
        var promptSent = NewGate();
        var answer = new TaskCompletionSource<Ev?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var dispatcher = Create(4, 10);
        var handler = Handler(async (inv, ct) =>
        {
            handled.Enqueue(inv.Event);
            if (inv.Event.N == 0)
            {
                // The answers arrive while the handler is still "sending its prompt".
                await promptSent.Task;
                using var waiter = inv.Expect(e => e.N >= 2);
                answer.SetResult(await waiter.WaitAsync(TimeSpan.FromSeconds(30), ct));
            }
        });
        await dispatcher.DispatchAsync(new Ev(1, 0), 1, [handler], TestToken);
        await dispatcher.DispatchAsync(new Ev(1, 1), 1, [handler], TestToken);
        await dispatcher.DispatchAsync(new Ev(1, 2), 1, [handler], TestToken);
        await dispatcher.DispatchAsync(new Ev(1, 3), 1, [handler], TestToken);
        Assert.Equal(3, dispatcher.QueuedCount);
        promptSent.SetResult();

        Assert.Equal(new Ev(1, 2), await Within(answer.Task));
        await WaitUntilAsync(() => dispatcher.ConversationCount == 0 && dispatcher.RunningCount == 0);
        Assert.Equal([new Ev(1, 0), new Ev(1, 1), new Ev(1, 3)], handled);
        Assert.Equal(0, dispatcher.QueuedCount);
    }

    [Fact]
    public async Task WaitAsync_ReturnsNullOnTimeout_ThrowsOnCancellation_AndAlwaysUnregisters()
    {
        var outcomes = new ConcurrentQueue<string>();
        var dispatcher = Create(4, 10);
        using var cancel = new CancellationTokenSource();
        var handler = Handler(async (inv, ct) =>
        {
            using (var waiter = inv.Expect(_ => false))
            {
                outcomes.Enqueue((await waiter.WaitAsync(TimeSpan.FromMilliseconds(50), ct)) is null ? "timeout" : "event");
            }

            using (var waiter = inv.Expect(_ => false))
            {
                var wait = waiter.WaitAsync(LongWait, cancel.Token);
                await cancel.CancelAsync();
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
                outcomes.Enqueue("cancelled");
            }

            // Registered and never awaited: gone when the invocation ends.
            _ = inv.Expect(_ => false);
        });
        await dispatcher.DispatchAsync(new Ev(1, 0), 1, [handler], TestToken);
        await WaitUntilAsync(() => outcomes.Count == 2 && dispatcher.RunningCount == 0 && dispatcher.ConversationCount == 0);
        Assert.Equal(["timeout", "cancelled"], outcomes);
        Assert.Equal(0, dispatcher.WaiterCount);
    }

    [Fact]
    public async Task WaitAsync_RethrowsAFilterException_AndTheEventStillReachesHandlers()
    {
        var handled = new ConcurrentQueue<Ev>();
        var failure = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        var dispatcher = Create(4, 10);
        var handler = Handler(async (inv, ct) =>
        {
            handled.Enqueue(inv.Event);
            if (inv.Event.N == 0)
            {
                using var waiter = inv.Expect(_ => throw new FormatException("filter bug"));
                failure.SetResult(await Assert.ThrowsAsync<FormatException>(() => waiter.WaitAsync(TimeSpan.FromSeconds(30), ct)));
            }
        });
        await dispatcher.DispatchAsync(new Ev(1, 0), 1, [handler], TestToken);
        await WaitUntilAsync(() => dispatcher.WaiterCount == 1);
        await dispatcher.DispatchAsync(new Ev(2, 1), 2, [handler], TestToken);
        Assert.Equal("filter bug", (await Within(failure.Task)).Message);
        await WaitUntilAsync(() => handled.Count == 2);
        Assert.Contains(new Ev(2, 1), handled);
    }

    [Fact]
    public async Task WaitAsync_GivesTheSlotBackWhileWaiting_AndTakesOneBeforeGoingOn()
    {
        var otherRan = NewGate();
        var resumedWith = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var dispatcher = Create(1, 10);
        var handler = Handler(async (inv, ct) =>
        {
            if (inv.Event.N == 0)
            {
                using var waiter = inv.Expect(e => e.N == 2);
                await waiter.WaitAsync(TimeSpan.FromSeconds(30), ct);
                resumedWith.SetResult(dispatcher.RunningCount);
            }
            else
            {
                otherRan.TrySetResult();
            }
        });
        await dispatcher.DispatchAsync(new Ev(1, 0), 1, [handler], TestToken);
        await WaitUntilAsync(() => dispatcher.WaiterCount == 1);
        await dispatcher.DispatchAsync(new Ev(2, 1), 2, [handler], TestToken);

        // With one slot, the other conversation can run only because the waiting handler gave its slot back.
        await Within(otherRan.Task);
        await dispatcher.DispatchAsync(new Ev(3, 2), 3, [handler], TestToken);
        Assert.Equal(1, await Within(resumedWith.Task));
    }

    [Fact]
    public async Task Handlers_DoNotInheritTheExecutionContextOfTheHandlerThatFreedTheirSlot()
    {
        var ambient = new AsyncLocal<string?>();
        var secondQueued = NewGate();
        var seen = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var dispatcher = Create(1, 10);
        var handler = Handler(async (inv, ct) =>
        {
            if (inv.Event.N == 0)
            {
                ambient.Value = "first event's trace";
                await secondQueued.Task;
                using var waiter = inv.Expect(e => e.N == 2);
                await waiter.WaitAsync(TimeSpan.FromSeconds(30), ct);
            }
            else
            {
                seen.TrySetResult(ambient.Value);
            }
        });
        await dispatcher.DispatchAsync(new Ev(1, 0), 1, [handler], TestToken);
        await dispatcher.DispatchAsync(new Ev(2, 1), 2, [handler], TestToken);
        Assert.Equal(1, dispatcher.QueuedCount);
        secondQueued.SetResult();

        // The second event starts on the slot the first one gives back while it waits, from its thread.
        Assert.Null(await Within(seen.Task));
        await dispatcher.DispatchAsync(new Ev(3, 2), 3, [handler], TestToken);
    }

    [Fact]
    public async Task StopAsync_LetsHandlersFinishWithinTheDrain_WithoutCancelling()
    {
        var cancelled = false;
        var finished = 0;
        var dispatcher = Create(4, 10);
        var handler = Handler(async (_, ct) =>
        {
            await Task.Delay(150, CancellationToken.None);
            cancelled |= ct.IsCancellationRequested;
            Interlocked.Increment(ref finished);
        });
        await dispatcher.DispatchAsync(new Ev(1, 0), 1, [handler], TestToken);
        await dispatcher.DispatchAsync(new Ev(1, 1), 1, [handler], TestToken);
        await dispatcher.StopAsync(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1), TestToken);
        Assert.Equal(2, finished);
        Assert.False(cancelled);
        Assert.DoesNotContain(Logs.Lines, l => l.EventId.Name is "HandlersCancelling" or "HandlersAbandoned");

        var after = 0;
        await dispatcher.DispatchAsync(new Ev(1, 2), 1, [Handler((_, _) => Task.FromResult(after++))], TestToken);
        await Task.Delay(50, TestToken);
        Assert.Equal(0, after);
    }

    [Fact]
    public async Task StopAsync_CancelsHandlersAfterTheDrain_AndDropsEventsNotStarted()
    {
        var started = NewGate();
        var observedCancellation = NewGate();
        var ran = 0;
        var dispatcher = Create(4, 10);
        var handler = Handler(async (_, ct) =>
        {
            Interlocked.Increment(ref ran);
            started.TrySetResult();
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(60), ct);
            }
            finally
            {
                observedCancellation.TrySetResult();
            }
        });
        for (var i = 0; i < 5; i++)
        {
            await dispatcher.DispatchAsync(new Ev(1, i), 1, [handler], TestToken);
        }

        await Within(started.Task);
        var elapsed = await TimeAsync(() => dispatcher.StopAsync(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(5), TestToken));
        Output.WriteLine($"stop with a 60 s handler and a 200 ms drain: {elapsed.TotalMilliseconds:F0} ms");
        Assert.True(elapsed < TimeSpan.FromSeconds(3), $"took {elapsed}");
        Assert.True(observedCancellation.Task.IsCompleted);
        Assert.Equal(1, ran);
        var cancelling = Assert.Single(Logs.Lines, l => l.EventId.Name == "HandlersCancelling");
        Assert.Contains("Dropped=4", cancelling.Structured, StringComparison.Ordinal);
        Assert.DoesNotContain(Logs.Lines, l => l.EventId.Name == "HandlersAbandoned");
        Assert.Equal(0, dispatcher.ConversationCount);
    }

    [Fact]
    public async Task StopAsync_AbandonsHandlersThatIgnoreCancellation_WithinTheBound()
    {
        var started = NewGate();
        var release = NewGate();
        var dispatcher = Create(4, 10);
        await dispatcher.DispatchAsync(new Ev(1, 0), 1, [Handler(async (_, _) =>
        {
            started.TrySetResult();
            await release.Task;
        })], TestToken);
        await Within(started.Task);
        var elapsed = await TimeAsync(() => dispatcher.StopAsync(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300), TestToken));
        Assert.True(elapsed < TimeSpan.FromSeconds(3), $"took {elapsed}");
        Assert.Single(Logs.Lines, l => l.EventId.Name == "HandlersAbandoned");
        release.SetResult();
    }

    [Fact]
    public async Task StopAsync_EndsAHandlerWaitingForAMessage()
    {
        var outcome = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var dispatcher = Create(4, 10);
        await dispatcher.DispatchAsync(new Ev(1, 0), 1, [Handler(async (inv, ct) =>
        {
            using var waiter = inv.Expect(_ => false);
            try
            {
                await waiter.WaitAsync(LongWait, CancellationToken.None);
                outcome.SetResult(null);
            }
            catch (Exception ex)
            {
                outcome.SetResult(ex);
                throw;
            }
        })], TestToken);
        await WaitUntilAsync(() => dispatcher.WaiterCount == 1);
        await Within(dispatcher.StopAsync(TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(5), TestToken));
        Assert.IsAssignableFrom<OperationCanceledException>(await outcome.Task);
        Assert.Equal(0, dispatcher.WaiterCount);
    }

    private ConversationDispatcher<Ev, int> Create(int maxRunning, int maxQueued) =>
        new(new DispatcherSettings(maxRunning, maxQueued), e => $"Ev{e.Conversation}", null, LoggerFactory.CreateLogger("dispatcher"));

    private static DispatchHandler<Ev> Handler(Func<DispatchInvocation<Ev>, CancellationToken, Task> invoke, string name = "test") => new(name, invoke);

    private static TaskCompletionSource NewGate() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Bound)
            {
                throw new TimeoutException("The condition did not hold in time.");
            }

            await Task.Delay(5, TestToken);
        }
    }

    public sealed record Ev(int Conversation, int N);
}
