// Every wait here has its own explicit bound (WaitAsync with a timeout), which is what the rule wants to ensure.
#pragma warning disable xUnit1051

using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MiraiClient.Hosting;
using MiraiClient.Testing.OneBot;

namespace MiraiClient.OneBot.Tests.Hosting;

/// <summary>OneBot bots in the Generic Host, against the fake implementation: events reach handlers, replies
/// quote, conversations do not stall each other, faults are isolated, stop is bounded, and configuration
/// errors name the key with exit code 3.</summary>
[Collection(HostingCollection.Name)]
public sealed class OneBotHostingTests : IAsyncLifetime
{
    private const string Token = "hosting-secret-token";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly List<IAsyncDisposable> _cleanup = [];
    private readonly CapturingLoggerProvider _logs = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var item in Enumerable.Reverse(_cleanup))
        {
            await item.DisposeAsync();
        }

        Environment.ExitCode = 0;
    }

    [Fact]
    public async Task Handlers_ReceiveGroupAndPrivateMessages_WithTheAccountsSelfId()
    {
        var group = new TaskCompletionSource<(long SelfId, string Text, long GroupId)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var friend = new TaskCompletionSource<(long SelfId, string Text, long UserId)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var (_, fake) = await StartAsync(bot => bot
            .OnGroupMessage((ctx, _) => Complete(group, (ctx.Bot.SelfId, ctx.Event.Message.ToPlainText(), ctx.Event.GroupId)))
            .OnPrivateMessage((ctx, _) => Complete(friend, (ctx.Bot.SelfId, ctx.Event.Message.ToPlainText(), ctx.Event.UserId))));

        await fake.PushGroupMessageAsync(111, 222, "hello group");
        await fake.PushPrivateMessageAsync(333, "hello friend");

        Assert.Equal((fake.SelfId, "hello group", 111L), await group.Task.WaitAsync(Wait));
        Assert.Equal((fake.SelfId, "hello friend", 333L), await friend.Task.WaitAsync(Wait));
    }

    [Fact]
    public async Task ReplyAsync_QuotesTheAnsweredMessage_InTheChatItCameFrom()
    {
        var (_, fake) = await StartAsync(bot => bot.AddCommand("ping", (ctx, ct) => ctx.ReplyAsync("pong", cancellationToken: ct)));
        var sends = fake.ActionCursor();

        var asked = await fake.PushGroupMessageAsync(111, 222, "/ping");
        var reply = await sends.NextSendAsync(Wait);
        var privately = await fake.PushPrivateMessageAsync(333, "/PING");
        var privateReply = await sends.NextSendAsync(Wait);

        Assert.Equal((OneBotChatType.Group, 111L), (reply.ChatType, reply.TargetId));
        Assert.Equal(asked.MessageId, Assert.IsType<ReplySegment>(reply.Message[0]).MessageId);
        Assert.Equal("pong", reply.Text);
        Assert.Equal((OneBotChatType.Private, 333L), (privateReply.ChatType, privateReply.TargetId));
        Assert.Equal(privately.MessageId, Assert.IsType<ReplySegment>(privateReply.Message[0]).MessageId);
    }

    [Fact]
    public async Task ReplyAsync_AnswersATemporaryChatWithItsGroup_UnlessTheGroupIsNapCatsPlaceholder()
    {
        var (_, fake) = await StartAsync(bot => bot.AddCommand("ping", (ctx, ct) => ctx.ReplyAsync("pong", quote: false, ct)));
        var sends = fake.ActionCursor();

        await fake.PushEventAsync(FakeOneBotEvents.PrivateMessage(444, "/ping", tempGroupId: 555));
        var temp = await sends.NextSendAsync(Wait);
        await fake.PushEventAsync(FakeOneBotEvents.PrivateMessage(446, "/ping", tempGroupId: 284840486));
        var unresolved = await sends.NextSendAsync(Wait);

        Assert.Equal("send_private_msg", temp.Request.Action);
        Assert.Equal(444, temp.Request.Params.GetProperty("user_id").GetInt64());
        Assert.Equal(555, temp.Request.Params.GetProperty("group_id").GetInt64());
        Assert.Equal("pong", temp.Text);
        Assert.Equal(446, unresolved.Request.Params.GetProperty("user_id").GetInt64());
        Assert.False(unresolved.Request.Params.TryGetProperty("group_id", out _));
    }

    [Fact]
    public async Task ReplyAsync_SendsNoQuote_WhenQuoteIsFalse()
    {
        var (_, fake) = await StartAsync(bot => bot.AddCommand("plain", (ctx, ct) => ctx.ReplyAsync("plain", quote: false, ct)));
        var sends = fake.ActionCursor();

        await fake.PushGroupMessageAsync(111, 222, "/plain");
        var reply = await sends.NextSendAsync(Wait);

        Assert.DoesNotContain(reply.Message, segment => segment is ReplySegment);
        Assert.Equal("plain", reply.Text);
    }

    [Fact]
    public async Task Dispatch_AnswersAnotherGroup_WhileOneGroupsHandlerIsBlocked()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var slowStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (_, fake) = await StartAsync(bot => bot
            .AddCommand("slow", async (ctx, ct) =>
            {
                slowStarted.TrySetResult();
                await release.Task.WaitAsync(ct);
                await ctx.ReplyAsync("slow done", cancellationToken: ct);
            })
            .AddCommand("ping", (ctx, ct) => ctx.ReplyAsync("pong", cancellationToken: ct)));
        var sends = fake.ActionCursor();

        await fake.PushGroupMessageAsync(1, 10, "/slow");
        await slowStarted.Task.WaitAsync(Wait);
        await fake.PushGroupMessageAsync(1, 10, "/ping");   // same conversation: waits its turn
        await fake.PushGroupMessageAsync(2, 20, "/ping");   // another group: must not wait
        var first = await sends.NextSendAsync(Wait);

        Assert.Equal((2L, "pong"), (first.TargetId, first.Text));
        release.TrySetResult();
        var second = await sends.NextSendAsync(Wait);
        var third = await sends.NextSendAsync(Wait);
        Assert.Equal([(1L, "slow done"), (1L, "pong")], [(second.TargetId, second.Text), (third.TargetId, third.Text)]);
    }

    [Fact]
    public async Task HandlerException_IsLoggedAndIsolated_WhenAHandlerThrows()
    {
        var (_, fake) = await StartAsync(bot => bot
            .OnGroupMessage((_, _) => throw new InvalidOperationException("handler bug"))
            .AddCommand("boom", (_, _) => throw new InvalidOperationException("command bug"))
            .AddCommand("ping", (ctx, ct) => ctx.ReplyAsync("pong", cancellationToken: ct)));
        var sends = fake.ActionCursor();

        await fake.PushGroupMessageAsync(1, 10, "/boom");
        await fake.PushGroupMessageAsync(1, 10, "/ping");
        var reply = await sends.NextSendAsync(Wait);

        Assert.Equal("pong", reply.Text);
        await WaitUntilAsync(() => _logs.Has(2001) && _logs.Has(2012));
        Assert.Contains(_logs.Entries, e => e.Id == 2012 && e.Message.Contains("boom", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StopAsync_IsBounded_WhenAHandlerIgnoresItsToken()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (host, fake) = await StartAsync(
            bot => bot.AddCommand("stuck", async (_, _) =>
            {
                started.TrySetResult();
                await Task.Delay(TimeSpan.FromMinutes(2), CancellationToken.None);
            }),
            o =>
            {
                o.DrainTimeout = TimeSpan.FromMilliseconds(200);
                o.AbandonTimeout = TimeSpan.FromMilliseconds(500);
            });
        await fake.PushGroupMessageAsync(1, 10, "/stuck");
        await started.Task.WaitAsync(Wait);

        var stopwatch = Stopwatch.StartNew();
        await host.StopAsync(CancellationToken.None).WaitAsync(Wait);

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(15), $"stop took {stopwatch.Elapsed}");
        Assert.True(_logs.Has(2003), "the abandoned handler was not reported");
        Assert.Equal(ConnectionState.Disposed, host.Services.GetRequiredService<IOneBotConnection>().State);
    }

    [Fact]
    public async Task StopAsync_CancelsASlowHandler_AfterTheDrain()
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (host, fake) = await StartAsync(
            bot => bot.AddCommand("slow", async (_, ct) =>
            {
                started.TrySetResult();
                try
                {
                    await Task.Delay(TimeSpan.FromMinutes(2), ct);
                }
                catch (OperationCanceledException)
                {
                    cancelled.TrySetResult();
                    throw;
                }
            }),
            o => o.DrainTimeout = TimeSpan.FromMilliseconds(300));
        await fake.PushGroupMessageAsync(1, 10, "/slow");
        await started.Task.WaitAsync(Wait);

        var stopwatch = Stopwatch.StartNew();
        await host.StopAsync(CancellationToken.None).WaitAsync(Wait);

        await cancelled.Task.WaitAsync(Wait);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(15), $"stop took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task AskAsync_ReturnsTheSendersNextMessage_WithoutRunningItAsACommand()
    {
        var answered = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var (_, fake) = await StartAsync(bot => bot.AddCommand("name", async (ctx, ct) =>
        {
            var answer = await ctx.AskAsync("What is your name?", Wait, cancellationToken: ct);
            answered.TrySetResult(answer?.Message.ToPlainText());
        }));
        var sends = fake.ActionCursor();

        await fake.PushGroupMessageAsync(1, 10, "/name");
        var prompt = await sends.NextSendAsync(Wait);
        await fake.PushGroupMessageAsync(1, 99, "someone else");
        await fake.PushGroupMessageAsync(1, 10, "/help");

        Assert.Equal("What is your name?", prompt.Text);
        Assert.Equal("/help", await answered.Task.WaitAsync(Wait));
    }

    [Theory]
    [InlineData("OneBot:Uri", "http://127.0.0.1:3001/", "Configuration key 'OneBot:Uri' is not valid: Uri must be an absolute ws:// or wss:// address")]
    [InlineData("OneBot:Reconnect:MaxDelay", "30", "Configuration value 'OneBot:Reconnect:MaxDelay' = '30' is not valid: a bare number is ambiguous")]
    [InlineData("OneBot:CommandTimeout", "soon", "Configuration value 'OneBot:CommandTimeout' = 'soon' is not valid")]
    public async Task StartAsync_StopsWithExitCode3AndOneLineNamingTheKey_WhenAValueIsInvalid(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string?> { ["OneBot:Uri"] = "ws://127.0.0.1:1/", ["OneBot:AccessToken"] = Token, [key] = value };
        var host = BuildHost(settings, bot => bot.OnMessage((_, _) => Task.CompletedTask));

        await host.StartAsync();
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => host.Services.GetRequiredService<IOneBotHost>().WaitUntilReadyAsync().WaitAsync(Wait));

        Assert.Equal(3, Environment.ExitCode);
        Assert.True(host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);
        var line = Assert.Single(_logs.Entries, e => e.Id == 2007).Message;
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', line);
        Assert.DoesNotContain(Token, string.Join("\n", _logs.Entries.Select(e => e.Message)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_SaysTheSectionIsEmpty_WhenItsNameIsWrong()
    {
        var host = BuildHost(new Dictionary<string, string?> { ["OneBotApi:Uri"] = "ws://127.0.0.1:1/" }, bot => bot.OnMessage((_, _) => Task.CompletedTask));

        await host.StartAsync();

        var line = Assert.Single(_logs.Entries, e => e.Id == 2007).Message;
        Assert.Contains("Configuration key 'OneBot:Uri' is not valid: Uri is required", line, StringComparison.Ordinal);
        Assert.Contains("The configuration section 'OneBot' has no values", line, StringComparison.Ordinal);
        Assert.Equal(3, Environment.ExitCode);
    }

    [Fact]
    public async Task AddOneBotClient_ResolvesOneConnection_AndTheContainerDisposesIt()
    {
        await using var fake = await FakeOneBotImplementation.StartAsync(new FakeOneBotOptions { HeartbeatInterval = TimeSpan.Zero });
        var services = new ServiceCollection().AddLogging();
        services.AddOneBotClient(o => o.Uri = fake.Uri);
        services.AddOneBotClient("beta", o => o.Uri = fake.Uri);
        var provider = services.BuildServiceProvider();

        var connection = provider.GetRequiredService<IOneBotConnection>();
        var keyed = provider.GetRequiredKeyedService<IOneBotConnection>("beta");
        Assert.Same(provider.GetRequiredService<OneBotConnection>(), connection);
        Assert.NotSame(connection, keyed);
        await connection.ConnectAsync().WaitAsync(Wait);
        await keyed.ConnectAsync().WaitAsync(Wait);
        Assert.Equal(fake.SelfId, connection.SelfId);

        await provider.DisposeAsync().AsTask().WaitAsync(Wait);

        Assert.Equal(ConnectionState.Disposed, connection.State);
        Assert.Equal(ConnectionState.Disposed, keyed.State);
        await fake.WaitForConnectionCountAsync(0, Wait);
    }

    [Fact]
    public async Task AddOneBot_RunsEveryBotUnderBots_WithItsOwnName()
    {
        await using var alpha = await FakeOneBotImplementation.StartAsync(new FakeOneBotOptions { HeartbeatInterval = TimeSpan.Zero, SelfId = 111 });
        await using var beta = await FakeOneBotImplementation.StartAsync(new FakeOneBotOptions { HeartbeatInterval = TimeSpan.Zero, SelfId = 222 });
        var host = BuildHost(
            new Dictionary<string, string?> { ["OneBot:Bots:alpha:Uri"] = alpha.Uri.ToString(), ["OneBot:Bots:beta:Uri"] = beta.Uri.ToString() },
            bot => bot.AddCommand("who", (ctx, ct) => ctx.ReplyAsync($"{ctx.Bot.Name}:{ctx.Bot.SelfId}", cancellationToken: ct)));
        await host.StartAsync();
        await host.Services.GetRequiredService<IOneBotHost>().WaitUntilReadyAsync().WaitAsync(Wait);
        var alphaSends = alpha.ActionCursor();
        var betaSends = beta.ActionCursor();

        await alpha.PushGroupMessageAsync(1, 10, "/who");
        await beta.PushGroupMessageAsync(1, 10, "/who");

        Assert.Equal("alpha:111", (await alphaSends.NextSendAsync(Wait)).Text);
        Assert.Equal("beta:222", (await betaSends.NextSendAsync(Wait)).Text);
        Assert.Equal(["alpha", "beta"], host.Services.GetRequiredService<IOneBotHost>().Bots.Select(b => b.Name));
    }

    private static Task Complete<T>(TaskCompletionSource<T> source, T value)
    {
        source.TrySetResult(value);
        return Task.CompletedTask;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var stopwatch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(stopwatch.Elapsed < Wait, "the condition did not hold in time");
            await Task.Delay(20);
        }
    }

    private async Task<(IHost Host, FakeOneBotImplementation Fake)> StartAsync(Action<IOneBotBuilder> configure, Action<MiraiBotOptions>? options = null)
    {
        var fake = await FakeOneBotImplementation.StartAsync(new FakeOneBotOptions { HeartbeatInterval = TimeSpan.Zero, AccessToken = Token });
        _cleanup.Add(fake);
        var host = BuildHost(
            new Dictionary<string, string?> { ["OneBot:Uri"] = fake.Uri.ToString(), ["OneBot:AccessToken"] = Token },
            bot =>
            {
                if (options is not null)
                {
                    bot.Configure(options);
                }

                configure(bot);
            });
        await host.StartAsync();
        await host.Services.GetRequiredService<IOneBotHost>().WaitUntilReadyAsync().WaitAsync(Wait);
        return (host, fake);
    }

    private IHost BuildHost(Dictionary<string, string?> settings, Action<IOneBotBuilder> configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.AddProvider(_logs);
        builder.Services.AddOneBotClient(builder.Configuration.GetSection("OneBot"));
        configure(builder.Services.AddOneBot());
        var host = builder.Build();
        _cleanup.Add(new HostCleanup(host));
        return host;
    }

    private sealed class HostCleanup(IHost host) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await host.StopAsync(CancellationToken.None).WaitAsync(Wait);
            host.Dispose();
        }
    }
}

/// <summary>Tests that set the process exit code run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HostingCollection
{
    public const string Name = "OneBot hosting";
}

/// <summary>Keeps every log entry of the hosting package, with its event id.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<(int Id, string Message)> _entries = new();

    public IReadOnlyList<(int Id, string Message)> Entries => [.. _entries];

    public bool Has(int id) => _entries.Any(e => e.Id == id);

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._entries.Enqueue((eventId.Id, formatter(state, exception)));
    }
}
