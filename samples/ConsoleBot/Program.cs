using ConsoleBot;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MiraiClient.Hosting;
using MiraiClient.Testing;

// A minimal bot host. With no Mirai:Uri configured it starts the embedded fake backend and plays a
// short demo; with one (appsettings.json, Mirai__Uri, or --Mirai:Uri=) it serves that backend until
// SIGINT/SIGTERM. Exit codes: 0 after a normal stop (within about a second, even while /slow runs),
// 3 when the configuration is invalid or the server rejects it. The host's settings are the defaults.
var builder = Host.CreateApplicationBuilder(args);
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.TimestampFormat = "HH:mm:ss.fff ";
});
builder.Logging.SetMinimumLevel(LogLevel.Information);

var mirai = builder.Configuration.GetSection("Mirai");
FakeMiraiBackend? demoBackend = null;
if (string.IsNullOrEmpty(mirai["Uri"]) && !mirai.GetSection("Bots").GetChildren().Any())
{
    demoBackend = await FakeMiraiBackend.StartAsync(new FakeMiraiBackendOptions { VerifyKey = DemoScript.VerifyKey });
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Mirai:Uri"] = demoBackend.Uri.ToString(),
        ["Mirai:VerifyKey"] = DemoScript.VerifyKey,
        ["Mirai:QQ"] = DemoScript.BotQQ.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });
    builder.Services.AddSingleton(demoBackend);
    builder.Services.AddHostedService<DemoScript>();
    Console.WriteLine($"[demo] no Mirai:Uri configured: playing the demo against a fake backend on {demoBackend.Uri}");
}

// Connection state changes are logged by the bot host (event 2009); dispatch and stop settings may
// come from Mirai:Hosting (for example Mirai:Hosting:DrainTimeout=00:00:02).
builder.Services.AddMiraiClient(mirai);
builder.Services.AddMiraiBot()
    .Configure(mirai.GetSection("Hosting"))
    .AddSampleCommands();

using (var host = builder.Build())
{
    await host.RunAsync();
}

if (demoBackend is not null)
{
    await demoBackend.DisposeAsync();
}

return Environment.ExitCode;
