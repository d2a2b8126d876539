using MiraiClient.Internal;
using MiraiClient.Tests.Infrastructure;

namespace MiraiClient.Tests;

/// <summary>How a request's reply reaches its caller: the receive loop may run the caller's continuation on
/// the thread the reply arrived on, but never on the loop itself; every other way a request ends completes
/// it on the thread pool, never inside whoever ended it.</summary>
public class PendingRequestTests(ITestOutputHelper output) : ConnectionTestBase(output)
{
    [Fact]
    public async Task ReplyContinuation_ThatBlocks_DoesNotStallOtherRepliesOrEvents()
    {
        var backend = await StartBackendAsync();
        var connection = CreateConnection(FastOptions(backend.Uri));
        await using var events = connection.GetEventsAsync<GroupMessage>(TestToken).GetAsyncEnumerator(TestToken);
        await Within(connection.ConnectAsync(TestToken));

        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var blockedThread = 0;

        // The code after the await runs synchronously in the continuation of the command's task: with one
        // request in flight and nothing else to read, that is on the thread the reply arrived on.
        var blocking = Task.Run(async () =>
        {
            await connection.AboutAsync(TestToken);
            blockedThread = Environment.CurrentManagedThreadId;
            entered.Set();
            release.Wait(Bound * 2);
        }, TestToken);
        try
        {
            Assert.True(entered.Wait(Bound, TestToken), "the first command's continuation never ran");

            // While it blocks, the loop must still receive: replies to other commands, and events.
            var about = await Within(connection.AboutAsync(TestToken));
            Assert.NotNull(about);
            for (var i = 0; i < 3; i++)
            {
                var pushed = await backend.PushGroupMessageAsync(100, 200, $"while blocked {i}");
                Assert.True(await Within(events.MoveNextAsync().AsTask()));
                Assert.Equal(pushed, events.Current.MessageChain.MessageId);
            }

            var sends = Enumerable.Range(1, 16).Select(i => connection.SendFriendMessageAsync(i, "x", cancellationToken: TestToken)).ToList();
            Assert.All(await Within(Task.WhenAll(sends)), id => Assert.True(id > 0));
            Assert.False(blocking.IsCompleted);
            Output.WriteLine($"the blocking continuation ran on thread {blockedThread}; replies and events went on meanwhile");
        }
        finally
        {
            release.Set();
        }

        await Within(blocking);
    }

    [Fact]
    public async Task ReplyContinuations_ThatBlock_OnManyCommands_DoNotStallTheLoop()
    {
        var backend = await StartBackendAsync();
        var connection = CreateConnection(FastOptions(backend.Uri));
        await Within(connection.ConnectAsync(TestToken));
        using var release = new ManualResetEventSlim();
        var entered = new CountdownEvent(4);

        // One at a time, so each reply is the last input the loop has and takes the inline path.
        var blocking = new List<Task>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                var started = entered.CurrentCount;
                blocking.Add(Task.Run(async () =>
                {
                    await connection.AboutAsync(TestToken);
                    entered.Signal();
                    release.Wait(Bound * 2);
                }, TestToken));
                Assert.True(SpinWait.SpinUntil(() => entered.CurrentCount < started, Bound), $"continuation {i} never ran");
            }

            Assert.Equal(0, entered.CurrentCount);
            await Within(connection.AboutAsync(TestToken));
            Assert.All(blocking, t => Assert.False(t.IsCompleted));
        }
        finally
        {
            release.Set();
        }

        await Within(Task.WhenAll(blocking));
        entered.Dispose();
    }

    [Fact]
    public async Task PendingRequest_CancelledOrFailed_RunsItsContinuationOnThePool_NotInsideTheCanceller()
    {
        foreach (var end in new Action<PendingRequests, PendingRequest>[]
        {
            (_, p) => p.TrySetCanceled(new CancellationToken(canceled: true)),
            (_, p) => p.TrySetException(new MiraiConnectionLostException(DisconnectReason.TransportError, "lost")),
            (map, _) => map.Close(_ => new MiraiConnectionLostException(DisconnectReason.TransportError, "lost")),
            (map, p) => map.TryComplete(p.Id, "{}"u8),
        })
        {
            var map = new PendingRequests(repliesInOrder: false);
            using var pending = map.TryRegister(1, 0, long.MaxValue)!;
            using var release = new ManualResetEventSlim();
            var ran = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            var waiter = WaitThenBlockAsync(pending, ran, release);

            // A dedicated thread ends the request; it must get its thread back while the continuation blocks.
            var ender = new Thread(() => end(map, pending)) { IsBackground = true };
            ender.Start();
            try
            {
                Assert.True(ender.Join(Bound), "ending the request ran its caller's blocking continuation inline");
                var continuationThread = await ran.Task.WaitAsync(Bound, TestToken);
                Assert.NotEqual(ender.ManagedThreadId, continuationThread);
            }
            finally
            {
                release.Set();
            }

            await waiter.WaitAsync(Bound, TestToken);
        }
    }

    [Fact]
    public async Task PendingRequest_CompletedInline_RunsItsContinuationOnTheCompletingThread()
    {
        var map = new PendingRequests(repliesInOrder: false);
        using var pending = map.TryRegister(7, 0, long.MaxValue)!;
        var ran = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var release = new ManualResetEventSlim(initialState: true);
        var waiter = WaitThenBlockAsync(pending, ran, release);

        var claimed = map.TryClaim(7, "{\"ok\":1}"u8);
        Assert.Same(pending, claimed);
        Assert.True(pending.IsSettled);
        Assert.Equal(0, map.Count);

        // Settled by the claim: a late cancellation loses.
        Assert.False(pending.TrySetCanceled(new CancellationToken(canceled: true)));
        var completer = new Thread(() => claimed!.CompleteInline()) { IsBackground = true };
        completer.Start();
        Assert.True(completer.Join(Bound));
        Assert.Equal(completer.ManagedThreadId, await ran.Task.WaitAsync(Bound, TestToken));
        Assert.Equal("{\"ok\":1}", await waiter.WaitAsync(Bound, TestToken));
    }

    [Fact]
    public async Task PendingRequest_CancelledFirst_IsNotClaimedByALateReply()
    {
        var map = new PendingRequests(repliesInOrder: false);
        var pending = map.TryRegister(3, 0, long.MaxValue)!;
        Assert.True(pending.TrySetCanceled(new CancellationToken(canceled: true)));
        Assert.Null(map.TryClaim(3, "{}"u8));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await pending.WaitAsync());
        pending.Dispose();
        Assert.Equal(0, map.Count);
    }

    /// <summary>Awaits the request; its continuation reports its thread, then blocks until released.</summary>
    private static async Task<string> WaitThenBlockAsync(PendingRequest pending, TaskCompletionSource<int> ran, ManualResetEventSlim release)
    {
        string outcome;
        try
        {
            outcome = System.Text.Encoding.UTF8.GetString(await pending.WaitAsync().ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            outcome = ex.GetType().Name;
        }

        ran.TrySetResult(Environment.CurrentManagedThreadId);
        release.Wait(Bound * 2);
        return outcome;
    }
}
