using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using MiraiClient;
using MiraiClient.Hosting;
using MiraiClient.Testing;

namespace ConsoleBot;

/// <summary>Plays simulated users against the bot through the fake backend, crashes the backend in
/// the middle, and stops the host when done (exit code 1 if anything did not go as expected).</summary>
internal sealed class DemoScript(FakeMiraiBackend backend, IMiraiConnection connection, IMiraiBotHost bots, IHostApplicationLifetime lifetime) : BackgroundService
{
    public const string VerifyKey = "demo-verify-key";
    public const long BotQQ = 10001;
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
            Console.WriteLine("[demo] done: every reply arrived, the crash was survived");
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
}
