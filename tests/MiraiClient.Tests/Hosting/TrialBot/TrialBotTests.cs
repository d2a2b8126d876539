using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MiraiClient.Hosting;
using MiraiClient.Testing;
using TrialBot;

namespace MiraiClient.Tests.Hosting;

/// <summary>The user trial's bot, rewritten on the new features (docs/hosting.md shows the same file),
/// driven through the fake backend the way the trial's own tests drove the original.</summary>
public class TrialBotTests(ITestOutputHelper output) : HostedBotTestBase(output)
{
    private const long Group = 700;
    private const long Member = 701;
    private const long Admin = 702;

    [Fact]
    public async Task Ask_RepliesWithTheLlmsAnswer_QuotingTheQuestion()
    {
        var backend = await StartBackendAsync();
        using var host = Build(backend);
        await StartReadyAsync(host);
        var id = await backend.PushGroupMessageAsync(Group, Member, "/ask what is mirai");
        var reply = await WaitForSentAsync(backend, "sendGroupMessage", Group, t => t == "An answer to: what is mirai");
        Assert.Equal(id, reply.Content.GetProperty("quote").GetInt32());
        await host.StopAsync(TestToken);
    }

    [Fact]
    public async Task MentioningTheBot_AsksTheLlm_AndPlainChatterIsIgnored()
    {
        var backend = await StartBackendAsync();
        using var host = Build(backend);
        await StartReadyAsync(host);
        await backend.PushGroupMessageAsync(Group, Member, "just chatting");
        await backend.PushEventAsync(Events.Group(Group, Member, " how are you?", mention: 10001));
        await WaitForSentAsync(backend, "sendGroupMessage", Group, t => t == "An answer to: how are you?");
        Assert.Single(Sent(backend, "sendGroupMessage", Group));
        await host.StopAsync(TestToken);
    }

    [Fact]
    public async Task AskWithoutAQuestion_AsksForIt_AndAnswersTheNextMessage()
    {
        var backend = await StartBackendAsync();
        using var host = Build(backend);
        await StartReadyAsync(host);
        await backend.PushGroupMessageAsync(Group, Member, "/ask");
        await WaitForSentAsync(backend, "sendGroupMessage", Group, t => t == "What do you want to ask?");
        await backend.PushGroupMessageAsync(Group, Member, "why is the sky blue");
        await WaitForSentAsync(backend, "sendGroupMessage", Group, t => t == "An answer to: why is the sky blue");
        await host.StopAsync(TestToken);
    }

    [Fact]
    public async Task FriendMessage_IsEchoedWithAnImageAndAFace()
    {
        var backend = await StartBackendAsync();
        using var host = Build(backend);
        await StartReadyAsync(host);
        await backend.PushFriendMessageAsync(42, "hello");
        var echo = await backend.WaitForCommandAsync(c => c.Command == "sendFriendMessage", Bound);
        var chain = echo.Content.GetProperty("messageChain");
        Assert.Equal("You said: hello", chain[0].GetProperty("text").GetString());
        Assert.Equal("https://example.org/cat.png", chain[1].GetProperty("url").GetString());
        Assert.Equal(14, chain[2].GetProperty("faceId").GetInt32());
        await host.StopAsync(TestToken);
    }

    [Fact]
    public async Task Recall_TakesBackTheLastAnswer_ForAnAdminOnly()
    {
        var backend = await StartBackendAsync();
        using var host = Build(backend);
        await StartReadyAsync(host);
        await backend.PushGroupMessageAsync(Group, Member, "/ask q");
        await WaitForSentAsync(backend, "sendGroupMessage", Group, t => t == "An answer to: q");
        await backend.PushGroupMessageAsync(Group, Member, "/recall");
        await WaitForSentAsync(backend, "sendGroupMessage", Group, t => t == "Only admins can recall.");
        await backend.PushEventAsync(Events.Group(Group, Admin, "/recall", permission: "ADMINISTRATOR"));
        var recall = await backend.WaitForCommandAsync(c => c.Command == "recall", Bound);
        Assert.Equal(Group, recall.Content.GetProperty("target").GetInt64());
        Assert.True(recall.Content.GetProperty("messageId").GetInt32() > 0);
        await host.StopAsync(TestToken);
        Assert.Single(backend.ReceivedCommands, c => c.Command == "recall");
    }

