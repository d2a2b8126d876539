using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MiraiClient.Hosting;

namespace MiraiClient.Tests.Hosting;

/// <summary>Prompt stop with the host's default settings: a long handler is cancelled after the drain.</summary>
public class StopTests(ITestOutputHelper output) : HostedBotTestBase(output)
{
    [Fact]
    public async Task StopAsync_CancelsA60sHandlerWithin3s_WithTheHostsDefaultShutdownTimeout()
    {
        var backend = await StartBackendAsync();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = BuildHost(ConfigFor(backend), bot => bot.OnGroupMessage(async (ctx, ct) =>
        {
            started.TrySetResult();
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(60), ct);
                await ctx.ReplyAsync("too late", cancellationToken: ct);
            }
            catch (OperationCanceledException)
            {
                cancelled.TrySetResult();
                throw;
            }
        }));
        Assert.Equal(TimeSpan.FromSeconds(30), host.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
        await StartReadyAsync(host);
        await backend.PushGroupMessageAsync(1, 2, "/ask something slow");
        await Within(started.Task);

        var elapsed = await TimeAsync(() => host.StopAsync(TestToken));
        Output.WriteLine($"stop with a 60 s handler running, default host settings: {elapsed.TotalMilliseconds:F0} ms");
        Assert.True(elapsed < TimeSpan.FromSeconds(3), $"took {elapsed}");
        Assert.True(cancelled.Task.IsCompleted);
        Assert.Equal(ConnectionState.Disposed, host.Services.GetRequiredService<IMiraiConnection>().State);
        Assert.Single(Logs.Lines, l => l.EventId.Name == "HandlersCancelling");
        Assert.DoesNotContain(Logs.Lines, l => l.EventId.Name == "HandlersAbandoned");
        Assert.DoesNotContain(backend.ReceivedCommands, c => c.Command == "sendGroupMessage");
    }

    [Fact]
    public async Task StopAsync_LetsAHandlerThatFinishesWithinTheDrainSendItsReply()
    {
        var backend = await StartBackendAsync();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var config = ConfigFor(backend);
        config["Mirai:Hosting:DrainTimeout"] = "5s";
        using var host = BuildHost(config, bot => bot.OnGroupMessage(async (ctx, ct) =>
        {
            started.TrySetResult();
            await Task.Delay(300, ct);
            await ctx.ReplyAsync("finished", cancellationToken: ct);
        }));
        await StartReadyAsync(host);
        await backend.PushGroupMessageAsync(1, 2, "work");
        await Within(started.Task);
        await host.StopAsync(TestToken);
        Assert.Equal("finished", TextOf(Assert.Single(backend.ReceivedCommands, c => c.Command == "sendGroupMessage")));
        Assert.DoesNotContain(Logs.Lines, l => l.EventId.Name == "HandlersCancelling");
    }

    [Fact]
    public async Task StopAsync_WithAZeroDrain_CancelsAtOnce_AndEndsAHandlerWaitingForAMessage()
    {
        var backend = await StartBackendAsync();
        var outcome = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        var config = ConfigFor(backend);
        config["Mirai:Hosting:DrainTimeout"] = "00:00:00";
        using var host = BuildHost(config, bot => bot.OnFriendMessage(async (ctx, ct) =>
        {
            try
            {
                await ctx.WaitForNextMessageAsync(TimeSpan.FromHours(1), cancellationToken: ct);
            }
            catch (Exception ex)
            {
                outcome.TrySetResult(ex);
                throw;
            }
        }));
        await StartReadyAsync(host);
        await backend.PushFriendMessageAsync(5, "hello");
        await WaitUntilAsync(() => ((MiraiBotService)host.Services.GetRequiredService<IMiraiBotHost>()).Dispatcher!.WaiterCount == 1);
        var elapsed = await TimeAsync(() => host.StopAsync(TestToken));
        Assert.True(elapsed < TimeSpan.FromSeconds(3), $"took {elapsed}");
        Assert.IsAssignableFrom<OperationCanceledException>(await Within(outcome.Task));
    }
}
