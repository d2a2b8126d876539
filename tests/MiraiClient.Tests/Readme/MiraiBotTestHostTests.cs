using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ConsoleBot;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MiraiClient.Hosting;
using MiraiClient.Testing;
using MiraiClient.Tests.Hosting;
using MiraiClient.Tests.Infrastructure;

namespace MiraiClient.Tests.Readme;

/// <summary>MiraiBotTestHost: a hosted bot's own registration against the fake, ready before the test pushes,
/// with the causes of a bot that does not get ready named, captured logs, and a bounded stop.</summary>
public class MiraiBotTestHostTests(ITestOutputHelper output) : ConnectionTestBase(output)
{
    [Fact]
    public async Task StartAsync_RunsTheSampleBotsRegistration_ConnectedAndKnowingItsQQ()
    {
        await using var bot = await MiraiBotTestHost.StartAsync(SampleBot, Options(), TestToken);
        Assert.Equal(10001, bot.BotQQ);
        Assert.Equal(ConnectionState.Connected, Assert.Single(bot.Bots).Connection.State);
        await bot.PushGroupMessageAsync(1, 2, "/ping");
        Assert.Equal("pong", (await bot.Sent.NextMessageAsync(Bound)).Text);
        await bot.PushFriendMessageAsync(3, "/echo 你好, Mirai 🌸");
        var echo = await bot.Sent.NextMessageAsync(Bound);
        Assert.Equal((SentMessageKind.Friend, 3L, "你好, Mirai 🌸"), (echo.Kind, echo.Target, echo.Text));
        Assert.Empty(bot.Logs.Errors);
    }

