using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MiraiClient;
using MiraiClient.Hosting;

namespace TrialBot;

/// <summary>The user trial's LLM bot on MiraiClient.Hosting: /ask (or @bot), /recall, /members, /mute,
/// friend echo, and answers to friend and join requests.</summary>
public static class TrialBotSetup
{
    public static void AddTrialBot(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<BotSettings>(builder.Configuration.GetSection("Bot"));
        builder.Services.AddSingleton<ILlmClient, FakeLlmClient>();
        builder.Services.AddSingleton<SentMessages>();
        builder.Services.AddMiraiClient(builder.Configuration.GetSection("Mirai"));
        builder.Services.AddMiraiBot()
            .Configure(builder.Configuration.GetSection("Mirai:Hosting"))
            .ConfigureCommands(o => o.MentionCommand = "ask")
            .AddCommand("ask", AskAsync, c => c.WithDescription("Ask the assistant", "[question]"))
            .AddCommand("recall", RecallAsync, c => c.WithDescription("Recall my last answer here").Unordered()
                .Where(ctx => ctx.Event is not GroupMessage { Sender.Permission: GroupPermission.Member }, "Only admins can recall."))
            .AddCommand("members", MembersAsync, c => c.WithDescription("Count the members").Where(ctx => ctx.Event is GroupMessage))
            .AddCommand("mute", MuteAsync, c => c.WithDescription("Mute for 10 minutes", "@member").RequireGroupAdmin("Only admins can mute."))
            .OnFriendMessage(EchoAsync)
            .On<NewFriendRequestEvent>((ctx, ct) => ctx.AcceptAsync(ct))
            .On<MemberJoinRequestEvent>((ctx, ct) => ctx.RejectAsync(Settings(ctx.Services).JoinRejectReason, ct));
    }

    private static async Task AskAsync(MiraiCommandContext ctx, CancellationToken ct)
    {
        var question = ctx.ArgumentText;
        if (question.Length == 0)
        {
            var answer = await ctx.AskAsync("What do you want to ask?", TimeSpan.FromSeconds(30), cancellationToken: ct);
            if (answer is null)
            {
                return;
            }

            question = answer.MessageChain.ToPlainText().Trim();
        }

        var reply = await ctx.Services.GetRequiredService<ILlmClient>().AskAsync(question, ct);
        var id = await ctx.ReplyAsync(reply, quote: true, ct);
        ctx.Services.GetRequiredService<SentMessages>().Record(ctx.Event, id);
    }

    private static async Task RecallAsync(MiraiCommandContext ctx, CancellationToken ct)
    {
        if (ctx.Services.GetRequiredService<SentMessages>().Take(ctx.Event) is { } last)
        {
            await ctx.Connection.RecallAsync(last.Target, last.MessageId, ct);
        }
    }

    private static async Task MembersAsync(MiraiCommandContext ctx, CancellationToken ct)
    {
        var members = await ctx.Connection.Contacts.GetMembersAsync(((GroupMessage)ctx.Event).Sender.Group.Id, ct);
        await ctx.ReplyAsync($"{members.Count} members", cancellationToken: ct);
    }

    private static async Task MuteAsync(MiraiCommandContext ctx, CancellationToken ct)
    {
        var group = ((GroupMessage)ctx.Event).Sender.Group.Id;
        foreach (var target in ctx.Event.MessageChain.OfType<AtElement>().Where(at => at.Target != ctx.Bot.QQ))
        {
            await ctx.Connection.Groups.MuteAsync(group, target.Target, TimeSpan.FromMinutes(10), ct);
        }
    }

    private static async Task EchoAsync(MiraiEventContext<FriendMessage> ctx, CancellationToken ct)
    {
        var text = ctx.Event.MessageChain.ToPlainText();
        if (!text.StartsWith('/'))
        {
            var chain = new MessageChainBuilder().Text("You said: " + text).ImageFromUrl(Settings(ctx.Services).ImageUrl).Face(14).Build();
            await ctx.ReplyAsync(chain, cancellationToken: ct);
        }
    }

    private static BotSettings Settings(IServiceProvider services) => services.GetRequiredService<IOptions<BotSettings>>().Value;
}

public sealed class BotSettings
{
    public string JoinRejectReason { get; set; } = "";

    public string ImageUrl { get; set; } = "https://example.org/cat.png";

    public TimeSpan LlmDelay { get; set; } = TimeSpan.FromSeconds(3);
}

public interface ILlmClient
{
    Task<string> AskAsync(string question, CancellationToken cancellationToken);
}

public sealed class FakeLlmClient(IOptions<BotSettings> settings) : ILlmClient
{
    public async Task<string> AskAsync(string question, CancellationToken cancellationToken)
    {
        await Task.Delay(settings.Value.LlmDelay, cancellationToken);
        return $"An answer to: {question}";
    }
}

/// <summary>The bot's last message per chat, so /recall can take it back (mirai keeps no sent history).</summary>
public sealed class SentMessages
{
    private readonly ConcurrentDictionary<(bool Group, long Target), int> _last = new();

    public void Record(MessageEvent answered, int messageId)
    {
        // -1: mirai sent it but got no id (risk control); such a message cannot be recalled.
        if (messageId != -1 && Chat(answered) is { } chat)
        {
            _last[chat] = messageId;
        }
    }

    public (long Target, int MessageId)? Take(MessageEvent command) =>
        Chat(command) is { } chat && _last.TryRemove(chat, out var id) ? (chat.Target, id) : null;

    private static (bool Group, long Target)? Chat(MessageEvent message) => message switch
    {
        GroupMessage group => (true, group.Sender.Group.Id),
        FriendMessage friend => (false, friend.Sender.Id),
        _ => null,
    };
}
