using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using MiraiClient;
using MiraiClient.Hosting;
using MiraiClient.OneBot;
using MiraiClient.Testing;
using MiraiClient.Testing.OneBot;

namespace ConsoleBot;

/// <summary>Plays simulated users against the bot through the fake mirai backend, crashes the backend in
/// the middle, then does the same over OneBot v11 through the fake OneBot implementation, and stops the
/// host when done (exit code 1 if anything did not go as expected).</summary>
internal sealed class DemoScript(
    FakeMiraiBackend backend,
    IMiraiConnection connection,
    IMiraiBotHost bots,
    FakeOneBotImplementation oneBot,
    IOneBotConnection oneBotConnection,
    IOneBotHost oneBots,
    IConfiguration configuration,
    IHostApplicationLifetime lifetime) : BackgroundService
{
    public const string VerifyKey = "demo-verify-key";
    public const string AccessToken = "demo-access-token";
    public const long BotQQ = 10001;
    public const long OneBotSelfId = 10002;
    public const long DialingSelfId = 10003;
    public const string ServerPath = "/onebot/v11/ws";
    private const long Group = 123456789;
    private const long User = 987654321;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            deadline.CancelAfter(TimeSpan.FromSeconds(45));
            await bots.WaitUntilReadyAsync(deadline.Token);
            await ExpectReplyAsync("/ping", "pong");
            await ExpectReplyAsync("/echo 你好, Mirai 🌸", "你好, Mirai 🌸");
            await ExpectSilenceAsync("hello, is anyone there?");

            Console.WriteLine("[demo] the backend crashes and stays down for 2 s ...");
            var crashed = Stopwatch.StartNew();
            var handshakes = backend.HandshakeCount;
            await backend.RestartAsync(TimeSpan.FromSeconds(2), deadline.Token);
            await backend.WaitForHandshakesAsync(handshakes + 1, TimeSpan.FromSeconds(30));
            Console.WriteLine($"[demo] the bot reconnected by itself {crashed.ElapsedMilliseconds} ms after the crash");
            await connection.ConnectAsync(deadline.Token);
            await ExpectReplyAsync("/ping", "pong");

            Console.WriteLine("[demo] the same bot over OneBot v11, against a fake OneBot implementation ...");
            await oneBots.WaitUntilReadyAsync(deadline.Token);
            await ExpectOneBotReplyAsync("/ping", "pong");
            await ExpectOneBotReplyAsync("/echo 你好, OneBot 🌸", "你好, OneBot 🌸");
            await ExpectOneBotSilenceAsync("hello, is anyone there?");
            Console.WriteLine("[demo] the OneBot implementation restarts and stays down for 1 s ...");
            crashed.Restart();
            await oneBot.RestartAsync(TimeSpan.FromSeconds(1), deadline.Token);
            await oneBot.WaitForConnectionCountAsync(1, TimeSpan.FromSeconds(30));
            Console.WriteLine($"[demo] the OneBot bot reconnected by itself {crashed.ElapsedMilliseconds} ms after the restart");
            await oneBotConnection.ConnectAsync(deadline.Token);
            await ExpectOneBotReplyAsync("/ping", "pong");

            Console.WriteLine("[demo] server mode: a second OneBot implementation dials the bot over reverse WebSocket ...");
            var listening = new Uri(configuration["OneBot:Server:Url"]!.Replace("http://", "ws://", StringComparison.Ordinal) + ServerPath);
            await using (var dialing = await FakeOneBotImplementation.StartAsync(new FakeOneBotOptions { SelfId = DialingSelfId, AccessToken = AccessToken }))
            await using (await dialing.DialAsync(listening, new FakeOneBotDialOptions { ReconnectInterval = TimeSpan.FromMinutes(1) }, deadline.Token))
            {
                while (!oneBots.Bots.Any(b => b.SelfId == DialingSelfId && b.Connection.State == ConnectionState.Connected))
                {
                    await Task.Delay(20, deadline.Token);
                }

                Console.WriteLine($"[demo] account {DialingSelfId} dialled in and is served as bot '{oneBots.Bots.First(b => b.SelfId == DialingSelfId).Name}'");
                await ExpectOneBotReplyAsync(dialing, "/ping", "pong");
            }

            Console.WriteLine("[demo] done: every reply arrived over both protocols and both directions, the crashes were survived");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            Console.WriteLine($"[demo] FAILED: {ex.Message}");
            Environment.ExitCode = 1;
        }
        finally
        {
            lifetime.StopApplication();
        }
    }

    private async Task ExpectReplyAsync(string userText, string expected)
    {
        var before = SentCount();
        Console.WriteLine($"[user] {userText}");
        await backend.PushGroupMessageAsync(Group, User, userText);
        var reply = await backend.WaitForCommandAsync(c => c.Command == "sendGroupMessage" && SentCount() > before, TimeSpan.FromSeconds(10));
        var sent = backend.ReceivedCommands.Where(c => c.Command == "sendGroupMessage").ElementAt(before);
        var text = sent.Content.GetProperty("messageChain")[0].GetProperty("text").GetString();
        Console.WriteLine($"[bot ] {text}");
        if (text != expected || sent.Content.GetProperty("target").GetInt64() != Group)
        {
            throw new InvalidOperationException($"expected '{expected}' in group {Group}, got '{text}': {reply.RawJson}");
        }
    }

    private async Task ExpectSilenceAsync(string userText)
    {
        var before = SentCount();
        Console.WriteLine($"[user] {userText}");
        await backend.PushGroupMessageAsync(Group, User, userText);
        await Task.Delay(300);
        if (SentCount() != before)
        {
            throw new InvalidOperationException("the bot answered a message it should ignore");
        }

        Console.WriteLine("[bot ] (ignores it)");
    }

    private int SentCount() => backend.ReceivedCommands.Count(c => c.Command == "sendGroupMessage");

    /// <summary>A loopback port free a moment ago, for the demo's own reverse WebSocket server.</summary>
    public static int FreeLoopbackPort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }

    private Task ExpectOneBotReplyAsync(string userText, string expected) => ExpectOneBotReplyAsync(oneBot, userText, expected);

    private static async Task ExpectOneBotReplyAsync(FakeOneBotImplementation oneBot, string userText, string expected)
    {
        var cursor = oneBot.ActionCursor();
        Console.WriteLine($"[user] {userText}");
        var asked = await oneBot.PushGroupMessageAsync(Group, User, userText);
        var sent = await cursor.NextSendAsync(TimeSpan.FromSeconds(10));
        var quoted = sent.Message.Count > 0 && sent.Message[0] is ReplySegment reply ? reply.MessageId : null;
        Console.WriteLine($"[bot ] {sent.Text} (quoting message {quoted})");
        if (sent.Text != expected || sent.TargetId != Group || quoted != asked.MessageId)
        {
            throw new InvalidOperationException($"expected '{expected}' quoting message {asked.MessageId} in group {Group}, got {sent}");
        }
    }

    private async Task ExpectOneBotSilenceAsync(string userText)
    {
        var cursor = oneBot.ActionCursor();
        Console.WriteLine($"[user] {userText}");
        await oneBot.PushGroupMessageAsync(Group, User, userText);
        await Task.Delay(300);
        if (cursor.Received.Any(a => a.Send is not null))
        {
            throw new InvalidOperationException("the OneBot bot answered a message it should ignore");
        }

        Console.WriteLine("[bot ] (ignores it)");
    }
}
