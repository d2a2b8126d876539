using System.Diagnostics;
using System.Net.WebSockets;
using MiraiClient.AspNetCore.Tests.Infrastructure;

namespace MiraiClient.AspNetCore.Tests;

/// <summary>The mirai-api-http reverse-ws endpoint against a fake reverse mirai-api-http client.</summary>
public sealed class MiraiReverseServerTests
{
    private const string VerifyKey = "verify-KEY-123";
    private const string Secret = "shared-secret-xyz";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task MapMiraiReverseWebSocket_SendsVerifyWithAllKeys_AndCarriesCommandsAndEvents()
    {
        await using var server = await TestServer.StartAsync(mirai: o => o.VerifyKey = VerifyKey);
        var merged = server.Mirai.GetEventsAsync(TestContext.Current.CancellationToken);
        await using var mah = await FakeMahReverseClient.ConnectAsync(server.MiraiUri, 90001, VerifyKey);
        await mah.Verified.WaitAsync(Bound, TestContext.Current.CancellationToken);

        var verify = mah.Commands.First();
        Assert.Equal("verify", verify["command"]!.GetValue<string>());
        var content = verify["content"]!.AsObject();
        Assert.True(content.ContainsKey("sessionKey"));
        Assert.Null(content["sessionKey"]);
        Assert.Equal(90001, content["qq"]!.GetValue<long>());
        Assert.Equal(VerifyKey, content["verifyKey"]!.GetValue<string>());

        IMiraiConnection? connection = null;
        await Wait.UntilAsync(() => server.Mirai.TryGetConnection(90001, out connection) && connection.State == ConnectionState.Connected, Bound, () => server.Logs.AllText);
        var about = await ((MiraiConnection)connection!).AboutAsync(TestContext.Current.CancellationToken);
        Assert.Equal("2.10.0", about.Version);

        await mah.PushEventAsync("{\"type\":\"BotOnlineEvent\",\"qq\":90001}");
        var item = await OneBotReverseServerTests.FirstAsync(merged, e => e.Event is BotOnlineEvent);
        Assert.Equal(90001, item.QQ);
        Assert.DoesNotContain(VerifyKey, server.Logs.OwnText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MapMiraiReverseWebSocket_ClosesWith1008NotHttpError_WhenVerifyKeyIsWrong()
    {
        await using var server = await TestServer.StartAsync(mirai: o => o.VerifyKey = VerifyKey);
        await using var mah = await FakeMahReverseClient.ConnectAsync(server.MiraiUri, 90002, "another-key");

        // The upgrade itself succeeded (mirai-api-http's redial loop survives a close, not an HTTP error).
        Assert.Equal(101, mah.Upgrade.Status);
        var status = await mah.Closed.WaitAsync(Bound, TestContext.Current.CancellationToken);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, status);
        Assert.Equal(1, mah.FailedVerifies);
        Assert.DoesNotContain(VerifyKey, server.Logs.OwnText, StringComparison.Ordinal);
        Assert.DoesNotContain("another-key", server.Logs.OwnText, StringComparison.Ordinal);

        // A later dial with the right key gets a fresh connection for the account.
        await using var fixedMah = await FakeMahReverseClient.ConnectAsync(server.MiraiUri, 90002, VerifyKey);
        await fixedMah.Verified.WaitAsync(Bound, TestContext.Current.CancellationToken);
        IMiraiConnection? connection = null;
        await Wait.UntilAsync(() => server.Mirai.TryGetConnection(90002, out connection) && connection.State == ConnectionState.Connected, Bound, () => server.Logs.AllText);
    }

    [Fact]
    public async Task MapMiraiReverseWebSocket_AcceptsThenCloses1008_WhenSecretOrAccountIsMissing()
    {
        await using var server = await TestServer.StartAsync(mirai: o => { o.VerifyKey = VerifyKey; o.AccessToken = Secret; });
        await using var noSecret = await FakeMahReverseClient.ConnectAsync(server.MiraiUri, 90003, VerifyKey);
        await using var wrongSecret = await FakeMahReverseClient.ConnectAsync(server.MiraiUri, 90003, VerifyKey, new Dictionary<string, string> { ["Authorization"] = "Bearer nope" });
        await using var noAccount = await FakeMahReverseClient.ConnectAsync(server.MiraiUri, 90003, VerifyKey, new Dictionary<string, string> { ["Authorization"] = "Bearer " + Secret }, announceAccount: false);

        foreach (var refused in new[] { noSecret, wrongSecret, noAccount })
        {
            Assert.Equal(101, refused.Upgrade.Status);
            Assert.Equal(WebSocketCloseStatus.PolicyViolation, await refused.Closed.WaitAsync(Bound, TestContext.Current.CancellationToken));
            Assert.Empty(refused.Commands);
        }

        // Query form of the secret, account in the header: accepted and verified.
        await using var good = await FakeMahReverseClient.ConnectAsync(new Uri(server.MiraiUri + "?access_token=" + Secret), 90003, VerifyKey);
        await good.Verified.WaitAsync(Bound, TestContext.Current.CancellationToken);
        Assert.DoesNotContain(Secret, server.Logs.OwnText, StringComparison.Ordinal);
        Assert.Contains(server.Logs.Lines, l => l.EventId == 5001 && l.Text.Contains("closed 1008", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Shutdown_ClosesMiraiSocketsWith1001_WithinBound()
    {
        var server = await TestServer.StartAsync(mirai: o => o.VerifyKey = VerifyKey);
        await using var mah = await FakeMahReverseClient.ConnectAsync(server.MiraiUri, 90004, VerifyKey);
        await mah.Verified.WaitAsync(Bound, TestContext.Current.CancellationToken);
        IMiraiConnection? connection = null;
        await Wait.UntilAsync(() => server.Mirai.TryGetConnection(90004, out connection) && connection.State == ConnectionState.Connected, Bound, () => server.Logs.AllText);

        var watch = Stopwatch.StartNew();
        await server.DisposeAsync();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"shutdown took {watch.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, await mah.Closed.WaitAsync(Bound, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task NewestMiraiSocket_ReplacesTheOld_AndFailsItsCommandTyped()
    {
        await using var server = await TestServer.StartAsync(mirai: o => o.VerifyKey = VerifyKey);
        await using var old = await FakeMahReverseClient.ConnectAsync(server.MiraiUri, 90005, VerifyKey);
        await old.Verified.WaitAsync(Bound, TestContext.Current.CancellationToken);
        IMiraiConnection? connection = null;
        await Wait.UntilAsync(() => server.Mirai.TryGetConnection(90005, out connection) && connection.State == ConnectionState.Connected, Bound, () => server.Logs.AllText);
        old.Silent = true;
        var call = ((MiraiConnection)connection!).AboutAsync(TestContext.Current.CancellationToken);
        await Wait.UntilAsync(() => old.Commands.Any(c => c["command"]?.GetValue<string>() == "about"), Bound, () => "about never reached the old socket");

        await using var fresh = await FakeMahReverseClient.ConnectAsync(server.MiraiUri, 90005, VerifyKey);
        var lost = await Assert.ThrowsAsync<MiraiConnectionLostException>(() => call.WaitAsync(Bound, TestContext.Current.CancellationToken));
        Assert.Equal(DisconnectReason.Replaced, lost.Reason);
        await fresh.Verified.WaitAsync(Bound, TestContext.Current.CancellationToken);
        await Wait.UntilAsync(() => connection!.State == ConnectionState.Connected, Bound, () => server.Logs.AllText);
        Assert.Equal("2.10.0", (await ((MiraiConnection)connection!).AboutAsync(TestContext.Current.CancellationToken)).Version);
        Assert.DoesNotContain(fresh.Commands, c => c["command"]?.GetValue<string>() == "about" && c["syncId"]?.ToString() == old.Commands.Last(o => o["command"]?.GetValue<string>() == "about")["syncId"]?.ToString());
    }
}
