using System.Diagnostics;
using MiraiClient.Testing;
using MiraiClient.Tests.Infrastructure;

namespace MiraiClient.Tests.Fake;

/// <summary>What a bot's test author needs from the fake (USER-TRIAL.md F4): pushes that do not vanish,
/// errors that name the cause, typed events in and typed commands out.</summary>
public class FakeHostedBotTests(ITestOutputHelper output) : ConnectionTestBase(output)
{
    [Fact]
    public async Task PushEventAsync_WaitsForTheFirstClient_WhenPushedBeforeItConnects()
    {
        var backend = await StartBackendAsync();
        var connection = CreateConnection(FastOptions(backend.Uri));
        var events = connection.GetEventsAsync<GroupMessage>(TestToken).GetAsyncEnumerator(TestToken);

        var push = backend.PushGroupMessageAsync(1, 2, "early");
        await Task.Delay(300, TestToken);
        Assert.False(push.IsCompleted);
        await Within(connection.ConnectAsync(TestToken));

        await Within(push);
        Assert.True(await Within(events.MoveNextAsync().AsTask()));
        Assert.Equal("early", events.Current.MessageChain.ToPlainText());
        await events.DisposeAsync();
    }

    [Fact]
    public async Task PushEventAsync_ThrowsNamingTheCause_WhenNoClientEverConnects()
    {
        var backend = await StartBackendAsync(o => o.ClientWaitTimeout = TimeSpan.FromMilliseconds(500));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => backend.PushGroupMessageAsync(1, 2, "lost"));

