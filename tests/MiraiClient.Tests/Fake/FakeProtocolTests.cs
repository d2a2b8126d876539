using System.Text.Json;
using MiraiClient.Testing;
using MiraiClient.Tests.Infrastructure;

namespace MiraiClient.Tests.Fake;

/// <summary>Endpoints, single mode, the debug header and outgoing content, as the real ws adapter has them.</summary>
public class FakeProtocolTests(ITestOutputHelper output) : ConnectionTestBase(output)
{
    [Theory]
    [InlineData("/all", 101)]
    [InlineData("/message", 101)]
    [InlineData("/event", 101)]
    [InlineData("/all/all", 404)]
    [InlineData("/all/", 404)]
    [InlineData("/x/all", 404)]
    [InlineData("/allx", 404)]
    [InlineData("/", 404)]
    public async Task Upgrade_RoutesExactlyTheThreeEndpoints_AndAnswers404Otherwise(string path, int status)
    {
        var backend = await StartBackendAsync();

        Assert.Equal(status, await RawClient.UpgradeStatusAsync(backend.Uri, path));
    }

    [Fact]
    public async Task MiraiConnection_UsesTheUriAsGiven_WhenItAlreadyEndsInAll()
    {
        var backend = await StartBackendAsync();
        var connection = CreateConnection(FastOptions(new Uri(backend.Uri, "/all")));

        await Within(connection.ConnectAsync(TestToken));

        // The channel path is not appended a second time: the fake would refuse /all/all with 404.
        Assert.Equal(1, backend.HandshakeCount);
        Assert.Equal(ConnectionState.Connected, connection.State);
    }

    [Fact]
    public async Task PathPrefix_RoutesOnlyBelowThePrefix_AndIsPartOfUri()
    {
        var backend = await StartBackendAsync(o => o.PathPrefix = "/mirai/");
        var root = new Uri($"ws://127.0.0.1:{backend.Port}");

        Assert.EndsWith("/mirai", backend.Uri.ToString(), StringComparison.Ordinal);
        Assert.Equal(101, await RawClient.UpgradeStatusAsync(root, "/mirai/all"));
        Assert.Equal(404, await RawClient.UpgradeStatusAsync(root, "/all"));
        Assert.Equal(404, await RawClient.UpgradeStatusAsync(root, "/mirai/all/all"));

        var before = backend.HandshakeCount;
        var connection = CreateConnection(FastOptions(backend.Uri));
        await Within(connection.ConnectAsync(TestToken));
        Assert.Equal(before + 1, backend.HandshakeCount);
    }

