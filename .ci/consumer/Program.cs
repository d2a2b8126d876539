using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MiraiClient;
using MiraiClient.Hosting;
using MiraiClient.Testing;

// Proves the packages work as packages: connect to the fake backend, receive an event, send a command,
// then do the same through the Generic Host adapter.
await using var backend = await FakeMiraiBackend.StartAsync(new FakeMiraiBackendOptions { VerifyKey = "consumer-key" });

await using (var connection = new MiraiConnection(new MiraiConnectionOptions { Uri = backend.Uri, VerifyKey = "consumer-key", QQ = 10001 }))
{
    var events = connection.GetEventsAsync<GroupMessage>().GetAsyncEnumerator();
    await connection.ConnectAsync();
    await backend.PushGroupMessageAsync(1, 2, "hello from the fake backend");
    if (!await events.MoveNextAsync() || events.Current.MessageChain.ToPlainText() != "hello from the fake backend")
    {
        throw new InvalidOperationException("no event arrived");
    }

    var id = await connection.SendGroupMessageAsync(1, new MessageChainBuilder().At(2).Text(" hi").Build());
    Console.WriteLine($"core: received an event, sent a command (message id {id}), server {(await connection.AboutAsync()).Version}");
    await events.DisposeAsync();
}

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
{
    ["Mirai:Uri"] = backend.Uri.ToString(),
    ["Mirai:VerifyKey"] = "consumer-key",
    ["Mirai:QQ"] = "10001",
});
builder.Services.AddMiraiClient(builder.Configuration.GetSection("Mirai"));
builder.Services.AddMiraiBot().OnGroupMessage((ctx, ct) => ctx.ReplyAsync("pong", cancellationToken: ct));
using var host = builder.Build();
await host.StartAsync();
await host.Services.GetRequiredService<IMiraiConnection>().ConnectAsync();
var before = backend.ReceivedCommands.Count(c => c.Command == "sendGroupMessage");
await backend.PushGroupMessageAsync(1, 2, "/ping");
await backend.WaitForCommandAsync(c => c.Command == "sendGroupMessage" && backend.ReceivedCommands.Count(x => x.Command == "sendGroupMessage") > before, TimeSpan.FromSeconds(10));
await host.StopAsync();
Console.WriteLine("hosting: a handler replied through the adapter package");
Console.WriteLine("consumer check passed");
