using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Time.Testing;
using MiraiClient.Internal;
using MiraiClient.Internal.Pacing;
using MiraiClient.Tests.Infrastructure;

namespace MiraiClient.Tests;

/// <summary>The send limiter driven by a fake clock: every wait is checked to the tick.</summary>
// Its MeterListener hears the static MiraiClient meter, and it counts this thread's allocations.
[Collection(RunsAlone.Name)]
public sealed class SendLimiterTests
{
    private static readonly TimeSpan Forever = Timeout.InfiniteTimeSpan;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan OneTick = TimeSpan.FromTicks(1);

    // A meter of its own, so these tests never reach listeners of the SDK's meter.
    private static readonly SendPacingMetrics QuietMetrics = new(new Meter("MiraiClient.Tests.SendLimiter.Quiet"), "mirai");

    private static readonly Conversation GroupA = Conversation.Group(1001);
    private static readonly Conversation GroupB = Conversation.Group(1002);

    private static (SendLimiter Limiter, FakeTimeProvider Time) Create(
        int accountBurst = 1000,
        int accountMs = 1,
        int conversationBurst = 1000,
        int conversationMs = 1,
        int maxWaitMs = 60_000,
        SendPacingMetrics? metrics = null)
    {
        var time = new FakeTimeProvider();
        var settings = new SendRateLimitSettings(
            Enabled: true,
            accountBurst,
            TimeSpan.FromMilliseconds(accountMs),
            conversationBurst,
            TimeSpan.FromMilliseconds(conversationMs),
            TimeSpan.FromMilliseconds(maxWaitMs));
        return (new SendLimiter(settings, time, metrics ?? QuietMetrics), time);
    }

    private static void AssertImmediate(ValueTask<TimeSpan> acquisition)
    {
        Assert.True(acquisition.IsCompletedSuccessfully, "The send should have gone at once.");
        Assert.Equal(TimeSpan.Zero, acquisition.Result);
    }

    private static Task<TimeSpan> AssertWaiting(ValueTask<TimeSpan> acquisition)
    {
        Assert.False(acquisition.IsCompleted, "The send should have had to wait.");
        return acquisition.AsTask();
    }

    /// <summary>Advances to one tick before <paramref name="after"/>, checks the send still waits, then
    /// advances the last tick and checks it went with the expected wait.</summary>
    private static async Task AssertGoesAfter(FakeTimeProvider time, Task<TimeSpan> waiting, TimeSpan after, TimeSpan expectedWait)
    {
        time.Advance(after - OneTick);
        Assert.False(waiting.IsCompleted, "The send went before its time.");
        time.Advance(OneTick);
        Assert.Equal(expectedWait, await waiting.WaitAsync(Bound));
    }

    private static MiraiRateLimitedException AssertRejected(ValueTask<TimeSpan> acquisition)
    {
        Assert.True(acquisition.IsFaulted, "The send should have been refused at once.");
        return Assert.IsType<MiraiRateLimitedException>(acquisition.AsTask().Exception!.InnerException);
    }

