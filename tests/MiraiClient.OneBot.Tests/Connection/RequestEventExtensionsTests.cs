using System.Text.Json;
using MiraiClient.Testing.OneBot;

namespace MiraiClient.OneBot.Tests.Connection;

/// <summary>The request helpers: each answers the event it is given with exactly the action and parameters the
/// spec defines (<c>set_friend_add_request</c> flag/approve/remark, <c>set_group_add_request</c>
/// flag/sub_type/approve/reason), using the event's own flag and sub-type, and refuses a mismatched account.</summary>
public class RequestEventExtensionsTests(ITestOutputHelper output) : OneBotConnectionTestBase(output)
{
    private async Task<(FakeOneBotImplementation Fake, OneBotConnection Connection)> ConnectedAsync()
    {
        var fake = await StartFakeAsync();
        var connection = CreateConnection(FastOptions(fake.Uri));
        await Within(connection.ConnectAsync(TestToken));
        return (fake, connection);
    }

    private static async Task<T> ReceiveAsync<T>(IAsyncEnumerator<T> events)
    {
        Assert.True(await events.MoveNextAsync().AsTask().WaitAsync(Bound));
        return events.Current;
    }

    private static void AssertParams(ReceivedAction sent, string expectedJson)
    {
        var expected = JsonDocument.Parse(expectedJson).RootElement;
        var actual = sent.Params;
        Assert.Equal(JsonValueKind.Object, actual.ValueKind);
        var names = actual.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList(), names);
        foreach (var property in expected.EnumerateObject())
        {
            Assert.True(JsonElement.DeepEquals(property.Value, actual.GetProperty(property.Name)), $"{property.Name}: expected {property.Value.GetRawText()}, sent {actual.GetProperty(property.Name).GetRawText()}");
        }
    }

    [Fact]
    public async Task ApproveAsync_SendsSetFriendAddRequestWithTheEventsFlagAndRemark_WhenAFriendRequestArrives()
    {
        var (fake, connection) = await ConnectedAsync();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestToken);
        await using var events = connection.GetEventsAsync<FriendRequestEvent>(cts.Token).GetAsyncEnumerator(cts.Token);
        var cursor = fake.ActionCursor();
        await fake.PushEventAsync(FakeOneBotEvents.FriendRequest(3512345678, "let me in", flag: "flag-friend-1"));
        var request = await ReceiveAsync(events);

        await Within(connection.ApproveAsync(request, remark: "老朋友", cancellationToken: TestToken));

        var sent = await cursor.NextAsync("set_friend_add_request");
        AssertParams(sent, """{"flag":"flag-friend-1","approve":true,"remark":"老朋友"}""");
    }

    [Fact]
    public async Task RejectAsync_SendsApproveFalseWithoutRemark_WhenAFriendRequestIsRefused()
    {
        var (fake, connection) = await ConnectedAsync();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestToken);
        await using var events = connection.GetEventsAsync<FriendRequestEvent>(cts.Token).GetAsyncEnumerator(cts.Token);
        var cursor = fake.ActionCursor();
        await fake.PushEventAsync(FakeOneBotEvents.FriendRequest(12345678, flag: "flag-friend-2"));
        var request = await ReceiveAsync(events);

        await Within(connection.RejectAsync(request, TestToken));

        var sent = await cursor.NextAsync("set_friend_add_request");
        AssertParams(sent, """{"flag":"flag-friend-2","approve":false}""");
    }

    [Theory]
    [InlineData(false, "add")]
    [InlineData(true, "invite")]
    public async Task ApproveAsync_SendsSetGroupAddRequestWithTheEventsSubType_WhenAGroupRequestArrives(bool invite, string subType)
    {
        var (fake, connection) = await ConnectedAsync();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestToken);
        await using var events = connection.GetEventsAsync<GroupRequestEvent>(cts.Token).GetAsyncEnumerator(cts.Token);
        var cursor = fake.ActionCursor();
        await fake.PushEventAsync(FakeOneBotEvents.GroupRequest(1012345678, 23456789, invite, "hello", flag: "flag-group-" + subType));
        var request = await ReceiveAsync(events);
        Assert.Equal(subType, request.SubType);

        await Within(connection.ApproveAsync(request, TestToken));

        var sent = await cursor.NextAsync("set_group_add_request");
        AssertParams(sent, $$"""{"flag":"flag-group-{{subType}}","sub_type":"{{subType}}","approve":true}""");
    }

    [Theory]
    [InlineData(false, "add", "group is full")]
    [InlineData(true, "invite", null)]
    public async Task RejectAsync_SendsApproveFalseWithTheReason_WhenAGroupRequestIsRefused(bool invite, string subType, string? reason)
    {
        var (fake, connection) = await ConnectedAsync();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestToken);
        await using var events = connection.GetEventsAsync<GroupRequestEvent>(cts.Token).GetAsyncEnumerator(cts.Token);
        var cursor = fake.ActionCursor();
        await fake.PushEventAsync(FakeOneBotEvents.GroupRequest(100100, 12345678, invite, flag: "flag-r-" + subType));
        var request = await ReceiveAsync(events);

        await Within(connection.RejectAsync(request, reason, TestToken));

        var sent = await cursor.NextAsync("set_group_add_request");
        var expected = reason is null
            ? $$"""{"flag":"flag-r-{{subType}}","sub_type":"{{subType}}","approve":false}"""
            : $$"""{"flag":"flag-r-{{subType}}","sub_type":"{{subType}}","approve":false,"reason":"{{reason}}"}""";
        AssertParams(sent, expected);
    }

    [Fact]
    public async Task ApproveAsync_ThrowsArgumentException_AndSendsNothing_WhenTheRequestIsForAnotherAccountOrHasNoFlag()
    {
        var (fake, connection) = await ConnectedAsync();
        var cursor = fake.ActionCursor();
        var foreign = FakeOneBotEvents.FriendRequest(1, flag: "f") with { SelfId = fake.SelfId + 1 };
        var noSubType = FakeOneBotEvents.GroupRequest(1, 2, flag: "g") with { SelfId = fake.SelfId, SubType = "" };
        var noFlag = FakeOneBotEvents.FriendRequest(1) with { SelfId = fake.SelfId, Flag = "" };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => connection.ApproveAsync(foreign, cancellationToken: TestToken));
        Assert.Contains((fake.SelfId + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => connection.RejectAsync(noSubType, cancellationToken: TestToken));
        await Assert.ThrowsAsync<ArgumentException>(() => connection.ApproveAsync(noFlag, cancellationToken: TestToken));

        // A round trip after the refusals: none of them reached the implementation.
        await Within(connection.System.GetVersionInfoAsync(TestToken));
        Assert.DoesNotContain(cursor.Received, a => a.Action is "set_friend_add_request" or "set_group_add_request");
    }
}
