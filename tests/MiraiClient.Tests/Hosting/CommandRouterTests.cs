using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using MiraiClient.Hosting;

namespace MiraiClient.Tests.Hosting;

/// <summary>The command router: prefixes, names and aliases, arguments, help, mentions, filters, cooldowns.</summary>
[Collection(ProcessExitCode.Name)]
public class CommandRouterTests(ITestOutputHelper output) : HostedBotTestBase(output)
{
    private const long Group = 400;

    [Fact]
    public async Task Commands_RunByPrefixNameOrAlias_WithTheirArguments_AndIgnoreAnythingElse()
    {
        var backend = await StartBackendAsync();
        var runs = new ConcurrentQueue<string>();
        using var host = BuildHost(ConfigFor(backend), bot => bot
            .AddCommand("ask", (ctx, _) =>
            {
                runs.Enqueue($"{ctx.Event.Type} {ctx.Command} [{string.Join("|", ctx.Arguments)}] '{ctx.ArgumentText}'");
                return Task.CompletedTask;
            }, c => c.WithAliases("a", "问")));
        await StartReadyAsync(host);

        await backend.PushGroupMessageAsync(Group, 1, "/ask what is  mirai ");
        await backend.PushGroupMessageAsync(Group, 1, "  /A\u3000你好 世界");
        await backend.PushGroupMessageAsync(Group, 1, "/问 天气");
        await backend.PushGroupMessageAsync(Group, 1, "/unknown thing");
        await backend.PushGroupMessageAsync(Group, 1, "ask without prefix");
        await backend.PushGroupMessageAsync(Group, 1, "/ asking with a space");
        await backend.PushFriendMessageAsync(5, "/ask friend");
        await backend.PushEventAsync(Events.Temp(Group, 6, "/ask temp"));
        await backend.PushEventAsync("""{"type":"FriendSyncMessage","messageChain":[{"type":"Source","id":1,"time":1},{"type":"Plain","text":"/ask my own"}],"subject":{"id":5,"nickname":"f","remark":""}}""");
        await backend.PushFriendMessageAsync(5, "/ask last");
        await WaitUntilAsync(() => runs.Count >= 6);
        await Task.Delay(200, TestToken);
        string[] expected =
            [
                "GroupMessage ask [what|is|mirai] 'what is  mirai'",
                "GroupMessage ask [你好|世界] '你好 世界'",
                "GroupMessage ask [天气] '天气'",
                "FriendMessage ask [friend] 'friend'",
                "TempMessage ask [temp] 'temp'",
                "FriendMessage ask [last] 'last'",
            ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), runs.Order(StringComparer.Ordinal));
        await host.StopAsync(TestToken);
    }

    [Fact]
    public async Task Help_ListsEveryCommandWithItsUsageAndDescription()
    {
        var backend = await StartBackendAsync();
        using var host = BuildHost(ConfigFor(backend), bot => bot
            .AddCommand("ask", (_, _) => Task.CompletedTask, c => c.WithDescription("Ask the assistant", "<question>"))
            .AddCommand("recall", (_, _) => Task.CompletedTask, c => c.WithDescription("Recall my last message"))
            .ConfigureCommands(o =>
            {
                o.Prefixes.Clear();
                o.Prefixes.Add("!");
                o.Prefixes.Add("！");
            }));
        await StartReadyAsync(host);
        await backend.PushGroupMessageAsync(Group, 1, "！help");
        var help = await WaitForSentAsync(backend, "sendGroupMessage", Group, _ => true);
        Assert.Equal("Commands:\n!ask <question> - Ask the assistant\n!recall - Recall my last message\n!help - Lists the commands", TextOf(help));
        await host.StopAsync(TestToken);
    }

    [Fact]
    public async Task MentionCommand_RunsWhenTheBotIsMentionedWithoutACommand()
    {
        var backend = await StartBackendAsync();
        var asked = new ConcurrentQueue<string>();
        using var host = BuildHost(ConfigFor(backend), bot => bot
            .AddCommand("ask", (ctx, _) =>
            {
                asked.Enqueue(ctx.ArgumentText);
                return Task.CompletedTask;
            })
            .ConfigureCommands(o => o.MentionCommand = "ask"));
        await StartReadyAsync(host);
        await backend.PushEventAsync(Events.Group(Group, 1, " what's up?", mention: 10001));
        await backend.PushEventAsync(Events.Group(Group, 1, " not for the bot", mention: 555));
        await backend.PushEventAsync(Events.Group(Group, 1, " /ask explicit", mention: 10001));
        await backend.PushGroupMessageAsync(Group, 1, "/ask done");
        await WaitUntilAsync(() => asked.Contains("done"));
        Assert.Equal(["what's up?", "explicit", "done"], asked);
        await host.StopAsync(TestToken);
    }

    [Fact]
    public async Task RequireGroupAdmin_LetsOnlyTheGroupsAdminsRunTheCommand_AndAnswersOthers()
    {
        var backend = await StartBackendAsync();
        var runs = new ConcurrentQueue<long>();
        using var host = BuildHost(ConfigFor(backend), bot => bot.AddCommand(
            "mute",
            (ctx, _) =>
            {
                runs.Enqueue(((GroupMessage)ctx.Event).Sender.Id);
                return Task.CompletedTask;
            },
            c => c.RequireGroupAdmin("Only admins can do that.")));
        await StartReadyAsync(host);
        await backend.PushEventAsync(Events.Group(Group, 1, "/mute x"));
        await WaitForSentAsync(backend, "sendGroupMessage", Group, t => t == "Only admins can do that.");
        await backend.PushEventAsync(Events.Group(Group, 2, "/mute x", permission: "ADMINISTRATOR"));
        await backend.PushEventAsync(Events.Group(Group, 3, "/mute x", permission: "OWNER"));
        await backend.PushFriendMessageAsync(4, "/mute x");
        await WaitForSentAsync(backend, "sendFriendMessage", 4, t => t == "Only admins can do that.");
        await WaitUntilAsync(() => runs.Count == 2);
        Assert.Equal([2L, 3L], runs.Order());
        Assert.Contains(Logs.Lines, l => l.EventId.Name == "CommandDenied" && l.Message.Contains("owner or administrator", StringComparison.Ordinal));
        await host.StopAsync(TestToken);
    }

    [Fact]
    public async Task Cooldown_LimitsHowOftenEachSenderRunsACommand()
    {
        var backend = await StartBackendAsync();
        var time = new FakeTimeProvider();
        var runs = new ConcurrentQueue<string>();
        using var host = BuildHost(
            ConfigFor(backend),
            bot => bot.AddCommand(
                "draw",
                async (ctx, ct) =>
                {
                    runs.Enqueue(ctx.ArgumentText);
                    await ctx.ReplyAsync("drawn " + ctx.ArgumentText, cancellationToken: ct);
                },
                c => c.WithCooldown(TimeSpan.FromSeconds(10), CooldownScope.Sender, "Wait {remaining} s.")),
            services => services.AddSingleton<TimeProvider>(time));
        await StartReadyAsync(host);

        await backend.PushGroupMessageAsync(Group, 1, "/draw 1");
        await WaitForSentAsync(backend, "sendGroupMessage", Group, t => t == "drawn 1");
        time.Advance(TimeSpan.FromSeconds(3));
        await backend.PushGroupMessageAsync(Group, 1, "/draw 2");
        await WaitForSentAsync(backend, "sendGroupMessage", Group, t => t == "Wait 7 s.");
        await backend.PushGroupMessageAsync(Group, 2, "/draw 3");
        await WaitForSentAsync(backend, "sendGroupMessage", Group, t => t == "drawn 3");
        time.Advance(TimeSpan.FromSeconds(7));
        await backend.PushGroupMessageAsync(Group, 1, "/draw 4");
        await WaitForSentAsync(backend, "sendGroupMessage", Group, t => t == "drawn 4");
        Assert.Equal(["1", "3", "4"], runs);
        await host.StopAsync(TestToken);
    }

    [Fact]
    public async Task FailingCommand_IsLoggedWithItsName_AndTheNextCommandRuns()
    {
        var backend = await StartBackendAsync();
        using var host = BuildHost(ConfigFor(backend), bot => bot
            .AddCommand("boom", (_, _) => throw new InvalidOperationException("command bug"))
            .AddCommand("ping", (ctx, ct) => ctx.ReplyAsync("pong", cancellationToken: ct)));
        await StartReadyAsync(host);
        await backend.PushGroupMessageAsync(Group, 1, "/boom");
        await backend.PushGroupMessageAsync(Group, 1, "/ping");
        await WaitForSentAsync(backend, "sendGroupMessage", Group, t => t == "pong");
        var failure = Assert.Single(Logs.Lines, l => l.EventId.Id == 2012);
        Assert.Contains("Command boom failed on a GroupMessage event", failure.Message, StringComparison.Ordinal);
        Assert.Contains("command bug", failure.Exception, StringComparison.Ordinal);
        Assert.DoesNotContain(Logs.Lines, l => l.EventId.Id == 2001);
        await host.StopAsync(TestToken);
    }

    [Theory]
    [InlineData("ask", "ask", "The command name 'ask' is registered twice.")]
    [InlineData("two words", "x", "The command name 'two words' is not valid")]
    public async Task BadCommandNames_StopTheHostAtStart_WithExitCode3(string first, string second, string expected)
    {
        var backend = await StartBackendAsync();
        using var host = BuildHost(ConfigFor(backend), bot => bot
            .AddCommand(first, (_, _) => Task.CompletedTask)
            .AddCommand(second, (_, _) => Task.CompletedTask));
        var code = await ProcessExitCode.CaptureAsync(() => host.RunAsync(TestToken).WaitAsync(TimeSpan.FromSeconds(15), TestToken));
        Assert.Equal(3, code);
        Assert.Contains(expected, Assert.Single(Logs.Lines, l => l.EventId.Name == "ConfigurationInvalid").Message, StringComparison.Ordinal);
    }
}
