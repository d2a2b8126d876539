using MiraiClient.Testing;
using MiraiClient.Tests.Infrastructure;

namespace MiraiClient.Tests.Fake;

/// <summary>mirai-api-http on Overflow (REAL-SERVERS.md §6).</summary>
public class FakeOverflowTests(ITestOutputHelper output) : ConnectionTestBase(output)
{
    private async Task<(FakeMiraiBackend Backend, RawClient Client)> StartAsync()
    {
        var backend = await StartBackendAsync(o => o.Profile = FakeServerProfile.Overflow);
        var (client, handshake) = await RawClient.ConnectAndReadHandshakeAsync(backend.Uri);
        Track(client);
        Assert.Equal(0, handshake.GetProperty("data").GetProperty("code").GetInt32());
        return (backend, client);
    }

    private static async Task<string> NextTypeAsync(RawClient client) =>
        RawClient.Parse((await client.NextFrameAsync())!).GetProperty("data").GetProperty("type").GetString()!;

    [Fact]
    public async Task Relogin_IsNeverAnnounced_OnOverflow()
    {
        var (backend, client) = await StartAsync();

        await backend.ReloginAsync(new FakeRelogin { Kind = FakeReloginKind.SameBotInstance, OfflineWindow = TimeSpan.FromMilliseconds(300) }, TestToken);
        await backend.PushEventAsync(FakeEvents.BotRelogin(10001));
        await backend.PushEventAsync(FakeEvents.BotOfflineForce(10001));
        await backend.PushEventAsync(FakeEvents.BotOfflineDropped(10001));
        await backend.PushEventAsync(FakeEvents.GroupMessage(1, 2, "marker"));

        Assert.Equal("GroupMessage", await NextTypeAsync(client));
        await backend.ReloginAsync(new FakeRelogin(), TestToken);
        Assert.Null(await client.FrameWithinAsync(TimeSpan.FromMilliseconds(400)));
    }

    [Theory]
    [InlineData("""{"type":"FriendAddEvent","friend":{"id":1,"nickname":"n","remark":""},"stranger":false}""")]
    [InlineData("""{"type":"OtherClientOnlineEvent","client":{"id":1,"platform":"WINDOWS"}}""")]
    [InlineData("""{"type":"FriendSyncMessage","messageChain":[],"subject":{"id":1,"nickname":"n","remark":""}}""")]
    [InlineData("""{"type":"GroupAllowMemberInviteEvent","origin":false,"current":true,"group":{"id":1,"name":"g","permission":"MEMBER"},"operator":null}""")]
    public async Task EventsOverflowNeverProduces_AreNotDelivered(string eventJson)
    {
        var (backend, client) = await StartAsync();

        await backend.PushEventAsync(eventJson);
        await backend.PushEventAsync(FakeEvents.BotOnline(10001));

        Assert.Equal("BotOnlineEvent", await NextTypeAsync(client));
    }

    [Fact]
    public async Task ReceivedMedia_CarryUrlShapedIds_AndDiceIsLeftOut()
    {
        var (backend, _) = await StartAsync();
        var connection = CreateConnection(FastOptions(backend.Uri));
        var events = connection.GetEventsAsync<GroupMessage>(TestToken).GetAsyncEnumerator(TestToken);
        await Within(connection.ConnectAsync(TestToken));
        var chain = new MessageChainBuilder()
            .Add(new ImageElement { ImageId = "{01E9451B-70ED-EAE3-B37C-101F1EEBF5B5}.jpg", Width = 10, Height = 20 })
            .Dice(3)
            .Add(new VoiceElement { VoiceId = "23C477720A37FEB6A9EE4BCCF654014F.amr" })
            .Text("tail")
            .Build();

        await backend.PushGroupMessageAsync(1, 2, chain);

        Assert.True(await Within(events.MoveNextAsync().AsTask()));
        var received = events.Current.MessageChain;
        var image = Assert.Single(received.OfType<ImageElement>());
        Assert.StartsWith("https://", image.ImageId, StringComparison.Ordinal);
        Assert.Equal(image.Url, image.ImageId);
        Assert.Equal(10, image.Width);
        Assert.StartsWith("https://", Assert.Single(received.OfType<VoiceElement>()).VoiceId, StringComparison.Ordinal);
        Assert.Empty(received.OfType<DiceElement>());
        Assert.Equal("tail", received.ToPlainText());
        await events.DisposeAsync();
    }

    [Theory]
    [InlineData("""[{"type":"MiraiCode","code":"hello"}]""", -1)]
    [InlineData("""[{"type":"Image","imageId":"{01E9451B-70ED-EAE3-B37C-101F1EEBF5B5}.jpg"}]""", -1)]
    [InlineData("""[{"type":"Voice","voiceId":"23C477720A37FEB6A9EE4BCCF654014F.amr"}]""", -1)]
    [InlineData("[]", -1)]
    [InlineData("""[{"type":"Image","imageId":"https://multimedia.nt.qq.com.cn/download?fileid=1"}]""", 1)]
    [InlineData("""[{"type":"Image","url":"https://example.com/a.png"}]""", 1)]
    [InlineData("""[{"type":"Plain","text":"ok"}]""", 1)]
    public async Task Sends_AreNotDelivered_WhenTheyNeedWhatOverflowLacks(string chain, int expectedId)
    {
        var (_, client) = await StartAsync();

        var reply = await client.DataAsync("sendGroupMessage", $$"""{"target":1,"messageChain":{{chain}}}""");

        Assert.Equal(0, reply.GetProperty("code").GetInt32());
        var messageId = reply.GetProperty("messageId").GetInt32();
        Assert.Equal(expectedId, expectedId == -1 ? messageId : Math.Sign(messageId));
    }
}
