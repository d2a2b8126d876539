using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MiraiClient.Hosting;
using MiraiClient.Testing;
using MiraiClient.Tests.Infrastructure;

namespace MiraiClient.Tests;

[Collection(MiraiClient.Tests.Hosting.ProcessExitCode.Name)]
public class HostingTests(ITestOutputHelper output) : ConnectionTestBase(output)
{
    private IHost BuildHost(
        FakeMiraiBackend backend,
        Action<IMiraiBotBuilder> bot,
        Action<MiraiBotOptions>? botOptions = null,
        TimeSpan? shutdownTimeout = null,
        string? verifyKey = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mirai:Uri"] = backend.Uri.ToString(),
            ["Mirai:QQ"] = "10001",
            ["Mirai:VerifyKey"] = verifyKey,
            ["Mirai:Reconnect:FirstRetryMaxDelay"] = "00:00:00.050",
            ["Mirai:Reconnect:BaseDelay"] = "00:00:00.100",
            ["Mirai:Reconnect:MaxDelay"] = "00:00:00.400",
        });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddProvider(Logs);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = shutdownTimeout ?? TimeSpan.FromSeconds(5));
        builder.Services.AddMiraiClient(builder.Configuration.GetSection("Mirai"));
        var botBuilder = builder.Services.AddMiraiBot();
        bot(botBuilder);
        if (botOptions is not null)
        {
            botBuilder.Configure(botOptions);
        }

        return builder.Build();
    }

    private static async Task StartConnectedAsync(IHost host)
    {
        await host.StartAsync(TestToken);
        await Within(host.Services.GetRequiredService<IMiraiConnection>().ConnectAsync(TestToken));
    }

    [Fact]
    public async Task ConfigurationBinding_ReadsEveryOption_FromAnyProvider()
    {
        Environment.SetEnvironmentVariable("MIRAITEST_Mirai__Uri", "ws://10.1.2.3:8080/prefix");
        try
        {
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["Mirai:QQ"] = "3000000000",
                    ["Mirai:Channel"] = "message",
                    ["Mirai:Reconnect:MaxDelay"] = "00:01:00",
                    ["Mirai:Reconnect:MaxAttempts"] = "7",
                    ["Mirai:Reconnect:Multiplier"] = "1.5",
                    ["Mirai:Heartbeat:Interval"] = "00:00:05",
                    ["Mirai:EventOverflowPolicy"] = "DropNewest",
                    ["Mirai:WaitForConnection"] = "false",
                    ["Mirai:MaxMessageSize"] = "65536",
                })
                .AddEnvironmentVariables("MIRAITEST_")
                .AddCommandLine(["--Mirai:VerifyKey=from-command-line", "--Mirai:CommandTimeout=00:00:42"])
                .Build();
            var services = new ServiceCollection().AddMiraiClient(configuration.GetSection("Mirai"));
            await using var provider = services.BuildServiceProvider();
            var options = provider.GetRequiredService<IOptions<MiraiConnectionOptions>>().Value;
            Assert.Equal(new Uri("ws://10.1.2.3:8080/prefix"), options.Uri);
            Assert.Equal(3000000000, options.QQ);
            Assert.Equal(MiraiChannel.Message, options.Channel);
            Assert.Equal("from-command-line", options.VerifyKey);
            Assert.Equal(TimeSpan.FromSeconds(42), options.CommandTimeout);
            Assert.Equal(TimeSpan.FromMinutes(1), options.Reconnect.MaxDelay);
            Assert.Equal(7, options.Reconnect.MaxAttempts);
            Assert.Equal(1.5, options.Reconnect.Multiplier);
            Assert.Equal(TimeSpan.FromSeconds(5), options.Heartbeat.Interval);
            Assert.Equal(EventOverflowPolicy.DropNewest, options.EventOverflowPolicy);
            Assert.False(options.WaitForConnection);
            Assert.Equal(65536, options.MaxMessageSize);
        }
        finally
        {
            Environment.SetEnvironmentVariable("MIRAITEST_Mirai__Uri", null);
        }
    }

    [Theory]
    [InlineData("QQ", "not-a-number", "Mirai:QQ")]
    [InlineData("Reconnect:MaxDelay", "soon", "Mirai:Reconnect:MaxDelay")]
    [InlineData("Channel", "everything", "Mirai:Channel")]
    [InlineData("Uri", "http://127.0.0.1:8080", "ws:// or wss://")]
    [InlineData("Uri", "", "Uri is required")]
    public async Task InvalidConfiguration_FailsAtStartup_NamingTheKey(string key, string value, string expected)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Mirai:Uri"] = "ws://127.0.0.1:1", ["Mirai:QQ"] = "1", [$"Mirai:{key}"] = value });
        builder.Services.AddMiraiClient(builder.Configuration.GetSection("Mirai"));
        builder.Services.AddMiraiBot();
        using var host = builder.Build();

        // The bot host reports a bad configuration as one critical line and exit code 3, not as an
        // exception that would crash the process; the start fails all the same, as readiness shows.
        var code = await MiraiClient.Tests.Hosting.ProcessExitCode.CaptureAsync(() => host.StartAsync(TestToken));
        Assert.Equal(3, code);
        Assert.True(host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);
        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.Services.GetRequiredService<IMiraiBotHost>().WaitUntilReadyAsync(TestToken).WaitAsync(TimeSpan.FromSeconds(15), TestToken));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        await host.StopAsync(TestToken);
    }

    [Fact]
    public async Task ThrowingHandler_IsLoggedAndIsolated_TheEventLoopGoesOn()
    {
        var backend = await StartBackendAsync();
        var handled = new ConcurrentQueue<string>();
        using var host = BuildHost(backend, bot => bot
            .OnGroupMessage((ctx, _) =>
            {
                var text = ctx.Event.MessageChain.ToPlainText();
                return text == "boom" ? throw new InvalidOperationException("handler bug") : Task.CompletedTask;
            })
            .OnGroupMessage((ctx, _) =>
            {
                handled.Enqueue(ctx.Event.MessageChain.ToPlainText());
                return Task.CompletedTask;
            }));
        await StartConnectedAsync(host);
        await backend.PushGroupMessageAsync(1, 2, "boom");
        await backend.PushGroupMessageAsync(1, 2, "after");
        await Within(Task.Run(async () =>
        {
            while (handled.Count < 2)
            {
                await Task.Delay(10, TestToken);
            }
        }, TestToken));
        Assert.Equal(["boom", "after"], handled);
        Assert.Single(Logs.Lines, l => l.EventId.Name == "HandlerFailed" && l.Exception!.Contains("handler bug", StringComparison.Ordinal));
        await host.StopAsync(TestToken);
    }

    [Fact]
    public async Task MessagesOfOneConversation_AreHandledInOrder_WhileConversationsRunInParallel()
    {
        var backend = await StartBackendAsync();
        var seen = new ConcurrentDictionary<long, ConcurrentQueue<int>>();
        var current = 0;
        var peak = 0;
        using var host = BuildHost(backend, bot => bot.OnGroupMessage(async (ctx, ct) =>
        {
            var now = Interlocked.Increment(ref current);
            InterlockedMax(ref peak, now);
            var number = int.Parse(ctx.Event.MessageChain.ToPlainText(), System.Globalization.CultureInfo.InvariantCulture);
            await Task.Delay(Random.Shared.Next(1, 15), ct);
            seen.GetOrAdd(ctx.Event.Sender.Group.Id, _ => new ConcurrentQueue<int>()).Enqueue(number);
            Interlocked.Decrement(ref current);
        }));
        await StartConnectedAsync(host);
        for (var i = 0; i < 30; i++)
        {
            foreach (var group in new long[] { 100, 200, 300 })
            {
                await backend.PushGroupMessageAsync(group, 1, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        await Within(Task.Run(async () =>
        {
            while (seen.Values.Sum(q => q.Count) < 90)
            {
                await Task.Delay(10, TestToken);
            }
        }, TestToken));
        foreach (var group in new long[] { 100, 200, 300 })
        {
            Assert.Equal(Enumerable.Range(0, 30), seen[group]);
        }

        Assert.True(peak >= 2, $"conversations should run in parallel; peak was {peak}");
        await host.StopAsync(TestToken);
    }

    [Fact]
    public async Task HandlerConcurrency_IsBounded()
    {
        var backend = await StartBackendAsync();
        var current = 0;
        var peak = 0;
        var done = 0;
        using var host = BuildHost(
            backend,
            bot => bot.OnGroupMessage(async (_, ct) =>
            {
                InterlockedMax(ref peak, Interlocked.Increment(ref current));
                await Task.Delay(50, ct);
                Interlocked.Decrement(ref current);
                Interlocked.Increment(ref done);
            }),
            o => o.MaxConcurrentHandlers = 3);
        await StartConnectedAsync(host);
        for (var i = 0; i < 24; i++)
        {
            await backend.PushGroupMessageAsync(i, 1, "x");
        }

        await Within(Task.Run(async () =>
        {
            while (Volatile.Read(ref done) < 24)
            {
                await Task.Delay(10, TestToken);
            }
        }, TestToken));
        Assert.Equal(3, peak);
        await host.StopAsync(TestToken);
    }

    [Fact]
    public async Task Stop_LetsRunningHandlersFinishAndReply_ThenDisposesTheConnection()
    {
        var backend = await StartBackendAsync();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finished = false;
        using var host = BuildHost(backend, bot => bot.OnGroupMessage(async (ctx, _) =>
        {
            started.TrySetResult();
            await Task.Delay(800, CancellationToken.None);
            await ctx.ReplyAsync("finished", cancellationToken: CancellationToken.None);
            finished = true;
        }));
        await StartConnectedAsync(host);
        await backend.PushGroupMessageAsync(7, 1, "work");
        await Within(started.Task);

        var elapsed = await TimeAsync(() => host.StopAsync(TestToken));
        Output.WriteLine($"stop with an 800 ms handler running: {elapsed.TotalMilliseconds:F0} ms");
        Assert.True(finished);
        Assert.Single(backend.ReceivedCommands, c => c.Command == "sendGroupMessage");
        Assert.Equal(ConnectionState.Disposed, host.Services.GetRequiredService<IMiraiConnection>().State);
        Assert.True(elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Stop_IsBoundedByTheShutdownTimeout_EvenIfAHandlerNeverFinishes()
    {
        var backend = await StartBackendAsync();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = BuildHost(
            backend,
            bot => bot.OnGroupMessage(async (_, _) =>
            {
                started.TrySetResult();
                await release.Task;
            }),
            shutdownTimeout: TimeSpan.FromSeconds(1));
        await StartConnectedAsync(host);
        await backend.PushGroupMessageAsync(7, 1, "stuck");
        await Within(started.Task);

        var elapsed = await TimeAsync(() => host.StopAsync(TestToken));
        Output.WriteLine($"stop with a handler that ignores cancellation: {elapsed.TotalMilliseconds:F0} ms");
        Assert.True(elapsed < TimeSpan.FromSeconds(5), $"took {elapsed}");
        Assert.Contains(Logs.Lines, l => l.EventId.Name == "HandlersAbandoned");
        Assert.Equal(ConnectionState.Disposed, host.Services.GetRequiredService<IMiraiConnection>().State);
        release.SetResult();
    }

    [Fact]
    public async Task FatalConnectionError_StopsTheHost_WithTheFatalExitCode_AndNoSecret()
    {
        var key = AssemblyMonitor.Secret("hosting-wrong-key-" + Guid.NewGuid().ToString("N"));
        var backend = await StartBackendAsync(o => o.VerifyKey = AssemblyMonitor.Secret("hosting-right-key-" + Guid.NewGuid().ToString("N")));
        using var host = BuildHost(backend, _ => { }, verifyKey: key);
        var previous = Environment.ExitCode;
        try
        {
            var elapsed = await TimeAsync(() => host.RunAsync(TestToken).WaitAsync(TimeSpan.FromSeconds(15), TestToken));
            Output.WriteLine($"host stopped {elapsed.TotalMilliseconds:F0} ms after starting with a wrong key");
            Assert.Equal(3, Environment.ExitCode);
        }
        finally
        {
            Environment.ExitCode = previous;
        }

        Assert.Single(Logs.Lines, l => l.EventId.Name == "FatalStop");
        Assert.Contains("verify key", Logs.Lines.Single(l => l.EventId.Name == "FatalStop").Message, StringComparison.Ordinal);
        Assert.DoesNotContain(key, Logs.AllText, StringComparison.Ordinal);
        Assert.Equal(1, backend.AcceptCount);
    }

    [Fact]
    public async Task Context_RepliesWhereTheMessageCameFrom()
    {
        var backend = await StartBackendAsync();
        using var host = BuildHost(backend, bot => bot.OnMessage((ctx, ct) => ctx.ReplyAsync("re: " + ctx.Event.MessageChain.ToPlainText(), quote: true, ct)));
        await StartConnectedAsync(host);
        var friendMessageId = await backend.PushFriendMessageAsync(42, "friend");
        await backend.PushEventAsync("""{"type":"TempMessage","messageChain":[{"type":"Source","id":77,"time":1},{"type":"Plain","text":"temp"}],"sender":{"id":43,"memberName":"m","specialTitle":"","permission":"MEMBER","joinTimestamp":0,"lastSpeakTimestamp":0,"muteTimeRemaining":0,"group":{"id":44,"name":"g","permission":"MEMBER"}}}""");
        var friend = await backend.WaitForCommandAsync("sendFriendMessage");
        Assert.Equal(42, friend.Content.GetProperty("target").GetInt64());
        Assert.Equal(friendMessageId, friend.Content.GetProperty("quote").GetInt32());
        Assert.Equal("re: friend", friend.Content.GetProperty("messageChain")[0].GetProperty("text").GetString());
        var temp = await backend.WaitForCommandAsync("sendTempMessage");
        Assert.Equal(43, temp.Content.GetProperty("qq").GetInt64());
        Assert.Equal(44, temp.Content.GetProperty("group").GetInt64());
        Assert.Equal(77, temp.Content.GetProperty("quote").GetInt32());
        await host.StopAsync(TestToken);
    }

    [Fact]
    public async Task HandlerClasses_AreResolvedFromANewScopePerEvent()
    {
        var backend = await StartBackendAsync();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Mirai:Uri"] = backend.Uri.ToString(), ["Mirai:QQ"] = "10001" });
        builder.Services.AddSingleton<ScopeLedger>();
        builder.Services.AddMiraiClient(builder.Configuration.GetSection("Mirai"));
        builder.Services.AddMiraiBot().AddHandler<FriendMessage, RecordingHandler>();
        using var host = builder.Build();
        await StartConnectedAsync(host);
        await backend.PushFriendMessageAsync(1, "a");
        await backend.PushFriendMessageAsync(1, "b");
        var ledger = host.Services.GetRequiredService<ScopeLedger>();
        await Within(Task.Run(async () =>
        {
            while (ledger.Instances.Count < 2)
            {
                await Task.Delay(10, TestToken);
            }
        }, TestToken));
        Assert.Equal(2, ledger.Instances.Distinct().Count());
        Assert.Equal(2, ledger.Disposed);
        await host.StopAsync(TestToken);
    }

    [Fact]
    public void AddMiraiBot_Twice_AddsOneHostedService()
    {
        var services = new ServiceCollection();
        services.AddMiraiBot();
        services.AddMiraiBot();
        Assert.Single(services, d => d.ServiceType == typeof(IHostedService));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    private sealed class ScopeLedger
    {
        public ConcurrentQueue<RecordingHandler> Instances { get; } = new();

        public int Disposed;
    }

    private sealed class RecordingHandler(ScopeLedger ledger) : IMiraiEventHandler<FriendMessage>, IDisposable
    {
        public Task HandleAsync(MiraiEventContext<FriendMessage> context, CancellationToken cancellationToken)
        {
            ledger.Instances.Enqueue(this);
            return Task.CompletedTask;
        }

        public void Dispose() => Interlocked.Increment(ref ledger.Disposed);
    }
}
