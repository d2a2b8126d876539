using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MiraiClient.Testing;
using MiraiClient.Tests.Infrastructure;
using TrialBot;

namespace MiraiClient.Tests.Hosting;

/// <summary>The user trial's scenarios against its bot (TrialBot.cs), with MiraiBotTestHost as the whole
/// harness: the trial needed about 140 lines of hand-written harness on 0.1.0 (host, event JSON, log sink,
/// n-th command waiter, member list JSON); here it is <see cref="StartAsync"/> and <see cref="FromAdmin"/>.</summary>
public class TrialBotOnTestHostTests(ITestOutputHelper output) : ConnectionTestBase(output)
{
    private const long Group = 700;
    private const long Member = 701;
    private const long Admin = 702;

    [Fact]
    public async Task Ask_RepliesWithTheLlmsAnswer_QuotingTheQuestion()
    {
        await using var bot = await StartAsync();
        var question = await bot.PushGroupMessageAsync(Group, Member, "/ask what is mirai");
        var reply = await bot.Sent.NextMessageAsync(Bound);
        Assert.Equal((SentMessageKind.Group, Group), (reply.Kind, reply.Target));
        Assert.Equal("An answer to: what is mirai", reply.Text);
        Assert.Equal(question.MessageChain.MessageId, reply.Quote);
        Assert.Empty(bot.Logs.Errors);
    }

    [Fact]
    public async Task MentioningTheBot_AsksTheLlm_AndPlainChatterIsIgnored()
    {
        await using var bot = await StartAsync();
        await bot.PushGroupMessageAsync(Group, Member, "just chatting");
        await bot.PushGroupMessageAsync(Group, Member, new MessageChainBuilder().At(bot.BotQQ).Text(" how are you?").Build());
        var reply = await bot.Sent.NextMessageAsync(Bound);
        Assert.Equal("An answer to: how are you?", reply.Text);
        await Task.Delay(300, TestToken);
        Assert.Single(bot.Sent.Received, c => c.SentMessage is not null);
    }

    [Fact]
    public async Task AskWithoutAQuestion_AsksForIt_AndAnswersTheNextMessage()
    {
        await using var bot = await StartAsync();
        await bot.PushGroupMessageAsync(Group, Member, "/ask");
        Assert.Equal("What do you want to ask?", (await bot.Sent.NextMessageAsync(Bound)).Text);
        await bot.PushGroupMessageAsync(Group, Member, "why is the sky blue");
        Assert.Equal("An answer to: why is the sky blue", (await bot.Sent.NextMessageAsync(Bound)).Text);
    }

    [Fact]
    public async Task FriendMessage_IsEchoedWithAnImageAndAFace()
    {
        await using var bot = await StartAsync();
        await bot.PushFriendMessageAsync(42, "你好");
        var echo = await bot.Sent.NextMessageAsync(Bound);
        Assert.Equal((SentMessageKind.Friend, 42L), (echo.Kind, echo.Target));
        Assert.Collection(
            echo.MessageChain,
            e => Assert.Equal("You said: 你好", Assert.IsType<PlainElement>(e).Text),
            e => Assert.Equal("https://example.org/cat.png", Assert.IsType<ImageElement>(e).Url),
            e => Assert.Equal(14, Assert.IsType<FaceElement>(e).FaceId));
    }

    [Fact]
    public async Task Recall_TakesBackTheLastAnswer_ForAnAdminOnly()
    {
        await using var bot = await StartAsync();
        bot.Backend.Handle("sendGroupMessage", _ => CommandReply.Data("""{"code":0,"msg":"success","messageId":4242}"""));
        await bot.PushGroupMessageAsync(Group, Member, "/ask q");
        Assert.Equal("An answer to: q", (await bot.Sent.NextMessageAsync(Bound)).Text);
        await bot.PushGroupMessageAsync(Group, Member, "/recall");
        Assert.Equal("Only admins can recall.", (await bot.Sent.NextMessageAsync(Bound)).Text);
        await bot.PushEventAsync(FromAdmin("/recall"));
        var recall = await bot.Sent.NextAsync("recall", Bound);
        Assert.Equal(Group, recall.GetInt64("target"));
        Assert.Equal(4242, recall.GetInt32("messageId"));
    }

    [Fact]
    public async Task Requests_FriendAccepted_JoinRejectedWithTheConfiguredReason()
    {
        await using var bot = await StartAsync();
        await bot.PushEventAsync(FakeEvents.NewFriendRequest(fromId: 50, message: "hi"));
        Assert.Equal(0, (await bot.Sent.NextAsync("resp_newFriendRequestEvent", Bound)).GetInt32("operate"));
        await bot.PushEventAsync(FakeEvents.MemberJoinRequest(Group, fromId: 51, message: "let me in"));
        var reject = await bot.Sent.NextAsync("resp_memberJoinRequestEvent", Bound);
        Assert.Equal(1, reject.GetInt32("operate"));
        Assert.Equal("Answer the entry question first.", reject.GetString("message"));
    }

