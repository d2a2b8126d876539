using System.Text.Json;
using MiraiClient.Testing;
using MiraiClient.Tests.Infrastructure;

namespace MiraiClient.Tests.Fake;

/// <summary>Older server versions, as a client meets them on the wire (PROTOCOL.md §8, REAL-SERVERS.md §5).</summary>
public class FakeServerVersionTests(ITestOutputHelper output) : ConnectionTestBase(output)
{
    private async Task<RawClient> ConnectAsync(string version)
    {
        var backend = await StartBackendAsync(o => o.ServerVersion = Version.Parse(version));
        return await ConnectAsync(backend);
    }

    private async Task<RawClient> ConnectAsync(FakeMiraiBackend backend)
    {
        var (client, handshake) = await RawClient.ConnectAndReadHandshakeAsync(backend.Uri);
        Track(client);
        Assert.Equal(0, handshake.GetProperty("data").GetProperty("code").GetInt32());
        return client;
    }

    [Theory]
    [InlineData("2.10.0", "2.10.0")]
    [InlineData("2.6.2", "2.6.2")]
    [InlineData("2.0", "2.0.0")]
    public async Task About_ReportsTheImitatedVersion_WithoutALeadingV(string version, string reported)
    {
        var client = await ConnectAsync(version);

        var about = await client.DataAsync("about");

        Assert.Equal(reported, about.GetProperty("data").GetProperty("version").GetString());
    }

    [Fact]
    public async Task FailedCommand_IsABareStatusWithoutSyncId_OnVersion20()
    {
        var old = await ConnectAsync("2.0.0");
        var current = await ConnectAsync("2.1.0");

        var bare = await old.CommandAsync("ping");
        var wrapped = await current.CommandAsync("ping");

        Assert.False(bare.TryGetProperty("syncId", out _), bare.ToString());
        Assert.Equal(6, bare.GetProperty("code").GetInt32());
        Assert.Equal("指定操作不支持", bare.GetProperty("msg").GetString());
        Assert.Equal("1", wrapped.GetProperty("syncId").GetString());
        Assert.Equal(6, wrapped.GetProperty("data").GetProperty("code").GetInt32());

        // Successes stay enveloped on 2.0.
        Assert.Equal("2", (await old.CommandAsync("about")).GetProperty("syncId").GetString());
    }

    [Theory]
    [InlineData("2.2.0", false)]
    [InlineData("2.3.0", true)]
    public async Task FailedHandshake_IsWrappedInTheEnvelope_FromVersion23(string version, bool wrapped)
    {
        var backend = await StartBackendAsync(o => o.ServerVersion = Version.Parse(version));

        var (client, frame) = await RawClient.ConnectAndReadHandshakeAsync(backend.Uri, qq: 123);
        await using (client)
        {
            var status = wrapped ? frame.GetProperty("data") : frame;
            Assert.Equal(wrapped, frame.TryGetProperty("syncId", out _));
            Assert.Equal(2, status.GetProperty("code").GetInt32());
            Assert.Equal("指定Bot不存在", status.GetProperty("msg").GetString());
            Assert.Null(await client.NextFrameAsync());
        }
    }

    [Theory]
    [InlineData("2.0.0", false)]
    [InlineData("2.1.0", true)]
    [InlineData("2.10.0", true)]
    public async Task FileObjects_CarryIsDirectoryBesideIsDictionary_FromVersion21(string version, bool hasIsDirectory)
    {
        var client = await ConnectAsync(version);

        var folder = (await client.DataAsync("file_mkdir", """{"id":"","target":22,"directoryName":"新建"}""")).GetProperty("data");
        var file = (await client.DataAsync("file_info", """{"id":"/abc","target":22}""")).GetProperty("data");

        Assert.Equal("新建", folder.GetProperty("name").GetString());
        Assert.True(folder.GetProperty("isDictionary").GetBoolean());
        Assert.False(file.GetProperty("isDictionary").GetBoolean());
        Assert.Equal(hasIsDirectory, folder.TryGetProperty("isDirectory", out var isDirectory));
        if (hasIsDirectory)
        {
            Assert.True(isDirectory.GetBoolean());
            Assert.False(file.GetProperty("isDirectory").GetBoolean());
        }
    }

    [Theory]
    [InlineData("2.4.0", "sessionInfo")]
    [InlineData("2.5.0", "botList")]
    [InlineData("2.7.0", "latestMemberList")]
    [InlineData("2.2.0", "memberAdmin")]
    public async Task LaterCommands_AnswerCode6_OnOlderVersions(string version, string command)
    {
        var client = await ConnectAsync(version);

        var reply = await client.DataAsync(command, """{"target":1,"memberIds":null,"memberId":2,"assign":true}""");

        Assert.Equal(6, reply.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task MessageIdCommands_TakeTheOldContent_Before26()
    {
        var client = await ConnectAsync("2.5.0");

        Assert.Equal(400, (await client.DataAsync("messageFromId", """{"target":1,"messageId":2}""")).GetProperty("code").GetInt32());
        Assert.Equal(5, (await client.DataAsync("messageFromId", """{"id":2}""")).GetProperty("code").GetInt32());
        Assert.Equal(0, (await client.DataAsync("recall", """{"target":2}""")).GetProperty("code").GetInt32());
    }

    [Theory]
    [InlineData("2.8.0", 400)]
    [InlineData("2.9.1", 400)]
    [InlineData("2.10.0", 0)]
    [InlineData("2.7.0", 0)]
    public async Task ForwardWithoutDisplay_IsRefused_From28To29(string version, int code)
    {
        var client = await ConnectAsync(version);
        const string Forward = """{"target":1,"messageChain":[{"type":"Forward","nodeList":[{"senderId":1,"time":1,"senderName":"a","messageChain":[{"type":"Plain","text":"x"}]}]}]}""";

        Assert.Equal(code, (await client.DataAsync("sendGroupMessage", Forward)).GetProperty("code").GetInt32());
    }

    [Theory]
    [InlineData("2.9.0", "FriendAddEvent", false)]
    [InlineData("2.10.0", "FriendAddEvent", true)]
    [InlineData("2.4.0", "GroupSyncMessage", false)]
    [InlineData("2.5.0", "GroupSyncMessage", true)]
    [InlineData("2.9.0", "GroupEntranceAnnouncementChangeEvent", true)]
    [InlineData("2.10.0", "GroupEntranceAnnouncementChangeEvent", false)]
    public async Task Events_AreSentOnlyByVersionsThatHaveThem(string version, string type, bool sent)
    {
        var backend = await StartBackendAsync(o => o.ServerVersion = Version.Parse(version));
        var client = await ConnectAsync(backend);

        await backend.PushEventAsync($$"""{"type":"{{type}}","friend":{"id":1,"nickname":"n","remark":""},"subject":{"id":2,"name":"g","permission":"MEMBER"},"messageChain":[]}""");
        await backend.PushEventAsync(FakeEvents.BotOnline(10001));

        // Pushes keep their order, so the marker comes first exactly when the first event was not sent.
        var first = RawClient.Parse((await client.NextFrameAsync())!).GetProperty("data").GetProperty("type").GetString();
        Assert.Equal(sent ? type : "BotOnlineEvent", first);
    }
}
