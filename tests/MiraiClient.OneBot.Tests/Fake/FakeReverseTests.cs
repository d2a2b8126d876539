using System.Diagnostics;
using System.Text.Json;
using MiraiClient.OneBot.Tests.Infrastructure;
using MiraiClient.Testing.OneBot;

namespace MiraiClient.OneBot.Tests.Fake;

/// <summary>Reverse WebSocket: the fake dials a Kestrel endpoint with each profile's headers, serves the
/// socket like a forward one, redials after drops, splits roles, and runs several accounts at once.</summary>
public class FakeReverseTests : FakeTestBase
{
    private async Task<ReverseTestServer> StartServerAsync() => Track(await ReverseTestServer.StartAsync());

    // vector, profile, token, split roles
    [Theory]
    [InlineData("transport/reverse-ws.upgrade.napcat.json", FakeOneBotProfile.NapCat, null, false)]
    [InlineData("transport/reverse-ws.upgrade.llbot.json", FakeOneBotProfile.LLBot, "s3cret", false)]
    [InlineData("transport/reverse-ws.upgrade.lagrange.universal.json", FakeOneBotProfile.Lagrange, null, false)]
    [InlineData("transport/reverse-ws.upgrade.lagrange.split-api.json", FakeOneBotProfile.Lagrange, "s3cret", true)]
    [InlineData("transport/reverse-ws.upgrade.gocq.json", FakeOneBotProfile.GoCqhttp, "s3cret", false)]
    public async Task Dial_SendsTheProfilesUpgradeHeaders_AsTheTransportVectorsShow(string vector, FakeOneBotProfile profile, string? token, bool split)
    {
        using var descriptor = JsonDocument.Parse(OneBotVectors.Bytes(vector));
        var expected = descriptor.RootElement.GetProperty("headers");
        var path = descriptor.RootElement.GetProperty("path").GetString()!;
        var server = await StartServerAsync();
        var fake = await StartFakeAsync(o =>
        {
            o.Profile = profile;
            o.AccessToken = token;
        });

        Track(await fake.DialAsync(server.At(path), new FakeOneBotDialOptions { Roles = split ? FakeOneBotReverseRoles.ApiAndEvent : FakeOneBotReverseRoles.Universal, EventUri = split ? server.At("/onebot/v11/ws/event") : null }, cancellationToken: TestToken));

        var request = server.Requests.First(r => r.Path == path);
        foreach (var header in new[] { "X-Self-ID", "X-Client-Role", "User-Agent", "Authorization" })
        {
            // Kestrel trims header values, so "Bearer " arrives as "Bearer".
            var want = expected.EnumerateObject().FirstOrDefault(p => p.Name.Equals(header, StringComparison.OrdinalIgnoreCase)).Value;
            Assert.Equal(want.ValueKind == JsonValueKind.String ? want.GetString()!.Trim() : null, request.Header(header));
        }

        if (profile == FakeOneBotProfile.GoCqhttp)
        {
            // go-cqhttp leaves the header out when no token is set.
            var bare = await StartFakeAsync(o => o.Profile = profile);
            Track(await bare.DialAsync(server.At("/bare"), cancellationToken: TestToken));
            Assert.Null(server.Requests.First(r => r.Path == "/bare").Header("Authorization"));
        }
    }

    [Fact]
    public async Task Dial_ServesTheSocketLikeAForwardOne()
    {
        var server = await StartServerAsync();
        var fake = await StartFakeAsync(o => o.HeartbeatInterval = TimeSpan.FromMilliseconds(150));

        var client = Track(await fake.DialAsync(server.At("/onebot/v11/ws"), cancellationToken: TestToken));
        var socket = await server.NextSocketAsync();

        var lifecycle = await socket.NextAsync();
        Assert.True(OneBotRawClient.IsMeta(lifecycle, "lifecycle"));
        Assert.Equal(fake.SelfId, lifecycle.GetProperty("self_id").GetInt64());
        Assert.True(OneBotRawClient.IsMeta(await socket.NextAsync(), "heartbeat"));

        var login = await socket.CallAsync("get_login_info");
        Assert.Equal(fake.SelfId, login.GetProperty("data").GetProperty("user_id").GetInt64());
        var cursor = fake.ActionCursor();
        var sent = await socket.CallAsync("send_group_msg", """{"group_id":100100,"message":"from the server"}""");
        Assert.Equal("ok", sent.GetProperty("status").GetString());
        Assert.Equal("from the server", (await cursor.NextSendAsync()).Text);

        await fake.PushGroupMessageAsync(100100, 12345678, "to the server");
        Assert.Equal("to the server", (await socket.NextNonHeartbeatAsync()).GetProperty("raw_message").GetString());
        Assert.Equal(1, client.ConnectedCount);
        Assert.Equal(1, fake.ConnectionCount);
    }

