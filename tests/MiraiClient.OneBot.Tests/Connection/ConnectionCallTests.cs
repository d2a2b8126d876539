using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MiraiClient.Testing.OneBot;

namespace MiraiClient.OneBot.Tests.Connection;

/// <summary>Actions over a <see cref="OneBotConnection"/>: correlation, failures, token rejection and limits.</summary>
public class ConnectionCallTests(ITestOutputHelper output) : OneBotConnectionTestBase(output)
{
    public static TheoryData<FakeOneBotProfile> Profiles => [FakeOneBotProfile.NapCat, FakeOneBotProfile.LLBot, FakeOneBotProfile.Lagrange, FakeOneBotProfile.GoCqhttp];

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Theory]
    [MemberData(nameof(Profiles))]
    public async Task ManyConcurrentCallers_GetTheirOwnReplies_WhenRepliesComeBackOutOfOrder(FakeOneBotProfile profile)
    {
        var fake = await StartFakeAsync(o => o.Profile = profile);

        // Each reply is delayed inversely to its number, so later calls are answered first (ONEBOT11 §2.5).
        const int Count = 200;
        fake.Handle("echo_back", a =>
        {
            var n = a.GetInt32("n")!.Value;
            return ActionReply.Ok($$"""{"n":{{n}}}""").Delayed(TimeSpan.FromMilliseconds((Count - n) * 3));
        });
        var connection = CreateConnection(FastOptions(fake.Uri));
        await Within(connection.ConnectAsync(TestToken));
        var cursor = fake.ActionCursor();

        var calls = Enumerable.Range(0, Count)
            .Select(n => Task.Run(() => connection.CallAsync("echo_back", Json($$"""{"n":{{n}}}"""), TestToken), TestToken))
            .ToList();
        var order = new List<int>();
        var recorders = calls.Select(c => c.ContinueWith(t => { lock (order) { order.Add(t.Result.GetProperty("n").GetInt32()); } }, TaskScheduler.Default)).ToList();
        await Within(Task.WhenAll(recorders), TimeSpan.FromSeconds(60));

        for (var n = 0; n < Count; n++)
        {
            Assert.Equal(n, (await calls[n]).GetProperty("n").GetInt32());
        }

        // The replies really did come back out of order, and every action went out once with its own echo.
        Assert.NotEqual(Enumerable.Range(0, Count), order);
        var sent = cursor.Received.Where(a => a.Action == "echo_back").ToList();
        Assert.Equal(Count, sent.Count);
        Assert.Equal(Count, sent.Select(a => a.Echo).Distinct().Count());
        Assert.All(sent, a => Assert.NotNull(a.Echo));
    }

    [Fact]
    public async Task PendingCalls_FailAtOnceTyped_WhenTheSocketDrops_AndAreNeverResent()
    {
        var fake = await StartFakeAsync();
        fake.Handle("send_group_msg", _ => ActionReply.None);
        fake.Handle("never_answered", _ => ActionReply.None);
        var options = FastOptions(fake.Uri);
        options.CommandTimeout = TimeSpan.FromSeconds(60);
        var connection = CreateConnection(options);
        var states = new StateRecorder(connection);
        await Within(connection.ConnectAsync(TestToken));
        var cursor = fake.ActionCursor();

        const int Count = 20;
        var calls = new List<Task>();
        for (var i = 0; i < Count; i++)
        {
            calls.Add(i % 2 == 0
                ? connection.Messages.SendGroupMessageAsync(100100, $"msg {i}", TestToken)
                : connection.CallAsync("never_answered", Json($$"""{"i":{{i}}}"""), TestToken));
        }

        for (var i = 0; i < Count; i++)
        {
            await cursor.NextAsync(a => a.Action is "send_group_msg" or "never_answered");
        }

        var started = Stopwatch.GetTimestamp();
        fake.AbortConnections();
        foreach (var call in calls)
        {
            var error = await Assert.ThrowsAsync<MiraiConnectionLostException>(() => Within(call));
            Assert.Equal(DisconnectReason.TransportError, error.Reason);
        }

        var failedAfter = Since(started);
        Output.WriteLine($"{Count} pending calls failed {failedAfter.TotalMilliseconds:F0} ms after the drop");
        Assert.True(failedAfter < TimeSpan.FromSeconds(10), $"took {failedAfter}");

        // After reconnecting, a round trip proves everything earlier was read: nothing was resent.
        await states.WaitForStateAsync(ConnectionState.Connected, skip: 1);
        await Within(connection.System.GetVersionInfoAsync(TestToken));
        var sent = cursor.Received.Where(a => a.Action is "send_group_msg" or "never_answered").ToList();
        Assert.Equal(Count, sent.Count);
        Assert.Equal(Count, sent.Select(a => a.Echo).Distinct().Count());
        Assert.Equal(Count / 2, sent.Count(a => a.Action == "send_group_msg"));
        Assert.All(sent, a => Assert.Equal(sent[0].ConnectionId, a.ConnectionId));
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public async Task FailedAction_ThrowsOneBotApiException_WithStatusRetcodeAndText(FakeOneBotProfile profile)
    {
        var fake = await StartFakeAsync(o => o.Profile = profile);
        fake.Handle("set_group_ban", _ => ActionReply.Failed(1200, "cannot ban owner", "BAN_OWNER"));
        var connection = CreateConnection(FastOptions(fake.Uri));
        await Within(connection.ConnectAsync(TestToken));

        var error = await Assert.ThrowsAsync<OneBotApiException>(() => Within(connection.Groups.SetGroupBanAsync(100100, 1, TimeSpan.FromMinutes(1), TestToken)));
        Output.WriteLine($"{profile}: {error.Message} (message '{error.ServerMessage}', wording '{error.Wording}', msg '{error.ErrorCode}')");
        Assert.Equal("set_group_ban", error.Action);
        Assert.Equal("failed", error.Status);
        Assert.Equal(1200, error.RetCode);
        Assert.False(error.IsUnsupportedAction);
        Assert.Contains("1200", error.Message, StringComparison.Ordinal);
        Assert.Contains("set_group_ban", error.Message, StringComparison.Ordinal);
        switch (profile)
        {
            case FakeOneBotProfile.Lagrange:
                // Lagrange sends neither message nor wording.
                Assert.Null(error.ServerMessage);
                break;
            case FakeOneBotProfile.GoCqhttp:
                Assert.Equal("cannot ban owner", error.Wording);
                Assert.Equal("BAN_OWNER", error.ErrorCode);
                Assert.Contains("cannot ban owner", error.Message, StringComparison.Ordinal);
                break;
            default:
                Assert.Equal("cannot ban owner", error.ServerMessage);
                Assert.Equal("cannot ban owner", error.Wording);
                Assert.Contains("cannot ban owner", error.Message, StringComparison.Ordinal);
                break;
        }

        var unknown = await Assert.ThrowsAsync<OneBotApiException>(() => Within(connection.CallAsync("no_such_action", null, TestToken)));
        Assert.True(unknown.IsUnsupportedAction);
        Assert.Equal(ConnectionState.Connected, connection.State);
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public async Task WrongAccessToken_IsFatal_WithoutAReconnectLoop_AndWithoutTheTokenInTheError(FakeOneBotProfile profile)
    {
        var fake = await StartFakeAsync(o => { o.Profile = profile; o.AccessToken = "the-right-one"; });
        var connection = CreateConnection(FastOptions(fake.Uri, Token));
        var states = new StateRecorder(connection);

        var error = await Assert.ThrowsAsync<MiraiConnectionException>(() => Within(connection.ConnectAsync(TestToken)));
        Output.WriteLine($"{profile}: {error.Reason}: {error}");
        Assert.Equal(ConnectionState.Faulted, connection.State);
        Assert.Contains("access token", error.Message, StringComparison.OrdinalIgnoreCase);
        AssertNoToken(error);
        AssertNoToken(connection.LastError!);
        var faulted = await states.WaitForStateAsync(ConnectionState.Faulted);
        Assert.Null(faulted.RetryDelay);

        // No loop: four times the longest retry delay later, still one refused attempt.
        await Task.Delay(TimeSpan.FromMilliseconds(1600), TestToken);
        Assert.Equal(1, fake.RejectedCount);
        Assert.Equal(ConnectionState.Faulted, connection.State);
        Assert.Single(states.Changes, c => c.CurrentState == ConnectionState.Faulted);

        // A call now fails at once, typed, instead of waiting for a connection that will never come.
        await Assert.ThrowsAnyAsync<MiraiConnectionException>(() => Within(connection.CallAsync("get_status", null, TestToken), TimeSpan.FromSeconds(5)));
    }

    [Theory]
    [InlineData(FakeOneBotProfile.GoCqhttp)]
    [InlineData(FakeOneBotProfile.NapCat)]
    public async Task MissingAccessToken_IsFatal(FakeOneBotProfile profile)
    {
        var fake = await StartFakeAsync(o => { o.Profile = profile; o.AccessToken = Token; });
        var connection = CreateConnection(FastOptions(fake.Uri));

        var error = await Assert.ThrowsAsync<MiraiConnectionException>(() => Within(connection.ConnectAsync(TestToken)));
        Output.WriteLine($"{profile}: {error.Reason}: {error.Message}");
        Assert.Equal(ConnectionState.Faulted, connection.State);
        Assert.Contains("access token", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, fake.RejectedCount);
    }

    [Fact]
    public async Task InBand1401_OnTheHandshake_IsFatal()
    {
        var fake = await StartFakeAsync();
        fake.Handle("get_login_info", _ => ActionReply.Failed(1401, "token missing"));
        var connection = CreateConnection(FastOptions(fake.Uri, Token));

        var error = await Assert.ThrowsAsync<MiraiConnectionException>(() => Within(connection.ConnectAsync(TestToken)));
        Assert.Equal(DisconnectReason.HandshakeRejected, error.Reason);
        Assert.Contains("1401", error.Message, StringComparison.Ordinal);
        AssertNoToken(error);
        Assert.Equal(ConnectionState.Faulted, connection.State);
        await Task.Delay(TimeSpan.FromMilliseconds(1600), TestToken);
        Assert.Single(fake.ReceivedActions, a => a.Action == "get_login_info");
    }

    [Fact]
    public async Task AccessTokenInQuery_IsAccepted_AndNeverLogged()
    {
        var fake = await StartFakeAsync(o => o.AccessToken = Token);
        var options = FastOptions(fake.Uri, Token);
        options.AccessTokenInQuery = true;
        var connection = CreateConnection(options);
        await Within(connection.ConnectAsync(TestToken));
        Assert.Equal(fake.SelfId, connection.SelfId);

        // Dropped and refused attempts log the endpoint and the socket's error: neither may carry the query.
        var states = new StateRecorder(connection);
        fake.StopListening();
        fake.AbortConnections();
        await states.WaitForAsync(c => c.Attempt >= 2 && c.RetryDelay is not null);
        AssertNoToken(connection.LastError!);
        fake.StartListening();
        await states.WaitForStateAsync(ConnectionState.Connected);
        Assert.DoesNotContain(Token, Logs.AllText, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public async Task AsyncAndRateLimitedSuffixes_AreSentVerbatim_AndAnsweredAsTheProfileDoes(FakeOneBotProfile profile)
    {
        var fake = await StartFakeAsync(o => o.Profile = profile);
        var connection = CreateConnection(FastOptions(fake.Uri));
        await Within(connection.ConnectAsync(TestToken));
        var cursor = fake.ActionCursor();
        var parameters = Json("""{"group_id":100100,"message":"later"}""");

        foreach (var action in new[] { "send_group_msg_async", "send_group_msg_rate_limited" })
        {
            // ONEBOT11 §2.4: NapCat and LLBot alias both; go-cqhttp strips _async only; Lagrange knows neither.
            var supported = profile is FakeOneBotProfile.NapCat or FakeOneBotProfile.LLBot
                || (profile == FakeOneBotProfile.GoCqhttp && action.EndsWith("_async", StringComparison.Ordinal));
            if (supported)
            {
                var data = await Within(connection.CallAsync(action, parameters, TestToken));
                Assert.NotEqual(JsonValueKind.Undefined, data.ValueKind);
            }
            else
            {
                var error = await Assert.ThrowsAsync<OneBotApiException>(() => Within(connection.CallAsync(action, parameters, TestToken)));
                Assert.True(error.IsUnsupportedAction);
                Assert.Equal(action, error.Action);
            }

            Assert.Equal(action, (await cursor.NextAsync(action)).Action);
        }

        // An implementation that still answers status "async" gives JSON null, not an error.
        fake.Handle("set_restart", _ => ActionReply.Async());
        Assert.Equal(JsonValueKind.Null, (await Within(connection.CallAsync("set_restart", null, TestToken))).ValueKind);
    }

    [Fact]
    public async Task RawCall_SendsAnUntypedAction_AndReturnsItsData()
    {
        var fake = await StartFakeAsync();
        fake.Handle("x_custom_thing", a => ActionReply.Ok($$"""{"got":{{a.Params.GetRawText()}},"list":[1,2,3]}"""));
        var connection = CreateConnection(FastOptions(fake.Uri));
        await Within(connection.ConnectAsync(TestToken));
        var cursor = fake.ActionCursor();

        var data = await Within(connection.CallAsync("x_custom_thing", Json("""{"a":1,"b":"two","big":3512345678901}"""), TestToken));
        Assert.Equal(3512345678901, data.GetProperty("got").GetProperty("big").GetInt64());
        Assert.Equal("two", data.GetProperty("got").GetProperty("b").GetString());
        Assert.Equal(3, data.GetProperty("list").GetArrayLength());
        var sent = await cursor.NextAsync("x_custom_thing");
        Assert.Equal(1, sent.GetInt32("a"));

        // No parameters: the frame carries none (implementations substitute {}).
        fake.Handle("x_no_params", a => ActionReply.Ok(a.Params.ValueKind == JsonValueKind.Undefined ? "\"none\"" : $"\"{a.Params.ValueKind}\""));
        Output.WriteLine($"params of a raw call without parameters: {await Within(connection.CallAsync("x_no_params", null, TestToken))}");
        await Assert.ThrowsAsync<ArgumentException>(() => connection.CallAsync("x_custom_thing", Json("[1]"), TestToken));
        await Assert.ThrowsAsync<ArgumentException>(() => connection.CallAsync("", null, TestToken));
    }

    [Fact]
    public async Task OversizeAction_IsRefusedUnsent_WithATypedError()
    {
        var fake = await StartFakeAsync();
        var options = FastOptions(fake.Uri);
        options.MaxMessageSize = 64 * 1024;
        var connection = CreateConnection(options);
        await Within(connection.ConnectAsync(TestToken));
        var cursor = fake.ActionCursor();

        var huge = new string('x', 70 * 1024);
        var error = await Assert.ThrowsAsync<ArgumentException>(() => connection.Messages.SendGroupMessageAsync(100100, huge, TestToken));
        Assert.Contains("MaxMessageSize", error.Message, StringComparison.Ordinal);
        Assert.Equal(fake.SelfId, (await Within(connection.System.GetLoginInfoAsync(TestToken))).UserId);
        Assert.DoesNotContain(cursor.Received, a => a.Action == "send_group_msg");
        Assert.Equal(ConnectionState.Connected, connection.State);
    }

    [Fact]
    public async Task OversizeInboundFrame_FailsThePendingCallTyped_AndTheConnectionRecovers()
    {
        var fake = await StartFakeAsync();
        var padding = new string('y', 100 * 1024);
        fake.Handle("too_big", _ => ActionReply.Ok($"\"{padding}\""));
        var options = FastOptions(fake.Uri);
        options.MaxMessageSize = 64 * 1024;
        var connection = CreateConnection(options);
        var states = new StateRecorder(connection);
        await Within(connection.ConnectAsync(TestToken));
        var cursor = fake.ActionCursor();

        var error = await Assert.ThrowsAsync<MiraiConnectionLostException>(() => Within(connection.CallAsync("too_big", null, TestToken)));
        Output.WriteLine($"oversize reply: {error.Reason}: {error.Message}");
        var drop = await states.WaitForStateAsync(ConnectionState.Reconnecting);
        Assert.Equal(drop.Reason, error.Reason);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"{options.MaxMessageSize}"), drop.Error?.ToString() ?? "", StringComparison.Ordinal);
        await states.WaitForStateAsync(ConnectionState.Connected, skip: 1);
        Assert.Equal(fake.SelfId, (await Within(connection.System.GetLoginInfoAsync(TestToken))).UserId);
        Assert.Single(cursor.Received, a => a.Action == "too_big");
    }

    private static void AssertNoToken(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            Assert.DoesNotContain(Token, e.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(Token, e.Message, StringComparison.Ordinal);
        }
    }
}
