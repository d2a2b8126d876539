using MiraiClient.Hosting;
using MiraiClient.Testing;

namespace MiraiClient.Tests.Hosting;

/// <summary>Request events answered from the handler context, and the friend request's reject message.</summary>
public class RequestContextTests(ITestOutputHelper output) : HostedBotTestBase(output)
{
    [Fact]
    public async Task Context_AcceptsAndRejectsAllThreeRequestKinds_WithoutPassingTheConnection()
    {
        var backend = await StartBackendAsync();
        using var host = BuildHost(ConfigFor(backend), bot => bot
            .On<NewFriendRequestEvent>((ctx, ct) => ctx.Event.FromId == 1 ? ctx.AcceptAsync(ct) : ctx.RejectAsync("not now", blacklist: true, ct))
            .On<MemberJoinRequestEvent>((ctx, ct) => ctx.Event.FromId == 3 ? ctx.AcceptAsync(ct) : ctx.RejectAsync("answer the question first", ct))
            .On<BotInvitedJoinGroupRequestEvent>((ctx, ct) => ctx.Event.FromId == 5 ? ctx.AcceptAsync(ct) : ctx.RejectAsync(cancellationToken: ct)));
        await StartReadyAsync(host);

        await backend.PushEventAsync(Events.FriendRequest(101, 1));
        await backend.PushEventAsync(Events.FriendRequest(102, 2));
        await backend.PushEventAsync(Events.JoinRequest(103, 3, 900));
        await backend.PushEventAsync(Events.JoinRequest(104, 4, 900));
        await backend.PushEventAsync(Events.Invitation(105, 5, 901));
        await backend.PushEventAsync(Events.Invitation(106, 6, 901));

        await AssertAnswerAsync(backend, "resp_newFriendRequestEvent", 101, 1, 0, operate: 0, "");
        await AssertAnswerAsync(backend, "resp_newFriendRequestEvent", 102, 2, 0, operate: 2, "not now");
        await AssertAnswerAsync(backend, "resp_memberJoinRequestEvent", 103, 3, 900, operate: 0, "");
        await AssertAnswerAsync(backend, "resp_memberJoinRequestEvent", 104, 4, 900, operate: 1, "answer the question first");
        await AssertAnswerAsync(backend, "resp_botInvitedJoinGroupRequestEvent", 105, 5, 901, operate: 0, "");
        await AssertAnswerAsync(backend, "resp_botInvitedJoinGroupRequestEvent", 106, 6, 901, operate: 1, "");
        await host.StopAsync(TestToken);
    }

    [Fact]
    public async Task Context_OfTheBaseRequestType_AnswersWhicheverKindArrived()
    {
        var backend = await StartBackendAsync();
        using var host = BuildHost(ConfigFor(backend), bot => bot.On<RequestEvent>((ctx, ct) => ctx.RejectAsync("closed", ct)));
        await StartReadyAsync(host);
        await backend.PushEventAsync(Events.FriendRequest(201, 7));
        await backend.PushEventAsync(Events.JoinRequest(202, 8, 902));
        await backend.PushEventAsync(Events.Invitation(203, 9, 903));
        await AssertAnswerAsync(backend, "resp_newFriendRequestEvent", 201, 7, 0, operate: 1, "closed");
        await AssertAnswerAsync(backend, "resp_memberJoinRequestEvent", 202, 8, 902, operate: 1, "closed");
        await AssertAnswerAsync(backend, "resp_botInvitedJoinGroupRequestEvent", 203, 9, 903, operate: 1, "");
        await host.StopAsync(TestToken);
    }

    [Fact]
    public async Task NewFriendRequestEvent_RejectAsyncWithAMessage_SendsIt_AndThe010OverloadStillWorks()
    {
        var backend = await StartBackendAsync();
        var connection = CreateConnection(FastOptions(backend.Uri));
        await connection.ConnectAsync(TestToken);
        var request = new NewFriendRequestEvent { EventId = 301, FromId = 11, GroupId = 0 };
        await request.RejectAsync(connection, "sorry", blacklist: false, TestToken);
        await request.RejectAsync(connection, blacklist: true, TestToken);
        await request.RejectAsync(connection, cancellationToken: TestToken);
        var answers = backend.ReceivedCommands.Where(c => c.Command == "resp_newFriendRequestEvent").ToList();
        Assert.Equal([(1, "sorry"), (2, ""), (1, "")], answers.Select(a => (a.Content.GetProperty("operate").GetInt32(), a.Content.GetProperty("message").GetString())));
        await Assert.ThrowsAsync<ArgumentNullException>(() => request.RejectAsync(null!, "x", cancellationToken: TestToken));
        await Assert.ThrowsAsync<ArgumentNullException>(() => request.RejectAsync(connection, (string)null!, cancellationToken: TestToken));
    }

    private static async Task AssertAnswerAsync(FakeMiraiBackend backend, string command, long eventId, long fromId, long groupId, int operate, string message)
    {
        var answer = await backend.WaitForCommandAsync(c => c.Command == command && c.Content.GetProperty("eventId").GetInt64() == eventId, Bound);
        Assert.Equal(fromId, answer.Content.GetProperty("fromId").GetInt64());
        Assert.Equal(groupId, answer.Content.GetProperty("groupId").GetInt64());
        Assert.Equal(operate, answer.Content.GetProperty("operate").GetInt32());
        Assert.Equal(message, answer.Content.GetProperty("message").GetString());
    }
}
