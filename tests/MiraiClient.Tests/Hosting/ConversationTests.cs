using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using MiraiClient.Hosting;
using MiraiClient.Testing;

namespace MiraiClient.Tests.Hosting;

/// <summary>The bot's own QQ and mentions, and waiting for the next message inside a handler.</summary>
public class ConversationTests(ITestOutputHelper output) : HostedBotTestBase(output)
{
    private const long Group = 300;

    [Fact]
    public async Task BotQQ_IsLearnedFromTheSessionOnce_WhenNoneIsConfigured_InSingleMode()
    {
        var backend = await StartBackendAsync(o =>
        {
            o.SingleMode = true;
            o.Bots.Clear();
            o.Bots.Add(424242);
        });
        var config = ConfigFor(backend);
        config.Remove("Mirai:QQ");
        var seen = new ConcurrentQueue<(long QQ, bool Mentioned)>();
        using var host = BuildHost(config, bot => bot.OnGroupMessage((ctx, _) =>
        {
            seen.Enqueue((ctx.Bot.QQ, ctx.IsMentioningMe));
            return Task.CompletedTask;
        }));
        await StartReadyAsync(host);
        Assert.Equal(424242, host.Services.GetRequiredService<IMiraiBotHost>().Bots.Single().QQ);

        await backend.PushEventAsync(Events.Group(Group, 1, " hello bot", mention: 424242));
        await backend.PushEventAsync(Events.Group(Group, 1, " hello someone", mention: 777));
        await backend.PushGroupMessageAsync(Group, 1, "no mention");
        await WaitUntilAsync(() => seen.Count == 3);
        Assert.Equal([(424242L, true), (424242L, false), (424242L, false)], seen);
        Assert.Single(backend.ReceivedCommands, c => c.Command == "sessionInfo");
        Assert.Single(Logs.Lines, l => l.EventId.Name == "BotQQLearned");
        await host.StopAsync(TestToken);
    }

    [Fact]
    public async Task BotQQ_IsTheConfiguredOne_WithoutAskingTheSession()
    {
        var backend = await StartBackendAsync();
        var mentioned = new TaskCompletionSource<(long, bool)>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = BuildHost(ConfigFor(backend), bot => bot.OnGroupMessage((ctx, _) =>
        {
            mentioned.TrySetResult((ctx.Bot.QQ, ctx.IsMentioningMe));
            return Task.CompletedTask;
        }));
        await StartReadyAsync(host);
        await backend.PushEventAsync(Events.Group(Group, 1, " hi", mention: 10001));
        Assert.Equal((10001L, true), await Within(mentioned.Task));
        Assert.DoesNotContain(backend.ReceivedCommands, c => c.Command == "sessionInfo");
        await host.StopAsync(TestToken);
    }

    [Fact]
    public async Task WaitForNextMessageAsync_GetsTheSameSendersNextMessage_InItsOwnConversation_WhichNoHandlerSees()
    {
        var backend = await StartBackendAsync();
        var handled = new ConcurrentQueue<string>();
        using var host = BuildHost(ConfigFor(backend), bot => bot.OnGroupMessage(async (ctx, ct) =>
        {
            var text = ctx.Event.MessageChain.ToPlainText();
            handled.Enqueue(text);
            if (text == "/name")
            {
                await ctx.ReplyAsync("What is your name?", cancellationToken: ct);
                var answer = await ctx.WaitForNextMessageAsync(TimeSpan.FromSeconds(30), cancellationToken: ct);
                await ctx.ReplyAsync($"Hello, {answer?.MessageChain.ToPlainText()}", cancellationToken: ct);
            }
        }));
        await StartReadyAsync(host);

        await backend.PushGroupMessageAsync(Group, 1, "/name");
        await WaitForSentAsync(backend, "sendGroupMessage", Group, t => t == "What is your name?");
        await backend.PushGroupMessageAsync(Group, 2, "someone else talks");
        await backend.PushGroupMessageAsync(Group, 1, "Alice");
        await WaitForSentAsync(backend, "sendGroupMessage", Group, t => t == "Hello, Alice");
        await WaitUntilAsync(() => handled.Count == 2);
        Assert.Equal(["/name", "someone else talks"], handled);
        Assert.Equal(0, Dispatcher(host).WaiterCount);
        await host.StopAsync(TestToken);
    }