    [Fact]
    public async Task Requests_FriendAccepted_JoinRejectedWithTheConfiguredReason()
    {
        var backend = await StartBackendAsync();
        using var host = Build(backend);
        await StartReadyAsync(host);
        await backend.PushEventAsync(Events.FriendRequest(1, 50));
        await backend.PushEventAsync(Events.JoinRequest(2, 51, Group));
        var accept = await backend.WaitForCommandAsync(c => c.Command == "resp_newFriendRequestEvent", Bound);
        Assert.Equal(0, accept.Content.GetProperty("operate").GetInt32());
        var reject = await backend.WaitForCommandAsync(c => c.Command == "resp_memberJoinRequestEvent", Bound);
        Assert.Equal(1, reject.Content.GetProperty("operate").GetInt32());
        Assert.Equal("Answer the entry question first.", reject.Content.GetProperty("message").GetString());
        await host.StopAsync(TestToken);
    }

    [Fact]
    public async Task MembersAndMute_UseTheGroupCommands()
    {
        var backend = await StartBackendAsync();
        backend.Handle("memberList", _ => CommandReply.Data("""{"code":0,"msg":"","data":[{"id":1,"memberName":"a","permission":"MEMBER","group":{"id":700,"name":"g","permission":"MEMBER"}},{"id":2,"memberName":"b","permission":"MEMBER","group":{"id":700,"name":"g","permission":"MEMBER"}}]}"""));
        using var host = Build(backend);
        await StartReadyAsync(host);
        await backend.PushGroupMessageAsync(Group, Member, "/members");
        await WaitForSentAsync(backend, "sendGroupMessage", Group, t => t == "2 members");
        await backend.PushEventAsync(Events.Group(Group, Admin, "/mute ", mention: 888, permission: "OWNER"));
        var mute = await backend.WaitForCommandAsync(c => c.Command == "mute", Bound);
        Assert.Equal(Group, mute.Content.GetProperty("target").GetInt64());
        Assert.Equal(888, mute.Content.GetProperty("memberId").GetInt64());
        Assert.Equal(600, mute.Content.GetProperty("time").GetInt32());
        await host.StopAsync(TestToken);
    }

    [Fact]
    public async Task Stop_DuringA60sLlmCall_TakesUnder3s_WithTheHostsDefaultSettings()
    {
        var backend = await StartBackendAsync();
        using var host = Build(backend, llmDelay: "00:01:00");
        await StartReadyAsync(host);
        await backend.PushGroupMessageAsync(Group, Member, "/ask slow");
        await Task.Delay(200, TestToken);
        var elapsed = await TimeAsync(() => host.StopAsync(TestToken));
        Output.WriteLine($"stop during a 60 s LLM call: {elapsed.TotalMilliseconds:F0} ms");
        Assert.True(elapsed < TimeSpan.FromSeconds(3), $"took {elapsed}");
        Assert.Empty(Sent(backend, "sendGroupMessage", Group));
    }

    [Fact]
    public void Docs_ShowTheSameBotAsThisCompiledFile()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "MiraiClient.sln")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        var source = File.ReadAllText(Path.Combine(root.FullName, "tests", "MiraiClient.Tests", "Hosting", "TrialBot", "TrialBot.cs")).ReplaceLineEndings("\n").TrimEnd();
        var docs = File.ReadAllText(Path.Combine(root.FullName, "docs", "hosting.md")).ReplaceLineEndings("\n");
        Assert.Contains("```csharp\n" + source + "\n```", docs, StringComparison.Ordinal);
    }

    private IHost Build(FakeMiraiBackend backend, string llmDelay = "00:00:00.200")
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var config = ConfigFor(backend);
        config["Bot:JoinRejectReason"] = "Answer the entry question first.";
        config["Bot:LlmDelay"] = llmDelay;
        builder.Configuration.AddInMemoryCollection(config);
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddProvider(Logs);
        builder.AddTrialBot();
        return builder.Build();
    }
}
