using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MiraiClient;
using MiraiClient.Hosting;
using MiraiClient.OneBot;
using MiraiClient.Testing;
using MiraiClient.Testing.OneBot;

// Proves the packages work as packages: connect to the fake backend, receive an event, send a command,
// then do the same through the Generic Host adapter; then the same for OneBot v11 against the fake implementation.
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

await using var oneBot = await FakeOneBotImplementation.StartAsync(new FakeOneBotOptions { AccessToken = "consumer-token" });
var services = new ServiceCollection().AddOneBotClient(o =>
{
    o.Uri = oneBot.Uri;
    o.AccessToken = "consumer-token";
});
await using (var provider = services.BuildServiceProvider())
{
    var connection = provider.GetRequiredService<IOneBotConnection>();
    var events = connection.GetEventsAsync<GroupMessageEvent>().GetAsyncEnumerator();
    await connection.ConnectAsync();
    await oneBot.PushGroupMessageAsync(1, 2, "hello from the fake OneBot implementation");
    if (!await events.MoveNextAsync() || events.Current.Message.ToPlainText() != "hello from the fake OneBot implementation")
    {
        throw new InvalidOperationException("no OneBot event arrived");
    }

    var sentId = await connection.Messages.SendGroupMessageAsync(1, new OneBotMessage(new AtSegment(2), new TextSegment(" hi")));
    Console.WriteLine($"onebot: received an event, sent a message (id {sentId}) as {connection.SelfId}");
    await events.DisposeAsync();
}

var oneBotBuilder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
oneBotBuilder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
{
    ["OneBot:Uri"] = oneBot.Uri.ToString(),
    ["OneBot:AccessToken"] = "consumer-token",
});
oneBotBuilder.Services.AddOneBotClient(oneBotBuilder.Configuration.GetSection("OneBot"));
oneBotBuilder.Services.AddOneBot().AddCommand("ping", (ctx, ct) => ctx.ReplyAsync("pong", cancellationToken: ct));
using var oneBotHost = oneBotBuilder.Build();
await oneBotHost.StartAsync();
await oneBotHost.Services.GetRequiredService<IOneBotHost>().WaitUntilReadyAsync();
var sends = oneBot.ActionCursor();
var asked = await oneBot.PushGroupMessageAsync(1, 2, "/ping");
var reply = await sends.NextSendAsync(TimeSpan.FromSeconds(10));
if (reply.Text != "pong" || reply.Message[0] is not ReplySegment { MessageId: var quoted } || quoted != asked.MessageId)
{
    throw new InvalidOperationException($"unexpected OneBot reply: {reply}");
}

await oneBotHost.StopAsync();
Console.WriteLine("hosting: a OneBot command replied, quoting the message");
Console.WriteLine("consumer check passed");
