using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MiraiClient.Hosting;

namespace Snippets.HostedBot;

/// <summary>The README's OneBot v11 bot: the same host, the same commands, OneBot's types.</summary>
public static class MyOneBot
{
    public static void AddMyOneBot(this IHostApplicationBuilder builder)
    {
        #region hosting-onebot
        builder.Services.AddOneBotClient(builder.Configuration.GetSection("OneBot"));   // OneBot:Uri, OneBot:AccessToken, …
        builder.Services.AddOneBot()
            .AddCommand("ping", (ctx, ct) => ctx.ReplyAsync("pong", cancellationToken: ct))   // quotes the /ping
            .OnGroupMessage((ctx, ct) => ctx.IsMentioningMe ? ctx.ReplyAsync("You called?", cancellationToken: ct) : Task.CompletedTask);
        #endregion
    }
}
