using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MiraiClient.Hosting;
using MiraiClient.Testing;
using MiraiClient.Tests.Hosting;

namespace MiraiClient.Tests.RealServers;

/// <summary>A hosted bot (MiraiClient.Hosting) keeps answering through what real deployments do to it: an
/// announced and a silent relogin, and on Overflow a backend restart. The liveness options bind from
/// configuration like every other option.</summary>
[Collection(ProcessExitCode.Name)]
public sealed class HostedReloginTests(ITestOutputHelper output) : HostedBotTestBase(output)
{
    private static void PingBot(IMiraiBotBuilder bot) =>
        bot.AddCommand("ping", (ctx, ct) => ctx.ReplyAsync("pong", cancellationToken: ct));

    private static async Task PingAsync(FakeMiraiBackend backend, int expectedPongs, TimeSpan? bound = null)
    {
        await backend.PushGroupMessageAsync(555, 1, "/ping");
        await backend.WaitForCommandAsync(
            c => c.Command == "sendGroupMessage" && backend.ReceivedCommands.Count(x => x.Command == "sendGroupMessage" && TextOf(x) == "pong") == expectedPongs,
            bound ?? Bound);
    }

    [Fact]
    public async Task HostedPingBot_AnswersAgain_AfterAnAnnouncedRelogin_AtDefaultLivenessOptions()
    {
        var backend = await StartBackendAsync();
        using var host = BuildHost(ConfigFor(backend), PingBot);
        await StartReadyAsync(host);
        await PingAsync(backend, 1);

        var clock = Stopwatch.StartNew();
        await Within(backend.ReloginAsync(new FakeRelogin { OfflineWindow = TimeSpan.FromSeconds(1) }, TestToken));
        await backend.WaitForHandshakesAsync(2, TimeSpan.FromSeconds(15));
        await PingAsync(backend, 2);

        Output.WriteLine($"announced relogin: answered /ping again {clock.ElapsedMilliseconds} ms after it started (1 s offline)");
        await host.StopAsync(TestToken);
    }

    [Fact]
    public async Task HostedPingBot_AnswersAgain_AfterASilentRelogin_WithTheCheckIntervalFromConfiguration()
    {
        var backend = await StartBackendAsync();
        var config = ConfigFor(backend);
        config["Mirai:BotLiveness:CheckInterval"] = "1s";
        config["Mirai:BotLiveness:RecoveryPollInterval"] = "200ms";
        using var host = BuildHost(config, PingBot);
        var options = host.Services.GetRequiredService<IOptions<MiraiConnectionOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(1), options.BotLiveness.CheckInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(200), options.BotLiveness.RecoveryPollInterval);
        await StartReadyAsync(host);
        await PingAsync(backend, 1);

        var clock = Stopwatch.StartNew();
        await Within(backend.ReloginAsync(new FakeRelogin { Announce = false }, TestToken));
        await backend.WaitForHandshakesAsync(2, TimeSpan.FromSeconds(15));
        await PingAsync(backend, 2);

        Output.WriteLine($"silent relogin: answered /ping again {clock.ElapsedMilliseconds} ms after it (check every 1 s)");
        await host.StopAsync(TestToken);
    }

    [Fact]
    public async Task HostedGroupMessageHandler_AnswersAgain_AfterASilentRelogin_WhenItsOwnSendFailed()
    {
        var backend = await StartBackendAsync();
        var failures = new List<MiraiFailureKind>();
        using var host = BuildHost(ConfigFor(backend), bot => bot.OnGroupMessage(async (ctx, ct) =>
        {
            if (ctx.Event.MessageChain.ToPlainText() == "/ping")
            {
                await ctx.ReplyAsync("pong", cancellationToken: ct);
            }
        }));
        await StartReadyAsync(host);
        var connection = host.Services.GetRequiredService<IMiraiConnection>();
        await PingAsync(backend, 1);
        await Within(backend.ReloginAsync(new FakeRelogin { Announce = false }, TestToken));

        // The bot's own periodic work is what fails first on a stale session; that failure starts the recovery
        // at the default options, long before the 60 s check.
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<MiraiApiException>(() => Within(connection.SendGroupMessageAsync(555, "scheduled notice", cancellationToken: TestToken)));
        failures.Add(error.FailureKind);
        await backend.WaitForHandshakesAsync(2, TimeSpan.FromSeconds(15));
        await PingAsync(backend, 2);

        Output.WriteLine($"silent relogin noticed by a failed send: answered /ping again {clock.ElapsedMilliseconds} ms later (default options)");
        Assert.Equal([MiraiFailureKind.TargetNotFound], failures);
        await host.StopAsync(TestToken);
    }

    [Fact]
    public async Task HostedPingBot_OnOverflow_Answers_SurvivesABackendRestart_AndASilentRelogin()
    {
        var backend = await StartBackendAsync(o => o.Profile = FakeServerProfile.Overflow);
        var config = ConfigFor(backend);
        config["Mirai:BotLiveness:CheckInterval"] = "1s";
        using var host = BuildHost(config, PingBot);
        await StartReadyAsync(host);
        await PingAsync(backend, 1);

        await backend.RestartAsync(TimeSpan.FromMilliseconds(500), TestToken);
        await backend.WaitForHandshakesAsync(2, TimeSpan.FromSeconds(15));
        await PingAsync(backend, 2);

        await Within(backend.ReloginAsync(new FakeRelogin { OfflineWindow = TimeSpan.FromMilliseconds(500) }, TestToken));
        await backend.WaitForHandshakesAsync(3, TimeSpan.FromSeconds(15));
        await PingAsync(backend, 3);
        await host.StopAsync(TestToken);
    }

    [Fact]
    public async Task InvalidBotLivenessOption_UnderTheBotHost_StopsWithExitCode3_NamingTheKey()
    {
        var config = new Dictionary<string, string?> { ["Mirai:Uri"] = "ws://127.0.0.1:1", ["Mirai:QQ"] = "1", ["Mirai:BotLiveness:CheckInterval"] = "-00:00:05" };
        using var host = BuildHost(config, _ => { });
        var code = await ProcessExitCode.CaptureAsync(() => host.RunAsync(TestToken).WaitAsync(TimeSpan.FromSeconds(15), TestToken));

        Assert.Equal(3, code);
        var critical = Assert.Single(Logs.Lines, l => l.EventId.Name == "ConfigurationInvalid");
        Assert.Equal(LogLevel.Critical, critical.Level);
        Assert.Contains("Configuration key 'Mirai:BotLiveness:CheckInterval' is not valid: BotLiveness.CheckInterval must be positive", critical.Message, StringComparison.Ordinal);
    }
}
