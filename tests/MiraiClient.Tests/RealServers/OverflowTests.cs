using System.Net.WebSockets;
using MiraiClient.Testing;
using MiraiClient.Tests.Infrastructure;

namespace MiraiClient.Tests.RealServers;

/// <summary>The essentials of the connection suite on mirai-api-http over Overflow, where most remaining
/// deployments run (REAL-SERVERS.md §6): connect, events, sends, a crash and the reconnect, a relogin.</summary>
public sealed class OverflowTests(ITestOutputHelper output) : RealServerTestBase(output)
{
    private Task<FakeMiraiBackend> StartOverflowAsync() => StartBackendAsync(o => o.Profile = FakeServerProfile.Overflow);

    [Fact]
    public async Task Overflow_Connects_DeliversEvents_AndSends()
    {
        var backend = await StartOverflowAsync();
        var connection = CreateConnection(FastOptions(backend.Uri));
        var events = connection.GetEventsAsync(TestToken).GetAsyncEnumerator(TestToken);
        await Within(connection.ConnectAsync(TestToken));

        await backend.PushGroupMessageAsync(1, 2, "hello");
        await backend.PushEventAsync(FakeEvents.BotOfflineForce(10001));
        await backend.PushFriendMessageAsync(3, "marker");

        // Overflow never sends the offline event: the marker comes right after the group message.
        Assert.True(await Within(events.MoveNextAsync().AsTask()));
        Assert.Equal("hello", Assert.IsType<GroupMessage>(events.Current).MessageChain.ToPlainText());
        Assert.True(await Within(events.MoveNextAsync().AsTask()));
        Assert.Equal("marker", Assert.IsType<FriendMessage>(events.Current).MessageChain.ToPlainText());
        await events.DisposeAsync();

        Assert.True(await Within(connection.SendGroupMessageAsync(1, "reply", cancellationToken: TestToken)) > 0);
        Assert.True(await Within(connection.SendFriendMessageAsync(3, "reply", cancellationToken: TestToken)) > 0);
        Assert.Equal(BotState.Online, connection.BotState);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Overflow_Reconnects_AfterACrashOrAClose_AndEventsAndSendsWorkAgain(bool crash)
    {
        var backend = await StartOverflowAsync();
        var connection = CreateConnection(FastOptions(backend.Uri));
        var states = new StateRecorder(connection);
        await Within(connection.ConnectAsync(TestToken));

        if (crash)
        {
            await backend.RestartAsync(TimeSpan.FromMilliseconds(500), TestToken);
        }
        else
        {
            await backend.CloseConnectionsAsync(WebSocketCloseStatus.NormalClosure, "");
        }

        await states.WaitForStateAsync(ConnectionState.Reconnecting);
        await states.WaitForStateAsync(ConnectionState.Connected, skip: 1);
        var events = connection.GetEventsAsync<GroupMessage>(TestToken).GetAsyncEnumerator(TestToken);
        await backend.PushGroupMessageAsync(1, 2, "after");
        Assert.True(await Within(events.MoveNextAsync().AsTask()));
        await events.DisposeAsync();
        Assert.True(await Within(connection.SendGroupMessageAsync(1, "again", cancellationToken: TestToken)) > 0);
        await WaitUntilAsync(() => connection.BotState == BotState.Online);
    }

    [Fact]
    public async Task Overflow_SilentRelogin_IsNoticedByTheFirstFailedSend_AndRecovered_AtDefaultOptions()
    {
        var backend = await StartOverflowAsync();
        var connection = CreateConnection(DefaultOptions(backend.Uri));
        await Within(connection.ConnectAsync(TestToken));
        await WaitUntilAsync(() => connection.BotState == BotState.Online);
        await Within(backend.ReloginAsync(new FakeRelogin(), TestToken));

        var error = await Assert.ThrowsAsync<MiraiApiException>(() => Within(connection.SendGroupMessageAsync(1, "stale", cancellationToken: TestToken)));
        Assert.Equal(MiraiFailureKind.TargetNotFound, error.FailureKind);

        var elapsed = await WaitUntilAsync(() => Recovered(connection, backend), TimeSpan.FromSeconds(20));
        Output.WriteLine($"Overflow: recovered {elapsed.TotalMilliseconds:0} ms after the failed send (default options)");
        Assert.True(await Within(connection.SendGroupMessageAsync(1, "works", cancellationToken: TestToken)) > 0);
    }
}
