using System.Net.WebSockets;
using MiraiClient.Testing.OneBot;

namespace MiraiClient.OneBot.Tests.Fake;

/// <summary>The fault surface, on the wire: freeze, abort, close statuses, restarts, refused connections,
/// garbage and oversized frames.</summary>
public class FakeFaultTests : FakeTestBase
{
    [Fact]
    public async Task StopReading_KeepsHeartbeatsFlowing_ButReadsAndAnswersNothing_UntilResumed()
    {
        var fake = await StartFakeAsync(o => o.HeartbeatInterval = TimeSpan.FromMilliseconds(100));
        var client = await ConnectAsync(fake);
        await client.ExpectLifecycleAsync();

        fake.StopReading();
        await client.SendActionAsync("get_login_info", echoJson: "\"stalled\"");

        // For a while only heartbeats arrive: the call is neither read nor answered.
        var heartbeats = 0;
        var until = DateTime.UtcNow + TimeSpan.FromMilliseconds(800);
        while (DateTime.UtcNow < until && await client.FrameWithinAsync(TimeSpan.FromMilliseconds(300)) is { } text)
        {
            using var frame = System.Text.Json.JsonDocument.Parse(text);
            Assert.True(OneBotRawClient.IsMeta(frame.RootElement, "heartbeat"), text);
            heartbeats++;
        }

        Assert.True(heartbeats >= 3, $"only {heartbeats} heartbeats while reading was stopped");
        Assert.Empty(fake.ReceivedActions);

        fake.ResumeReading();
        var response = await client.NextResponseAsync();
        Assert.Equal("stalled", response.GetProperty("echo").GetString());
    }

    [Fact]
    public async Task Freeze_StopsReadsWritesAndHeartbeats_UntilThaw()
    {
        var fake = await StartFakeAsync(o => o.HeartbeatInterval = TimeSpan.FromMilliseconds(100));
        var client = await ConnectAsync(fake);
        await client.ExpectLifecycleAsync();
        Assert.True(OneBotRawClient.IsMeta(await client.NextAsync(), "heartbeat"));

        fake.Freeze();
        while (await client.FrameWithinAsync(TimeSpan.FromMilliseconds(300)) is not null)
        {
            // Drain what was on its way before the freeze.
        }

        await client.SendActionAsync("get_login_info", echoJson: "\"frozen\"");
        Assert.Null(await client.FrameWithinAsync(TimeSpan.FromMilliseconds(700)));
        Assert.Empty(fake.ReceivedActions);

        fake.Thaw();
        var response = await client.NextResponseAsync();
        Assert.Equal("frozen", response.GetProperty("echo").GetString());
        Assert.True(OneBotRawClient.IsMeta(await client.NextAsync(), "heartbeat"));
    }

    [Fact]
    public async Task Freeze_HoldsNewConnectionsToo()
    {
        var fake = await StartFakeAsync(o => o.HeartbeatInterval = TimeSpan.Zero);
        fake.Freeze();

        var connecting = OneBotRawClient.ConnectAsync(fake.Uri);
        await Task.Delay(500, TestToken);
        Assert.False(connecting.IsCompleted);

        fake.Thaw();
        var client = Track(await Within(connecting));
        await client.ExpectLifecycleAsync();
    }

    [Fact]
    public async Task AbortConnections_ResetsEverySocket_WithoutAClose()
    {
        var fake = await StartFakeAsync(o => o.HeartbeatInterval = TimeSpan.Zero);
        var universal = await ConnectAsync(fake);
        var api = await ConnectAsync(fake, "/api");
        await universal.ExpectLifecycleAsync();
        await Within(fake.WaitForConnectionCountAsync(2));

        fake.AbortConnections();

        await universal.WaitClosedAsync();
        await api.WaitClosedAsync();
        Assert.Null(universal.CloseStatus);
        Assert.Null(api.CloseStatus);
        await Within(fake.WaitForConnectionCountAsync(0));
    }

