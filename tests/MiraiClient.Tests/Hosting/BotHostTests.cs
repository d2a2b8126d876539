using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MiraiClient.Hosting;
using MiraiClient.Testing;

namespace MiraiClient.Tests.Hosting;

/// <summary>Several bots in one host, keyed registrations, state logging, readiness and fatal stops.</summary>
[Collection(ProcessExitCode.Name)]
public class BotHostTests(ITestOutputHelper output) : HostedBotTestBase(output)
{
    [Fact]
    public async Task AddMiraiBot_RunsEveryBotUnderMiraiBots_WithSharedDefaults_AndRepliesThroughTheBotTheEventCameFrom()
    {
        var key = "shared-" + Guid.NewGuid().ToString("N");
        var alphaBackend = await StartBackendAsync(o => o.VerifyKey = key);
        var betaBackend = await StartBackendAsync(o =>
        {
            o.VerifyKey = key;
            o.Bots.Clear();
            o.Bots.Add(10002);
        });
        var config = new Dictionary<string, string?>
        {
            ["Mirai:VerifyKey"] = key,
            ["Mirai:Reconnect:BaseDelay"] = "100ms",
            ["Mirai:Bots:alpha:Uri"] = alphaBackend.Uri.ToString(),
            ["Mirai:Bots:alpha:QQ"] = "10001",
            ["Mirai:Bots:beta:Uri"] = betaBackend.Uri.ToString(),
            ["Mirai:Bots:beta:QQ"] = "10002",
        };
        var seen = new ConcurrentQueue<string>();
        using var host = BuildHost(config, bot => bot.OnMessage(async (ctx, ct) =>
        {
            seen.Enqueue($"{ctx.Bot.Name}:{ctx.Bot.QQ}");
            await ctx.ReplyAsync($"{ctx.Bot.Name} says {ctx.Event.MessageChain.ToPlainText()}", cancellationToken: ct);
        }));
        await StartReadyAsync(host);

        Assert.Equal(["alpha", "beta"], host.Services.GetRequiredService<IMiraiBotHost>().Bots.Select(b => b.Name));
        Assert.Null(host.Services.GetService<IMiraiConnection>());
        var beta = host.Services.GetRequiredKeyedService<IMiraiConnection>("beta");
        Assert.Same(beta, host.Services.GetRequiredService<IMiraiBotHost>().Bots[1].Connection);

        await betaBackend.PushFriendMessageAsync(7, "hi");
        await WaitForSentAsync(betaBackend, "sendFriendMessage", 7, t => t == "beta says hi");
        await alphaBackend.PushGroupMessageAsync(8, 9, "yo");
        await WaitForSentAsync(alphaBackend, "sendGroupMessage", 8, t => t == "alpha says yo");
        Assert.Equal(["beta:10002", "alpha:10001"], seen);
        Assert.DoesNotContain(alphaBackend.ReceivedCommands, c => c.Command == "sendFriendMessage");
        Assert.DoesNotContain(betaBackend.ReceivedCommands, c => c.Command == "sendGroupMessage");
        await host.StopAsync(TestToken);
        Assert.Equal(ConnectionState.Disposed, beta.State);
    }

    [Fact]
    public async Task AddMiraiBot_RunsAKeyedConnectionRegisteredInCode_WithoutAnUnkeyedOne()
    {
        var backend = await StartBackendAsync();
        var replied = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = BuildHost(
            new Dictionary<string, string?>(),
            bot => bot.OnGroupMessage(async (ctx, ct) =>
            {
                await ctx.ReplyAsync("pong", cancellationToken: ct);
                replied.TrySetResult(ctx.Bot.Name);
            }),
            services => services.AddMiraiClient("alpha", o =>
            {
                o.Uri = backend.Uri;
                o.QQ = 10001;
            }),
            bindMirai: false);
        await StartReadyAsync(host);
        await backend.PushGroupMessageAsync(1, 2, "ping");
        Assert.Equal("alpha", await Within(replied.Task));
        await host.StopAsync(TestToken);
    }