    [Fact]
    public void AcquireAsync_GoesAtOnce_WhenWithinTheBurst()
    {
        var (limiter, _) = Create(conversationBurst: 5, conversationMs: 1000);
        for (var i = 0; i < 5; i++)
        {
            AssertImmediate(limiter.AcquireAsync(GroupA, Forever, TestContext.Current.CancellationToken));
        }

        _ = AssertWaiting(limiter.AcquireAsync(GroupA, Forever, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task AcquireAsync_WaitsExactlyTheRefillTime_WhenTheBurstIsSpent()
    {
        var (limiter, time) = Create(conversationBurst: 5, conversationMs: 1000);
        for (var i = 0; i < 5; i++)
        {
            AssertImmediate(limiter.AcquireAsync(GroupA, Forever, TestContext.Current.CancellationToken));
        }

        var sixth = AssertWaiting(limiter.AcquireAsync(GroupA, Forever, TestContext.Current.CancellationToken));
        await AssertGoesAfter(time, sixth, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        // 400 ms later, 400 ms of the next message's interval has refilled: it waits the other 600 ms.
        time.Advance(TimeSpan.FromMilliseconds(400));
        var seventh = AssertWaiting(limiter.AcquireAsync(GroupA, Forever, TestContext.Current.CancellationToken));
        await AssertGoesAfter(time, seventh, TimeSpan.FromMilliseconds(600), TimeSpan.FromMilliseconds(600));

        // A quiet period refills the burst, and no more than the burst.
        time.Advance(TimeSpan.FromHours(1));
        for (var i = 0; i < 5; i++)
        {
            AssertImmediate(limiter.AcquireAsync(GroupA, Forever, TestContext.Current.CancellationToken));
        }

        _ = AssertWaiting(limiter.AcquireAsync(GroupA, Forever, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task AcquireAsync_PacesTheWholeAccount_WhenSendsSpreadOverManyConversations()
    {
        var (limiter, time) = Create(accountBurst: 3, accountMs: 500, maxWaitMs: 1000);
        for (var group = 1; group <= 3; group++)
        {
            AssertImmediate(limiter.AcquireAsync(Conversation.Group(group), Forever, TestContext.Current.CancellationToken));
        }

        // Every conversation is fresh, yet the account lets one more through per 500 ms.
        var fourth = AssertWaiting(limiter.AcquireAsync(Conversation.Group(4), Forever, TestContext.Current.CancellationToken));
        var fifth = AssertWaiting(limiter.AcquireAsync(Conversation.Friend(5), Forever, TestContext.Current.CancellationToken));
        var refused = AssertRejected(limiter.AcquireAsync(Conversation.Temp(6, 1), Forever, TestContext.Current.CancellationToken));
        Assert.Equal(SendRateLimitScope.Account, refused.Scope);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), refused.RetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.AllowedWait);
        Assert.Equal(Conversation.Temp(6, 1), refused.Conversation);

        await AssertGoesAfter(time, fourth, TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(500));
        await AssertGoesAfter(time, fifth, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task AcquireAsync_DoesNotDelayOtherConversations_WhenOneConversationIsHeldBack()
    {
        var (limiter, time) = Create(accountBurst: 4, accountMs: 1000, conversationBurst: 2, conversationMs: 10_000);
        AssertImmediate(limiter.AcquireAsync(GroupA, Forever, TestContext.Current.CancellationToken));
        AssertImmediate(limiter.AcquireAsync(GroupA, Forever, TestContext.Current.CancellationToken));
        var third = AssertWaiting(limiter.AcquireAsync(GroupA, Forever, TestContext.Current.CancellationToken));
        var fourth = AssertWaiting(limiter.AcquireAsync(GroupA, Forever, TestContext.Current.CancellationToken));

        // Group A's promised sends take account room only at their own instants (10 s and 20 s), so
        // the account's remaining two go to group B now.
        AssertImmediate(limiter.AcquireAsync(GroupB, Forever, TestContext.Current.CancellationToken));
        AssertImmediate(limiter.AcquireAsync(GroupB, Forever, TestContext.Current.CancellationToken));

        // The account is spent: a third conversation waits for the account (1 s), not for group A (10 s).
        var friend = AssertWaiting(limiter.AcquireAsync(Conversation.Friend(7), Forever, TestContext.Current.CancellationToken));
        await AssertGoesAfter(time, friend, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        await AssertGoesAfter(time, third, TimeSpan.FromSeconds(9), TimeSpan.FromSeconds(10));
        await AssertGoesAfter(time, fourth, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task AcquireAsync_GrantsInArrivalOrder_WhenSeveralWaitOnOneConversation()
    {
        var (limiter, time) = Create(conversationBurst: 1, conversationMs: 1000);
        AssertImmediate(limiter.AcquireAsync(GroupA, Forever, TestContext.Current.CancellationToken));
        var second = AssertWaiting(limiter.AcquireAsync(GroupA, Forever, TestContext.Current.CancellationToken));
        var third = AssertWaiting(limiter.AcquireAsync(GroupA, Forever, TestContext.Current.CancellationToken));
        var fourth = AssertWaiting(limiter.AcquireAsync(GroupA, Forever, TestContext.Current.CancellationToken));

        await AssertGoesAfter(time, second, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        Assert.False(third.IsCompleted);
        Assert.False(fourth.IsCompleted);

        // A newcomer queues behind everyone already waiting.
        var newcomer = AssertWaiting(limiter.AcquireAsync(GroupA, Forever, TestContext.Current.CancellationToken));
        await AssertGoesAfter(time, third, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
        Assert.False(fourth.IsCompleted);
        await AssertGoesAfter(time, fourth, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3));
        Assert.False(newcomer.IsCompleted);
        await AssertGoesAfter(time, newcomer, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task AcquireAsync_ReleasesThePlaceAndChargesNothing_WhenCancelledWhileWaiting()
    {
        var (limiter, time) = Create(accountBurst: 1, accountMs: 1000);
        AssertImmediate(limiter.AcquireAsync(Conversation.Group(1), Forever, TestContext.Current.CancellationToken));
        var second = AssertWaiting(limiter.AcquireAsync(Conversation.Group(2), Forever, TestContext.Current.CancellationToken));
        using var cancel = new CancellationTokenSource();
        var third = AssertWaiting(limiter.AcquireAsync(Conversation.Group(3), Forever, cancel.Token));
        var fourth = AssertWaiting(limiter.AcquireAsync(Conversation.Group(4), Forever, TestContext.Current.CancellationToken));

        time.Advance(TimeSpan.FromMilliseconds(500));
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => third.WaitAsync(Bound, TestContext.Current.CancellationToken));

        // The cancelled send's instant (2 s) is free again: the next sender gets it, while the
        // fourth keeps its promised 3 s.
        var newcomer = AssertWaiting(limiter.AcquireAsync(Conversation.Group(5), Forever, TestContext.Current.CancellationToken));
        await AssertGoesAfter(time, second, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1));
        await AssertGoesAfter(time, newcomer, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(1500));
        await AssertGoesAfter(time, fourth, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task AcquireAsync_ChargesTheConversationNothing_WhenItsLastWaiterIsCancelled()
    {
        var (limiter, time) = Create(conversationBurst: 1, conversationMs: 1000);
        AssertImmediate(limiter.AcquireAsync(GroupA, Forever, TestContext.Current.CancellationToken));
        var second = AssertWaiting(limiter.AcquireAsync(GroupA, Forever, TestContext.Current.CancellationToken));
        using var cancel = new CancellationTokenSource();
        var third = AssertWaiting(limiter.AcquireAsync(GroupA, Forever, cancel.Token));
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => third.WaitAsync(Bound, TestContext.Current.CancellationToken));

        // Without the cancelled one the next message goes at 2 s, not 3 s.
        var replacement = AssertWaiting(limiter.AcquireAsync(GroupA, Forever, TestContext.Current.CancellationToken));
        await AssertGoesAfter(time, second, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        await AssertGoesAfter(time, replacement, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task AcquireAsync_KeepsAConversationsOrder_WhenAMiddleWaiterIsCancelled()
    {
        var (limiter, time) = Create(conversationBurst: 1, conversationMs: 1000);
        AssertImmediate(limiter.AcquireAsync(GroupA, Forever, TestContext.Current.CancellationToken));
        var second = AssertWaiting(limiter.AcquireAsync(GroupA, Forever, TestContext.Current.CancellationToken));
        using var cancel = new CancellationTokenSource();
        var third = AssertWaiting(limiter.AcquireAsync(GroupA, Forever, cancel.Token));
        var fourth = AssertWaiting(limiter.AcquireAsync(GroupA, Forever, TestContext.Current.CancellationToken));
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => third.WaitAsync(Bound, TestContext.Current.CancellationToken));

        // The bucket has room at 2 s again, but a later message to the same conversation must not
        // overtake the fourth, which waits for 3 s: it goes at 4 s.
        var newcomer = AssertWaiting(limiter.AcquireAsync(GroupA, Forever, TestContext.Current.CancellationToken));
        await AssertGoesAfter(time, second, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromSeconds(1));
        await AssertGoesAfter(time, fourth, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3));
        await AssertGoesAfter(time, newcomer, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4));
    }

    [Fact]
    public void AcquireAsync_IsCancelledAndChargesNothing_WhenTheTokenIsAlreadyCancelled()
    {
        var (limiter, _) = Create(conversationBurst: 1, conversationMs: 1000);
        var cancelled = limiter.AcquireAsync(GroupA, Forever, new CancellationToken(canceled: true));
        Assert.True(cancelled.IsCanceled);
        AssertImmediate(limiter.AcquireAsync(GroupA, Forever, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task AcquireAsync_RefusesAtOnceAndChargesNothing_WhenTheWaitWouldExceedTheTimeLeft()
    {
        var (limiter, time) = Create(conversationBurst: 1, conversationMs: 1000, maxWaitMs: 10_000);
        AssertImmediate(limiter.AcquireAsync(GroupA, Forever, TestContext.Current.CancellationToken));

        var refused = AssertRejected(limiter.AcquireAsync(GroupA, TimeSpan.FromMilliseconds(999), TestContext.Current.CancellationToken));
        Assert.Equal(GroupA, refused.Conversation);
        Assert.Equal(SendRateLimitScope.Conversation, refused.Scope);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.RetryAfter);
        Assert.Equal(TimeSpan.FromMilliseconds(999), refused.AllowedWait);
        Assert.Contains("group 1001", refused.Message, StringComparison.Ordinal);
        Assert.Contains("1 s", refused.Message, StringComparison.Ordinal);

        // The refused send took nothing: the next one gets the very instant it would have had.
        var next = AssertWaiting(limiter.AcquireAsync(GroupA, TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken));
        await AssertGoesAfter(time, next, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task AcquireAsync_RefusesAtOnce_WhenTheWaitWouldExceedMaxWait()
    {
        var (limiter, time) = Create(conversationBurst: 1, conversationMs: 1000, maxWaitMs: 2000);
        AssertImmediate(limiter.AcquireAsync(GroupA, Forever, TestContext.Current.CancellationToken));
        var second = AssertWaiting(limiter.AcquireAsync(GroupA, Forever, TestContext.Current.CancellationToken));
        var third = AssertWaiting(limiter.AcquireAsync(GroupA, TimeSpan.FromMinutes(5), TestContext.Current.CancellationToken));

        var refused = AssertRejected(limiter.AcquireAsync(GroupA, Forever, TestContext.Current.CancellationToken));
        Assert.Equal(TimeSpan.FromSeconds(3), refused.RetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(2), refused.AllowedWait);

        await AssertGoesAfter(time, second, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        await AssertGoesAfter(time, third, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void AcquireAsync_NeverWaits_WhenMaxWaitIsZero()
    {
        var (limiter, _) = Create(conversationBurst: 2, conversationMs: 1000, maxWaitMs: 0);
        AssertImmediate(limiter.AcquireAsync(GroupA, Forever, TestContext.Current.CancellationToken));
        AssertImmediate(limiter.AcquireAsync(GroupA, Forever, TestContext.Current.CancellationToken));
        var refused = AssertRejected(limiter.AcquireAsync(GroupA, Forever, TestContext.Current.CancellationToken));
        Assert.Equal(TimeSpan.FromSeconds(1), refused.RetryAfter);
        Assert.Equal(TimeSpan.Zero, refused.AllowedWait);
        AssertImmediate(limiter.AcquireAsync(GroupB, Forever, TestContext.Current.CancellationToken));
    }

    [Fact]
    public void AcquireAsync_NeverWaitsAndKeepsNothing_WhenDisabled()
    {
        var time = new FakeTimeProvider();
        var limiter = new SendLimiter(SendRateLimitSettings.Disabled, time, QuietMetrics);
        Assert.False(limiter.Enabled);
        for (var i = 0; i < 10_000; i++)
        {
            AssertImmediate(limiter.AcquireAsync(Conversation.Group(i % 7), TimeSpan.Zero, TestContext.Current.CancellationToken));
        }

        Assert.Equal(0, limiter.ConversationCount);
    }

    [Fact]
    public void AcquireAsync_KeepsTheConversationCountBounded_WhenManyConversationsComeAndGo()
    {
        // Each conversation's bucket is full again 1 s after its one message; at one send per
        // millisecond, about a thousand conversations are ever not idle.
        var (limiter, time) = Create(accountBurst: 10, accountMs: 1, conversationBurst: 2, conversationMs: 1000);
        var peak = 0;
        for (var i = 0; i < 100_000; i++)
        {
            AssertImmediate(limiter.AcquireAsync(Conversation.Group(i), Forever, TestContext.Current.CancellationToken));
            time.Advance(TimeSpan.FromMilliseconds(1));
            if (i % 100 == 0)
            {
                peak = Math.Max(peak, limiter.ConversationCount);
            }
        }

        Assert.InRange(peak, 900, 1100);

        // After a quiet hour a few sends clear the rest; a forgotten conversation starts with a full burst.
        time.Advance(TimeSpan.FromHours(1));
        for (var i = 0; i < 300; i++)
        {
            AssertImmediate(limiter.AcquireAsync(Conversation.Friend(i % 2), Forever, TestContext.Current.CancellationToken));
            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.InRange(limiter.ConversationCount, 1, 2);
        AssertImmediate(limiter.AcquireAsync(Conversation.Group(99_999), Forever, TestContext.Current.CancellationToken));
        AssertImmediate(limiter.AcquireAsync(Conversation.Group(99_999), Forever, TestContext.Current.CancellationToken));
        _ = AssertWaiting(limiter.AcquireAsync(Conversation.Group(99_999), Forever, TestContext.Current.CancellationToken));
    }

    [Fact]
    public void AcquireAsync_AllocatesNothing_WhenNotLimiting()
    {
        var (limiter, time) = Create(accountBurst: PacingMath.MaxBurst, conversationBurst: PacingMath.MaxBurst);
        var recurring = Enumerable.Range(0, 16).Select(i => Conversation.Group(i)).ToArray();
        var fresh = Enumerable.Range(1000, 200).Select(i => Conversation.Temp(i, 5)).ToArray();

        // Warm up both paths: conversations already held, and new ones whose buckets come from the
        // ones forgotten after a quiet hour.
        Run(limiter, recurring, 2000);
        Run(limiter, fresh, 200);
        time.Advance(TimeSpan.FromHours(1));
        Run(limiter, recurring, 2000);
        time.Advance(TimeSpan.FromHours(1));

        var before = GC.GetAllocatedBytesForCurrentThread();
        var allWentAtOnce = Run(limiter, fresh, 200) & Run(limiter, recurring, 4000);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allWentAtOnce);
        Assert.Equal(0, allocated);

        static bool Run(SendLimiter limiter, Conversation[] conversations, int count)
        {
            var all = true;
            for (var i = 0; i < count; i++)
            {
                var acquisition = limiter.AcquireAsync(conversations[i % conversations.Length], Forever, CancellationToken.None);
                all &= acquisition.IsCompletedSuccessfully && acquisition.Result == TimeSpan.Zero;
            }

            return all;
        }
    }

    [Fact]
    public async Task AcquireAsync_RecordsWaitsAndRejections_ByLimitAndKind()
    {
        using var meter = new Meter("MiraiClient.Tests.SendLimiter.Metrics");
        var measurements = new ConcurrentQueue<(string Name, double Value, string? Limit, string? Kind)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter == meter)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Enqueue((i.Name, v, Tag(tags, "mirai.pacing.limit"), Tag(tags, "mirai.conversation.kind"))));
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Enqueue((i.Name, v, Tag(tags, "mirai.pacing.limit"), Tag(tags, "mirai.conversation.kind"))));
        listener.Start();

        var (limiter, time) = Create(accountBurst: 2, accountMs: 1000, conversationBurst: 1, conversationMs: 2000, maxWaitMs: 1500, metrics: new SendPacingMetrics(meter, "mirai"));
        AssertImmediate(limiter.AcquireAsync(GroupA, Forever, TestContext.Current.CancellationToken));
        AssertRejected(limiter.AcquireAsync(GroupA, Forever, TestContext.Current.CancellationToken));
        AssertImmediate(limiter.AcquireAsync(Conversation.Friend(1), Forever, TestContext.Current.CancellationToken));
        var waiting = AssertWaiting(limiter.AcquireAsync(Conversation.Friend(2), Forever, TestContext.Current.CancellationToken));
        await AssertGoesAfter(time, waiting, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        var expected = new (string, double, string?, string?)[]
        {
            ("mirai.send.pacing.rejections", 1.0, "conversation", "group"),
            ("mirai.send.pacing.wait", 1.0, "account", "friend"),
        };
        Assert.Equal(expected, measurements.ToArray());

        static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string key)
        {
            foreach (var tag in tags)
            {
                if (tag.Key == key)
                {
                    return tag.Value as string;
                }
            }

            return null;
        }
    }

    /// <summary>Many threads send at once at each step of a fake clock, some with short bounds and
    /// some cancelled while waiting; every granted instant is then checked against both limits.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task AcquireAsync_NeverExceedsEitherLimit_WhenManyTasksRace(int seed)
    {
        const int AccountBurst = 8;
        const int ConversationBurst = 3;
        var accountInterval = TimeSpan.FromMilliseconds(50);
        var conversationInterval = TimeSpan.FromMilliseconds(200);
        var maxWait = TimeSpan.FromSeconds(2);
        var step = TimeSpan.FromMilliseconds(10);
        var (limiter, time) = Create(AccountBurst, 50, ConversationBurst, 200, 2000);
        var start = time.GetUtcNow();
        Conversation[] conversations = [Conversation.Group(1), Conversation.Group(2), Conversation.Friend(1), Conversation.Friend(3), Conversation.Temp(4, 1), Conversation.Group(6)];

        var attempts = new ConcurrentBag<Attempt>();
        var cancellations = new ConcurrentDictionary<int, ConcurrentBag<CancellationTokenSource>>();
        var random = new Random(seed);
        for (var stepIndex = 0; stepIndex < 600; stepIndex++)
        {
            var issuedAt = time.GetUtcNow();
            var seeds = Enumerable.Range(0, 8).Select(_ => random.Next()).ToArray();
            Parallel.For(0, seeds.Length, worker =>
            {
                var r = new Random(seeds[worker]);
                var count = r.Next(0, 4);
                for (var i = 0; i < count; i++)
                {
                    var conversation = conversations[r.Next(conversations.Length)];
                    var timeLeft = r.Next(3) == 0 ? TimeSpan.FromMilliseconds(r.Next(0, 3000)) : Forever;
                    CancellationTokenSource? cancel = null;
                    if (r.Next(5) == 0)
                    {
                        cancel = new CancellationTokenSource();
                        cancellations.GetOrAdd(stepIndex + r.Next(1, 100), _ => []).Add(cancel);
                    }

                    var acquisition = limiter.AcquireAsync(conversation, timeLeft, cancel?.Token ?? CancellationToken.None);
                    attempts.Add(new Attempt(conversation, issuedAt, timeLeft, acquisition.IsCompleted, acquisition.AsTask()));
                }
            });

            if (cancellations.TryRemove(stepIndex, out var due))
            {
                foreach (var cancel in due)
                {
                    await cancel.CancelAsync();
                }
            }

            time.Advance(step);

            // Nothing goes before its instant.
            var now = time.GetUtcNow();
            foreach (var attempt in attempts)
            {
                if (attempt.Task.IsCompletedSuccessfully)
                {
                    Assert.True(attempt.IssuedAt + WaitOf(attempt.Task) <= now, "A send went before its instant.");
                }
            }
        }

        time.Advance(maxWait + TimeSpan.FromSeconds(1));
        var granted = new List<(Conversation Conversation, DateTimeOffset At)>();
        var refused = 0;
        foreach (var attempt in attempts)
        {
            try
            {
                var waited = await attempt.Task.WaitAsync(Bound, TestContext.Current.CancellationToken);
                var allowed = attempt.TimeLeft == Forever || attempt.TimeLeft > maxWait ? maxWait : attempt.TimeLeft;
                Assert.InRange(waited, TimeSpan.Zero, allowed);
                granted.Add((attempt.Conversation, attempt.IssuedAt + waited));
            }
            catch (MiraiRateLimitedException ex)
            {
                // Refused up front, never after waiting, and only when the wait was really too long.
                Assert.True(attempt.CompletedAtOnce, "A refusal came after waiting.");
                Assert.True(ex.RetryAfter > ex.AllowedWait);
                refused++;
            }
            catch (OperationCanceledException)
            {
            }
        }

        Assert.True(refused > 0, "The load should have been heavy enough to refuse some sends.");
        AssertWithinLimit(granted.Select(g => g.At), start, AccountBurst, accountInterval);
        foreach (var conversation in conversations)
        {
            AssertWithinLimit(granted.Where(g => g.Conversation == conversation).Select(g => g.At), start, ConversationBurst, conversationInterval);
        }

        // Saturated for six seconds, the account should have been used close to its limit.
        var limit = AccountBurst + (6.0 / accountInterval.TotalSeconds);
        Assert.True(granted.Count >= limit * 0.9, $"Only {granted.Count} of about {limit} possible sends went.");

        foreach (var bag in cancellations.Values)
        {
            foreach (var cancel in bag)
            {
                cancel.Dispose();
            }
        }
    }

    private static TimeSpan WaitOf(Task<TimeSpan> completed) => completed.Result;

    /// <summary>Replays the grants through a token bucket that starts full: it must never run short.</summary>
    private static void AssertWithinLimit(IEnumerable<DateTimeOffset> grants, DateTimeOffset start, int burst, TimeSpan interval)
    {
        var capacity = burst * interval.Ticks;
        var credit = capacity;
        var at = start;
        foreach (var grant in grants.Order())
        {
            credit = Math.Min(capacity, credit + (grant - at).Ticks);
            at = grant;
            Assert.True(credit >= interval.Ticks, $"More than {burst} sends plus one per {interval.TotalMilliseconds} ms by {grant - start}.");
            credit -= interval.Ticks;
        }
    }

    /// <summary>The bucket's search against an exhaustive one: for random schedules, random lower
    /// bounds and random withdrawals, the instant it finds is the first one at which one more send keeps
    /// every charged instant covered.</summary>
    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    public void Earliest_MatchesAnExhaustiveSearch_WhenReservationsAreRandom(int seed)
    {
        var random = new Random(seed);
        for (var trial = 0; trial < 100; trial++)
        {
            long interval = random.Next(1, 6);
            long capacity = interval * random.Next(1, 5);
            var now = 1000L;
            var bucket = new PacingBucket();
            bucket.Reset(now, capacity);
            var charges = new List<long>();
            var scratch = new long[1];
            for (var op = 0; op < 60; op++)
            {
                switch (random.Next(6))
                {
                    case 0:
                        now += random.Next(0, 4);
                        bucket.Advance(now, interval, capacity);
                        break;
                    case 1 when charges.Any(c => c > now):
                        var pending = charges.Where(c => c > now).ToList();
                        var withdrawn = pending[random.Next(pending.Count)];
                        Assert.True(bucket.Withdraw(withdrawn));
                        charges.Remove(withdrawn);
                        break;
                    default:
                        // Up to two bucketfuls ahead, so some gaps between reservations refill to the brim.
                        var notBefore = now + random.Next(0, (int)(2 * (capacity + interval)));
                        var found = bucket.Earliest(notBefore, interval, capacity, ref scratch);
                        var expected = notBefore;
                        while (!Fits(charges, expected, 1000, interval, capacity))
                        {
                            expected++;
                        }

                        Assert.Equal(expected, found);
                        bucket.Reserve(found, interval);
                        charges.Add(found);
                        break;
                }
            }
        }

        static bool Fits(List<long> charges, long extra, long start, long interval, long capacity)
        {
            var credit = capacity;
            var at = start;
            foreach (var charge in charges.Append(extra).Order())
            {
                credit = Math.Min(capacity, credit + (charge - at));
                at = charge;
                if (credit < interval)
                {
                    return false;
                }

                credit -= interval;
            }

            return true;
        }
    }

    [Fact]
    public void Validate_NamesTheOption_WhenAValueIsInvalid()
    {
        Assert.Empty(new SendRateLimitOptions().Validate("SendRateLimit"));

        var errors = new SendRateLimitOptions
        {
            AccountBurst = 0,
            ConversationBurst = PacingMath.MaxBurst + 1,
            AccountInterval = TimeSpan.Zero,
            ConversationInterval = TimeSpan.FromDays(2),
            MaxWait = TimeSpan.FromSeconds(-1),
        }.Validate("SendRateLimit").ToArray();

        Assert.Equal(5, errors.Length);
        Assert.Contains(errors, e => e.StartsWith("SendRateLimit.AccountBurst must be between 1 and 10000; got 0", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("SendRateLimit.ConversationBurst must be between 1 and 10000; got 10001", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("SendRateLimit.AccountInterval must be positive", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("SendRateLimit.ConversationInterval must be positive", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("SendRateLimit.MaxWait must be between zero and one day", StringComparison.Ordinal));
    }

    [Fact]
    public void Freeze_CopiesEveryValue_WhenTheOptionsAreValid()
    {
        var options = new SendRateLimitOptions
        {
            Enabled = false,
            AccountBurst = 7,
            AccountInterval = TimeSpan.FromMilliseconds(300),
            ConversationBurst = 3,
            ConversationInterval = TimeSpan.FromSeconds(2),
            MaxWait = TimeSpan.FromSeconds(4),
        };

        Assert.Equal(new SendRateLimitSettings(false, 7, TimeSpan.FromMilliseconds(300), 3, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)), options.Freeze());
    }

    [Fact]
    public void Conversation_IsEqualOnlyForTheSameChat_AndPrintsIt()
    {
        Assert.Equal(Conversation.Group(5), Conversation.Group(5));
        Assert.True(Conversation.Temp(1, 2) == Conversation.Temp(1, 2));
        Assert.NotEqual(Conversation.Friend(1), Conversation.Group(1));
        Assert.NotEqual(Conversation.Friend(1), Conversation.Temp(1, 2));
        Assert.True(Conversation.Temp(1, 2) != Conversation.Temp(1, 3));
        Assert.Equal("friend 1", Conversation.Friend(1).ToString());
        Assert.Equal("group 5", Conversation.Group(5).ToString());
        Assert.Equal("temp 1 via group 2", Conversation.Temp(1, 2).ToString());
        Assert.Equal((ConversationKind.Temp, 1L, 2L), (Conversation.Temp(1, 2).Kind, Conversation.Temp(1, 2).Id, Conversation.Temp(1, 2).GroupId));
    }

    private sealed record Attempt(Conversation Conversation, DateTimeOffset IssuedAt, TimeSpan TimeLeft, bool CompletedAtOnce, Task<TimeSpan> Task);
}
