using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MiraiClient.Hosting;
using MiraiClient.Testing;
using MiraiClient.Tests.Infrastructure;

namespace MiraiClient.Tests.Hosting;

/// <summary>Serializes the tests that set <see cref="Environment.ExitCode"/>, a process-wide value.</summary>
[CollectionDefinition(ProcessExitCode.Name, DisableParallelization = true)]
public sealed class ProcessExitCode
{
    public const string Name = "Process exit code";

    /// <summary>Runs <paramref name="action"/>, returns the exit code it set, and restores the previous one.</summary>
    public static async Task<int> CaptureAsync(Func<Task> action)
    {
        var previous = Environment.ExitCode;
        try
        {
            Environment.ExitCode = 0;
            await action();
            return Environment.ExitCode;
        }
        finally
        {
            Environment.ExitCode = previous;
        }
    }
}

/// <summary>Plumbing for tests of a hosted bot against the fake backend: a host with the default host
/// settings (no ShutdownTimeout tweak), captured logs, readiness, and helpers to read what was sent.</summary>
public abstract class HostedBotTestBase(ITestOutputHelper output) : ConnectionTestBase(output)
{
    /// <summary>Fast reconnects against <paramref name="backend"/>, bot QQ 10001.</summary>
    protected static Dictionary<string, string?> ConfigFor(FakeMiraiBackend backend, string section = "Mirai") => new()
    {
        [$"{section}:Uri"] = backend.Uri.ToString(),
        [$"{section}:QQ"] = "10001",
        [$"{section}:Reconnect:FirstRetryMaxDelay"] = "00:00:00.050",
        [$"{section}:Reconnect:BaseDelay"] = "00:00:00.100",
        [$"{section}:Reconnect:MaxDelay"] = "00:00:00.400",
    };

    protected IHost BuildHost(IDictionary<string, string?> configuration, Action<IMiraiBotBuilder> bot, Action<IServiceCollection>? services = null, bool bindMirai = true)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddProvider(Logs);
        services?.Invoke(builder.Services);
        if (bindMirai)
        {
            builder.Services.AddMiraiClient(builder.Configuration.GetSection("Mirai"));
        }

        bot(builder.Services.AddMiraiBot().Configure(builder.Configuration.GetSection("Mirai:Hosting")));
        return builder.Build();
    }

    protected static async Task StartReadyAsync(IHost host)
    {
        await host.StartAsync(TestToken);
        await Within(host.Services.GetRequiredService<IMiraiBotHost>().WaitUntilReadyAsync(TestToken));
    }

    /// <summary>The plain text of a sent message.</summary>
    protected static string TextOf(ReceivedCommand command)
    {
        var text = new StringBuilder();
        foreach (var element in command.Content.GetProperty("messageChain").EnumerateArray())
        {
            if (element.GetProperty("type").GetString() == "Plain")
            {
                text.Append(element.GetProperty("text").GetString());
            }
        }

        return text.ToString();
    }

    /// <summary>Waits for a sent message to a target (group or friend) whose text satisfies <paramref name="text"/>.</summary>
    protected static Task<ReceivedCommand> WaitForSentAsync(FakeMiraiBackend backend, string command, long target, Func<string, bool> text, TimeSpan? timeout = null) =>
        backend.WaitForCommandAsync(c => c.Command == command && c.Content.GetProperty("target").GetInt64() == target && text(TextOf(c)), timeout ?? Bound);

    protected static IEnumerable<ReceivedCommand> Sent(FakeMiraiBackend backend, string command, long target) =>
        backend.ReceivedCommands.Where(c => c.Command == command && c.Content.GetProperty("target").GetInt64() == target);

    protected static async Task WaitUntilAsync(Func<bool> condition, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > (timeout ?? Bound))
            {
                throw new TimeoutException("The condition did not hold in time.");
            }

            await Task.Delay(10, TestToken);
        }
    }

    private static int _nextId = 50_000;

    /// <summary>Server-shaped event JSON the fake's builders do not cover (mentions, roles, requests, temp chats).</summary>
    protected static class Events
    {
        public static string Group(long group, long sender, string text, long? mention = null, string permission = "MEMBER") =>
            $$$$"""{"type":"GroupMessage","messageChain":[{"type":"Source","id":{{{{Interlocked.Increment(ref _nextId)}}}},"time":1700000000}{{{{At(mention)}}}},{"type":"Plain","text":{{{{Json(text)}}}}}],"sender":{"id":{{{{sender}}}},"memberName":"m{{{{sender}}}}","specialTitle":"","permission":"{{{{permission}}}}","joinTimestamp":0,"lastSpeakTimestamp":0,"muteTimeRemaining":0,"group":{"id":{{{{group}}}},"name":"g{{{{group}}}}","permission":"ADMINISTRATOR"}}}""";

        public static string Friend(long friend, string text) =>
            $$$$"""{"type":"FriendMessage","messageChain":[{"type":"Source","id":{{{{Interlocked.Increment(ref _nextId)}}}},"time":1700000000},{"type":"Plain","text":{{{{Json(text)}}}}}],"sender":{"id":{{{{friend}}}},"nickname":"f{{{{friend}}}}","remark":""}}""";

        public static string Temp(long group, long sender, string text) =>
            $$$$"""{"type":"TempMessage","messageChain":[{"type":"Source","id":{{{{Interlocked.Increment(ref _nextId)}}}},"time":1700000000},{"type":"Plain","text":{{{{Json(text)}}}}}],"sender":{"id":{{{{sender}}}},"memberName":"m","specialTitle":"","permission":"MEMBER","joinTimestamp":0,"lastSpeakTimestamp":0,"muteTimeRemaining":0,"group":{"id":{{{{group}}}},"name":"g","permission":"MEMBER"}}}""";

        public static string FriendRequest(long eventId, long from, string message = "hi") =>
            $$$$"""{"type":"NewFriendRequestEvent","eventId":{{{{eventId}}}},"fromId":{{{{from}}}},"groupId":0,"nick":"n{{{{from}}}}","message":{{{{Json(message)}}}}}""";

        public static string JoinRequest(long eventId, long from, long group) =>
            $$$$"""{"type":"MemberJoinRequestEvent","eventId":{{{{eventId}}}},"fromId":{{{{from}}}},"groupId":{{{{group}}}},"groupName":"g","nick":"n","message":"let me in","invitorId":null}""";

        public static string Invitation(long eventId, long from, long group) =>
            $$$$"""{"type":"BotInvitedJoinGroupRequestEvent","eventId":{{{{eventId}}}},"fromId":{{{{from}}}},"groupId":{{{{group}}}},"groupName":"g","nick":"n","message":""}""";

        private static string Json(string text) => JsonSerializer.Serialize(text);

        private static string At(long? target) => target is { } qq ? ",{\"type\":\"At\",\"target\":" + qq.ToString(CultureInfo.InvariantCulture) + ",\"display\":\"\"}" : "";
    }

    protected static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
