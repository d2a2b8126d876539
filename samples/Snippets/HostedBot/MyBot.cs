#region hosting-my-bot
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MiraiClient;
using MiraiClient.Hosting;
#endregion

namespace Snippets.HostedBot;

#region hosting-my-bot
public static class MyBot
{
    public static void AddMyBot(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ILlmClient, MyLlmClient>();
        builder.Services.AddMiraiClient(builder.Configuration.GetSection("Mirai"));   // Uri, VerifyKey, QQ, ...
        builder.Services.AddMiraiBot()
            .Configure(builder.Configuration.GetSection("Mirai:Hosting"))            // optional: dispatch and stop
            .ConfigureCommands(o => o.MentionCommand = "ask")                        // "@bot …" runs /ask
            .AddCommand("ping", (ctx, ct) => ctx.ReplyAsync("pong", cancellationToken: ct))
            .AddCommand("ask", AskAsync, c => c.WithDescription("Ask the assistant", "<question>"))
            .AddCommand("mute", MuteAsync, c => c.RequireGroupAdmin("Only admins can mute."))
            .On<NewFriendRequestEvent>((ctx, ct) => ctx.AcceptAsync(ct))
            .AddHandler<FriendMessage, MyFriendHandler>();   // IMiraiEventHandler<FriendMessage>, scoped per event
    }

    private static async Task AskAsync(MiraiCommandContext ctx, CancellationToken ct)
    {
        var question = ctx.ArgumentText.Length > 0 ? ctx.ArgumentText
            : (await ctx.AskAsync("What do you want to ask?", TimeSpan.FromSeconds(30), cancellationToken: ct))?.MessageChain.ToPlainText();
        if (question is not null)
        {
            var llm = ctx.Services.GetRequiredService<ILlmClient>();
            await ctx.ReplyAsync(await llm.AskAsync(question, ct), quote: true, ct);
        }
    }

    private static async Task MuteAsync(MiraiCommandContext ctx, CancellationToken ct)
    {
        var group = ((GroupMessage)ctx.Event).Sender.Group.Id;                       // RequireGroupAdmin: groups only
        foreach (var at in ctx.Event.MessageChain.OfType<AtElement>().Where(at => at.Target != ctx.Bot.QQ))
            await ctx.Connection.Groups.MuteAsync(group, at.Target, TimeSpan.FromMinutes(10), ct);
    }
}
#endregion
