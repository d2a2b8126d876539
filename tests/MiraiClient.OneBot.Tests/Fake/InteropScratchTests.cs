using MiraiClient.Testing.OneBot;

namespace MiraiClient.OneBot.Tests.Fake;

public class InteropScratchTests : FakeTestBase
{
    [Theory]
    [InlineData(FakeOneBotProfile.NapCat)]
    [InlineData(FakeOneBotProfile.LLBot)]
    [InlineData(FakeOneBotProfile.Lagrange)]
    [InlineData(FakeOneBotProfile.GoCqhttp)]
    public async Task Connection_Works_AgainstTheFake(FakeOneBotProfile profile)
    {
        var fake = await StartFakeAsync(o => { o.Profile = profile; o.AccessToken = "t"; o.HeartbeatInterval = TimeSpan.FromMilliseconds(500); });
        var connection = new OneBotConnection(new OneBotConnectionOptions { Uri = fake.Uri, AccessToken = "t" });
        Track(connection);
        await Within(connection.ConnectAsync(TestToken));
        Assert.Equal(fake.SelfId, connection.SelfId);

        var cursor = fake.ActionCursor();
        var id = await Within(connection.Messages.SendGroupMessageAsync(100100, "hi", TestToken));
        Assert.True(id > 0);
        Assert.Equal("hi", (await cursor.NextSendAsync()).Text);

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestToken);
        var events = connection.GetEventsAsync<GroupMessageEvent>(cts.Token).GetAsyncEnumerator(cts.Token);
        var next = events.MoveNextAsync().AsTask();
        var pushed = await fake.PushGroupMessageAsync(100100, 3512345678, "yo");
        Assert.True(await Within(next));
        Assert.Equal(pushed.MessageId, events.Current.MessageId);
        Assert.Equal(3512345678, events.Current.UserId);

        var unknown = await Assert.ThrowsAsync<OneBotApiException>(() => connection.CallAsync("no_such", null, TestToken));
        Assert.True(unknown.IsUnsupportedAction);

        fake.Handle("get_group_list", _ => ActionReply.Ok("[]").Delayed(TimeSpan.FromMilliseconds(500)));
        var slow = connection.Groups.GetGroupListAsync(cancellationToken: TestToken);
        var fast = await Within(connection.System.GetLoginInfoAsync(TestToken));
        Assert.False(slow.IsCompleted);
        await Within(slow);

        fake.AbortConnections();
        await Within(fake.WaitForConnectionCountAsync(1, TimeSpan.FromSeconds(15)));
        cts.Cancel();
    }

    [Theory]
    [InlineData(FakeOneBotProfile.NapCat)]
    [InlineData(FakeOneBotProfile.LLBot)]
    [InlineData(FakeOneBotProfile.Lagrange)]
    [InlineData(FakeOneBotProfile.GoCqhttp)]
    public async Task Connection_Faults_OnWrongToken(FakeOneBotProfile profile)
    {
        var fake = await StartFakeAsync(o => { o.Profile = profile; o.AccessToken = "t"; });
        var connection = new OneBotConnection(new OneBotConnectionOptions { Uri = fake.Uri, AccessToken = "wrong" });
        Track(connection);
        _ = connection.ConnectAsync(TestToken);
        for (var i = 0; i < 100 && connection.State != ConnectionState.Faulted; i++) await Task.Delay(100, TestToken);
        Assert.Equal(ConnectionState.Faulted, connection.State);
    }
}
