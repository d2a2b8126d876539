using System.Diagnostics;
using System.Net.WebSockets;
using MiraiClient.Testing;
using MiraiClient.Testing.OneBot;

namespace MiraiClient.OneBot.Tests.Connection;

/// <summary>Starting, losing, regaining and shutting down a <see cref="OneBotConnection"/>.</summary>
public class ConnectionLifecycleTests(ITestOutputHelper output) : OneBotConnectionTestBase(output)
{
    public static TheoryData<FakeOneBotProfile> Profiles => [FakeOneBotProfile.NapCat, FakeOneBotProfile.LLBot, FakeOneBotProfile.Lagrange, FakeOneBotProfile.GoCqhttp];

    [Theory]
    [MemberData(nameof(Profiles))]
    public async Task ConnectAsync_ConnectsLearnsTheAccountAndWorks_AgainstEachProfile(FakeOneBotProfile profile)
    {
        var fake = await StartFakeAsync(o => { o.Profile = profile; o.AccessToken = Token; o.SelfId = 3512345678; o.HeartbeatInterval = TimeSpan.FromMilliseconds(500); });
        var cursor = fake.ActionCursor();
        var connection = CreateConnection(FastOptions(fake.Uri, Token));
        var states = new StateRecorder(connection);
        Assert.Equal(ConnectionState.NotStarted, connection.State);
        Assert.Equal(0, connection.SelfId);

        await Within(connection.ConnectAsync(TestToken));

        Assert.Equal(ConnectionState.Connected, connection.State);
        Assert.Equal(3512345678, connection.SelfId);
        Assert.Equal(BotState.Online, connection.BotState);
        Assert.Null(connection.LastError);
        await states.WaitForStateAsync(ConnectionState.Connected);
        Assert.Equal(
            [(ConnectionState.NotStarted, ConnectionState.Connecting), (ConnectionState.Connecting, ConnectionState.Connected)],
            states.Changes.Select(c => (c.PreviousState, c.CurrentState)));

        // The handshake is one get_login_info with a string echo (ONEBOT11 §2.2: echoes must be strings).
        var login = await cursor.NextAsync("get_login_info");
        Assert.NotNull(login.Echo);

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestToken);
        await using var events = connection.GetEventsAsync<GroupMessageEvent>(cts.Token).GetAsyncEnumerator(cts.Token);
        var next = events.MoveNextAsync().AsTask();
        var id = await Within(connection.Messages.SendGroupMessageAsync(100100, "hi", TestToken));
        Assert.Equal("hi", (await cursor.NextSendAsync()).Text);
        Assert.NotEqual(0, id);
        var pushed = await fake.PushGroupMessageAsync(100100, 3512345679, "yo");
        Assert.True(await Within(next));
        Assert.Equal(pushed.MessageId, events.Current.MessageId);
        Assert.Equal(3512345678, events.Current.SelfId);
        Assert.Equal(1, fake.AcceptCount);
    }

    [Fact]
    public async Task ConnectAsync_KeepsTrying_WhenTheImplementationIsNotUpYet_AndConnectsOnceItIs()
    {
        var fake = await StartFakeAsync();
        fake.StopListening();
        var connection = CreateConnection(FastOptions(fake.Uri));
        var states = new StateRecorder(connection);
        var connect = StartConnecting(connection);

        var third = await states.WaitForAsync(c => c.Attempt >= 3 && c.RetryDelay is not null);
        Assert.Equal(DisconnectReason.ConnectFailed, third.Reason);
        Assert.Equal(ConnectionState.Connecting, connection.State);
        Assert.False(connect.IsCompleted);
        Assert.IsType<MiraiConnectionException>(connection.LastError, exactMatch: false);
        Assert.InRange(third.RetryDelay!.Value, TimeSpan.Zero, TimeSpan.FromMilliseconds(400));

        fake.StartListening();
        await Within(connect);
        Assert.Equal(fake.SelfId, connection.SelfId);
        Assert.Equal(ConnectionState.Connected, connection.State);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AbruptDrop_Is1006_AndReconnects_KeepingTheAccount(bool restart)
    {
        var fake = await StartFakeAsync(o => o.AccessToken = Token);
        var connection = CreateConnection(FastOptions(fake.Uri, Token));
        var states = new StateRecorder(connection);
        await Within(connection.ConnectAsync(TestToken));

        if (restart)
        {
            // A crashed implementation that is back after a second (RELIABILITY.md §7 rows 1 and 2).
            await fake.RestartAsync(TimeSpan.FromSeconds(1), TestToken);
        }
        else
        {
            fake.AbortConnections();
        }

        var drop = await states.WaitForStateAsync(ConnectionState.Reconnecting);
        Assert.Equal(DisconnectReason.TransportError, drop.Reason);
        Assert.Equal(fake.SelfId, connection.SelfId);
        await states.WaitForStateAsync(ConnectionState.Connected, skip: 1);
        Assert.Equal(fake.SelfId, connection.SelfId);
        Assert.Equal(fake.SelfId, (await Within(connection.System.GetLoginInfoAsync(TestToken))).UserId);
        Assert.Single(states.Changes, c => c.PreviousState == ConnectionState.Connected && c.CurrentState == ConnectionState.Reconnecting);
    }

    [Theory]
    [InlineData(WebSocketCloseStatus.NormalClosure)]
    [InlineData(WebSocketCloseStatus.EndpointUnavailable)]
    [InlineData(WebSocketCloseStatus.InternalServerError)]
    public async Task RemoteClose_IsRetryable_AndReconnects(WebSocketCloseStatus status)
    {
        var fake = await StartFakeAsync();
        var connection = CreateConnection(FastOptions(fake.Uri));
        var states = new StateRecorder(connection);
        await Within(connection.ConnectAsync(TestToken));

        await fake.CloseConnectionsAsync(status, "bye");

        var drop = await states.WaitForStateAsync(ConnectionState.Reconnecting);
        Assert.Equal(DisconnectReason.RemoteClosed, drop.Reason);
        await states.WaitForStateAsync(ConnectionState.Connected, skip: 1);
        Assert.Equal(2, fake.AcceptCount);
    }

    [Fact]
    public async Task AcceptAndHold_EachAttemptIsBoundedByTheConnectTimeout()
    {
        var fake = await StartFakeAsync();
        var relay = Track(FaultRelay.Start(fake.Port, seed: 3));
        relay.HoldNewConnections = true;
        var options = FastOptions(relay.Uri);
        options.ConnectTimeout = TimeSpan.FromMilliseconds(800);
        var connection = CreateConnection(options);
        var states = new StateRecorder(connection);
        var started = Stopwatch.GetTimestamp();
        var connect = StartConnecting(connection);

        var first = await states.WaitForAsync(c => c.RetryDelay is not null);
        Output.WriteLine($"accept-and-hold: first attempt ended after {Since(started).TotalMilliseconds:F0} ms");
        Assert.Equal(DisconnectReason.ConnectTimeout, first.Reason);
        relay.HoldNewConnections = false;
        await Within(connect);
    }

    [Fact]
    public async Task HandshakeNeverAnswered_IsAHandshakeTimeout_AndRetried()
    {
        var fake = await StartFakeAsync();
        fake.Handle("get_login_info", _ => ActionReply.None);
        var options = FastOptions(fake.Uri);
        options.HandshakeTimeout = TimeSpan.FromMilliseconds(800);
        var connection = CreateConnection(options);
        var states = new StateRecorder(connection);
        var connect = StartConnecting(connection);

        var first = await states.WaitForAsync(c => c.RetryDelay is not null);
        Assert.Equal(DisconnectReason.HandshakeTimeout, first.Reason);
        Assert.Equal(ConnectionState.Connecting, connection.State);

        fake.RestoreBuiltInReply("get_login_info");
        await Within(connect);
        Assert.Equal(fake.SelfId, connection.SelfId);
    }

    public static TheoryData<string> DisposeStates => ["not started", "connecting", "connected", "frozen peer", "reconnecting"];

    [Theory]
    [MemberData(nameof(DisposeStates))]
    public async Task DisposeAsync_IsBoundedIdempotentAndFinal_InEveryState(string state)
    {
        var fake = await StartFakeAsync();
        var options = FastOptions(fake.Uri);
        options.DisposeTimeout = TimeSpan.FromSeconds(3);
        options.Reconnect = new ReconnectOptions { FirstRetryMaxDelay = TimeSpan.FromSeconds(30), BaseDelay = TimeSpan.FromSeconds(30), MaxDelay = TimeSpan.FromSeconds(30) };
        var connection = new OneBotConnection(options, LoggerFactory);
        var states = new StateRecorder(connection);
        Task? connect = null;
        switch (state)
        {
            case "connecting":
                fake.StopListening();
                connect = connection.ConnectAsync(TestToken);
                await states.WaitForAsync(c => c.RetryDelay is not null);
                break;
            case "connected":
                await Within(connection.ConnectAsync(TestToken));
                break;
            case "frozen peer":
                // The peer never answers the close handshake: the close is bounded, then the socket aborted.
                await Within(connection.ConnectAsync(TestToken));
                fake.Freeze();
                break;
            case "reconnecting":
                await Within(connection.ConnectAsync(TestToken));
                fake.StopListening();
                fake.AbortConnections();
                await states.WaitForAsync(c => c.CurrentState == ConnectionState.Reconnecting && c.RetryDelay is not null);
                break;
        }

        fake.Handle("get_status", _ => ActionReply.None);
        var pending = state is "connected" ? connection.CallAsync("get_status", null, TestToken) : null;

        var started = Stopwatch.GetTimestamp();
        var first = connection.DisposeAsync().AsTask();
        var second = connection.DisposeAsync().AsTask();
        await Within(Task.WhenAll(first, second));
        var elapsed = Since(started);
        await connection.DisposeAsync();
        connection.Dispose();
        Output.WriteLine($"dispose while {state}: {elapsed.TotalMilliseconds:F0} ms");
        fake.Thaw();

        Assert.True(elapsed < options.DisposeTimeout + TimeSpan.FromSeconds(2), $"took {elapsed}");
        Assert.Equal(ConnectionState.Disposed, connection.State);
        if (connect is not null)
        {
            await Assert.ThrowsAnyAsync<Exception>(() => Within(connect));
        }

        if (pending is not null)
        {
            var error = await Assert.ThrowsAsync<MiraiConnectionException>(() => Within(pending));
            Assert.Equal(DisconnectReason.Stopped, error.Reason);
        }

        Assert.Equal(0, connection.SubscriberCount);
    }

    [Fact]
    public async Task CallsAfterDispose_ThrowObjectDisposedException()
    {
        var fake = await StartFakeAsync();
        var connection = new OneBotConnection(FastOptions(fake.Uri), LoggerFactory);
        await Within(connection.ConnectAsync(TestToken));
        await connection.DisposeAsync();
        var cursor = fake.ActionCursor();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => connection.ConnectAsync(TestToken));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => connection.CallAsync("get_status", null, TestToken));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => connection.Messages.SendGroupMessageAsync(1, "late", TestToken));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => connection.System.GetLoginInfoAsync(TestToken));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () =>
        {
            await foreach (var unused in connection.GetEventsAsync(TestToken))
            {
            }
        });
        Assert.Empty(cursor.Received);
    }

    [Fact]
    public async Task RunAsync_RunsUntilCancelled_ThenDisposes()
    {
        var fake = await StartFakeAsync();
        var connection = CreateConnection(FastOptions(fake.Uri));
        var states = new StateRecorder(connection);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestToken);
        var run = connection.RunAsync(stop.Token);
        await states.WaitForStateAsync(ConnectionState.Connected);
        Assert.False(run.IsCompleted);

        await stop.CancelAsync();
        await Within(run);
        Assert.Equal(ConnectionState.Disposed, connection.State);
        await fake.WaitForConnectionCountAsync(0, Bound);
    }

    [Fact]
    public async Task CancelledCall_ThrowsOperationCanceled_IsNotResent_AndTheConnectionStays()
    {
        var fake = await StartFakeAsync();
        fake.Handle("slow_thing", _ => ActionReply.Ok("1").Delayed(TimeSpan.FromSeconds(30)));
        var connection = CreateConnection(FastOptions(fake.Uri));
        await Within(connection.ConnectAsync(TestToken));
        var cursor = fake.ActionCursor();

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestToken);
        var call = connection.CallAsync("slow_thing", null, cancel.Token);
        await cursor.NextAsync("slow_thing");
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Within(call));

        // A token cancelled before the call is never sent at all.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connection.CallAsync("never_sent", null, new CancellationToken(canceled: true)));

        Assert.Equal(fake.SelfId, (await Within(connection.System.GetLoginInfoAsync(TestToken))).UserId);
        Assert.Single(cursor.Received, a => a.Action == "slow_thing");
        Assert.DoesNotContain(cursor.Received, a => a.Action == "never_sent");
        Assert.Equal(ConnectionState.Connected, connection.State);
    }

    [Fact]
    public async Task CallTimeout_IsATypedMiraiTimeoutException_SentOnce_AndTheConnectionStays()
    {
        var fake = await StartFakeAsync();
        fake.Handle("swallowed", _ => ActionReply.None);
        var options = FastOptions(fake.Uri);
        options.CommandTimeout = TimeSpan.FromSeconds(1.5);
        var connection = CreateConnection(options);
        var states = new StateRecorder(connection);
        await Within(connection.ConnectAsync(TestToken));
        var cursor = fake.ActionCursor();

        var started = Stopwatch.GetTimestamp();
        var error = await Assert.ThrowsAsync<MiraiTimeoutException>(() => Within(connection.CallAsync("swallowed", null, TestToken)));
        Output.WriteLine($"timed out after {Since(started).TotalMilliseconds:F0} ms: {error.Message}");
        Assert.Contains("swallowed", error.Message, StringComparison.Ordinal);
        Assert.True(Since(started) >= TimeSpan.FromSeconds(1.4));

        Assert.Equal(fake.SelfId, (await Within(connection.System.GetLoginInfoAsync(TestToken))).UserId);
        Assert.Single(cursor.Received, a => a.Action == "swallowed");
        Assert.DoesNotContain(states.Changes, c => c.CurrentState == ConnectionState.Reconnecting);
    }

    [Fact]
    public async Task CallWhileDown_WaitsForTheNextConnection_WithinItsTimeout()
    {
        var fake = await StartFakeAsync();
        var connection = CreateConnection(FastOptions(fake.Uri));
        var states = new StateRecorder(connection);
        await Within(connection.ConnectAsync(TestToken));
        fake.StopListening();
        fake.AbortConnections();
        await states.WaitForStateAsync(ConnectionState.Reconnecting);
        var cursor = fake.ActionCursor();

        var call = connection.CallAsync("get_version_info", null, TestToken);
        await states.WaitForAsync(c => c.Attempt >= 2 && c.RetryDelay is not null);
        Assert.False(call.IsCompleted);
        fake.StartListening();
        var version = await Within(call);
        Assert.Equal(System.Text.Json.JsonValueKind.Object, version.ValueKind);
        Assert.Single(cursor.Received, a => a.Action == "get_version_info");
    }
}
