using System.Diagnostics;
using MiraiClient.AspNetCore.Tests.Infrastructure;
using MiraiClient.OneBot;
using MiraiClient.Testing.OneBot;

namespace MiraiClient.AspNetCore.Tests;

/// <summary>One host with many accounts dialled in at once.</summary>
public sealed class ManyAccountsTests(ITestOutputHelper output)
{
    private const int Accounts = 100;
    private const int EventsPerAccount = 100;

    [Fact]
    public async Task OneHost_CarriesEventsAndCalls_WhenHundredAccountsAreConnected()
    {
        var total = Stopwatch.StartNew();
        await using var server = await TestServer.StartAsync();
        var fakes = await Task.WhenAll(Enumerable.Range(0, Accounts).Select(i => FakeOneBotImplementation.StartAsync(new FakeOneBotOptions { SelfId = 1_000_000 + i })));
        var dialers = new List<FakeOneBotReverseClient>();
        try
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var before = GC.GetTotalMemory(forceFullCollection: true);
            var merged = server.OneBot.GetEventsAsync(TestContext.Current.CancellationToken);
            var dial = Stopwatch.StartNew();
            dialers.AddRange(await Task.WhenAll(fakes.Select(f => f.DialAsync(server.OneBotUri, new FakeOneBotDialOptions { ReconnectInterval = TimeSpan.FromMinutes(10) }, TestContext.Current.CancellationToken))));
            await Wait.UntilAsync(
                () => server.OneBot.Accounts.Count == Accounts && server.OneBot.Accounts.All(a => server.OneBot.TryGetConnection(a, out var c) && c.State == ConnectionState.Connected),
                TimeSpan.FromSeconds(20),
                () => $"{server.OneBot.Accounts.Count} accounts known");
            var connectedIn = dial.Elapsed;
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var after = GC.GetTotalMemory(forceFullCollection: true);

            // Every account answers a typed call through its own connection.
            var calls = await Task.WhenAll(fakes.Select(async f =>
            {
                Assert.True(server.OneBot.TryGetConnection(f.SelfId, out var connection));
                return (await connection.System.GetLoginInfoAsync(TestContext.Current.CancellationToken)).UserId;
            }));
            Assert.Equal(fakes.Select(f => f.SelfId).Order(), calls.Order());

            // Every account pushes events; the merged stream sees them all, each naming its account.
            var counted = new Dictionary<long, int>();
            var flow = Stopwatch.StartNew();
            var push = Task.WhenAll(fakes.Select(async f =>
            {
                for (var n = 0; n < EventsPerAccount; n++)
                {
                    await f.PushPrivateMessageAsync(42, "event " + n);
                }
            }));
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(40));
            var received = 0;
            await foreach (var item in merged.WithCancellation(cts.Token))
            {
                if (item is PrivateMessageEvent)
                {
                    counted[item.SelfId] = counted.GetValueOrDefault(item.SelfId) + 1;
                    if (++received == Accounts * EventsPerAccount)
                    {
                        break;
                    }
                }
            }

            var flowTime = flow.Elapsed;
            var pushedAll = push.IsCompleted;
            var fakeDropped = fakes.Sum(f => f.DroppedPushCount);
            var connectionDropped = fakes.Sum(f => server.OneBot.TryGetConnection(f.SelfId, out var c) ? c.DroppedEventCount : 0);
            var diagnostics = $"received {received} in {flowTime.TotalSeconds:0.0} s; pushes done: {pushedAll}; fake drops {fakeDropped}; connection drops {connectionDropped}";
            output.WriteLine(diagnostics);
            await push.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            Assert.True(received == Accounts * EventsPerAccount, diagnostics);
            Assert.Equal(Accounts, counted.Count);
            Assert.All(counted.Values, c => Assert.Equal(EventsPerAccount, c));

            var perAccount = (after - before) / (double)Accounts;
            output.WriteLine($"{Accounts} accounts connected in {connectedIn.TotalSeconds:0.00} s");
            output.WriteLine($"managed memory per account after dial-in: {perAccount / 1024:0.0} KiB (both ends of each socket live in this process: fake implementation + server connection)");
            output.WriteLine($"{received} events in {flowTime.TotalSeconds:0.00} s through the merged stream: {received / flowTime.TotalSeconds:0} events/s");
            output.WriteLine($"total wall time {total.Elapsed.TotalSeconds:0.0} s");
            Assert.True(total.Elapsed < TimeSpan.FromSeconds(60), $"took {total.Elapsed.TotalSeconds:0.0} s");
        }
        finally
        {
            await server.OneBot.ShutdownAsync();
            await Task.WhenAll(dialers.Select(d => d.StopAsync()));
            await Task.WhenAll(fakes.Select(f => f.DisposeAsync().AsTask()));
        }
    }
}