    [Fact]
    public async Task Dial_Redials_AfterTheServerClosesTheSocket()
    {
        var server = await StartServerAsync();
        var fake = await StartFakeAsync(o =>
        {
            o.Profile = FakeOneBotProfile.LLBot;
            o.HeartbeatInterval = TimeSpan.Zero;
        });
        var client = Track(await fake.DialAsync(server.At("/ws"), new FakeOneBotDialOptions { ReconnectInterval = TimeSpan.FromMilliseconds(300) }, cancellationToken: TestToken));
        var first = await server.NextSocketAsync();
        await first.NextAsync();

        var closedAt = Stopwatch.StartNew();
        await first.CloseAsync();
        var second = await server.NextSocketAsync();

        Assert.True(OneBotRawClient.IsMeta(await second.NextAsync(), "lifecycle"));
        Assert.InRange(closedAt.Elapsed, TimeSpan.FromMilliseconds(250), Bound);
        Assert.Equal(2, client.Attempts.Count(a => a.Succeeded));
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task Dial_Redials_AfterTheFakeAbortsItsSockets()
    {
        var server = await StartServerAsync();
        var fake = await StartFakeAsync(o => o.HeartbeatInterval = TimeSpan.Zero);
        Track(await fake.DialAsync(server.At("/ws"), new FakeOneBotDialOptions { ReconnectInterval = TimeSpan.FromMilliseconds(100) }, cancellationToken: TestToken));
        var first = await server.NextSocketAsync();
        await first.NextAsync();

        fake.AbortConnections();

        await first.Ended.WaitAsync(Bound, TestToken);
        var second = await server.NextSocketAsync();
        Assert.True(OneBotRawClient.IsMeta(await second.NextAsync(), "lifecycle"));
    }

    [Fact]
    public async Task Dial_RetriesAtTheInterval_WhenTheServerRefuses()
    {
        var server = await StartServerAsync();
        server.RefuseWith = 401;
        var fake = await StartFakeAsync(o => o.AccessToken = "tok-9f8e");

        var client = Track(fake.StartDialing(server.At("/ws"), new FakeOneBotDialOptions { ReconnectInterval = TimeSpan.FromMilliseconds(200) }));
        await Within(client.WaitForAttemptsAsync(3));

        Assert.All(client.Attempts.Take(3), a =>
        {
            Assert.False(a.Succeeded);
            Assert.Equal(401, a.StatusCode);
        });
        Assert.Equal(0, client.ConnectedCount);
        var timeout = await Assert.ThrowsAsync<TimeoutException>(() => client.WaitForConnectedAsync(TimeSpan.FromMilliseconds(100)));
        Assert.Contains("HTTP 401", timeout.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("tok-9f8e", timeout.Message, StringComparison.Ordinal);

        server.RefuseWith = 0;
        await Within(client.WaitForConnectedAsync());
    }

    [Fact]
    public async Task Dial_GivesUpAfterTwoSeconds_OnNapCat_WhenTheUpgradeIsSlow()
    {
        var server = await StartServerAsync();
        server.UpgradeDelay = TimeSpan.FromSeconds(8);
        var fake = await StartFakeAsync();

        var client = Track(fake.StartDialing(server.At("/ws"), new FakeOneBotDialOptions { ReconnectInterval = TimeSpan.FromSeconds(30) }));
        await Within(client.WaitForAttemptsAsync(1));

        var attempt = client.Attempts[0];
        Assert.Equal(0, attempt.StatusCode);
        Assert.Contains("timed out", attempt.Error, StringComparison.Ordinal);
        Assert.InRange(attempt.At, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(7.9));
        Assert.Equal(TimeSpan.FromSeconds(2), client.UpgradeTimeout);
    }

    [Fact]
    public async Task Dial_WaitsForASlowUpgrade_OnLagrange()
    {
        var server = await StartServerAsync();
        server.UpgradeDelay = TimeSpan.FromSeconds(2.5);
        var fake = await StartFakeAsync(o => o.Profile = FakeOneBotProfile.Lagrange);

        var client = Track(await fake.DialAsync(server.At("/ws"), cancellationToken: TestToken));

        Assert.Null(client.UpgradeTimeout);
        Assert.True(Assert.Single(client.Attempts).Succeeded);
        Assert.True(OneBotRawClient.IsMeta(await (await server.NextSocketAsync()).NextAsync(), "lifecycle"));
    }

    [Fact]
    public async Task Dial_SplitsApiAndEventSockets_OnLagrange()
    {
        var server = await StartServerAsync();
        var fake = await StartFakeAsync(o =>
        {
            o.Profile = FakeOneBotProfile.Lagrange;
            o.HeartbeatInterval = TimeSpan.FromMilliseconds(150);
        });

        var client = Track(await fake.DialAsync(server.At("/onebot/v11/ws/api"), new FakeOneBotDialOptions { Roles = FakeOneBotReverseRoles.ApiAndEvent, EventUri = server.At("/onebot/v11/ws/event") }, cancellationToken: TestToken));
        var sockets = new[] { await server.NextSocketAsync(), await server.NextSocketAsync() };
        var api = sockets.Single(s => s.Request.Header("X-Client-Role") == "Api");
        var events = sockets.Single(s => s.Request.Header("X-Client-Role") == "Event");

        Assert.Equal("/onebot/v11/ws/api", api.Request.Path);
        Assert.Equal("/onebot/v11/ws/event", events.Request.Path);
        Assert.Equal(2, client.ConnectedCount);
        Assert.True(OneBotRawClient.IsMeta(await events.NextAsync(), "lifecycle"));
        Assert.Equal(0, (await api.CallAsync("get_status")).GetProperty("retcode").GetInt32());
        await fake.PushPrivateMessageAsync(12345678, "events only here");
        Assert.Equal("events only here", (await events.NextNonHeartbeatAsync()).GetProperty("raw_message").GetString());
        Assert.Null(await api.FrameWithinAsync(TimeSpan.FromMilliseconds(500)));
        Assert.Equal(FakeOneBotEndpoint.Api, (await fake.WaitForActionAsync("get_status")).Endpoint);
    }

    [Fact]
    public async Task Dial_UsesUpperCaseApiRole_OnGoCqhttp()
    {
        var server = await StartServerAsync();
        var fake = await StartFakeAsync(o => o.Profile = FakeOneBotProfile.GoCqhttp);

        Track(await fake.DialAsync(server.At("/ws/api"), new FakeOneBotDialOptions { Roles = FakeOneBotReverseRoles.ApiAndEvent, EventUri = server.At("/ws/event") }, cancellationToken: TestToken));

        Assert.Contains(server.Requests, r => r.Path == "/ws/api" && r.Header("X-Client-Role") == "API");
        Assert.Contains(server.Requests, r => r.Path == "/ws/event" && r.Header("X-Client-Role") == "Event");
    }

    [Fact]
    public async Task Dial_RefusesSplitRoles_OnNapCat()
    {
        var fake = await StartFakeAsync();

        Assert.Throws<NotSupportedException>(() => fake.StartDialing(new Uri("ws://127.0.0.1:1/ws"), new FakeOneBotDialOptions { Roles = FakeOneBotReverseRoles.ApiAndEvent }));
        Assert.Throws<ArgumentException>(() => fake.StartDialing(new Uri("wss://127.0.0.1:1/ws")));
    }

    [Fact]
    public async Task SeveralAccounts_DialTheSameServer_EachWithItsSelfId()
    {
        var server = await StartServerAsync();
        var first = await StartFakeAsync(o => o.SelfId = 10001000);
        var second = await StartFakeAsync(o =>
        {
            o.SelfId = 3512345678;
            o.Profile = FakeOneBotProfile.LLBot;
        });

        Track(await first.DialAsync(server.At("/onebot/v11/ws"), cancellationToken: TestToken));
        Track(await second.DialAsync(server.At("/onebot/v11/ws"), cancellationToken: TestToken));
        var sockets = new[] { await server.NextSocketAsync(), await server.NextSocketAsync() };

        var byAccount = sockets.ToDictionary(s => s.Request.Header("X-Self-ID")!);
        Assert.Equal(["10001000", "3512345678"], byAccount.Keys.Order(StringComparer.Ordinal));
        foreach (var (account, socket) in byAccount)
        {
            Assert.Equal(long.Parse(account, System.Globalization.CultureInfo.InvariantCulture), (await socket.NextAsync()).GetProperty("self_id").GetInt64());
            Assert.Equal(long.Parse(account, System.Globalization.CultureInfo.InvariantCulture), (await socket.CallAsync("get_login_info")).GetProperty("data").GetProperty("user_id").GetInt64());
        }
    }

    [Fact]
    public async Task Freeze_StopsTheReverseSocket_UntilThaw()
    {
        var server = await StartServerAsync();
        var fake = await StartFakeAsync(o => o.HeartbeatInterval = TimeSpan.Zero);
        Track(await fake.DialAsync(server.At("/ws"), cancellationToken: TestToken));
        var socket = await server.NextSocketAsync();
        await socket.NextAsync();

        fake.Freeze();
        await socket.SendAsync("""{"action":"get_status","echo":"frozen"}""");
        Assert.Null(await socket.FrameWithinAsync(TimeSpan.FromMilliseconds(700)));

        fake.Thaw();
        Assert.Equal("frozen", (await socket.NextAsync()).GetProperty("echo").GetString());
    }

    [Fact]
    public async Task Restart_DropsTheReverseSocket_AndDialsAgainAfterTheDowntime()
    {
        var server = await StartServerAsync();
        var fake = await StartFakeAsync(o => o.HeartbeatInterval = TimeSpan.Zero);
        var client = Track(await fake.DialAsync(server.At("/ws"), new FakeOneBotDialOptions { ReconnectInterval = TimeSpan.FromMilliseconds(50) }, cancellationToken: TestToken));
        var first = await server.NextSocketAsync();
        await first.NextAsync();

        var clock = Stopwatch.StartNew();
        var restart = fake.RestartAsync(TimeSpan.FromSeconds(1), TestToken);
        await first.Ended.WaitAsync(Bound, TestToken);
        var second = await server.NextSocketAsync();
        await Within(restart);

        // Nothing is dialled while the implementation is down.
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(950), Bound);
        Assert.True(OneBotRawClient.IsMeta(await second.NextAsync(), "lifecycle"));
        await Within(client.WaitForConnectedAsync());
    }

    [Theory]
    [InlineData(System.Net.WebSockets.WebSocketCloseStatus.PolicyViolation, System.Net.WebSockets.WebSocketCloseStatus.PolicyViolation)]
    [InlineData(System.Net.WebSockets.WebSocketCloseStatus.Empty, System.Net.WebSockets.WebSocketCloseStatus.NormalClosure)]
    public async Task CloseConnections_SendsAWellFormedMaskedClose_OnReverseSockets(System.Net.WebSockets.WebSocketCloseStatus status, System.Net.WebSockets.WebSocketCloseStatus seen)
    {
        var server = await StartServerAsync();
        var fake = await StartFakeAsync(o => o.HeartbeatInterval = TimeSpan.Zero);
        Track(await fake.DialAsync(server.At("/ws"), new FakeOneBotDialOptions { ReconnectInterval = TimeSpan.FromSeconds(30) }, cancellationToken: TestToken));
        var socket = await server.NextSocketAsync();
        await socket.NextAsync();

        await fake.CloseConnectionsAsync(status);

        // .NET reads a Close without a status as 1000; a malformed frame would be a protocol error instead.
        await socket.Ended.WaitAsync(Bound, TestToken);
        Assert.Equal(seen, socket.ReceivedCloseStatus);
    }

    [Fact]
    public async Task Stop_EndsDialling_AndClosesTheSocket()
    {
        var server = await StartServerAsync();
        var fake = await StartFakeAsync(o => o.HeartbeatInterval = TimeSpan.Zero);
        var client = await fake.DialAsync(server.At("/ws"), new FakeOneBotDialOptions { ReconnectInterval = TimeSpan.FromMilliseconds(50) }, cancellationToken: TestToken);
        var socket = await server.NextSocketAsync();

        await Within(client.StopAsync());

        await socket.Ended.WaitAsync(Bound, TestToken);
        await Task.Delay(300, TestToken);
        Assert.Single(server.Requests);
        Assert.Equal(0, fake.ConnectionCount);
    }
}
