using MiraiClient.Hosting;

namespace ConsoleBot;

/// <summary>The sample bot's commands: <c>/ping</c>, <c>/echo text</c>, <c>/slow</c>, and the built-in <c>/help</c>,
/// the same for mirai and for OneBot.</summary>
internal static class SampleCommands
{
    /// <summary>How long <c>/slow</c> works, like a slow LLM call: far longer than any stop may take.</summary>
    public static readonly TimeSpan SlowWork = TimeSpan.FromSeconds(60);

    public static IMiraiBotBuilder AddSampleCommands(this IMiraiBotBuilder bot) => bot
        .AddCommand("ping", (ctx, ct) => ctx.ReplyAsync("pong", cancellationToken: ct), c => c.WithDescription("Answers pong"))
        .AddCommand("echo", EchoAsync, c => c.WithDescription("Repeats the text", "<text>"))
        .AddCommand("slow", SlowAsync, c => c.WithDescription("Works for a minute, like a slow LLM call; stopping the bot cancels it"));

    /// <summary>The same commands for OneBot bots; their replies quote the message they answer.</summary>
    public static IOneBotBuilder AddSampleCommands(this IOneBotBuilder bot) => bot
        .AddCommand("ping", (ctx, ct) => ctx.ReplyAsync("pong", cancellationToken: ct), c => c.WithDescription("Answers pong"))
        .AddCommand("echo", EchoAsync, c => c.WithDescription("Repeats the text", "<text>"))
        .AddCommand("slow", SlowAsync, c => c.WithDescription("Works for a minute, like a slow LLM call; stopping the bot cancels it"));

    private static async Task EchoAsync(MiraiCommandContext ctx, CancellationToken ct)
    {
        if (ctx.ArgumentText.Length > 0)
        {
            await ctx.ReplyAsync(ctx.ArgumentText, cancellationToken: ct);
        }
    }

    private static async Task SlowAsync(MiraiCommandContext ctx, CancellationToken ct)
    {
        await ctx.ReplyAsync("working on it…", cancellationToken: ct);
        await Task.Delay(SlowWork, ct);
        await ctx.ReplyAsync("done", cancellationToken: ct);
    }

    private static async Task EchoAsync(OneBotCommandContext ctx, CancellationToken ct)
    {
        if (ctx.ArgumentText.Length > 0)
        {
            await ctx.ReplyAsync(ctx.ArgumentText, cancellationToken: ct);
        }
    }

    private static async Task SlowAsync(OneBotCommandContext ctx, CancellationToken ct)
    {
        await ctx.ReplyAsync("working on it…", cancellationToken: ct);
        await Task.Delay(SlowWork, ct);
        await ctx.ReplyAsync("done", cancellationToken: ct);
    }
}