    [Fact]
    public async Task WaitForNextMessageAsync_ReturnsNullAfterTheTimeout_AndLeavesNoWaiter()
    {
        var backend = await StartBackendAsync();
        using var host = BuildHost(ConfigFor(backend), bot => bot.OnFriendMessage(async (ctx, ct) =>
        {
            if (ctx.Event.MessageChain.ToPlainText() == "/quiz")
            {
                var answer = await ctx.WaitForNextMessageAsync(TimeSpan.FromMilliseconds(200), cancellationToken: ct);
                await ctx.ReplyAsync(answer is null ? "too late" : "got it", cancellationToken: ct);
            }
        }));
        await StartReadyAsync(host);
        await backend.PushFriendMessageAsync(42, "/quiz");
        await WaitForSentAsync(backend, "sendFriendMessage", 42, t => t == "too late");
        await WaitUntilAsync(() => Dispatcher(host).WaiterCount == 0 && Dispatcher(host).ConversationCount == 0);
        await host.StopAsync(TestToken);
    }

    [Fact]
    public async Task AskAsync_CatchesAnAnswerThatArrivesBeforeThePromptIsConfirmed_EvenWithoutOrdering()
    {
        var backend = await StartBackendAsync();
        var config = ConfigFor(backend);
        config["Mirai:Hosting:Ordering"] = "None";
        var handled = new ConcurrentQueue<string>();
        using var host = BuildHost(config, bot => bot.OnGroupMessage(async (ctx, ct) =>
        {
            var text = ctx.Event.MessageChain.ToPlainText();
            handled.Enqueue(text);
            if (text == "/model")
            {
                var answer = await ctx.AskAsync("Which model?", TimeSpan.FromSeconds(30), cancellationToken: ct);
                await ctx.ReplyAsync($"Using {answer?.MessageChain.ToPlainText()}", cancellationToken: ct);
            }
        }));

        // The user answers the instant the prompt reaches the server, before the send is even confirmed.
        var messageId = 9000;
        backend.Handle("sendGroupMessage", async command =>
        {
            if (TextOf(command) == "Which model?")
            {
                await backend.PushGroupMessageAsync(Group, 1, "gpt-4o");
            }

            return CommandReply.Data($"{{\"code\":0,\"msg\":\"success\",\"messageId\":{Interlocked.Increment(ref messageId)}}}");
        });
        await StartReadyAsync(host);
        await backend.PushGroupMessageAsync(Group, 1, "/model");
        await WaitForSentAsync(backend, "sendGroupMessage", Group, t => t == "Using gpt-4o");
        Assert.Equal(["/model"], handled);
        await host.StopAsync(TestToken);
    }

    [Fact]
    public async Task AskAsync_WithAFilter_WaitsForAnotherMember_WhileOthersAreHandled()
    {
        var backend = await StartBackendAsync();
        const long Admin = 9;
        using var host = BuildHost(ConfigFor(backend), bot => bot.OnGroupMessage(async (ctx, ct) =>
        {
            if (ctx.Event.MessageChain.ToPlainText() != "/join")
            {
                return;
            }

            // Another member's message is another conversation: start waiting before prompting.
            var approval = await ctx.AskAsync(
                "An admin must /approve",
                TimeSpan.FromSeconds(30),
                m => m is GroupMessage g && g.Sender.Group.Id == Group && g.Sender.Id == Admin && g.MessageChain.ToPlainText() == "/approve",
                ct);
            await ctx.ReplyAsync(approval is null ? "nobody approved" : "approved", cancellationToken: ct);
        }));
        await StartReadyAsync(host);
        await backend.PushGroupMessageAsync(Group, 1, "/join");
        await WaitForSentAsync(backend, "sendGroupMessage", Group, t => t == "An admin must /approve");
        await backend.PushGroupMessageAsync(Group, 5, "/approve");
        await backend.PushGroupMessageAsync(Group, Admin, "/approve");
        await WaitForSentAsync(backend, "sendGroupMessage", Group, t => t == "approved");
        await host.StopAsync(TestToken);
    }

    [Fact]
    public async Task WaitForNextMessageAsync_RejectsATimeoutThatIsNotPositive_BeforeWaiting()
    {
        var backend = await StartBackendAsync();
        var error = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = BuildHost(ConfigFor(backend), bot => bot.OnFriendMessage(async (ctx, ct) =>
        {
            error.SetResult(await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ctx.WaitForNextMessageAsync(TimeSpan.Zero, cancellationToken: ct)));
        }));
        await StartReadyAsync(host);
        await backend.PushFriendMessageAsync(42, "x");
        Assert.Equal("timeout", ((ArgumentOutOfRangeException)await Within(error.Task)).ParamName);
        Assert.Equal(0, Dispatcher(host).WaiterCount);
        await host.StopAsync(TestToken);
    }

    private static MiraiClient.Hosting.Dispatch.ConversationDispatcher<ReceivedEvent, ConversationKey> Dispatcher(Microsoft.Extensions.Hosting.IHost host) =>
        ((MiraiBotService)host.Services.GetRequiredService<IMiraiBotHost>()).Dispatcher!;
}
