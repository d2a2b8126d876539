using System.Net.WebSockets;
using System.Text;
using Microsoft.Extensions.Logging;
using MiraiClient.Testing.OneBot;

namespace MiraiClient.OneBot.Tests.Connection;

/// <summary>Events over a <see cref="OneBotConnection"/>: streams, unknown and malformed frames, and what
/// events say about the account.</summary>
public class ConnectionEventTests(ITestOutputHelper output) : OneBotConnectionTestBase(output)
{
    private async Task<(FakeOneBotImplementation Fake, OneBotConnection Connection, StateRecorder States)> ConnectAsync(Action<FakeOneBotOptions>? configure = null)
    {
        var fake = await StartFakeAsync(configure);
        var connection = CreateConnection(FastOptions(fake.Uri));
        var states = new StateRecorder(connection);
        await Within(connection.ConnectAsync(TestToken));
        return (fake, connection, states);
    }

    [Fact]
    public async Task TypedAndUntypedStreams_EachGetWhatTheyAskFor_InArrivalOrder()
    {
        var (fake, connection, _) = await ConnectAsync(o => o.HeartbeatInterval = TimeSpan.Zero);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestToken);
        await using var all = connection.GetEventsAsync(cts.Token).GetAsyncEnumerator(cts.Token);
        await using var groups = connection.GetEventsAsync<GroupMessageEvent>(cts.Token).GetAsyncEnumerator(cts.Token);
        await using var notices = connection.GetEventsAsync<OneBotNoticeEvent>(cts.Token).GetAsyncEnumerator(cts.Token);
        var firstAll = all.MoveNextAsync().AsTask();
        var firstGroup = groups.MoveNextAsync().AsTask();
        var firstNotice = notices.MoveNextAsync().AsTask();

        var g1 = await fake.PushGroupMessageAsync(100100, 1, "one");
        var p1 = await fake.PushPrivateMessageAsync(2, "two");
        var n1 = await fake.PushEventAsync(FakeOneBotEvents.GroupRecall(100100, 1, 1, g1.MessageId));
        var g2 = await fake.PushGroupMessageAsync(100100, 3, "three");

        Assert.True(await Within(firstAll));
        Assert.Equal(g1.MessageId, Assert.IsType<GroupMessageEvent>(all.Current).MessageId);
        Assert.True(await Within(all.MoveNextAsync().AsTask()));
        Assert.Equal(p1.MessageId, Assert.IsType<PrivateMessageEvent>(all.Current).MessageId);
        Assert.True(await Within(all.MoveNextAsync().AsTask()));
        Assert.Equal(n1.MessageId, Assert.IsType<GroupRecallNotice>(all.Current).MessageId);
        Assert.True(await Within(all.MoveNextAsync().AsTask()));
        Assert.Equal(g2.MessageId, Assert.IsType<GroupMessageEvent>(all.Current).MessageId);

        Assert.True(await Within(firstGroup));
        Assert.Equal("one", groups.Current.Message.ToPlainText());
        Assert.True(await Within(groups.MoveNextAsync().AsTask()));
        Assert.Equal("three", groups.Current.Message.ToPlainText());

        Assert.True(await Within(firstNotice));
        Assert.IsType<GroupRecallNotice>(notices.Current);
        Assert.Equal(3, connection.SubscriberCount);

        // Cancelling the token ends the subscription: the next read reports the end (or the cancellation).
        await cts.CancelAsync();
        try
        {
            Assert.False(await Within(all.MoveNextAsync().AsTask()));
        }
        catch (OperationCanceledException)
        {
        }

