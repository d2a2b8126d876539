using System.Diagnostics;
using Microsoft.Extensions.Logging;
using MiraiClient;
using MiraiClient.Testing;

// The embedded demo: a fake mirai-api-http backend, a bot that answers /ping and /echo, and a
// backend crash in the middle that the bot recovers from by itself.
using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
const long BotQQ = 10001;
const long DemoGroup = 123456789;
const long DemoUser = 987654321;

await using var backend = await FakeMiraiBackend.StartAsync(new FakeMiraiBackendOptions { VerifyKey = "demo-key" });
Console.WriteLine($"[demo] fake mirai-api-http backend listening on {backend.Uri}");

await using var connection = new MiraiConnection(
    new MiraiConnectionOptions { Uri = backend.Uri, VerifyKey = "demo-key", QQ = BotQQ },
    loggerFactory);
connection.StateChanged += (_, e) => Console.WriteLine($"[state] {e}");

using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(45));
var bot = PingEchoBot.RunAsync(connection, stop.Token);
await connection.ConnectAsync(stop.Token);

async Task ExpectReplyAsync(string userText, string expected)
{
    var before = backend.ReceivedCommands.Count;
    Console.WriteLine($"[user] {userText}");
    await backend.PushGroupMessageAsync(DemoGroup, DemoUser, userText);
    var reply = await backend.WaitForCommandAsync(c => c.Command == "sendGroupMessage" && backend.ReceivedCommands.Count > before && c == backend.ReceivedCommands.Last(x => x.Command == "sendGroupMessage"), TimeSpan.FromSeconds(10));
    var text = reply.Content.GetProperty("messageChain")[0].GetProperty("text").GetString();
    Console.WriteLine($"[bot ] {text}");
    if (text != expected)
    {
        throw new InvalidOperationException($"expected '{expected}', got '{text}'");
    }
}

await ExpectReplyAsync("/ping", "pong");
await ExpectReplyAsync("/echo 你好, Mirai 🌸", "你好, Mirai 🌸");

Console.WriteLine("[demo] the backend crashes and is down for 2 s ...");
var crashed = Stopwatch.StartNew();
await backend.RestartAsync(TimeSpan.FromSeconds(2));
await backend.WaitForHandshakesAsync(2, TimeSpan.FromSeconds(30));
Console.WriteLine($"[demo] the bot reconnected by itself {crashed.ElapsedMilliseconds} ms after the crash");
await ExpectReplyAsync("/ping", "pong");

await stop.CancelAsync();
await bot;
Console.WriteLine("[demo] done");
return 0;
