using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using MiraiClient.Testing;
using MiraiClient.Tests.Infrastructure;

namespace MiraiClient.Tests.Fake;

/// <summary>The account lifecycle: a relogin on a new Bot instance leaves old sessions stale, a network
/// drop on the same instance does not (REAL-SERVERS.md §2).</summary>
public class FakeReloginTests(ITestOutputHelper output) : ConnectionTestBase(output)
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(400);
    private const string GroupSend = """{"target":1,"messageChain":[{"type":"Plain","text":"hi"}]}""";

    private async Task<RawClient> ConnectAsync(FakeMiraiBackend backend, long qq = 10001)
    {
        var (client, handshake) = await RawClient.ConnectAndReadHandshakeAsync(backend.Uri, qq: qq);
        Track(client);
        Assert.Equal(0, handshake.GetProperty("data").GetProperty("code").GetInt32());
        return client;
    }

    private static async Task<string> NextEventTypeAsync(RawClient client)
    {
        var frame = RawClient.Parse((await client.NextFrameAsync())!);
        Assert.Equal("-1", frame.GetProperty("syncId").GetString());
        return frame.GetProperty("data").GetProperty("type").GetString()!;
    }

    [Fact]
    public async Task ReloginAsync_LeavesTheOldSessionStale_WhenSilent()
    {
        var backend = await StartBackendAsync();
        var old = await ConnectAsync(backend);

        await backend.ReloginAsync(new FakeRelogin { Announce = false }, TestToken);

        Assert.Null(await old.FrameWithinAsync(Quiet));
        Assert.Equal("2.10.0", (await old.DataAsync("about")).GetProperty("data").GetProperty("version").GetString());
        Assert.Equal(new long[] { 10001 }, (await old.DataAsync("botList")).GetProperty("data").EnumerateArray().Select(e => e.GetInt64()));
        var send = await old.DataAsync("sendGroupMessage", GroupSend);
        Assert.Equal(5, send.GetProperty("code").GetInt32());
        Assert.Equal("指定对象不存在", send.GetProperty("msg").GetString());
        var friends = await old.DataAsync("friendList", null);
        Assert.Equal(0, friends.GetProperty("code").GetInt32());
        Assert.Equal(0, friends.GetProperty("data").GetArrayLength());
        Assert.Equal(500, (await old.DataAsync("botProfile", null)).GetProperty("code").GetInt32());
        Assert.Equal(0, (await old.DataAsync("sessionInfo")).GetProperty("code").GetInt32());

        // A session opened after the relogin gets events; the stale one never does.
        var fresh = await ConnectAsync(backend);
        await backend.PushEventAsync(FakeEvents.GroupMessage(1, 2, "after"));
        Assert.Equal("GroupMessage", await NextEventTypeAsync(fresh));
        Assert.Equal(0, (await fresh.DataAsync("sendGroupMessage", GroupSend)).GetProperty("code").GetInt32());
        Assert.Null(await old.FrameWithinAsync(Quiet));
        Assert.Equal(WebSocketState.Open, old.State);
    }

    [Fact]
    public async Task ReloginAsync_HidesTheAccountAndRefusesHandshakes_DuringTheOfflineWindow()
    {
        var backend = await StartBackendAsync();
        var old = await ConnectAsync(backend);

        var relogin = backend.ReloginAsync(new FakeRelogin { Announce = false, OfflineWindow = TimeSpan.FromSeconds(2) }, TestToken);

        Assert.Equal(0, (await old.DataAsync("botList")).GetProperty("data").GetArrayLength());
        var (refused, handshake) = await RawClient.ConnectAndReadHandshakeAsync(backend.Uri);
        await using (refused)
        {
            Assert.Equal(2, handshake.GetProperty("data").GetProperty("code").GetInt32());
            Assert.Equal("指定Bot不存在", handshake.GetProperty("data").GetProperty("msg").GetString());
            Assert.Null(await refused.NextFrameAsync());
            Assert.Equal(WebSocketCloseStatus.NormalClosure, refused.CloseStatus);
        }

        var wait = await Assert.ThrowsAsync<TimeoutException>(() => backend.WaitForConnectionCountAsync(2, TimeSpan.FromMilliseconds(200)));
        Assert.Contains("QQ 10001 has no Bot instance right now", wait.Message, StringComparison.Ordinal);

        await relogin.WaitAsync(Bound, TestToken);
        Assert.Equal(new long[] { 10001 }, (await old.DataAsync("botList")).GetProperty("data").EnumerateArray().Select(e => e.GetInt64()));
        var fresh = await ConnectAsync(backend);
        await backend.PushEventAsync(FakeEvents.FriendMessage(3, "back"));
        Assert.Equal("FriendMessage", await NextEventTypeAsync(fresh));
        Assert.Null(await old.FrameWithinAsync(Quiet));
    }

    [Theory]
    [InlineData(FakeOfflineEvent.Force, "BotOfflineEventForce")]
    [InlineData(FakeOfflineEvent.Active, "BotOfflineEventActive")]
    [InlineData(FakeOfflineEvent.Dropped, "BotOfflineEventDropped")]
    public async Task ReloginAsync_DeliversTheOfflineEventToOldSessions_WhenAnnounced(FakeOfflineEvent offline, string expected)
    {
        var backend = await StartBackendAsync();
        var old = await ConnectAsync(backend);

        await backend.ReloginAsync(new FakeRelogin { OfflineEvent = offline }, TestToken);

        var frame = RawClient.Parse((await old.NextFrameAsync())!);
        Assert.Equal(expected, frame.GetProperty("data").GetProperty("type").GetString());
        Assert.Equal(10001, frame.GetProperty("data").GetProperty("qq").GetInt64());
        Assert.Equal(5, (await old.DataAsync("sendFriendMessage", GroupSend)).GetProperty("code").GetInt32());
        Assert.Null(await old.FrameWithinAsync(Quiet));
    }

    [Fact]
    public async Task ReloginAsync_KeepsSessionsValid_WhenTheSameInstanceLogsInAgain()
    {
        var backend = await StartBackendAsync();
        var client = await ConnectAsync(backend);
        var window = TimeSpan.FromSeconds(1.5);

        var relogin = backend.ReloginAsync(new FakeRelogin { Kind = FakeReloginKind.SameBotInstance, OfflineWindow = window }, TestToken);
        Assert.Equal("BotOfflineEventDropped", await NextEventTypeAsync(client));

        // A send during the drop waits for the network, then succeeds; the relogin event follows.
        var started = Stopwatch.StartNew();
        var events = new List<JsonElement>();
        var reply = await client.CommandAsync("sendGroupMessage", GroupSend, events: events);
        Output.WriteLine($"send answered after {started.ElapsedMilliseconds} ms");
        Assert.True(started.Elapsed >= window - TimeSpan.FromMilliseconds(300), $"answered after {started.Elapsed}");
        Assert.Equal(0, reply.GetProperty("data").GetProperty("code").GetInt32());
        await relogin.WaitAsync(Bound, TestToken);
        var relogged = events.Count > 0 ? events[0].GetProperty("data").GetProperty("type").GetString() : await NextEventTypeAsync(client);
        Assert.Equal("BotReloginEvent", relogged);

        await backend.PushEventAsync(FakeEvents.GroupMessage(1, 2, "still here"));
        Assert.Equal("GroupMessage", await NextEventTypeAsync(client));
        Assert.Equal(new long[] { 10001 }, (await client.DataAsync("botList")).GetProperty("data").EnumerateArray().Select(e => e.GetInt64()));
    }

    [Fact]
    public async Task ReloginAsync_FailsStaleCommandsWithNetworkIsDead_WhenThatSignatureIsChosen()
    {
        var backend = await StartBackendAsync();
        var old = await ConnectAsync(backend);

        await backend.ReloginAsync(new FakeRelogin { Announce = false, StaleSignature = ClosedBotSignature.NetworkIsDead }, TestToken);

        var send = await old.DataAsync("sendGroupMessage", GroupSend);
        Assert.Equal(500, send.GetProperty("code").GetInt32());
        Assert.Equal("network is dead therefore can't send any packet", send.GetProperty("msg").GetString());
        Assert.Equal(0, (await old.DataAsync("about")).GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task ReloginAsync_StillAnswersUnknownCommandsAndMissingKeysFirst_OnAStaleSession()
    {
        var backend = await StartBackendAsync();
        var old = await ConnectAsync(backend);
        await backend.ReloginAsync(new FakeRelogin { Announce = false }, TestToken);

        Assert.Equal(6, (await old.DataAsync("ping")).GetProperty("code").GetInt32());
        Assert.Equal(400, (await old.DataAsync("recall", """{"target":1}""")).GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task ReloginAsync_MakesAMiraiConnectionStale_UntilItReconnects()
    {
        var backend = await StartBackendAsync();
        var connection = CreateConnection(FastOptions(backend.Uri));
        await Within(connection.ConnectAsync(TestToken));

        await backend.ReloginAsync(new FakeRelogin { Announce = false }, TestToken);

        var failure = await Assert.ThrowsAsync<MiraiApiException>(() => connection.SendGroupMessageAsync(1, "hello", cancellationToken: TestToken));
        Assert.Equal(5, failure.Code);
        Assert.Equal("2.10.0", (await connection.AboutAsync(TestToken)).Version);

        // A second client connecting now gets a live session and the events.
        var fresh = CreateConnection(FastOptions(backend.Uri));
        var events = fresh.GetEventsAsync<GroupMessage>(TestToken).GetAsyncEnumerator(TestToken);
        await Within(fresh.ConnectAsync(TestToken));
        await backend.PushGroupMessageAsync(7, 8, "for the new session");
        Assert.True(await Within(events.MoveNextAsync().AsTask()));
        Assert.Equal("for the new session", events.Current.MessageChain.ToPlainText());
        await events.DisposeAsync();
    }

    [Fact]
    public async Task ReloginAsync_OnlyAffectsTheNamedAccount_WhenTheFakeHasTwoBots()
    {
        var backend = await StartBackendAsync(o => o.Bots.Add(20002));
        var first = await ConnectAsync(backend, 10001);
        var second = await ConnectAsync(backend, 20002);

        await backend.ReloginAsync(new FakeRelogin { QQ = 20002, Announce = false }, TestToken);

        Assert.Equal(0, (await first.DataAsync("sendGroupMessage", GroupSend)).GetProperty("code").GetInt32());
        Assert.Equal(5, (await second.DataAsync("sendGroupMessage", GroupSend)).GetProperty("code").GetInt32());
        await backend.PushEventAsync(FakeEvents.GroupMessage(1, 2, "to both bots"));
        Assert.Equal("GroupMessage", await NextEventTypeAsync(first));
        Assert.Null(await second.FrameWithinAsync(Quiet));
    }

    [Fact]
    public async Task ReloginAsync_DropsSingleModeConnectsWithoutAFrame_DuringTheOfflineWindow()
    {
        var backend = await StartBackendAsync(o => o.SingleMode = true);
        var relogin = backend.ReloginAsync(new FakeRelogin { Announce = false, OfflineWindow = TimeSpan.FromSeconds(2) }, TestToken);

        await using var client = await RawClient.ConnectAsync(backend.Uri, qq: null);
        Assert.Null(await client.NextFrameAsync());
        Assert.Null(client.CloseStatus);

        await relogin.WaitAsync(Bound, TestToken);
        var (after, handshake) = await RawClient.ConnectAndReadHandshakeAsync(backend.Uri, qq: null);
        await using (after)
        {
            Assert.Equal("SINGLE_SESSION", handshake.GetProperty("data").GetProperty("session").GetString());
        }
    }

    [Fact]
    public async Task ReloginAsync_Throws_WhenTheQQIsNotABotOfTheFake()
    {
        var backend = await StartBackendAsync();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => backend.ReloginAsync(new FakeRelogin { QQ = 42 }, TestToken));

        Assert.Contains("QQ 42 is not a bot of this fake (known: 10001)", error.Message, StringComparison.Ordinal);
    }
}