        Assert.Equal(0, connection.SubscriberCount);
    }

    [Fact]
    public async Task UnknownEvent_IsDeliveredWithItsRawJson_AndLogged()
    {
        var (fake, connection, _) = await ConnectAsync();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestToken);
        await using var unknowns = connection.GetEventsAsync<OneBotUnknownEvent>(cts.Token).GetAsyncEnumerator(cts.Token);
        var next = unknowns.MoveNextAsync().AsTask();

        await fake.PushRawEventAsync($$"""{"time":1700000000,"self_id":{{fake.SelfId}},"post_type":"something_new","detail":{"x":[1,2]},"big":3512345678901}""");
        await fake.PushRawEventAsync($$"""{"time":1700000001,"self_id":{{fake.SelfId}},"post_type":"notice","notice_type":"brand_new_notice","user_id":5}""");

        Assert.True(await Within(next));
        Assert.Equal("something_new", unknowns.Current.PostType);
        Assert.Equal(3512345678901, unknowns.Current.Json.GetProperty("big").GetInt64());
        Assert.Equal(2, unknowns.Current.Json.GetProperty("detail").GetProperty("x")[1].GetInt32());
        Assert.True(await Within(unknowns.MoveNextAsync().AsTask()));
        Assert.Equal("notice", unknowns.Current.PostType);
        Assert.Equal("brand_new_notice", unknowns.Current.DetailType);
        Assert.Equal(5, unknowns.Current.Json.GetProperty("user_id").GetInt32());
        Assert.Contains(Logs.Lines, l => l.EventId.Name == "UnknownEvent" && l.Message.Contains("something_new", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MalformedFrames_AreLoggedTyped_AndDoNotEndTheSession()
    {
        var (fake, connection, states) = await ConnectAsync();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestToken);
        await using var events = connection.GetEventsAsync<GroupMessageEvent>(cts.Token).GetAsyncEnumerator(cts.Token);
        var next = events.MoveNextAsync().AsTask();

        string[] garbage =
        [
            "{not json",
            "[1,2,3]",
            "\"just a string\"",
            """{"neither":"event nor reply"}""",
            """{"post_type":42}""",
            """{"post_type":"message","message_type":"group","self_id":"x","group_id":{},"user_id":[],"message":7}""",
            """{"status":"ok","retcode":0,"data":null,"echo":"999999999"}""",
        ];
        foreach (var frame in garbage)
        {
            await fake.SendRawAsync(frame);
        }

        var pushed = await fake.PushGroupMessageAsync(100100, 1, "after the garbage");
        Assert.True(await Within(next));
        Assert.Equal(pushed.MessageId, events.Current.MessageId);
        Assert.Equal(fake.SelfId, (await Within(connection.System.GetLoginInfoAsync(TestToken))).UserId);
        Assert.DoesNotContain(states.Changes, c => c.CurrentState == ConnectionState.Reconnecting);

        var malformed = Logs.Lines.Where(l => l.EventId.Name == "MalformedFrame").ToList();
        foreach (var line in malformed)
        {
            Output.WriteLine(line.ToString());
        }

        Assert.True(malformed.Count >= 5, $"only {malformed.Count} malformed-frame log lines");
        Assert.All(malformed, l => Assert.Equal(LogLevel.Warning, l.Level));
        Assert.All(malformed, l => Assert.Contains(nameof(MiraiProtocolException), l.Exception ?? "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task InvalidUtf8_InABinaryMessage_IsAMalformedFrame_InATextMessage_FailsTheSocket_AndNeitherBecomesAnEvent()
    {
        var (fake, connection, states) = await ConnectAsync();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestToken);
        await using var events = connection.GetEventsAsync<GroupMessageEvent>(cts.Token).GetAsyncEnumerator(cts.Token);

        // The bad byte sits in a field the reader skips, so only a check of the whole frame can find it.
        static byte[] WithBadByte(long messageId)
        {
            byte[] bytes = [.. Encoding.UTF8.GetBytes($$$"""{"post_type":"message","message_type":"group","sub_type":"normal","time":1,"self_id":10001,"message_id":{{{messageId}}},"user_id":1,"group_id":100100,"message":[{"type":"text","data":{"text":"hi"}}],"raw_message":"hi","font":0,"sender":{"user_id":1,"nickname":"n"},"extra":"?"}""")];
            bytes[Array.LastIndexOf(bytes, (byte)'?')] = 0xFF;
            return bytes;
        }

        // Binary: the socket hands the bytes over unchecked, and the decoder rejects the frame.
        var next = events.MoveNextAsync().AsTask();
        await fake.SendRawAsync(WithBadByte(424242), WebSocketMessageType.Binary);
        var pushed = await fake.PushGroupMessageAsync(100100, 1, "after the binary frame");
        Assert.True(await Within(next));
        Assert.Equal(pushed.MessageId, events.Current.MessageId);
        Assert.Contains(Logs.Lines, l => l.EventId.Name == "MalformedFrame" && l.Message.Contains("not valid UTF-8", StringComparison.Ordinal));
        Assert.DoesNotContain(states.Changes, c => c.CurrentState == ConnectionState.Reconnecting);

        // Text: the socket itself fails the message (RFC 6455 close 1007), so the decoder, which no longer checks
        // the bytes again, never sees them; the connection reconnects and carries on.
        next = events.MoveNextAsync().AsTask();
        await fake.SendRawAsync(WithBadByte(434343), WebSocketMessageType.Text);
        var dropped = await states.WaitForStateAsync(ConnectionState.Reconnecting);
        Output.WriteLine($"text frame with invalid UTF-8: {dropped}");
        await states.WaitForStateAsync(ConnectionState.Connected, skip: 1);
        pushed = await fake.PushGroupMessageAsync(100100, 1, "after the text frame");
        Assert.True(await Within(next));
        Assert.Equal(pushed.MessageId, events.Current.MessageId);
    }

    [Fact]
    public async Task HeartbeatsAndBotOffline_DriveBotState_WhileTheSocketStaysUp()
    {
        var (fake, connection, states) = await ConnectAsync(o => o.HeartbeatInterval = TimeSpan.FromMilliseconds(200));
        var bot = new BotStateRecorder(connection);
        Assert.Equal(BotState.Online, connection.BotState);

        fake.Online = false;
        var offline = await bot.WaitForAsync(BotState.Offline);
        Assert.Equal(fake.SelfId, offline.Account);
        Assert.Contains("heartbeat", offline.Reason, StringComparison.Ordinal);
        Assert.Equal(BotState.Offline, connection.BotState);

        // The recorder may also have seen the Online of the handshake, dispatched after it subscribed.
        fake.Online = true;
        var online = await bot.WaitForAsync(BotState.Online, skip: bot.Changes.Count(c => c.CurrentState == BotState.Online));
        Assert.Contains("heartbeat", online.Reason, StringComparison.Ordinal);

        fake.StopHeartbeats();
        var offlines = bot.Changes.Count(c => c.CurrentState == BotState.Offline);
        await fake.PushBotOfflineAsync();
        var kicked = await bot.WaitForAsync(BotState.Offline, skip: offlines);
        Assert.Contains("bot_offline", kicked.Reason, StringComparison.Ordinal);
        Assert.Equal(BotState.Offline, connection.BotState);

        // Socket-alive and account-online are separate (ONEBOT11 §6.2 item 4).
        Assert.Equal(ConnectionState.Connected, connection.State);
        Assert.DoesNotContain(states.Changes, c => c.CurrentState == ConnectionState.Reconnecting);
    }

    [Fact]
    public async Task EventForAnotherAccount_EndsTheSessionAsStale_AndTheNextOneRelearnsTheAccount()
    {
        var (fake, connection, states) = await ConnectAsync();
        Assert.Equal(fake.SelfId, connection.SelfId);
        const long Other = 3599999999;

        // The implementation logged in as someone else: the next get_login_info tells the new account.
        fake.Handle("get_login_info", _ => ActionReply.Ok($$"""{"user_id":{{Other}},"nickname":"other"}"""));
        await fake.PushEventAsync(FakeOneBotEvents.GroupMessage(100100, 1, "from the other account") with { SelfId = Other });

        var drop = await states.WaitForStateAsync(ConnectionState.Reconnecting);
        Assert.Equal(DisconnectReason.StaleSession, drop.Reason);
        Assert.Contains(Other.ToString(System.Globalization.CultureInfo.InvariantCulture), drop.Error?.Message ?? "", StringComparison.Ordinal);
        await states.WaitForStateAsync(ConnectionState.Connected, skip: 1);
        Assert.Equal(Other, connection.SelfId);
    }

    [Fact]
    public async Task SlowSubscriber_LosesTheOldestEvents_Counted_AndTheConnectionStays()
    {
        var fake = await StartFakeAsync(o => o.HeartbeatInterval = TimeSpan.Zero);
        var options = FastOptions(fake.Uri);
        options.EventBufferCapacity = 8;
        var connection = CreateConnection(options);
        var states = new StateRecorder(connection);
        await Within(connection.ConnectAsync(TestToken));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestToken);
        await using var slow = connection.GetEventsAsync<GroupMessageEvent>(cts.Token).GetAsyncEnumerator(cts.Token);

        for (var i = 0; i < 20; i++)
        {
            await fake.PushGroupMessageAsync(100100, 1, $"m{i}");
        }

        // Replies and events share the socket in order: once this reply is in, every event was handled.
        await Within(connection.System.GetLoginInfoAsync(TestToken));
        Assert.Equal(12, connection.DroppedEventCount);
        for (var i = 12; i < 20; i++)
        {
            Assert.True(await Within(slow.MoveNextAsync().AsTask()));
            Assert.Equal($"m{i}", slow.Current.Message.ToPlainText());
        }

        Assert.Contains(Logs.Lines, l => l.EventId.Name is "EventsDropped" or "SubscriptionNeverRead");
        Assert.DoesNotContain(states.Changes, c => c.CurrentState == ConnectionState.Reconnecting);
    }
}