    [Fact]
    public async Task StartAsync_KeepsTheBotOnTheFake_WhenTheRegistrationAddsItsOwnSourcesAndLoggers()
    {
        await using var bot = await MiraiBotTestHost.StartAsync(
            builder =>
            {
                // What a Program.cs may do: a production address and account, and console logging.
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Mirai:Uri"] = "ws://127.0.0.1:9", ["Mirai:QQ"] = "555" });
                builder.Logging.AddSimpleConsole();
                SampleBot(builder);
            },
            Options(),
            TestToken);
        Assert.Equal(10001, bot.BotQQ);
        Assert.Single(bot.Services.GetServices<ILoggerProvider>());
        await bot.PushGroupMessageAsync(1, 2, "/ping");
        Assert.Equal("pong", (await bot.Sent.NextMessageAsync(Bound)).Text);
        Assert.Contains(bot.Logs.Entries, e => e.EventId.Id == 2009 && e.Message.Contains("Connected", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StartAsync_LearnsTheQQ_AndTheCursorStartsAfterIt_OnASingleModeServer()
    {
        var options = Options();
        options.BackendOptions = new FakeMiraiBackendOptions { SingleMode = true };
        await using var bot = await MiraiBotTestHost.StartAsync(SampleBot, options, TestToken);
        Assert.Equal(10001, bot.BotQQ);
        Assert.Contains(bot.Backend.ReceivedCommands, c => c.Command == "sessionInfo");
        await bot.PushGroupMessageAsync(1, 2, "/ping");
        await bot.Sent.NextMessageAsync(Bound);
        Assert.DoesNotContain(bot.Sent.Received, c => c.Command == "sessionInfo");
    }

    [Fact]
    public async Task StartAsync_PointsEveryBotAtTheFake_WithSeveralBots()
    {
        var options = Options();
        options.Bots["alpha"] = 10001;
        options.Bots["beta"] = 10002;
        await using var bot = await MiraiBotTestHost.StartAsync(
            builder =>
            {
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Mirai:Bots:beta:Uri"] = "ws://127.0.0.1:9" });
                builder.Services.AddMiraiClient(builder.Configuration.GetSection("Mirai"));
                builder.Services.AddMiraiBot().AddCommand("who", (ctx, ct) => ctx.ReplyAsync($"{ctx.Bot.Name} {ctx.Bot.QQ}", cancellationToken: ct));
            },
            options,
            TestToken);
        Assert.Equal(new[] { "alpha 10001", "beta 10002" }, bot.Bots.Select(b => $"{b.Name} {b.QQ}").Order(StringComparer.Ordinal));
        await bot.PushEventAsync(FakeEvents.GroupMessage(1, 2, "/who"), bot: 10002);
        Assert.Equal("beta 10002", (await bot.Sent.NextMessageAsync(Bound)).Text);
    }

    [Fact]
    public async Task StartAsync_FailsAtOnceNamingTheQQ_WhenTheBotIsNotAnAccountOfTheFake()
    {
        var options = Options();
        options.Configuration["Mirai:QQ"] = "555";
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => MiraiBotTestHost.StartAsync(SampleBot, options, TestToken));
        Output.WriteLine(error.Message);
        Assert.Contains("QQ 555 (Mirai:QQ)", error.Message, StringComparison.Ordinal);
        Assert.Contains("its bots: 10001", error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task StartAsync_Fails_WhenTheRegistrationRunsNoBot()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => MiraiBotTestHost.StartAsync(
            builder => builder.Services.AddMiraiClient(builder.Configuration.GetSection("Mirai")), Options(), TestToken));
        Assert.Contains("AddMiraiBot()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_TimesOutNamingTheAddress_WhenTheConnectionIsConfiguredInCode()
    {
        var closed = ClosedPort();
        var options = Options();
        options.ReadyTimeout = TimeSpan.FromSeconds(2);
        var error = await Assert.ThrowsAsync<TimeoutException>(() => MiraiBotTestHost.StartAsync(
            builder =>
            {
                builder.Services.AddMiraiClient(o =>
                {
                    o.Uri = new Uri($"ws://127.0.0.1:{closed}");
                    o.QQ = 10001;
                });
                builder.Services.AddMiraiBot();
            },
            options,
            TestToken));
        Output.WriteLine(error.Message);
        Assert.Contains("not ready within 2 s", error.Message, StringComparison.Ordinal);
        Assert.Contains("No client has even opened a TCP connection", error.Message, StringComparison.Ordinal);
        Assert.Contains("builder.Configuration[\"Mirai:Uri\"]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_CaptureAHandlerFailure_AndErrorsStaysEmptyUntilThen()
    {
        var lines = new List<string>();
        var options = Options();
        options.LogWriter = line =>
        {
            lock (lines)
            {
                lines.Add(line);
            }
        };
        await using var bot = await MiraiBotTestHost.StartAsync(
            builder =>
            {
                SampleBot(builder);
                builder.Services.AddMiraiBot().AddCommand("boom", (_, _) => throw new InvalidOperationException("boom"));
            },
            options,
            TestToken);
        await bot.PushGroupMessageAsync(1, 2, "/ping");
        await bot.Sent.NextMessageAsync(Bound);
        Assert.Empty(bot.Logs.Errors);
        await bot.PushGroupMessageAsync(1, 2, "/boom");
        var failure = await bot.Logs.WaitForAsync(e => e.EventId.Id == 2012, Bound);
        Assert.Equal("boom", failure.Exception?.Message);
        Assert.Equal(failure, Assert.Single(bot.Logs.Errors));
        await bot.PushGroupMessageAsync(1, 2, "/ping");
        Assert.Equal("pong", (await bot.Sent.NextMessageAsync(Bound)).Text);
        lock (lines)
        {
            Assert.Contains(lines, l => l.StartsWith("[Error] 2012 ", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Logs_WaitForAsync_NamesTheLastEntries_WhenNothingMatches()
    {
        await using var bot = await MiraiBotTestHost.StartAsync(SampleBot, Options(), TestToken);
        var error = await Assert.ThrowsAsync<TimeoutException>(() => bot.Logs.WaitForAsync(e => e.EventId.Id == 99999, TimeSpan.FromMilliseconds(200)));
        Assert.Contains("2009", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisposeAsync_StopsTheHostAndTheBackendItStarted_ButNotAGivenOne()
    {
        var bot = await MiraiBotTestHost.StartAsync(SampleBot, Options(), TestToken);
        var connection = bot.Bots[0].Connection;
        var port = bot.Backend.Port;
        var elapsed = await TimeAsync(() => bot.DisposeAsync().AsTask());
        Output.WriteLine($"dispose: {elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal(ConnectionState.Disposed, connection.State);
        await Assert.ThrowsAnyAsync<SocketException>(() => ConnectAsync(port));

        var backend = await StartBackendAsync();
        var options = Options();
        options.Backend = backend;
        var second = await MiraiBotTestHost.StartAsync(SampleBot, options, TestToken);
        Assert.Same(backend, second.Backend);
        await second.DisposeAsync();
        await backend.WaitForConnectionCountAsync(0, Bound);
        await ConnectAsync(backend.Port);
    }

    [Fact]
    public async Task StopAsync_IsPrompt_WhileAHandlerRuns_AndDisposeAfterItIsQuick()
    {
        await using var bot = await MiraiBotTestHost.StartAsync(SampleBot, Options(), TestToken);
        await bot.PushGroupMessageAsync(1, 2, "/slow");
        Assert.Equal("working on it…", (await bot.Sent.NextMessageAsync(Bound)).Text);
        var elapsed = await TimeAsync(bot.StopAsync);
        Output.WriteLine($"stop during /slow: {elapsed.TotalMilliseconds:F0} ms");
        Assert.True(elapsed < TimeSpan.FromSeconds(5), $"took {elapsed}");
        Assert.Same(bot.StopAsync(), bot.StopAsync());
    }

    [Fact]
    public async Task StopAsync_FailsNamingTheCause_WhenAHostedServiceIgnoresItsToken()
    {
        var hung = new HungService();
        var options = Options();
        options.StopTimeout = TimeSpan.FromMilliseconds(200);
        var bot = await MiraiBotTestHost.StartAsync(
            builder =>
            {
                builder.Services.AddHostedService(_ => hung);
                SampleBot(builder);
            },
            options,
            TestToken);
        try
        {
            var error = await Assert.ThrowsAsync<TimeoutException>(bot.StopAsync);
            Assert.Contains("ignores its cancellation token", error.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<TimeoutException>(async () => await bot.DisposeAsync());
        }
        finally
        {
            hung.Release();
            await bot.DisposeAsync();
        }
    }

    [Collection(ProcessExitCode.Name)]
    public class WhenTheBotHostStops(ITestOutputHelper output) : ConnectionTestBase(output)
    {
        [Fact]
        public async Task StartAsync_GivesTheOneLineReasonAndExitCode3_WhenTheConfigurationIsInvalid()
        {
            var options = Options();
            options.Configuration["Mirai:CommandTimeout"] = "30";
            var before = Environment.ExitCode;
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => MiraiBotTestHost.StartAsync(SampleBot, options, TestToken));
            Output.WriteLine(error.Message);
            Assert.Contains("Mirai:CommandTimeout", error.Message, StringComparison.Ordinal);
            Assert.Contains("exit code 3", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', error.Message);
            Assert.Equal(before, Environment.ExitCode);
        }

        [Fact]
        public async Task StartAsync_ReportsTheFatalStopWithoutTheKey_WhenTheVerifyKeyIsWrong()
        {
            var options = Options();
            options.BackendOptions = new FakeMiraiBackendOptions { VerifyKey = "the-right-key" };
            options.Configuration["Mirai:VerifyKey"] = "a-wrong-key";
            var before = Environment.ExitCode;
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => MiraiBotTestHost.StartAsync(SampleBot, options, TestToken));
            Output.WriteLine(error.Message);
            Assert.Contains("verify key", error.Message, StringComparison.Ordinal);
            Assert.Contains("exit code 3", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("a-wrong-key", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("the-right-key", error.Message, StringComparison.Ordinal);
            Assert.Equal(before, Environment.ExitCode);
        }
    }

    /// <summary>The sample bot's registration (samples/ConsoleBot/Program.cs, without its demo).</summary>
    private static void SampleBot(HostApplicationBuilder builder)
    {
        var mirai = builder.Configuration.GetSection("Mirai");
        builder.Services.AddMiraiClient(mirai);
        builder.Services.AddMiraiBot()
            .Configure(mirai.GetSection("Hosting"))
            .AddSampleCommands();
    }

    private static MiraiBotTestHostOptions Options() => new() { LogWriter = TestContext.Current.TestOutputHelper is { } output ? output.WriteLine : null };

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task ConnectAsync(int port)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, TestToken);
    }

    private sealed class HungService : IHostedService
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => _released.Task;

        public void Release() => _released.TrySetResult();
    }
}
