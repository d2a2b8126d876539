using ConsoleBot;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MiraiClient.AspNetCore;
using MiraiClient.Hosting;
using MiraiClient.Testing;
using MiraiClient.Testing.OneBot;

// A minimal bot host for mirai-api-http or OneBot v11.
//   (no arguments)                                   plays a demo against embedded fakes of both protocols
//   --protocol mirai --uri ws://… --verify-key …     serves a mirai-api-http server (or Mirai:* settings)
//   --protocol onebot --uri ws://… --access-token …  serves a OneBot v11 implementation (or OneBot:* settings)
//   --protocol onebot --listen http://0.0.0.0:8080 [--path /onebot/v11/ws] [--access-token …]
//                                                    server mode: NapCat, LLBot, Lagrange dial the bot (OneBot:Server:*)
//   --protocol mirai --listen http://0.0.0.0:8080 [--path /] --verify-key …
//                                                    server mode: mirai-api-http's reverse-ws adapter dials the bot (Mirai:Server:*)
// Serving runs until SIGINT/SIGTERM. Exit codes: 0 after a normal stop (within about a second, even while
// /slow runs), 3 when the configuration is invalid or the server rejects it. The host's settings are the defaults.
var builder = Host.CreateApplicationBuilder(args);
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.TimestampFormat = "HH:mm:ss.fff ";
});
builder.Logging.SetMinimumLevel(LogLevel.Information);

// Server mode's Kestrel logs through the same factory: its per-request lines are left out, its warnings kept.
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

var config = builder.Configuration;
var mirai = config.GetSection("Mirai");
var oneBot = config.GetSection("OneBot");
var protocol = config["protocol"]?.Trim().ToLowerInvariant();
if (protocol is not (null or "mirai" or "onebot"))
{
    Console.Error.WriteLine($"--protocol '{config["protocol"]}' is not valid: use mirai or onebot.");
    return 3;
}

static bool IsServed(IConfigurationSection section) => !string.IsNullOrEmpty(section["Server:Url"]);
static bool IsSet(IConfigurationSection section) => !string.IsNullOrEmpty(section["Uri"]) || section.GetSection("Bots").GetChildren().Any() || IsServed(section);
protocol ??= IsSet(oneBot) && !IsSet(mirai) ? "onebot" : IsSet(mirai) || !string.IsNullOrEmpty(config["uri"]) || !string.IsNullOrEmpty(config["listen"]) ? "mirai" : null;

// The short switches only fill in the protocol's own keys, which may also come from any other source.
// --listen chooses server mode: the QQ-side program dials the bot instead of the bot dialling it.
var switches = new Dictionary<string, string?>();
var listen = config["listen"];
if (protocol == "onebot" && (listen ?? oneBot["Server:Url"]) is not null)
{
    switches["OneBot:Server:Url"] = listen ?? oneBot["Server:Url"];
    switches["OneBot:Server:Path"] = config["path"] ?? oneBot["Server:Path"];
    switches["OneBot:Server:AccessToken"] = config["access-token"] ?? oneBot["Server:AccessToken"];
}
else if (protocol == "onebot")
{
    switches["OneBot:Uri"] = config["uri"] ?? oneBot["Uri"];
    switches["OneBot:AccessToken"] = config["access-token"] ?? oneBot["AccessToken"];
}
else if (protocol == "mirai" && (listen ?? mirai["Server:Url"]) is not null)
{
    switches["Mirai:Server:Url"] = listen ?? mirai["Server:Url"];
    switches["Mirai:Server:Path"] = config["path"] ?? mirai["Server:Path"];
    switches["Mirai:Server:VerifyKey"] = config["verify-key"] ?? mirai["Server:VerifyKey"];
}
else if (protocol == "mirai")
{
    switches["Mirai:Uri"] = config["uri"] ?? mirai["Uri"];
    switches["Mirai:VerifyKey"] = config["verify-key"] ?? mirai["VerifyKey"];
}

config.AddInMemoryCollection(switches.Where(s => s.Value is not null));

FakeMiraiBackend? demoBackend = null;
FakeOneBotImplementation? demoOneBot = null;
if (protocol is null)
{
    demoBackend = await FakeMiraiBackend.StartAsync(new FakeMiraiBackendOptions { VerifyKey = DemoScript.VerifyKey });
    demoOneBot = await FakeOneBotImplementation.StartAsync(new FakeOneBotOptions { SelfId = DemoScript.OneBotSelfId, AccessToken = DemoScript.AccessToken });
    var serverPort = DemoScript.FreeLoopbackPort();
    config.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["OneBot:Server:Url"] = $"http://127.0.0.1:{serverPort}",
        ["OneBot:Server:Path"] = DemoScript.ServerPath,
        ["OneBot:Server:AccessToken"] = DemoScript.AccessToken,
        ["Mirai:Uri"] = demoBackend.Uri.ToString(),
        ["Mirai:VerifyKey"] = DemoScript.VerifyKey,
        ["Mirai:QQ"] = DemoScript.BotQQ.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["OneBot:Uri"] = demoOneBot.Uri.ToString(),
        ["OneBot:AccessToken"] = DemoScript.AccessToken,
    });
    builder.Services.AddSingleton(demoBackend);
    builder.Services.AddSingleton(demoOneBot);
    builder.Services.AddHostedService<DemoScript>();
    Console.WriteLine($"[demo] nothing to serve configured: playing the demo against a fake mirai backend on {demoBackend.Uri} and a fake OneBot implementation on {demoOneBot.Uri}");
}

// Connection state changes are logged by the bot host (event 2009); dispatch and stop settings may come
// from Mirai:Hosting or OneBot:Hosting (for example OneBot:Hosting:DrainTimeout=00:00:02).
// In server mode the bot listens itself (no ASP.NET Core application to write); every account that dials in
// becomes a bot of its own, and MaxConcurrentHandlersPerBot keeps one busy account from holding up the others.
if (protocol is null or "mirai")
{
    var bot = builder.Services.AddMiraiBot()
        .Configure(mirai.GetSection("Hosting"))
        .AddSampleCommands();
    if (IsServed(mirai))
    {
        bot.ServeReverseWebSocket(mirai.GetSection("Server"));
    }
    else
    {
        builder.Services.AddMiraiClient(mirai);
    }
}

if (protocol is null or "onebot")
{
    var bot = builder.Services.AddOneBot()
        .Configure(oneBot.GetSection("Hosting"))
        .AddSampleCommands();
    if (IsServed(oneBot))
    {
        bot.ServeReverseWebSocket(oneBot.GetSection("Server"));
    }

    // The demo runs both: a OneBot implementation the bot dials, and one that dials the bot.
    if (!IsServed(oneBot) || protocol is null)
    {
        builder.Services.AddOneBotClient(oneBot);
    }
}

using (var host = builder.Build())
{
    await host.RunAsync();
}

if (demoBackend is not null)
{
    await demoBackend.DisposeAsync();
}

if (demoOneBot is not null)
{
    await demoOneBot.DisposeAsync();
}

return Environment.ExitCode;
