using System.Diagnostics;
using MiraiClient.Testing;
using MiraiClient.Tests.Infrastructure;

namespace MiraiClient.Tests.RealServers;

/// <summary>
/// A relogged account leaves a live socket bound to a dead bot instance. The connection notices (the offline
/// event, or a liveness check that fails as a closed bot does), waits for the account to come back and opens a
/// new session bound to it; nothing is resent.
/// </summary>
public sealed class ReloginRecoveryTests(ITestOutputHelper output) : ConnectionTestBase(output)
{
    [Fact]
    public async Task AnnouncedRelogin_IsRecoveredWithinTenSecondsOfTheAccountComingBack_AtDefaultOptions()
    {
        var backend = await StartBackendAsync();
        var options = FastOptions(backend.Uri);
        options.BotLiveness = new BotLivenessOptions();
        var connection = CreateConnection(options);
        var states = new List<BotState>();
        connection.BotStateChanged += (_, e) =>
        {
            lock (states)
            {
                states.Add(e.CurrentState);
            }
        };
        await Within(connection.ConnectAsync(TestToken));
        await WaitUntilAsync(() => connection.BotState == BotState.Online);

        var window = TimeSpan.FromSeconds(2);
        var relogin = backend.ReloginAsync(new FakeRelogin { Announce = true, OfflineWindow = window }, TestToken);
        await WaitUntilAsync(() => connection.BotState == BotState.Offline);
        await Within(relogin);
        var back = Stopwatch.StartNew();
        await WaitUntilAsync(() => backend.HandshakeCount >= 2 && connection.State == ConnectionState.Connected && connection.BotState == BotState.Online, TimeSpan.FromSeconds(20));
        Output.WriteLine($"recovered {back.ElapsedMilliseconds} ms after the account came back (offline window {window.TotalSeconds} s)");
        Assert.True(back.Elapsed < TimeSpan.FromSeconds(10), $"recovery took {back.Elapsed}");

        // The new session is bound to the live account: events reach it and sends work.
        var events = connection.GetEventsAsync<GroupMessage>(TestToken);
        await backend.PushGroupMessageAsync(1, 2, "after the relogin");
        await using var reader = events.GetAsyncEnumerator(TestToken);
        Assert.True(await Within(reader.MoveNextAsync().AsTask()));
        Assert.Equal("after the relogin", reader.Current.MessageChain.ToPlainText());
        Assert.True(await Within(connection.SendGroupMessageAsync(1, "works", cancellationToken: TestToken)) > 0);
    }

    [Fact]
    public async Task SilentRelogin_IsDetectedByTheLivenessCheck_AndRecovered()
    {
        var backend = await StartBackendAsync();
        var options = FastOptions(backend.Uri);
        options.BotLiveness = new BotLivenessOptions { CheckInterval = TimeSpan.FromSeconds(1), RecoveryPollInterval = TimeSpan.FromMilliseconds(200) };
        var connection = CreateConnection(options);
        await Within(connection.ConnectAsync(TestToken));
        await WaitUntilAsync(() => connection.BotState == BotState.Online);

        var started = Stopwatch.StartNew();
        await Within(backend.ReloginAsync(new FakeRelogin { Announce = false }, TestToken));
        await WaitUntilAsync(() => backend.HandshakeCount >= 2 && connection.State == ConnectionState.Connected && connection.BotState == BotState.Online, TimeSpan.FromSeconds(20));
        Output.WriteLine($"silent relogin recovered after {started.ElapsedMilliseconds} ms (check every 1 s)");
        Assert.Contains("liveness check failed", Logs.AllText, StringComparison.Ordinal);
        Assert.True(await Within(connection.SendGroupMessageAsync(1, "works", cancellationToken: TestToken)) > 0);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan? bound = null)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < (bound ?? Bound), "The condition did not hold within the bound.");
            await Task.Delay(20, TestToken);
        }
    }
}