    [Theory]
    [InlineData(WebSocketCloseStatus.NormalClosure, "bye")]
    [InlineData(WebSocketCloseStatus.PolicyViolation, "go away")]
    [InlineData(WebSocketCloseStatus.InternalServerError, "")]
    public async Task CloseConnections_SendsTheGivenStatus(WebSocketCloseStatus status, string reason)
    {
        var fake = await StartFakeAsync(o => o.HeartbeatInterval = TimeSpan.Zero);
        var client = await ConnectAsync(fake);
        await client.ExpectLifecycleAsync();

        await fake.CloseConnectionsAsync(status, reason);

        await client.WaitClosedAsync();
        Assert.Equal(status, client.CloseStatus);
        Assert.Equal(reason, client.CloseStatusDescription ?? "");
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/api")]
    public async Task CloseConnections_WithEmpty_SendsACloseFrameWithoutStatus(string path)
    {
        var fake = await StartFakeAsync(o => o.HeartbeatInterval = TimeSpan.Zero);
        var wire = Track(await RawWireClient.ConnectAsync(fake.Uri, path));
        if (path == "/")
        {
            Assert.Equal(1, (await wire.NextFrameAsync()).Opcode);
        }

        await Within(fake.WaitForConnectionCountAsync(1));
        await fake.CloseConnectionsAsync(WebSocketCloseStatus.Empty);

        var (opcode, payload) = await wire.NextFrameAsync();
        Assert.Equal(8, opcode);
        Assert.Empty(payload);
    }

    [Fact]
    public async Task Restart_DropsClients_RefusesDuringDowntime_ThenAcceptsAgain()
    {
        var fake = await StartFakeAsync(o => o.HeartbeatInterval = TimeSpan.Zero);
        var client = await ConnectAsync(fake);
        await client.ExpectLifecycleAsync();

        var restart = fake.RestartAsync(TimeSpan.FromSeconds(1), TestToken);
        await client.WaitClosedAsync();
        Assert.Null(client.CloseStatus);
        await Assert.ThrowsAsync<WebSocketException>(() => OneBotRawClient.ConnectAsync(fake.Uri));
        await Within(restart);

        var again = await ConnectAsync(fake);
        await again.ExpectLifecycleAsync();
    }

    [Fact]
    public async Task Push_AfterRestart_WaitsForTheClientToReturn()
    {
        var fake = await StartFakeAsync(o => o.HeartbeatInterval = TimeSpan.Zero);
        var client = await OneBotRawClient.ConnectAsync(fake.Uri);
        await client.ExpectLifecycleAsync();
        await fake.RestartAsync(cancellationToken: TestToken);
        await client.DisposeAsync();

        var push = fake.PushGroupMessageAsync(100100, 12345678, "after restart");
        var back = await ConnectAsync(fake);

        await back.ExpectLifecycleAsync();
        Assert.Equal("after restart", (await back.NextAsync()).GetProperty("raw_message").GetString());
        await Within(push);
        Assert.Equal(0, fake.DroppedPushCount);
    }

    [Fact]
    public async Task StopListening_RefusesNewClients_AndKeepsOpenOnes()
    {
        var fake = await StartFakeAsync(o => o.HeartbeatInterval = TimeSpan.Zero);
        var client = await ConnectAsync(fake);
        await client.ExpectLifecycleAsync();

        fake.StopListening();

        await Assert.ThrowsAsync<WebSocketException>(() => OneBotRawClient.ConnectAsync(fake.Uri));
        Assert.Equal(0, (await client.CallAsync("get_status")).GetProperty("retcode").GetInt32());
        fake.StartListening();
        var again = await ConnectAsync(fake);
        await again.ExpectLifecycleAsync();
    }

    [Fact]
    public async Task SendRaw_WritesGarbageAndOversizedFrames_AsGiven()
    {
        var fake = await StartFakeAsync(o => o.HeartbeatInterval = TimeSpan.Zero);
        var client = await ConnectAsync(fake);
        var api = await ConnectAsync(fake, "/api");
        await client.ExpectLifecycleAsync();
        var big = "{\"post_type\":\"notice\",\"pad\":\"" + new string('x', 3 * 1024 * 1024) + "\"}";

        await fake.SendRawAsync("{\"post_type\": oops");
        await fake.SendRawAsync(big);

        Assert.Equal("{\"post_type\": oops", await client.NextFrameAsync());
        Assert.Equal(big, await client.NextFrameAsync());
        Assert.Equal("{\"post_type\": oops", await api.NextFrameAsync());
        Assert.Equal(big.Length, (await api.NextFrameAsync())!.Length);
    }

    [Fact]
    public async Task Dispose_EndsEverything_Promptly()
    {
        var fake = await FakeOneBotImplementation.StartAsync(new FakeOneBotOptions { HeartbeatInterval = TimeSpan.FromMilliseconds(50) });
        var client = await ConnectAsync(fake);
        await client.ExpectLifecycleAsync();
        fake.Handle("get_status", _ => ActionReply.Ok().Delayed(TimeSpan.FromMinutes(5)));
        await client.SendActionAsync("get_status", echoJson: "\"1\"");
        fake.Freeze();

        await Within(fake.DisposeAsync().AsTask());

        await client.WaitClosedAsync();
        Assert.Throws<ObjectDisposedException>(() => fake.StartDialing(new Uri("ws://127.0.0.1:1/")));
    }
}
