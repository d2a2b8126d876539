using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MiraiClient.AspNetCore.Tests.Infrastructure;
using MiraiClient.Hosting;
using MiraiClient.OneBot;
using MiraiClient.Testing.OneBot;

namespace MiraiClient.AspNetCore.Tests;

/// <summary>One Generic Host bot process serving a hundred accounts that dial in: events flow to handlers, every
/// account is answered through its own socket while one account is frozen, and the stop is bounded.</summary>
public sealed class BotHostManyAccountsTests(ITestOutputHelper output)
{
    private const int Accounts = 100;
    private const int ChatterPerAccount = 50;
    private const string Path = "/onebot/v11/ws";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task BotHost_ServesHundredAccounts_WhileOneIsFrozen_AndStopsWithinItsBound()
    {
        var port = Ports.FreeLoopback();
        var logs = new LogSink();
        var handled = new ConcurrentDictionary<long, int>();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Information);
        builder.Services.AddOneBot()
            .Configure(o =>
            {
                o.MaxConcurrentHandlers = 32;
                o.MaxConcurrentHandlersPerBot = 4;
                o.MaxQueuedEvents = 20_000;
            })
            .OnGroupMessage((ctx, ct) =>
            {
                handled.AddOrUpdate(ctx.Bot.SelfId, 1, static (_, n) => n + 1);
                return Task.CompletedTask;
            })
            .AddCommand("ping", (ctx, ct) => ctx.ReplyAsync($"pong {ctx.Bot.SelfId}", quote: false, ct))
            .ServeReverseWebSocket($"http://127.0.0.1:{port}", Path, null);
        using var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        var bots = host.Services.GetRequiredService<IOneBotHost>();
        var uri = new Uri($"ws://127.0.0.1:{port}{Path}");
        var fakes = await Task.WhenAll(Enumerable.Range(0, Accounts).Select(i => FakeOneBotImplementation.StartAsync(new FakeOneBotOptions { SelfId = 2_000_000 + i })));
        var dialers = new List<FakeOneBotReverseClient>();
        var stopped = false;
        try
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var before = GC.GetTotalMemory(forceFullCollection: true);
            var dial = Stopwatch.StartNew();
            dialers.AddRange(await Task.WhenAll(fakes.Select(f => f.DialAsync(uri, new FakeOneBotDialOptions { ReconnectInterval = TimeSpan.FromMinutes(10) }, TestContext.Current.CancellationToken))));
            await Wait.UntilAsync(() => bots.Bots.Count == Accounts && bots.Bots.All(b => b.Connection.State == ConnectionState.Connected), Bound, () => $"{bots.Bots.Count} bots");
            var connectedIn = dial.Elapsed;
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var perAccount = (GC.GetTotalMemory(forceFullCollection: true) - before) / (double)Accounts;

            // Chatter from every account reaches the handlers, each event with its own account.
            var flow = Stopwatch.StartNew();
            await Task.WhenAll(fakes.Select(async f =>
            {
                for (var n = 0; n < ChatterPerAccount; n++)
                {
                    await f.PushGroupMessageAsync(900 + (n % 5), 7 + n, "chatter " + n);
                }
            }));
            await Wait.UntilAsync(() => handled.Values.Sum() == Accounts * ChatterPerAccount, Bound, () => $"{handled.Values.Sum()} handled");
            var flowTime = flow.Elapsed;
            Assert.All(fakes, f => Assert.Equal(ChatterPerAccount, handled[f.SelfId]));

            // One account freezes (a stopped process); every other account is still answered at once.
            fakes[0].Freeze();
            await fakes[0].PushGroupMessageAsync(901, 8, "/ping").WaitAsync(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            var latencies = await Task.WhenAll(fakes.Skip(1).Select(async f =>
            {
                var watch = Stopwatch.StartNew();
                var cursor = f.ActionCursor();
                await f.PushGroupMessageAsync(902, 9, "/ping");
                var sent = await cursor.NextSendAsync(Bound);
                Assert.Equal($"pong {f.SelfId}", sent.Text);
                return watch.Elapsed;
            }));
            var worst = latencies.Max();

            // Stop with every account connected (one of them frozen): bounded by the drain and each socket's close.
            var stop = Stopwatch.StartNew();
            await host.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
            var stopTime = stop.Elapsed;
            stopped = true;

            output.WriteLine($"{Accounts} accounts dialled in and were served in {connectedIn.TotalSeconds:0.00} s");
            output.WriteLine($"managed memory per account: {perAccount / 1024:0.0} KiB (both ends live in this process: fake implementation + served bot)");
            output.WriteLine($"{Accounts * ChatterPerAccount} events handled in {flowTime.TotalSeconds:0.00} s: {Accounts * ChatterPerAccount / flowTime.TotalSeconds:0} events/s through the bot host");
            output.WriteLine($"/ping answered on {Accounts - 1} accounts while one was frozen: median {latencies.Order().ElementAt(latencies.Length / 2).TotalMilliseconds:0} ms, worst {worst.TotalMilliseconds:0} ms");
            output.WriteLine($"stop with {Accounts} accounts connected: {stopTime.TotalMilliseconds:0} ms");
            Assert.True(worst < TimeSpan.FromSeconds(10), $"an account waited {worst.TotalMilliseconds:0} ms while another was frozen");
            Assert.True(stopTime < TimeSpan.FromSeconds(15), $"stop took {stopTime.TotalMilliseconds:0} ms");
            Assert.All(bots.Bots, b => Assert.Equal(ConnectionState.Disposed, b.Connection.State));
        }
        finally
        {
            if (!stopped)
            {
                await host.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60), CancellationToken.None);
            }

            fakes[0].Thaw();
            await Task.WhenAll(dialers.Select(d => d.StopAsync()));
            await Task.WhenAll(fakes.Select(f => f.DisposeAsync().AsTask()));
        }
    }
}
