using System.Globalization;
using System.Net;
using MiraiClient.Testing;

// Usage: MiraiClient.FakeBackendHost <address> <port>. Prints "listening <uri>" and runs until stdin closes.
var backend = await FakeMiraiBackend.StartAsync(new FakeMiraiBackendOptions
{
    Address = IPAddress.Parse(args[0]),
    Port = int.Parse(args[1], CultureInfo.InvariantCulture),
});
Console.WriteLine($"listening {backend.Uri}");
await Console.In.ReadToEndAsync();
await backend.DisposeAsync();
