using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using MiraiClient.Hosting;
using MiraiClient.Testing;

namespace MiraiClient.Tests.Hosting;

/// <summary>Fair dispatch through the whole host: a flooded conversation must not slow down another one.</summary>
public class FairDispatchTests(ITestOutputHelper output) : HostedBotTestBase(output)
{
    private const long GroupA = 100;
    private const long GroupB = 200;
    private static readonly TimeSpan SlowCall = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Dispatch_AnswersAnotherConversationWithin1Point5xItsUnloadedLatency_WhileOneConversationIsFlooded()
    {
        var backend = await StartBackendAsync();
        using var host = BuildHost(ConfigFor(backend), bot => bot.OnGroupMessage(LlmLikeAsync));
        await StartReadyAsync(host);

        var unloaded = await LatencyAsync(backend, GroupB, 2, "b0");
        for (var i = 0; i < 20; i++)
        {
            await backend.PushGroupMessageAsync(GroupA, 1, $"/llm a{i}");
        }

        var loaded = await LatencyAsync(backend, GroupB, 2, "b1");
        Output.WriteLine($"group B answered in {unloaded.TotalMilliseconds:F0} ms alone, {loaded.TotalMilliseconds:F0} ms while group A had 20 queued 1 s calls");
        Assert.True(loaded <= unloaded * 1.5, $"loaded {loaded.TotalMilliseconds:F0} ms > 1.5 × unloaded {unloaded.TotalMilliseconds:F0} ms");

        // The flood itself is still handled in order, one at a time (only the first few get to run before the stop).
        var answeredA = Sent(backend, "sendGroupMessage", GroupA).Select(TextOf).ToList();
        Assert.Equal(Enumerable.Range(0, answeredA.Count).Select(i => $"answer a{i}"), answeredA);
        await host.StopAsync(TestToken);
    }

    [Fact]
    public async Task Dispatch_RunsAnotherMembersCommandAtOnce_WhileAMembersSlowCallRunsInTheSameGroup()
    {
        var backend = await StartBackendAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = BuildHost(ConfigFor(backend), bot => bot.OnGroupMessage((ctx, ct) => GatedAsync(ctx, release.Task, ct)));
        await StartReadyAsync(host);

        await backend.PushGroupMessageAsync(GroupA, 1, "/llm slow");
        await backend.PushGroupMessageAsync(GroupA, 2, "/quick");

        // Under the default per-sender order the quick command does not wait for the other member's call.
        await WaitForSentAsync(backend, "sendGroupMessage", GroupA, t => t == "quick");
        release.SetResult();
        await WaitForSentAsync(backend, "sendGroupMessage", GroupA, t => t == "answer slow");
        Assert.Equal(["quick", "answer slow"], Sent(backend, "sendGroupMessage", GroupA).Select(TextOf));
        await host.StopAsync(TestToken);
    }

    [Fact]
    public async Task Ordering_PerChat_KeepsOneQueuePerGroup()
    {
        var backend = await StartBackendAsync();
        var config = ConfigFor(backend);
        config["Mirai:Hosting:Ordering"] = "PerChat";
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = BuildHost(config, bot => bot.OnGroupMessage((ctx, ct) => GatedAsync(ctx, release.Task, ct)));
        await StartReadyAsync(host);

        await backend.PushGroupMessageAsync(GroupA, 1, "/llm slow");
        await backend.PushGroupMessageAsync(GroupA, 2, "/quick");
        await Task.Delay(300, TestToken);
        Assert.Empty(Sent(backend, "sendGroupMessage", GroupA));
        release.SetResult();
        await WaitForSentAsync(backend, "sendGroupMessage", GroupA, t => t == "quick");
        Assert.Equal(["answer slow", "quick"], Sent(backend, "sendGroupMessage", GroupA).Select(TextOf));
        await host.StopAsync(TestToken);
    }

    [Fact]
    public async Task Ordering_None_RunsOneSendersMessagesInParallel()
    {
        var backend = await StartBackendAsync();
        var config = ConfigFor(backend);
        config["Mirai:Hosting:Ordering"] = "None";
        var current = 0;
        var peak = 0;
        var done = 0;
        using var host = BuildHost(config, bot => bot.OnGroupMessage(async (_, ct) =>
        {
            var now = Interlocked.Increment(ref current);
            InterlockedMax(ref peak, now);
            await Task.Delay(200, ct);
            Interlocked.Decrement(ref current);
            Interlocked.Increment(ref done);
        }));
        await StartReadyAsync(host);
        for (var i = 0; i < 6; i++)
        {
            await backend.PushGroupMessageAsync(GroupA, 1, "x");
        }

        await WaitUntilAsync(() => Volatile.Read(ref done) == 6);
        Assert.True(peak >= 2, $"one sender's messages should overlap without ordering; peak {peak}");
        await host.StopAsync(TestToken);
    }

    [Fact]
    public async Task UnorderedCommand_SkipsItsConversationsQueue_WhileTheSameSendersSlowCommandRuns()
    {
        var backend = await StartBackendAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = BuildHost(ConfigFor(backend), bot => bot
            .AddCommand("slow", async (ctx, ct) =>
            {
                await release.Task.WaitAsync(ct);
                await ctx.ReplyAsync("slow done", cancellationToken: ct);
            })
            .AddCommand("recall", (ctx, ct) => ctx.ReplyAsync("recalled", cancellationToken: ct), c => c.Unordered()));
        await StartReadyAsync(host);

        await backend.PushGroupMessageAsync(GroupA, 1, "/slow");
        await backend.PushGroupMessageAsync(GroupA, 1, "/recall");
        await WaitForSentAsync(backend, "sendGroupMessage", GroupA, t => t == "recalled");
        release.SetResult();
        await WaitForSentAsync(backend, "sendGroupMessage", GroupA, t => t == "slow done");
        Assert.Equal(["recalled", "slow done"], Sent(backend, "sendGroupMessage", GroupA).Select(TextOf));
        await host.StopAsync(TestToken);
    }

    private static async Task LlmLikeAsync(MiraiEventContext<GroupMessage> ctx, CancellationToken ct)
    {
        var text = ctx.Event.MessageChain.ToPlainText();
        if (text.StartsWith("/llm ", StringComparison.Ordinal))
        {
            await Task.Delay(SlowCall, ct);
            await ctx.ReplyAsync("answer " + text["/llm ".Length..], cancellationToken: ct);
        }
    }

    private static async Task GatedAsync(MiraiEventContext<GroupMessage> ctx, Task release, CancellationToken ct)
    {
        var text = ctx.Event.MessageChain.ToPlainText();
        if (text == "/llm slow")
        {
            await release.WaitAsync(ct);
            await ctx.ReplyAsync("answer slow", cancellationToken: ct);
        }
        else if (text == "/quick")
        {
            await ctx.ReplyAsync("quick", cancellationToken: ct);
        }
    }

    private static async Task<TimeSpan> LatencyAsync(FakeMiraiBackend backend, long group, long sender, string tag)
    {
        var clock = Stopwatch.StartNew();
        await backend.PushGroupMessageAsync(group, sender, "/llm " + tag);
        await WaitForSentAsync(backend, "sendGroupMessage", group, t => t == "answer " + tag, TimeSpan.FromSeconds(60));
        return clock.Elapsed;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