        Output.WriteLine(error.Message);
        Assert.Contains("GroupMessage event reached nobody", error.Message, StringComparison.Ordinal);
        Assert.Contains("the bot was not started", error.Message, StringComparison.Ordinal);
        Assert.Contains("No client has even opened a TCP connection", error.Message, StringComparison.Ordinal);
        Assert.Contains("The fake's bots: 10001", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PushEventAsync_NamesTheRejectedQQ_WhenTheBotUsesAnUnknownQQ()
    {
        var backend = await StartBackendAsync(o => o.ClientWaitTimeout = TimeSpan.FromSeconds(1));
        var connection = CreateConnection(FastOptions(backend.Uri, qq: 123));
        _ = StartConnecting(connection);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => backend.PushFriendMessageAsync(1, "lost"));

        Output.WriteLine(error.Message);
        Assert.Contains("handshake(s) rejected: QQ 123 is not a bot of this fake (known: 10001)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitForConnectionCountAsync_NamesTheRejectedQQ_WhenTheHandshakeWasRefused()
    {
        var backend = await StartBackendAsync();
        var (client, handshake) = await RawClient.ConnectAndReadHandshakeAsync(backend.Uri, qq: 123);
        await client.DisposeAsync();
        Assert.Equal(2, handshake.GetProperty("data").GetProperty("code").GetInt32());

        var error = await Assert.ThrowsAsync<TimeoutException>(() => backend.WaitForConnectionCountAsync(1, TimeSpan.FromMilliseconds(300)));

        Output.WriteLine(error.Message);
        Assert.Contains("1 handshake(s) rejected: QQ 123 is not a bot of this fake (known: 10001)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PushEventAsync_LosesAndCountsThePush_WhenTheOnlyClientLeft()
    {
        var backend = await StartBackendAsync();
        var (client, _) = await RawClient.ConnectAndReadHandshakeAsync(backend.Uri);
        await client.DisposeAsync();
        await backend.WaitForConnectionCountAsync(0);

        var started = Stopwatch.StartNew();
        await backend.PushFriendMessageAsync(1, "into the gap");

        Assert.True(started.Elapsed < TimeSpan.FromSeconds(2), $"took {started.Elapsed}");
        Assert.Equal(1, backend.DroppedPushCount);
    }

    [Fact]
    public async Task PushEventAsync_DeliversEveryVectorEventType_AsTheClientReadsIt()
    {
        var dir = ProtocolVectors.Require();
        var backend = await StartBackendAsync();
        var connection = CreateConnection(FastOptions(backend.Uri));
        var received = connection.GetEventsAsync(TestToken).GetAsyncEnumerator(TestToken);
        await Within(connection.ConnectAsync(TestToken));
        var pushed = Directory.GetFiles(Path.Combine(dir, "events"), "*.json").Order(StringComparer.Ordinal)
            .Select(f => MiraiJson.DeserializeEvent(File.ReadAllText(f)))
            .ToList();
        Assert.Equal(48, pushed.Select(e => e.Type).Distinct().Count());

        foreach (var value in pushed)
        {
            await backend.PushEventAsync(value);
        }

        foreach (var value in pushed)
        {
            Assert.True(await Within(received.MoveNextAsync().AsTask()));
            Assert.IsNotType<UnknownEvent>(received.Current);
            Assert.Equal(value.GetType(), received.Current.GetType());
            Assert.Equal(MiraiJson.Serialize(value), MiraiJson.Serialize(received.Current));
        }

        await received.DisposeAsync();
    }

    [Fact]
    public async Task PushGroupMessageAsync_DeliversAtImageAndQuote_BuiltFromTypedValues()
    {
        var backend = await StartBackendAsync();
        var connection = CreateConnection(FastOptions(backend.Uri));
        var events = connection.GetEventsAsync<GroupMessage>(TestToken).GetAsyncEnumerator(TestToken);
        await Within(connection.ConnectAsync(TestToken));
        var question = await backend.PushGroupMessageAsync(100, 7, new MessageChainBuilder().Text("几点了？").Build());
        Assert.True(await Within(events.MoveNextAsync().AsTask()));

        var chain = new MessageChainBuilder()
            .Add(FakeEvents.QuoteOf(question))
            .At(10001)
            .Text(" 现在？")
            .ImageFromUrl("https://example.com/clock.png")
            .Build();
        var reply = await backend.PushGroupMessageAsync(100, 8, chain);

        Assert.True(await Within(events.MoveNextAsync().AsTask()));
        var message = events.Current;
        Assert.Equal(reply.MessageChain.MessageId, message.MessageChain.MessageId);
        Assert.NotEqual(question.MessageChain.MessageId, message.MessageChain.MessageId);
        Assert.Equal(8, message.Sender.Id);
        Assert.Equal(100, message.Sender.Group.Id);
        Assert.True(message.MessageChain.Mentions(10001));
        var quote = Assert.Single(message.MessageChain.OfType<QuoteElement>());
        Assert.Equal(question.MessageChain.MessageId, quote.Id);
        Assert.Equal(7, quote.SenderId);
        Assert.Equal("几点了？", quote.Origin.ToPlainText());
        Assert.Equal("https://example.com/clock.png", Assert.Single(message.MessageChain.OfType<ImageElement>()).Url);
        Assert.Equal(" 现在？", message.MessageChain.ToPlainText());
        await events.DisposeAsync();
    }

    [Fact]
    public async Task RequestEvents_AreAnsweredWithTheirIds_WhenPushedFromBuilders()
    {
        var backend = await StartBackendAsync();
        var connection = CreateConnection(FastOptions(backend.Uri));
        var events = connection.GetEventsAsync<RequestEvent>(TestToken).GetAsyncEnumerator(TestToken);
        await Within(connection.ConnectAsync(TestToken));
        var cursor = backend.CommandCursor();

        var friend = FakeEvents.NewFriendRequest(fromId: 555, message: "加个好友");
        var join = FakeEvents.MemberJoinRequest(group: 66, fromId: 777, message: "let me in", invitorId: 888);
        var invite = FakeEvents.BotInvitedJoinGroupRequest(group: 99, fromId: 111);
        await backend.PushEventAsync(friend);
        await backend.PushEventAsync(join);
        await backend.PushEventAsync(invite);

        Assert.True(await Within(events.MoveNextAsync().AsTask()));
        await ((NewFriendRequestEvent)events.Current).AcceptAsync(connection, TestToken);
        Assert.True(await Within(events.MoveNextAsync().AsTask()));
        var joinReceived = Assert.IsType<MemberJoinRequestEvent>(events.Current);
        Assert.Equal(888, joinReceived.InvitorId);
        await joinReceived.RejectAsync(connection, "no", cancellationToken: TestToken);
        Assert.True(await Within(events.MoveNextAsync().AsTask()));
        await ((BotInvitedJoinGroupRequestEvent)events.Current).AcceptAsync(connection, TestToken);

        var accepted = await cursor.NextAsync("resp_newFriendRequestEvent");
        Assert.Equal(friend.EventId, accepted.GetInt64("eventId"));
        Assert.Equal(555, accepted.GetInt64("fromId"));
        Assert.Equal(0, accepted.GetInt32("operate"));
        var rejected = await cursor.NextAsync("resp_memberJoinRequestEvent");
        Assert.Equal(join.EventId, rejected.GetInt64("eventId"));
        Assert.Equal(66, rejected.GetInt64("groupId"));
        Assert.Equal(1, rejected.GetInt32("operate"));
        Assert.Equal("no", rejected.GetString("message"));
        var invited = await cursor.NextAsync("resp_botInvitedJoinGroupRequestEvent");
        Assert.Equal(invite.EventId, invited.GetInt64("eventId"));
        await events.DisposeAsync();
    }

    [Fact]
    public async Task CommandCursor_SeesOnlyCommandsAfterIt_OneMatchAtATime()
    {
        var backend = await StartBackendAsync();
        var connection = CreateConnection(FastOptions(backend.Uri));
        await Within(connection.ConnectAsync(TestToken));
        await connection.SendGroupMessageAsync(1, "before", cancellationToken: TestToken);
        await backend.WaitForCommandAsync("sendGroupMessage", TimeSpan.FromSeconds(10));

        var cursor = backend.CommandCursor();
        await connection.SendFriendMessageAsync(2, "first after", cancellationToken: TestToken);
        await connection.SendGroupMessageAsync(3, "second after", cancellationToken: TestToken);

        var group = await cursor.NextAsync("sendGroupMessage");
        Assert.Equal("second after", group.SentMessage!.Text);
        var none = await Assert.ThrowsAsync<TimeoutException>(() => cursor.NextAsync("sendGroupMessage", TimeSpan.FromMilliseconds(200)));
        Output.WriteLine(none.Message);
        Assert.Contains("No 'sendGroupMessage' arrived within 0.2 s", none.Message, StringComparison.Ordinal);
        Assert.Contains("1 client(s) connected", none.Message, StringComparison.Ordinal);
        Assert.Equal(["sendFriendMessage", "sendGroupMessage"], cursor.Received.Where(c => c.Command.StartsWith("send", StringComparison.Ordinal)).Select(c => c.Command));

        // A second cursor starts at the end again; a predicate cursor skips what does not match.
        var next = backend.CommandCursor();
        await connection.SendFriendMessageAsync(4, "third", cancellationToken: TestToken);
        var sent = await next.NextMessageAsync();
        Assert.Equal(SentMessageKind.Friend, sent.Kind);
        Assert.Equal(4, sent.Target);
    }

    [Fact]
    public async Task SentMessage_ReadsTargetQuoteChainAndCjkText_OfEachSendKind()
    {
        var backend = await StartBackendAsync();
        var connection = CreateConnection(FastOptions(backend.Uri));
        await Within(connection.ConnectAsync(TestToken));
        var cursor = backend.CommandCursor();

        await connection.SendGroupMessageAsync(10, new MessageChainBuilder().At(5).Text(" 你好 🌸").Build(), quote: 42, cancellationToken: TestToken);
        await connection.SendTempMessageAsync(6, 11, "临时", cancellationToken: TestToken);
        await connection.SendFriendMessageAsync(7, "友", cancellationToken: TestToken);

        var group = await cursor.NextMessageAsync();
        Assert.Equal(SentMessageKind.Group, group.Kind);
        Assert.Equal(10, group.Target);
        Assert.Null(group.Group);
        Assert.Equal(42, group.Quote);
        Assert.Equal(" 你好 🌸", group.Text);
        Assert.True(group.MessageChain.Mentions(5));
        var temp = await cursor.NextMessageAsync();
        Assert.Equal((SentMessageKind.Temp, 6L, (long?)11L, "临时"), (temp.Kind, temp.Target, temp.Group, temp.Text));
        var friend = await cursor.NextMessageAsync();
        Assert.Equal((SentMessageKind.Friend, 7L, (int?)null), (friend.Kind, friend.Target, friend.Quote));
    }

    [Fact]
    public async Task ReceivedCommand_TypedGetters_ReadContentFieldsAndRejectWrongKinds()
    {
        var backend = await StartBackendAsync();
        var (client, _) = await RawClient.ConnectAndReadHandshakeAsync(backend.Uri);
        Track(client);
        await client.DataAsync("mute", """{"target":"123","memberId":456,"time":60,"flag":true,"name":"名","command":[{"type":"Plain","text":"x"}]}""");

        var mute = await backend.WaitForCommandAsync("mute", TimeSpan.FromSeconds(10));

        Assert.Equal(123, mute.GetInt64("target"));
        Assert.Equal(456, mute.GetInt32("memberId"));
        Assert.True(mute.GetBoolean("flag"));
        Assert.Equal("名", mute.GetString("name"));
        Assert.Equal("x", mute.GetMessageChain("command")!.ToPlainText());
        Assert.Null(mute.GetInt64("absent"));
        Assert.Null(mute.SentMessage);
        Assert.Throws<FormatException>(() => mute.GetString("memberId"));
        Assert.Throws<FormatException>(() => mute.GetBoolean("name"));
    }

    [Fact]
    public async Task RestoreBuiltInReply_BringsBackTheBuiltInAnswer_AfterHandle()
    {
        var backend = await StartBackendAsync();
        var connection = CreateConnection(FastOptions(backend.Uri));
        await Within(connection.ConnectAsync(TestToken));
        backend.Handle("sendGroupMessage", _ => CommandReply.Status(20, "Bot被禁言"));

        var muted = await Assert.ThrowsAsync<MiraiApiException>(() => connection.SendGroupMessageAsync(1, "x", cancellationToken: TestToken));
        Assert.Equal(20, muted.Code);

        Assert.True(backend.RestoreBuiltInReply("sendGroupMessage"));
        Assert.False(backend.RestoreBuiltInReply("sendGroupMessage"));
        Assert.True(await connection.SendGroupMessageAsync(1, "x", cancellationToken: TestToken) > 0);
    }

    [Fact]
    public async Task WaitForCommandAsync_ListsWhatArrived_WhenItTimesOut()
    {
        var backend = await StartBackendAsync();
        var connection = CreateConnection(FastOptions(backend.Uri));
        await Within(connection.ConnectAsync(TestToken));
        await connection.SendFriendMessageAsync(1, "x", cancellationToken: TestToken);
        await backend.WaitForCommandAsync("sendFriendMessage", TimeSpan.FromSeconds(10));

        var error = await Assert.ThrowsAsync<TimeoutException>(() => backend.WaitForCommandAsync("sendGroupMessage", TimeSpan.FromMilliseconds(200)));

        Output.WriteLine(error.Message);
        Assert.Contains("did not see a 'sendGroupMessage' command within 0.2 s", error.Message, StringComparison.Ordinal);
        Assert.Contains("sendFriendMessage (connection 1)", error.Message, StringComparison.Ordinal);
    }
}
