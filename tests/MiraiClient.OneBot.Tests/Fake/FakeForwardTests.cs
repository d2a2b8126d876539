using System.Diagnostics;
using System.Text.Json;
using MiraiClient.Testing.OneBot;

namespace MiraiClient.OneBot.Tests.Fake;

/// <summary>Forward WebSocket paths, the lifecycle frame and heartbeats, per profile, on the wire.</summary>
public class FakeForwardTests : FakeTestBase
{
    [Theory]
    [InlineData(FakeOneBotProfile.NapCat, "/")]
    [InlineData(FakeOneBotProfile.NapCat, "/event")]
    [InlineData(FakeOneBotProfile.LLBot, "/")]
    [InlineData(FakeOneBotProfile.LLBot, "/event/")]
    [InlineData(FakeOneBotProfile.Lagrange, "/")]
    [InlineData(FakeOneBotProfile.Lagrange, "/event")]
    [InlineData(FakeOneBotProfile.GoCqhttp, "/")]
    [InlineData(FakeOneBotProfile.GoCqhttp, "/event")]
    public async Task Connect_SendsLifecycleConnectFirst_OnEventPaths(FakeOneBotProfile profile, string path)
    {
        var fake = await StartFakeAsync(o => o.Profile = profile);
        var client = await ConnectAsync(fake, path);

        var lifecycle = await client.ExpectLifecycleAsync();

        Assert.Equal(fake.SelfId, lifecycle.GetProperty("self_id").GetInt64());
        Assert.True(lifecycle.GetProperty("time").GetInt64() > 1_700_000_000);
        Assert.Equal(profile == FakeOneBotProfile.GoCqhttp, lifecycle.TryGetProperty("_post_method", out _));
    }

    [Fact]
    public async Task Lifecycle_RepeatsTheStartTime_OnGoCqhttpForward()
    {
        var fake = await StartFakeAsync(o => o.Profile = FakeOneBotProfile.GoCqhttp);
        var first = await (await ConnectAsync(fake)).ExpectLifecycleAsync();
        await Task.Delay(1100, TestToken);
        var second = await (await ConnectAsync(fake)).ExpectLifecycleAsync();

        Assert.Equal(2, first.GetProperty("_post_method").GetInt32());
        Assert.Equal(first.GetProperty("time").GetInt64(), second.GetProperty("time").GetInt64());
    }

    [Theory]
    [InlineData("/api")]
    [InlineData("/api/")]
    public async Task Api_GetsNoLifecycleHeartbeatsOrEvents_ButAnswersActions(string path)
    {
        var fake = await StartFakeAsync(o => o.HeartbeatInterval = TimeSpan.FromMilliseconds(100));
        var api = await ConnectAsync(fake, path);
        var universal = await ConnectAsync(fake);
        await universal.ExpectLifecycleAsync();

        await fake.PushGroupMessageAsync(100100, 12345678, "hello");

        Assert.Equal("message", (await universal.NextNonHeartbeatAsync()).GetProperty("post_type").GetString());
        Assert.Null(await api.FrameWithinAsync(TimeSpan.FromMilliseconds(600)));
        var login = await api.CallAsync("get_login_info");
        Assert.Equal(fake.SelfId, login.GetProperty("data").GetProperty("user_id").GetInt64());
    }

