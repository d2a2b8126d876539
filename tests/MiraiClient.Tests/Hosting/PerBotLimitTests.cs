using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using MiraiClient.Hosting.Dispatch;
using MiraiClient.Tests.Infrastructure;

namespace MiraiClient.Tests.Hosting;

/// <summary>The dispatcher's per-bot limit (MaxConcurrentHandlersPerBot): one busy account never takes every slot.</summary>
public class PerBotLimitTests(ITestOutputHelper output) : ConnectionTestBase(output)
{
    [Fact]
    public async Task DispatchAsync_StartsAnotherBotsEvent_WhileOneBotIsAtItsOwnLimit()
    {
        var gate = NewGate();
        var started = new ConcurrentQueue<(string Bot, int N)>();
        var dispatcher = Create(maxRunning: 4, perBot: 2);
        var handler = new DispatchHandler<Ev>("test", async (inv, _) =>
        {
            started.Enqueue((inv.Event.Bot, inv.Event.N));
            await gate.Task;
        });

        // Ten conversations of one bot: only two start, and the other eight wait aside, holding no slot.
        for (var i = 0; i < 10; i++)
        {
            await dispatcher.DispatchAsync(new Ev("busy", i), i, [handler], TestToken, "busy");
        }

        await dispatcher.DispatchAsync(new Ev("quiet", 100), 100, [handler], TestToken, "quiet");
        await WaitUntilAsync(() => started.Count == 3);
        Assert.Equal(2, started.Count(s => s.Bot == "busy"));
        Assert.Contains(("quiet", 100), started);
        Assert.Equal(3, dispatcher.RunningCount);
        Assert.Equal(8, dispatcher.QueuedCount);

        // Released, the parked events all run, still two at a time for their bot.
        gate.TrySetResult();
        await WaitUntilAsync(() => started.Count == 11 && dispatcher.RunningCount == 0 && dispatcher.QueuedCount == 0);
        Assert.Equal(Enumerable.Range(0, 10), started.Where(s => s.Bot == "busy").Select(s => s.N).Order());
    }

    [Fact]
    public async Task DispatchAsync_NeverRunsMoreThanTheLimitForOneBot_UnderLoad()
    {
        var running = new ConcurrentDictionary<string, int>();
        var peak = new ConcurrentDictionary<string, int>();
        var done = 0;
        var dispatcher = Create(maxRunning: 6, perBot: 2);
        var handler = new DispatchHandler<Ev>("test", async (inv, ct) =>
        {
            var now = running.AddOrUpdate(inv.Event.Bot, 1, (_, n) => n + 1);
            peak.AddOrUpdate(inv.Event.Bot, now, (_, p) => Math.Max(p, now));
            await Task.Delay(Random.Shared.Next(1, 4), ct);
            running.AddOrUpdate(inv.Event.Bot, 0, (_, n) => n - 1);
            Interlocked.Increment(ref done);
        });
        for (var i = 0; i < 60; i++)
        {
            foreach (var bot in new[] { "a", "b", "c" })
            {
                await dispatcher.DispatchAsync(new Ev(bot, i), i, [handler], TestToken, bot);
            }
        }

        await WaitUntilAsync(() => Volatile.Read(ref done) == 180 && dispatcher.RunningCount == 0);
        Assert.All(peak, p => Assert.InRange(p.Value, 1, 2));
        Assert.Equal(0, dispatcher.QueuedCount);
    }

    [Fact]
    public async Task StopAsync_DropsEventsParkedByTheLimit_AndCompletes()
    {
        var dispatcher = Create(maxRunning: 4, perBot: 1);
        var handler = new DispatchHandler<Ev>("test", async (_, ct) => await Task.Delay(Timeout.Infinite, ct));
        for (var i = 0; i < 5; i++)
        {
            await dispatcher.DispatchAsync(new Ev("busy", i), i, [handler], TestToken, "busy");
        }

        await WaitUntilAsync(() => dispatcher.RunningCount == 1);
        Assert.Equal(4, dispatcher.QueuedCount);
        await dispatcher.StopAsync(TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(5), TestToken).WaitAsync(TimeSpan.FromSeconds(10), TestToken);
        Assert.Equal(0, dispatcher.RunningCount);
    }

    private ConversationDispatcher<Ev, int> Create(int maxRunning, int perBot) =>
        new(new DispatcherSettings(maxRunning, 1000, perBot), static e => "Ev", null, LoggerFactory.CreateLogger("dispatch"));

    private static TaskCompletionSource NewGate() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 15 s");
            await Task.Delay(5);
        }
    }

    public sealed record Ev(string Bot, int N);
}