    [Fact]
    public async Task Channels_CarryOnlyTheirEvents_ExceptAllWhichCarriesBoth()
    {
        var backend = await StartBackendAsync();
        var clients = new Dictionary<string, RawClient>();
        foreach (var path in new[] { "/all", "/message", "/event" })
        {
            var (client, _) = await RawClient.ConnectAndReadHandshakeAsync(backend.Uri, path);
            clients[path] = Track(client);
        }

        await backend.PushEventAsync(FakeEvents.GroupMessage(1, 2, "chat"));
        await backend.PushEventAsync(FakeEvents.MemberJoinRequest(1, 3));
        await backend.PushEventAsync(FakeEvents.BotOnline(10001));

        async Task<string[]> TypesAsync(RawClient client, int count)
        {
            var types = new List<string>();
            for (var i = 0; i < count; i++)
            {
                types.Add(RawClient.Parse((await client.NextFrameAsync())!).GetProperty("data").GetProperty("type").GetString()!);
            }

            return [.. types];
        }

        Assert.Equal(["GroupMessage", "MemberJoinRequestEvent", "BotOnlineEvent"], await TypesAsync(clients["/all"], 3));
        Assert.Equal(["GroupMessage"], await TypesAsync(clients["/message"], 1));
        Assert.Equal(["MemberJoinRequestEvent", "BotOnlineEvent"], await TypesAsync(clients["/event"], 2));
        Assert.Null(await clients["/message"].FrameWithinAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task SingleMode_BindsTheFirstBotWithoutQQ_UnderTheSingleSessionKey()
    {
        var backend = await StartBackendAsync(o =>
        {
            o.SingleMode = true;
            o.Bots.Clear();
            o.Bots.Add(20002);
            o.Bots.Add(30003);
        });

        var (client, handshake) = await RawClient.ConnectAndReadHandshakeAsync(backend.Uri, qq: null);
        Track(client);
        Assert.Equal(0, handshake.GetProperty("data").GetProperty("code").GetInt32());
        Assert.Equal("SINGLE_SESSION", handshake.GetProperty("data").GetProperty("session").GetString());
        var session = (await client.DataAsync("sessionInfo")).GetProperty("data");
        Assert.Equal("SINGLE_SESSION", session.GetProperty("sessionKey").GetString());
        Assert.Equal(20002, session.GetProperty("qq").GetProperty("id").GetInt64());

        // A given qq is ignored, and the SDK's QQ = 0 (single mode) works end to end.
        var (other, otherHandshake) = await RawClient.ConnectAndReadHandshakeAsync(backend.Uri, qq: 999);
        Track(other);
        Assert.Equal(0, otherHandshake.GetProperty("data").GetProperty("code").GetInt32());
        var connection = CreateConnection(FastOptions(backend.Uri, qq: 0));
        var events = connection.GetEventsAsync<FriendMessage>(TestToken).GetAsyncEnumerator(TestToken);
        await Within(connection.ConnectAsync(TestToken));
        Assert.Equal(20002, (await connection.GetSessionInfoAsync(TestToken)).QQ.Id);
        await backend.PushFriendMessageAsync(5, "single");
        Assert.True(await Within(events.MoveNextAsync().AsTask()));
        Assert.Equal("single", events.Current.MessageChain.ToPlainText());
        await events.DisposeAsync();
    }

    [Fact]
    public async Task Handshake_IsRefusedWith400_WhenNoQQIsGivenOutsideSingleMode()
    {
        var backend = await StartBackendAsync();

        var (client, handshake) = await RawClient.ConnectAndReadHandshakeAsync(backend.Uri, qq: null);
        await using (client)
        {
            Assert.Equal(400, handshake.GetProperty("data").GetProperty("code").GetInt32());
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Debug_AnnouncesTheFrameLogExtension_OnlyWhenOn(bool debug)
    {
        var backend = await StartBackendAsync(o => o.Debug = debug);

        var (client, handshake) = await RawClient.ConnectAndReadHandshakeAsync(backend.Uri);
        await using (client)
        {
            Assert.Equal(0, handshake.GetProperty("data").GetProperty("code").GetInt32());
            var announced = client.ResponseHeaders!.TryGetValue("Sec-WebSocket-Extensions", out var values) && values.Contains("frame-log");
            Assert.Equal(debug, announced);
        }
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""[{"type":"Source","id":1,"time":1}]""")]
    [InlineData("""[{"type":"Plain","text":""}]""")]
    [InlineData("""[{"type":"Image","imageId":null,"url":null}]""")]
    public async Task SendGroupMessage_IsRefusedWithMessageIsEmpty_WhenNothingSendableIsLeft(string chain)
    {
        var backend = await StartBackendAsync();
        var (client, _) = await RawClient.ConnectAndReadHandshakeAsync(backend.Uri);
        Track(client);

        var reply = await client.DataAsync("sendGroupMessage", $$"""{"target":1,"messageChain":{{chain}}}""");

        Assert.Equal(500, reply.GetProperty("code").GetInt32());
        Assert.Equal("message is empty", reply.GetProperty("msg").GetString());
    }

    [Fact]
    public async Task SendGroupMessage_IsRefusedBeforeItIsSent_WhenTheChainIsEmpty()
    {
        var backend = await StartBackendAsync();
        var connection = CreateConnection(FastOptions(backend.Uri));
        await Within(connection.ConnectAsync(TestToken));

        // The server would answer code 500 "message is empty" (see the raw-client test above); the SDK
        // refuses the call itself, typed, and nothing reaches the wire.
        var failure = await Assert.ThrowsAsync<ArgumentException>(() => connection.SendGroupMessageAsync(1, MessageChain.Empty, cancellationToken: TestToken));

        Assert.Equal("messageChain", failure.ParamName);
        Assert.DoesNotContain(backend.ReceivedCommands, c => c.Command == "sendGroupMessage");
        Assert.True(await connection.SendGroupMessageAsync(1, new MessageChainBuilder().At(2).Build(), cancellationToken: TestToken) > 0);
    }
}