    [Fact]
    public async Task MembersAndMute_UseTheGroupCommands()
    {
        await using var bot = await StartAsync();
        bot.Backend.Handle("memberList", _ => CommandReply.Data("""{"code":0,"msg":"","data":[{"id":1,"memberName":"a","permission":"MEMBER","group":{"id":700,"name":"g","permission":"MEMBER"}},{"id":2,"memberName":"b","permission":"MEMBER","group":{"id":700,"name":"g","permission":"MEMBER"}}]}"""));
        await bot.PushGroupMessageAsync(Group, Member, "/members");
        Assert.Equal("2 members", (await bot.Sent.NextMessageAsync(Bound)).Text);
        await bot.PushEventAsync(FromAdmin(new MessageChainBuilder().Text("/mute ").At(888).Build()));
        var mute = await bot.Sent.NextAsync("mute", Bound);
        Assert.Equal((Group, 888L, 600), (mute.GetInt64("target"), mute.GetInt64("memberId"), mute.GetInt32("time")));
    }

    [Fact]
    public async Task BackendCrashDuringTheLlmCall_Reconnects_AndRepliesExactlyOnce_OnTheNewConnection()
    {
        await using var bot = await StartAsync(llmDelay: "00:00:01.500");
        var connectionsBefore = bot.Backend.AcceptCount;
        await bot.PushGroupMessageAsync(Group, Member, "/ask survive a crash");
        await Task.Delay(200, TestToken);
        await bot.Backend.RestartAsync(TimeSpan.FromMilliseconds(500), TestToken);
        var reply = await bot.Sent.NextMessageAsync(Bound);
        Assert.Equal("An answer to: survive a crash", reply.Text);
        Assert.True(reply.Request.ConnectionId > connectionsBefore, $"sent on connection {reply.Request.ConnectionId}, which was open before the crash");
        await Task.Delay(500, TestToken);
        Assert.Single(bot.Sent.Received, c => c.SentMessage is not null);
    }

    [Fact]
    public async Task CrashWhileTheReplyIsInFlight_FailsTheHandlerWithATypedError_AndNothingIsResent()
    {
        await using var bot = await StartAsync();
        bot.Backend.ReplyDelay = TimeSpan.FromSeconds(5);
        await bot.PushGroupMessageAsync(Group, Member, "/ask in flight");
        await bot.Sent.NextAsync("sendGroupMessage", Bound);
        bot.Backend.AbortConnections();
        var failure = await bot.Logs.WaitForAsync(e => e.EventId.Id == 2012, Bound);
        Assert.IsType<MiraiConnectionLostException>(failure.Exception);
        bot.Backend.ReplyDelay = TimeSpan.Zero;
        await bot.Backend.WaitForHandshakesAsync(2, Bound);
        await Task.Delay(500, TestToken);
        Assert.Single(bot.Backend.ReceivedCommands, c => c.Command == "sendGroupMessage");
    }

    [Fact]
    public async Task HandlerThatThrows_IsLogged_AndTheNextAskIsAnswered()
    {
        await using var bot = await StartAsync(configure: b => b.Services.AddSingleton<ILlmClient, FailsOnceLlm>());
        await bot.PushGroupMessageAsync(Group, Member, "/ask first");
        var failure = await bot.Logs.WaitForAsync(e => e.EventId.Id == 2012, Bound);
        Assert.Equal("the LLM is down", failure.Exception?.Message);
        await bot.PushGroupMessageAsync(Group, Member, "/ask second");
        Assert.Equal("An answer to: second", (await bot.Sent.NextMessageAsync(Bound)).Text);
    }

    [Fact]
    public async Task Stop_DuringA60sLlmCall_TakesUnder3s_WithTheHostsDefaultSettings()
    {
        await using var bot = await StartAsync(llmDelay: "00:01:00");
        await bot.PushGroupMessageAsync(Group, Member, "/ask slow");
        await Task.Delay(300, TestToken);
        var elapsed = await TimeAsync(bot.StopAsync);
        Output.WriteLine($"stop during a 60 s LLM call: {elapsed.TotalMilliseconds:F0} ms");
        Assert.True(elapsed < TimeSpan.FromSeconds(3), $"took {elapsed}");
        Assert.DoesNotContain(bot.Backend.ReceivedCommands, c => c.SentMessage is not null);
    }

    // The whole harness: the trial's bot registration, its settings, and one event builder.
    private Task<MiraiBotTestHost> StartAsync(string llmDelay = "00:00:00.200", Action<HostApplicationBuilder>? configure = null)
    {
        var options = new MiraiBotTestHostOptions { LogWriter = Output.WriteLine };
        options.Configuration["Bot:JoinRejectReason"] = "Answer the entry question first.";
        options.Configuration["Bot:LlmDelay"] = llmDelay;
        return MiraiBotTestHost.StartAsync(b => { b.AddTrialBot(); configure?.Invoke(b); }, options, TestToken);
    }

    private static GroupMessage FromAdmin(MessageChain chain) =>
        FakeEvents.GroupMessage(Group, Admin, chain) with { Sender = FakeEvents.Member(Admin, Group, GroupPermission.Administrator) };

    private sealed class FailsOnceLlm : ILlmClient
    {
        private int _calls;

        public Task<string> AskAsync(string question, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _calls) == 1 ? throw new InvalidOperationException("the LLM is down") : Task.FromResult($"An answer to: {question}");
    }
}
