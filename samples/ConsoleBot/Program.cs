using ConsoleBot;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MiraiClient.Hosting;
using MiraiClient.Testing;
using MiraiClient.Testing.OneBot;

// A minimal bot host for mirai-api-http or OneBot v11.
//   (no arguments)                                   plays a demo against embedded fakes of both protocols
//   --protocol mirai --uri ws://… --verify-key …     serves a mirai-api-http server (or Mirai:* settings)
//   --protocol onebot --uri ws://… --access-token …  serves a OneBot v11 implementation (or OneBot:* settings)
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

var config = builder.Configuration;
var mirai = config.GetSection("Mirai");
var oneBot = config.GetSection("OneBot");
var protocol = config["protocol"]?.Trim().ToLowerInvariant();
if (protocol is not (null or "mirai" or "onebot"))
{
    Console.Error.WriteLine($"--protocol '{config["protocol"]}' is not valid: use mirai or onebot.");
    return 3;
}

static bool IsSet(IConfigurationSection section) => !string.IsNullOrEmpty(section["Uri"]) || section.GetSection("Bots").GetChildren().Any();
protocol ??= IsSet(oneBot) && !IsSet(mirai) ? "onebot" : IsSet(mirai) || !string.IsNullOrEmpty(config["uri"]) ? "mirai" : null;

// The short switches only fill in the protocol's own keys, which may also come from any other source.
var switches = new Dictionary<string, string?>();
if (protocol == "onebot")
{
    switches["OneBot:Uri"] = config["uri"] ?? oneBot["Uri"];
    switches["OneBot:AccessToken"] = config["access-token"] ?? oneBot["AccessToken"];
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
    config.AddInMemoryCollection(new Dictionary<string, string?>
    {
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
if (protocol is null or "mirai")
{
    builder.Services.AddMiraiClient(mirai);
    builder.Services.AddMiraiBot()
        .Configure(mirai.GetSection("Hosting"))
        .AddSampleCommands();
}

if (protocol is null or "onebot")
{
    builder.Services.AddOneBotClient(oneBot);
    builder.Services.AddOneBot()
        .Configure(oneBot.GetSection("Hosting"))
        .AddSampleCommands();
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
