using System.Diagnostics;
using System.Net.WebSockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MiraiClient.AspNetCore.Tests.Infrastructure;
using MiraiClient.Hosting;
using MiraiClient.OneBot;
using MiraiClient.Testing.OneBot;

namespace MiraiClient.AspNetCore.Tests;

/// <summary>The Generic Host bot host serving the accounts that dial in, with the server it runs itself.</summary>
public sealed class BotHostServerModeTests
{
    private const string Token = "host-T0ken-secret";
    private const string Path = "/onebot/v11/ws";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);
    private static readonly FakeOneBotDialOptions NoRedial = new() { ReconnectInterval = TimeSpan.FromMinutes(10) };

    [Fact]
    public async Task ServeReverseWebSocket_ServesEachAccountAsItsOwnBot_AndRepliesThroughItsSocket()
    {
        await using var run = await HostRun.StartAsync(bot => bot.AddCommand("ping", (ctx, ct) => ctx.ReplyAsync($"pong from {ctx.Bot.SelfId} ({ctx.Bot.Name})", quote: false, ct)));
        await using var alpha = await FakeOneBotImplementation.StartAsync(new FakeOneBotOptions { SelfId = 41001, AccessToken = Token });
        await using var beta = await FakeOneBotImplementation.StartAsync(new FakeOneBotOptions { SelfId = 41002, AccessToken = Token });
        await using var alphaDial = await alpha.DialAsync(run.Uri, NoRedial, TestContext.Current.CancellationToken);
        await using var betaDial = await beta.DialAsync(run.Uri, NoRedial, TestContext.Current.CancellationToken);
        await run.WaitForBotsAsync(2);

        await alpha.PushGroupMessageAsync(500, 7, "/ping");
        await beta.PushGroupMessageAsync(500, 7, "/ping");
        var alphaReply = await alpha.WaitForActionAsync("send_group_msg", Bound);
        var betaReply = await beta.WaitForActionAsync("send_group_msg", Bound);

        // Each account's event reached a handler that knew the account, and the reply left through that account's socket.
        Assert.Equal("pong from 41001 (41001)", alphaReply.Send!.Text);
        Assert.Equal("pong from 41002 (41002)", betaReply.Send!.Text);
        Assert.DoesNotContain(alpha.ReceivedActions, a => a.Action == "send_group_msg" && a.Send!.Text.Contains("41002", StringComparison.Ordinal));
        Assert.Equal(["41001", "41002"], run.OneBotHost.Bots.Select(b => b.Name).Order());
        Assert.Contains(run.Logs.Lines, l => l.EventId == 2018 && l.Text.Contains("127.0.0.1:", StringComparison.Ordinal));
        Assert.DoesNotContain(Token, run.Logs.OwnText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServeReverseWebSocket_KeepsOtherAccountsAnswering_WhenOneAccountFloodsSlowHandlers()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = 0;
        await using var run = await HostRun.StartAsync(
            bot => bot
                .AddCommand("slow", async (ctx, ct) =>
                {
                    Interlocked.Increment(ref started);
                    await release.Task.WaitAsync(ct);
                })
                .AddCommand("ping", (ctx, ct) => ctx.ReplyAsync("pong", quote: false, ct))
                .Configure(o =>
                {
                    o.MaxConcurrentHandlers = 4;
                    o.MaxConcurrentHandlersPerBot = 2;
                }));
        await using var busy = await FakeOneBotImplementation.StartAsync(new FakeOneBotOptions { SelfId = 42001, AccessToken = Token });
        await using var quiet = await FakeOneBotImplementation.StartAsync(new FakeOneBotOptions { SelfId = 42002, AccessToken = Token });
        await using var busyDial = await busy.DialAsync(run.Uri, NoRedial, TestContext.Current.CancellationToken);
        await using var quietDial = await quiet.DialAsync(run.Uri, NoRedial, TestContext.Current.CancellationToken);
        await run.WaitForBotsAsync(2);

        // Twenty conversations of one account, each stuck in a handler: without a per-account limit they would take
        // every one of the host's four slots.
        for (var group = 0; group < 20; group++)
        {
            await busy.PushGroupMessageAsync(600 + group, 8, "/slow");
        }

        await Wait.UntilAsync(() => Volatile.Read(ref started) == 2, Bound, () => $"{started} slow handlers started");
        var watch = Stopwatch.StartNew();
        await quiet.PushGroupMessageAsync(700, 9, "/ping");
        var reply = await quiet.WaitForActionAsync("send_group_msg", Bound);
        var answeredIn = watch.Elapsed;

        Assert.Equal("pong", reply.Send!.Text);
        Assert.True(answeredIn < TimeSpan.FromSeconds(5), $"the other account was answered after {answeredIn.TotalMilliseconds:0} ms");
        Assert.Equal(2, Volatile.Read(ref started));
        release.TrySetResult();
        await Wait.UntilAsync(() => Volatile.Read(ref started) == 20, Bound, () => $"{started} slow handlers started after the release");
    }

    [Fact]
    public async Task Stop_DrainsHandlersThenClosesEveryAccount_WithinItsBound()
    {
        var inHandler = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var mayReply = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var run = await HostRun.StartAsync(
            bot => bot
                .AddCommand("late", async (ctx, ct) =>
                {
                    inHandler.TrySetResult();
                    await mayReply.Task.WaitAsync(ct);
                    await ctx.ReplyAsync("late reply", quote: false, ct);
                })
                .Configure(o => o.DrainTimeout = TimeSpan.FromSeconds(3)));
        var fakes = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => FakeOneBotImplementation.StartAsync(new FakeOneBotOptions { SelfId = 43000 + i, AccessToken = Token })));
        var dials = await Task.WhenAll(fakes.Select(f => f.DialAsync(run.Uri, NoRedial, TestContext.Current.CancellationToken)));
        try
        {
            await run.WaitForBotsAsync(10);
            await fakes[0].PushGroupMessageAsync(800, 10, "/late");
            await inHandler.Task.WaitAsync(Bound, TestContext.Current.CancellationToken);

            // Stop while the handler still has its reply to send: the drain lets it, through a socket still open.
            var watch = Stopwatch.StartNew();
            var stop = run.Host.StopAsync(CancellationToken.None);
            await Task.Delay(300, TestContext.Current.CancellationToken);
            mayReply.TrySetResult();
            await stop.WaitAsync(Bound, TestContext.Current.CancellationToken);
            var stoppedIn = watch.Elapsed;

            Assert.Contains(fakes[0].ReceivedActions, a => a.Action == "send_group_msg" && a.Send!.Text == "late reply");
            Assert.True(stoppedIn < TimeSpan.FromSeconds(8), $"stop took {stoppedIn.TotalMilliseconds:0} ms");
            Assert.All(run.OneBotHost.Bots, b => Assert.Equal(ConnectionState.Disposed, b.Connection.State));
            await Wait.UntilAsync(() => fakes.All(f => f.ConnectionCount == 0), Bound, () => string.Join(", ", fakes.Select(f => f.ConnectionCount)));
        }
        finally
        {
            foreach (var dial in dials)
            {
                await dial.DisposeAsync();
            }

            foreach (var fake in fakes)
            {
                await fake.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task ServeReverseWebSocket_StopsTheHostWithExitCode3AndNamesTheKey_WhenUrlIsMissing()
    {
        var logs = new LogSink();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["OneBot:Server:Path"] = "/ws", ["OneBot:Server:AccessToken"] = Token });
        builder.Logging.ClearProviders().AddProvider(logs);
        builder.Services.AddOneBot().AddCommand("ping", (ctx, ct) => Task.CompletedTask).ServeReverseWebSocket(builder.Configuration.GetSection("OneBot:Server"));
        using var host = builder.Build();
        var previous = Environment.ExitCode;
        try
        {
            await host.StartAsync(TestContext.Current.CancellationToken);
            await host.WaitForShutdownAsync(TestContext.Current.CancellationToken).WaitAsync(Bound, TestContext.Current.CancellationToken);
            Assert.Equal(3, Environment.ExitCode);
        }
        finally
        {
            Environment.ExitCode = previous;
        }

        var critical = Assert.Single(logs.Lines, l => l.EventId == 2007);
        Assert.Contains("OneBot:Server:Url", critical.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, logs.AllText, StringComparison.Ordinal);
        var ready = host.Services.GetRequiredService<IOneBotHost>().WaitUntilReadyAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);
        await Assert.ThrowsAsync<InvalidOperationException>(() => ready);
    }

    [Fact]
    public async Task ServeReverseWebSocket_ServesMiraiAccounts_AndRepliesThroughTheirSockets()
    {
        const string VerifyKey = "mirai-verify-KEY";
        var port = Ports.FreeLoopback();
        var logs = new LogSink();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mirai:Server:Url"] = $"http://127.0.0.1:{port}",
            ["Mirai:Server:Path"] = "/mah",
            ["Mirai:Server:VerifyKey"] = VerifyKey,
        });
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddMiraiBot()
            .AddCommand("ping", (ctx, ct) => ctx.ReplyAsync(MessageChain.FromText($"pong from {ctx.Bot.QQ}"), cancellationToken: ct))
            .ServeReverseWebSocket(builder.Configuration.GetSection("Mirai:Server"));
        using var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            var uri = new Uri($"ws://127.0.0.1:{port}/mah");
            await using var first = await FakeMahReverseClient.ConnectAsync(uri, 51001, VerifyKey);
            await using var second = await FakeMahReverseClient.ConnectAsync(uri, 51002, VerifyKey);
            await first.Verified.WaitAsync(Bound, TestContext.Current.CancellationToken);
            await second.Verified.WaitAsync(Bound, TestContext.Current.CancellationToken);
            var bots = host.Services.GetRequiredService<IMiraiBotHost>();
            await Wait.UntilAsync(() => bots.Bots.Count == 2 && bots.Bots.All(b => b.Connection.State == ConnectionState.Connected), Bound, () => logs.AllText);

            foreach (var (client, qq) in new[] { (first, 51001L), (second, 51002L) })
            {
                await client.PushEventAsync($"{{\"type\":\"GroupMessage\",\"sender\":{{\"id\":7,\"memberName\":\"m\",\"permission\":\"MEMBER\",\"group\":{{\"id\":900,\"name\":\"g\",\"permission\":\"MEMBER\"}}}},\"messageChain\":[{{\"type\":\"Source\",\"id\":1,\"time\":1}},{{\"type\":\"Plain\",\"text\":\"/ping\"}}]}}");
                await Wait.UntilAsync(() => client.Commands.Any(c => c["command"]?.GetValue<string>() == "sendGroupMessage"), Bound, () => logs.AllText);
                var send = client.Commands.First(c => c["command"]?.GetValue<string>() == "sendGroupMessage");
                Assert.Contains($"pong from {qq}", send.ToJsonString(), StringComparison.Ordinal);
            }

            Assert.DoesNotContain(VerifyKey, logs.AllText, StringComparison.Ordinal);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None).WaitAsync(Bound, TestContext.Current.CancellationToken);
        }
    }


    /// <summary>A Generic Host (no web application) running the OneBot bot host with its own reverse WebSocket server.</summary>
    private sealed class HostRun : IAsyncDisposable
    {
        private HostRun(IHost host, LogSink logs, Uri uri)
        {
            Host = host;
            Logs = logs;
            Uri = uri;
        }

        public IHost Host { get; }

        public LogSink Logs { get; }

        public Uri Uri { get; }

        public IOneBotHost OneBotHost => Host.Services.GetRequiredService<IOneBotHost>();

        public static async Task<HostRun> StartAsync(Action<IOneBotBuilder> configure)
        {
            var port = Ports.FreeLoopback();
            var logs = new LogSink();
            var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
            var bot = builder.Services.AddOneBot().ServeReverseWebSocket($"http://127.0.0.1:{port}", Path, o => o.AccessToken = Token);
            configure(bot);
            var host = builder.Build();
            await host.StartAsync(TestContext.Current.CancellationToken);
            await host.Services.GetRequiredService<IOneBotHost>().WaitUntilReadyAsync(TestContext.Current.CancellationToken).WaitAsync(Bound, TestContext.Current.CancellationToken);
            return new HostRun(host, logs, new Uri($"ws://127.0.0.1:{port}{Path}"));
        }

        public Task WaitForBotsAsync(int count) =>
            Wait.UntilAsync(() => OneBotHost.Bots.Count == count && OneBotHost.Bots.All(b => b.Connection.State == ConnectionState.Connected), Bound, () => Logs.AllText);

        public async ValueTask DisposeAsync()
        {
            using var cts = new CancellationTokenSource(Bound);
            try
            {
                await Host.StopAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
            }

            Host.Dispose();
        }
    }
}