    [Fact]
    public async Task SlashedPaths_FallThroughToUniversal_OnGoCqhttp()
    {
        var fake = await StartFakeAsync(o => o.Profile = FakeOneBotProfile.GoCqhttp);

        // go-cqhttp registers "/api" and "/event" exactly; "/api/" reaches the "/" handler.
        var api = await ConnectAsync(fake, "/api/");
        await api.ExpectLifecycleAsync();
        var eventSlash = await ConnectAsync(fake, "/event/");
        await eventSlash.ExpectLifecycleAsync();
        Assert.Equal("ok", (await eventSlash.CallAsync("get_status")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task EventPath_RunsActions_OnNapCat()
    {
        var fake = await StartFakeAsync();
        var client = await ConnectAsync(fake, "/event");
        await client.ExpectLifecycleAsync();

        var reply = await client.CallAsync("get_login_info");

        Assert.Equal(0, reply.GetProperty("retcode").GetInt32());
        Assert.Equal(FakeOneBotEndpoint.Event, (await fake.WaitForActionAsync("get_login_info")).Endpoint);
    }

    [Theory]
    [InlineData(FakeOneBotProfile.LLBot)]
    [InlineData(FakeOneBotProfile.Lagrange)]
    public async Task EventPath_IgnoresActions_ButAnswersClose(FakeOneBotProfile profile)
    {
        var fake = await StartFakeAsync(o => o.Profile = profile);
        var client = await ConnectAsync(fake, "/event");
        await client.ExpectLifecycleAsync();

        await client.SendActionAsync("get_login_info", echoJson: "\"1\"");

        Assert.Null(await client.FrameWithinAsync(TimeSpan.FromMilliseconds(600)));
        Assert.Empty(fake.ReceivedActions);
        Assert.True(await client.CloseHandshakeCompletesAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task EventPath_IsNeverRead_OnGoCqhttp()
    {
        var fake = await StartFakeAsync(o => o.Profile = FakeOneBotProfile.GoCqhttp);
        var client = await ConnectAsync(fake, "/event");
        await client.ExpectLifecycleAsync();

        await client.SendActionAsync("get_login_info", echoJson: "\"1\"");
        Assert.Null(await client.FrameWithinAsync(TimeSpan.FromMilliseconds(600)));
        await fake.PushGroupMessageAsync(100100, 12345678, "still writes");
        Assert.Equal("message", (await client.NextAsync()).GetProperty("post_type").GetString());

        // Nothing reads the socket, so the Close is never answered and the fake does not notice it either.
        Assert.False(await client.CloseHandshakeCompletesAsync(TimeSpan.FromSeconds(1)));
        Assert.Equal(1, fake.ConnectionCount);

        // A crash still takes it away.
        fake.AbortConnections();
        await Within(fake.WaitForConnectionCountAsync(0));
    }

    [Theory]
    [InlineData(FakeOneBotProfile.NapCat, true)]
    [InlineData(FakeOneBotProfile.LLBot, false)]
    [InlineData(FakeOneBotProfile.Lagrange, true)]
    [InlineData(FakeOneBotProfile.GoCqhttp, true)]
    public async Task UnknownPath_IsUniversal_OrDeadOnLLBot(FakeOneBotProfile profile, bool universal)
    {
        var fake = await StartFakeAsync(o => o.Profile = profile);
        var client = await ConnectAsync(fake, "/onebot/whatever");

        if (universal)
        {
            await client.ExpectLifecycleAsync();
            Assert.Equal("ok", (await client.CallAsync("get_status")).GetProperty("status").GetString());
        }
        else
        {
            // LLBot accepts the socket and then does nothing with it.
            await client.SendActionAsync("get_status", echoJson: "\"1\"");
            Assert.Null(await client.FrameWithinAsync(TimeSpan.FromMilliseconds(600)));
            Assert.Equal(1, fake.ConnectionCount);
        }
    }

    [Theory]
    [InlineData(FakeOneBotProfile.NapCat)]
    [InlineData(FakeOneBotProfile.LLBot)]
    [InlineData(FakeOneBotProfile.Lagrange)]
    [InlineData(FakeOneBotProfile.GoCqhttp)]
    public async Task Heartbeat_ArrivesAtTheConfiguredInterval_InTheProfileShape(FakeOneBotProfile profile)
    {
        var fake = await StartFakeAsync(o =>
        {
            o.Profile = profile;
            o.HeartbeatInterval = TimeSpan.FromMilliseconds(200);
            o.StampTimeInMilliseconds = true;
        });
        var client = await ConnectAsync(fake);
        await client.ExpectLifecycleAsync();

        // Eight heartbeats come well within 10 s at 200 ms (the profiles' own defaults would take 40 s or more).
        var clock = Stopwatch.StartNew();
        var heartbeats = new List<JsonElement>();
        while (heartbeats.Count < 8)
        {
            heartbeats.Add(await client.NextAsync());
        }

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        foreach (var heartbeat in heartbeats)
        {
            Assert.True(OneBotRawClient.IsMeta(heartbeat, "heartbeat"), heartbeat.ToString());
            Assert.Equal(200, heartbeat.GetProperty("interval").GetInt64());
            var status = heartbeat.GetProperty("status");
            Assert.True(status.GetProperty("online").GetBoolean());
            Assert.True(status.GetProperty("good").GetBoolean());
            Assert.Equal(profile is FakeOneBotProfile.Lagrange or FakeOneBotProfile.GoCqhttp, status.TryGetProperty("app_initialized", out _));
            Assert.Equal(profile == FakeOneBotProfile.GoCqhttp, status.TryGetProperty("stat", out _));
        }

        // Paced by the interval, never a burst: by the fake's own clock (milliseconds here), no 1.2 s holds
        // more than 7 heartbeats of a 200 ms timer, however late a tick was.
        var times = heartbeats.Select(h => h.GetProperty("time").GetInt64()).ToList();
        var densest = times.Max(t => times.Count(u => u >= t && u - t <= 1200));
        Assert.InRange(densest, 1, 7);

        // Every heartbeat decodes through the OneBot package.
        var decoded = Assert.IsType<HeartbeatEvent>(Internal.OneBotFrameReader.Read(System.Text.Encoding.UTF8.GetBytes(heartbeats[0].GetRawText())).Event);
        Assert.Equal(200, decoded.Interval);
        Assert.True(decoded.Status.Online);
    }

    [Fact]
    public async Task Heartbeat_UsesTheProfileDefault_WhenNotConfigured()
    {
        var fake = await StartFakeAsync(o => o.Profile = FakeOneBotProfile.Lagrange);
        var client = await ConnectAsync(fake);
        await client.ExpectLifecycleAsync();

        var heartbeat = await client.NextAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(5000, heartbeat.GetProperty("interval").GetInt64());
    }

    [Fact]
    public async Task Heartbeat_IsNotSent_WhenTheIntervalIsZero()
    {
        var fake = await StartFakeAsync(o => o.HeartbeatInterval = TimeSpan.Zero);
        var client = await ConnectAsync(fake);
        await client.ExpectLifecycleAsync();

        Assert.Null(await client.FrameWithinAsync(TimeSpan.FromMilliseconds(800)));
    }

    [Theory]
    [InlineData(FakeOneBotProfile.NapCat)]
    [InlineData(FakeOneBotProfile.LLBot)]
    public async Task StopHeartbeats_StopsThemMidConnection_AndResumeStartsThemAgain(FakeOneBotProfile profile)
    {
        var fake = await StartFakeAsync(o =>
        {
            o.Profile = profile;
            o.HeartbeatInterval = TimeSpan.FromMilliseconds(100);
        });
        var client = await ConnectAsync(fake);
        await client.ExpectLifecycleAsync();
        Assert.True(OneBotRawClient.IsMeta(await client.NextAsync(), "heartbeat"));

        fake.StopHeartbeats();
        while (await client.FrameWithinAsync(TimeSpan.FromMilliseconds(300)) is not null)
        {
            // Drain what was already on its way.
        }

        Assert.Null(await client.FrameWithinAsync(TimeSpan.FromMilliseconds(600)));
        Assert.Equal(1, fake.ConnectionCount);

        fake.ResumeHeartbeats();
        Assert.True(OneBotRawClient.IsMeta(await client.NextAsync(), "heartbeat"));
    }

    [Theory]
    [InlineData(FakeOneBotProfile.NapCat, false)]
    [InlineData(FakeOneBotProfile.Lagrange, true)]
    public async Task BotOffline_IsAnnounced_AndHeartbeatsSayOffline_ExceptOnLagrange(FakeOneBotProfile profile, bool stillOnline)
    {
        var fake = await StartFakeAsync(o =>
        {
            o.Profile = profile;
            o.HeartbeatInterval = TimeSpan.FromMilliseconds(150);
        });
        var client = await ConnectAsync(fake);
        await client.ExpectLifecycleAsync();

        await fake.PushBotOfflineAsync();

        var notice = await client.NextNonHeartbeatAsync();
        Assert.Equal("bot_offline", notice.GetProperty("notice_type").GetString());
        Assert.Equal(fake.SelfId, notice.GetProperty("user_id").GetInt64());
        JsonElement heartbeat;
        do
        {
            heartbeat = await client.NextAsync();
        }
        while (!OneBotRawClient.IsMeta(heartbeat, "heartbeat"));

        Assert.Equal(stillOnline, heartbeat.GetProperty("status").GetProperty("online").GetBoolean());
        var status = await client.CallAsync("get_status");
        Assert.Equal(stillOnline, status.GetProperty("data").GetProperty("online").GetBoolean());
    }

    [Fact]
    public async Task Heartbeat_ReportsUnknownOnlineAsNull_OnLLBot()
    {
        var fake = await StartFakeAsync(o =>
        {
            o.Profile = FakeOneBotProfile.LLBot;
            o.HeartbeatInterval = TimeSpan.FromMilliseconds(100);
        });
        fake.Online = null;
        var client = await ConnectAsync(fake);
        await client.ExpectLifecycleAsync();

        var heartbeat = await client.NextAsync();

        Assert.Equal(JsonValueKind.Null, heartbeat.GetProperty("status").GetProperty("online").ValueKind);
    }
}