    [Fact]
    public async Task AddMiraiClient_WithANameAndASection_RegistersAKeyedBoundConnection_ThatTheBotHostRuns()
    {
        var backend = await StartBackendAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Accounts:gamma:Uri"] = backend.Uri.ToString(),
            ["Accounts:gamma:QQ"] = "10001",
            ["Accounts:gamma:CommandTimeout"] = "7s",
        }).Build();
        using var host = BuildHost(
            new Dictionary<string, string?>(),
            bot => bot.OnGroupMessage((ctx, ct) => ctx.ReplyAsync(ctx.Bot.Name, cancellationToken: ct)),
            services => services.AddMiraiClient("gamma", configuration.GetSection("Accounts:gamma")),
            bindMirai: false);
        await StartReadyAsync(host);
        var options = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<MiraiConnectionOptions>>().Get("gamma");
        Assert.Equal(TimeSpan.FromSeconds(7), options.CommandTimeout);
        await backend.PushGroupMessageAsync(1, 2, "who");
        await WaitForSentAsync(backend, "sendGroupMessage", 1, t => t == "gamma");
        await host.StopAsync(TestToken);
    }

    [Fact]
    public async Task StateChanges_AreLoggedByTheHost_FromTheFirstTransition()
    {
        var backend = await StartBackendAsync();
        using var host = BuildHost(ConfigFor(backend), _ => { });
        await StartReadyAsync(host);
        await host.StopAsync(TestToken);

        // The last change is raised in the background once the connection is disposed.
        await WaitUntilAsync(() => Logs.Lines.Any(l => l.EventId.Id == 2009 && l.Message.Contains("-> Disposed", StringComparison.Ordinal)));
        var changes = Logs.Lines.Where(l => l.EventId.Id == 2009).ToList();
        Assert.All(changes, l => Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Information, l.Level));
        Assert.Equal("Bot default: NotStarted -> Connecting (None)", changes[0].Message);
        Assert.Contains(changes, l => l.Message == "Bot default: Connecting -> Connected (None)");
        Assert.True(changes[^1].Message.EndsWith("-> Disposed (Stopped)", StringComparison.Ordinal), string.Join("\n", changes.Select(c => c.Message)));
    }

    /// <summary>Two bots: alpha at <paramref name="alphaUri"/>, beta at <paramref name="betaUri"/> with a wrong verify key.</summary>
    private static Dictionary<string, string?> AlphaAndBetaWithAWrongKey(string alphaUri, Uri betaUri) => new()
    {
        ["Mirai:Bots:alpha:Uri"] = alphaUri,
        ["Mirai:Bots:alpha:QQ"] = "10001",
        ["Mirai:Bots:beta:Uri"] = betaUri.ToString(),
        ["Mirai:Bots:beta:QQ"] = "10001",
        ["Mirai:Bots:beta:VerifyKey"] = "wrong",
    };

    [Fact]
    public async Task WrongKeyForOneOfTwoBots_StopsTheHostWithExitCode3_NamingThatBot()
    {
        var good = await StartBackendAsync();
        var bad = await StartBackendAsync(o => o.VerifyKey = "right-" + Guid.NewGuid().ToString("N"));
        var config = AlphaAndBetaWithAWrongKey(good.Uri.ToString(), bad.Uri);
        using var host = BuildHost(config, _ => { });
        var bots = host.Services.GetRequiredService<IMiraiBotHost>();
        var code = await ProcessExitCode.CaptureAsync(() => host.RunAsync(TestToken).WaitAsync(TimeSpan.FromSeconds(15), TestToken));
        Assert.Equal(3, code);
        var fatal = Assert.Single(Logs.Lines, l => l.EventId.Name == "FatalStop");
        Assert.Contains("bot beta", fatal.Message, StringComparison.Ordinal);
        Assert.Contains("verify key", fatal.Message, StringComparison.Ordinal);
        var ready = await Assert.ThrowsAsync<InvalidOperationException>(() => bots.WaitUntilReadyAsync(TestToken).WaitAsync(TimeSpan.FromSeconds(15), TestToken));
        Assert.Contains("beta", ready.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitUntilReady_FailsNamingTheFailedBot_WhileAnotherBotIsStillConnecting()
    {
        // Alpha dials a port where nothing listens and keeps retrying; beta's key is wrong, which stops the host.
        // The wait must fail with beta's reason at once, not wait for alpha, which will never be ready.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var bad = await StartBackendAsync(o => o.VerifyKey = "right-" + Guid.NewGuid().ToString("N"));
        var config = AlphaAndBetaWithAWrongKey($"ws://127.0.0.1:{closedPort}", bad.Uri);
        using var host = BuildHost(config, _ => { });
        var bots = host.Services.GetRequiredService<IMiraiBotHost>();
        var code = await ProcessExitCode.CaptureAsync(async () =>
        {
            await host.StartAsync(TestToken);
            var ready = await Assert.ThrowsAsync<InvalidOperationException>(() => bots.WaitUntilReadyAsync(TestToken).WaitAsync(TimeSpan.FromSeconds(15), TestToken));
            Assert.Contains("beta", ready.Message, StringComparison.Ordinal);
            await host.WaitForShutdownAsync(TestToken).WaitAsync(TimeSpan.FromSeconds(15), TestToken);
        });
        Assert.Equal(3, code);
    }

    [Fact]
    public async Task AddMiraiBot_WithNoConnection_StopsTheHostWithExitCode3_SayingWhatToRegister()
    {
        using var host = BuildHost(new Dictionary<string, string?>(), _ => { }, bindMirai: false);
        var code = await ProcessExitCode.CaptureAsync(() => host.RunAsync(TestToken).WaitAsync(TimeSpan.FromSeconds(15), TestToken));
        Assert.Equal(3, code);
        var critical = Assert.Single(Logs.Lines, l => l.EventId.Name == "ConfigurationInvalid");
        Assert.Contains("AddMiraiClient", critical.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Logs.Lines, l => l.Level >= Microsoft.Extensions.Logging.LogLevel.Error && l.Exception is not null);
    }
}
