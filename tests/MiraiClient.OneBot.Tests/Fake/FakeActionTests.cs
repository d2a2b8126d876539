using System.Text.Json;
using MiraiClient.Testing.OneBot;

namespace MiraiClient.OneBot.Tests.Fake;

/// <summary>Action answers on the wire: envelopes and echo rules per profile, unknown actions, handler
/// errors, suffixes, malformed frames, out-of-order and stream replies, built-ins, and the assertions.</summary>
public class FakeActionTests : FakeTestBase
{
    private async Task<(FakeOneBotImplementation Fake, OneBotRawClient Client)> StartAsync(FakeOneBotProfile profile = FakeOneBotProfile.NapCat)
    {
        var fake = await StartFakeAsync(o =>
        {
            o.Profile = profile;
            o.HeartbeatInterval = TimeSpan.Zero;
        });
        var client = await ConnectAsync(fake, "/api");
        return (fake, client);
    }

    // echo sent → how the response carries it ("<absent>" = no echo key).
    [Theory]
    [InlineData(FakeOneBotProfile.NapCat, "\"7\"", "\"7\"")]
    [InlineData(FakeOneBotProfile.NapCat, null, "\"\"")]
    [InlineData(FakeOneBotProfile.NapCat, "null", "null")]
    [InlineData(FakeOneBotProfile.NapCat, "{\"seq\":1}", "{\"seq\":1}")]
    [InlineData(FakeOneBotProfile.LLBot, "\"7\"", "\"7\"")]
    [InlineData(FakeOneBotProfile.LLBot, null, "<absent>")]
    [InlineData(FakeOneBotProfile.LLBot, "null", "<absent>")]
    [InlineData(FakeOneBotProfile.Lagrange, "12", "12")]
    [InlineData(FakeOneBotProfile.Lagrange, null, "null")]
    [InlineData(FakeOneBotProfile.GoCqhttp, "\"7\"", "\"7\"")]
    [InlineData(FakeOneBotProfile.GoCqhttp, null, "<absent>")]
    [InlineData(FakeOneBotProfile.GoCqhttp, "null", "null")]
    public async Task Response_CarriesTheEcho_AsTheProfileDoes(FakeOneBotProfile profile, string? sent, string expected)
    {
        var (fake, client) = await StartAsync(profile);

        await client.SendActionAsync("get_status", echoJson: sent);
        var response = await client.NextResponseAsync();

        Assert.Equal(expected, response.TryGetProperty("echo", out var echo) ? echo.GetRawText() : "<absent>");
        Assert.Equal(sent, (await fake.WaitForActionAsync("get_status")).EchoJson);
    }

    [Fact]
    public async Task Response_OfAnUnknownAction_HasNullEcho_OnNapCatWhenNoneWasSent()
    {
        var (_, client) = await StartAsync();

        await client.SendActionAsync("no_such_action");
        var response = await client.NextResponseAsync();

        Assert.Equal(1404, response.GetProperty("retcode").GetInt32());
        Assert.Equal(JsonValueKind.Null, response.GetProperty("echo").ValueKind);
    }

    [Theory]
    [InlineData(FakeOneBotProfile.NapCat, "message,wording,stream")]
    [InlineData(FakeOneBotProfile.LLBot, "message,wording")]
    [InlineData(FakeOneBotProfile.Lagrange, "")]
    [InlineData(FakeOneBotProfile.GoCqhttp, "message")]
    public async Task Success_HasTheProfilesTextFields(FakeOneBotProfile profile, string extras)
    {
        var (_, client) = await StartAsync(profile);

        var response = await client.CallAsync("get_login_info");

        var names = response.EnumerateObject().Select(p => p.Name).Except(["status", "retcode", "data", "echo"]).Order(StringComparer.Ordinal);
        Assert.Equal(extras.Split(',', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal), names);
        Assert.Equal("ok", response.GetProperty("status").GetString());
        if (response.TryGetProperty("message", out var message))
        {
            Assert.Equal("", message.GetString());
        }
    }

    [Theory]
    [InlineData(FakeOneBotProfile.NapCat, 1404, "不支持的API send_private_message", null)]
    [InlineData(FakeOneBotProfile.LLBot, 1404, "send_private_message API 不存在", null)]
    [InlineData(FakeOneBotProfile.Lagrange, 404, null, null)]
    [InlineData(FakeOneBotProfile.GoCqhttp, 404, "API不存在", "API_NOT_FOUND")]
    public async Task UnknownAction_GetsTheProfilesRetcode(FakeOneBotProfile profile, int retcode, string? text, string? code)
    {
        var (_, client) = await StartAsync(profile);

        var response = await client.CallAsync("send_private_message");

        AssertFailure(response, retcode, text, code);
        var decoded = Internal.OneBotFrameReader.Read(System.Text.Encoding.UTF8.GetBytes(response.GetRawText()));
        Assert.Equal(Internal.OneBotOutcome.Failed, decoded.Response.Outcome);
    }

    [Theory]
    [InlineData(FakeOneBotProfile.NapCat, 1200, "cannot ban owner", null)]
    [InlineData(FakeOneBotProfile.LLBot, 200, "cannot ban owner", null)]
    [InlineData(FakeOneBotProfile.Lagrange, 200, null, null)]
    [InlineData(FakeOneBotProfile.GoCqhttp, 100, "cannot ban owner", "API_ERROR")]
    public async Task HandlerThatThrows_GetsTheProfilesHandlerError(FakeOneBotProfile profile, int retcode, string? text, string? code)
    {
        var (fake, client) = await StartAsync(profile);
        fake.Handle("set_group_ban", (Func<ReceivedAction, ActionReply>)(_ => throw new InvalidOperationException("cannot ban owner")));

        var response = await client.CallAsync("set_group_ban", """{"group_id":1,"user_id":2,"duration":60}""");

        AssertFailure(response, retcode, text, code);
    }

    [Fact]
    public async Task Failed_WritesTheGivenCodeAndText_InTheProfileEnvelope()
    {
        var (fake, client) = await StartAsync(FakeOneBotProfile.GoCqhttp);
        fake.Handle("get_group_info", _ => ActionReply.Failed(100, "群不存在", "GROUP_NOT_FOUND"));

        var response = await client.CallAsync("get_group_info", """{"group_id":1}""");

        AssertFailure(response, 100, "群不存在", "GROUP_NOT_FOUND");
    }

    [Theory]
    [InlineData(FakeOneBotProfile.NapCat, "send_msg_async", 0)]
    [InlineData(FakeOneBotProfile.NapCat, "send_msg_rate_limited", 0)]
    [InlineData(FakeOneBotProfile.LLBot, "send_msg_rate_limited", 0)]
    [InlineData(FakeOneBotProfile.GoCqhttp, "send_msg_async", 0)]
    [InlineData(FakeOneBotProfile.GoCqhttp, "send_msg_rate_limited", 404)]
    [InlineData(FakeOneBotProfile.Lagrange, "send_msg_async", 404)]
    public async Task Suffixes_AreAliasesOrUnknown_PerProfile(FakeOneBotProfile profile, string action, int retcode)
    {
        var (fake, client) = await StartAsync(profile);
        var cursor = fake.ActionCursor();

        var response = await client.CallAsync(action, """{"message_type":"group","group_id":100100,"message":"hi"}""");

        Assert.Equal(retcode, response.GetProperty("retcode").GetInt32());
        if (retcode == 0)
        {
            Assert.Equal("ok", response.GetProperty("status").GetString());
            Assert.True(response.GetProperty("data").GetProperty("message_id").GetInt64() > 0);
        }

        // Whatever the profile makes of the name, the send is visible as one.
        var send = await cursor.NextSendAsync();
        Assert.Equal(100100, send.TargetId);
        Assert.Equal(action, send.Request.Action);
    }

    [Theory]
    [InlineData(FakeOneBotProfile.NapCat, "set_group_anonymous", 1404)]
    [InlineData(FakeOneBotProfile.Lagrange, ".handle_quick_operation", 404)]
    [InlineData(FakeOneBotProfile.Lagrange, "test_download_stream", 404)]
    public async Task ActionsAProfileLacks_AreUnknown(FakeOneBotProfile profile, string action, int retcode)
    {
        var (_, client) = await StartAsync(profile);

        Assert.Equal(retcode, (await client.CallAsync(action)).GetProperty("retcode").GetInt32());
    }

    [Fact]
    public async Task BadFrame_Gets1400WithNullEcho_OnNapCat()
    {
        var (_, client) = await StartAsync();

        await client.SendTextAsync("{\"action\": \"send_msg\", \"echo\": \"5\"");
        var response = await client.NextResponseAsync();

        Assert.Equal(1400, response.GetProperty("retcode").GetInt32());
        Assert.Equal(JsonValueKind.Null, response.GetProperty("echo").ValueKind);
    }

    [Fact]
    public async Task BadFrame_Gets1400WithTheRecoveredEcho_OnLLBot()
    {
        var (_, client) = await StartAsync(FakeOneBotProfile.LLBot);

        await client.SendTextAsync("{\"action\": \"send_msg\", \"echo\": \"5\"");
        var response = await client.NextResponseAsync();

        Assert.Equal(1400, response.GetProperty("retcode").GetInt32());
        Assert.Equal("5", response.GetProperty("echo").GetString());
    }

    [Fact]
    public async Task BadFrame_GetsNoAnswer_OnLagrange()
    {
        var (_, client) = await StartAsync(FakeOneBotProfile.Lagrange);

        await client.SendTextAsync("{\"action\": \"get_status\", \"echo\": \"5\"");

        Assert.Null(await client.FrameWithinAsync(TimeSpan.FromMilliseconds(600)));
    }

    [Fact]
    public async Task BadFrame_IsDispatchedLeniently_OnGoCqhttp()
    {
        var (fake, client) = await StartAsync(FakeOneBotProfile.GoCqhttp);

        await client.SendTextAsync("{\"action\": \"get_login_info\", \"echo\": \"5\"");
        var response = await client.NextResponseAsync();

        Assert.Equal(0, response.GetProperty("retcode").GetInt32());
        Assert.Equal("5", response.GetProperty("echo").GetString());
        Assert.Equal("get_login_info", (await fake.WaitForActionAsync("get_login_info")).Action);
    }

    [Fact]
    public async Task DelayedReply_IsOvertakenByLaterActions()
    {
        var (fake, client) = await StartAsync();
        fake.Handle("upload_group_file", _ => ActionReply.Ok("{\"file_id\":\"f1\"}").Delayed(TimeSpan.FromMilliseconds(700)));

        await client.SendActionAsync("upload_group_file", """{"group_id":1,"file":"base64://AA==","name":"a"}""", "\"slow\"");
        await client.SendActionAsync("get_status", echoJson: "\"fast\"");

        Assert.Equal("fast", (await client.NextResponseAsync()).GetProperty("echo").GetString());
        var slow = await client.NextResponseAsync();
        Assert.Equal("slow", slow.GetProperty("echo").GetString());
        Assert.Equal("f1", slow.GetProperty("data").GetProperty("file_id").GetString());
    }

    [Fact]
    public async Task AsyncHandler_CanFinishOutOfOrder()
    {
        var (fake, client) = await StartAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fake.Handle("get_group_list", async _ =>
        {
            await release.Task;
            return ActionReply.Ok("[{\"group_id\":1,\"group_name\":\"g\",\"member_count\":1,\"max_member_count\":2}]");
        });

        await client.SendActionAsync("get_group_list", echoJson: "\"1\"");
        await client.SendActionAsync("get_login_info", echoJson: "\"2\"");
        Assert.Equal("2", (await client.NextResponseAsync()).GetProperty("echo").GetString());
        release.SetResult();

        var list = await client.NextResponseAsync();
        Assert.Equal("1", list.GetProperty("echo").GetString());
        Assert.Equal(1, list.GetProperty("data").GetArrayLength());
    }

    [Fact]
    public async Task StreamAction_SendsSeveralFramesWithTheSameEcho_TheLastOneFinal()
    {
        var (_, client) = await StartAsync();

        await client.SendActionAsync("test_download_stream", echoJson: "\"s1\"");
        var frames = new List<JsonElement>();
        for (var i = 0; i < 4; i++)
        {
            frames.Add(await client.NextResponseAsync());
        }

        Assert.All(frames, f => Assert.Equal("s1", f.GetProperty("echo").GetString()));
        Assert.All(frames, f => Assert.Equal("stream-action", f.GetProperty("stream").GetString()));
        Assert.Equal(["stream", "stream", "stream", "response"], frames.Select(f => f.GetProperty("data").GetProperty("type").GetString()));

        // The OneBot package tells the chunks from the final frame.
        var finals = frames.Select(f => Internal.OneBotFrameReader.Read(System.Text.Encoding.UTF8.GetBytes(f.GetRawText())).Response.IsFinal);
        Assert.Equal([false, false, false, true], finals);
    }

    [Fact]
    public async Task ScriptedStream_WritesTheGivenChunks()
    {
        var (fake, client) = await StartAsync();
        fake.Handle("download_file_stream", _ => ActionReply.Stream(["{\"type\":\"stream\",\"index\":0}"], "{\"type\":\"error\",\"message\":\"gone\"}", TimeSpan.FromMilliseconds(50)));

        await client.SendActionAsync("download_file_stream", echoJson: "\"d\"");

        Assert.Equal("stream", (await client.NextResponseAsync()).GetProperty("data").GetProperty("type").GetString());
        Assert.Equal("error", (await client.NextResponseAsync()).GetProperty("data").GetProperty("type").GetString());
    }

    [Fact]
    public async Task SwallowedAction_GetsNoReply_ButIsRecorded()
    {
        var (fake, client) = await StartAsync();
        fake.Handle("send_group_msg", _ => ActionReply.None);
        var cursor = fake.ActionCursor();

        await client.SendActionAsync("send_group_msg", """{"group_id":100100,"message":"lost"}""", "\"1\"");

        Assert.Equal("lost", (await cursor.NextSendAsync()).Text);
        Assert.Null(await client.FrameWithinAsync(TimeSpan.FromMilliseconds(600)));
    }

    [Fact]
    public async Task UnsolicitedReply_CarriesAnEchoNobodySent()
    {
        var (fake, client) = await StartAsync();

        await fake.SendUnsolicitedReplyAsync("\"999\"", ActionReply.Ok("{\"message_id\":1}"));

        var frame = await client.NextResponseAsync();
        Assert.Equal("999", frame.GetProperty("echo").GetString());
        Assert.Equal("ok", frame.GetProperty("status").GetString());
    }

    [Fact]
    public async Task RawReply_IsWrittenAsGiven()
    {
        var (fake, client) = await StartAsync();
        fake.Handle("get_status", _ => ActionReply.Raw("{\"status\":\"weird\",\"retcode\":0,\"echo\":\"x\"}"));

        await client.SendActionAsync("get_status", echoJson: "\"1\"");

        Assert.Equal("{\"status\":\"weird\",\"retcode\":0,\"echo\":\"x\"}", await client.NextFrameAsync());
    }

    [Fact]
    public async Task BuiltIns_AnswerTheCommonActions()
    {
        var (fake, client) = await StartAsync(FakeOneBotProfile.NapCat);

        var login = (await client.CallAsync("get_login_info")).GetProperty("data");
        Assert.Equal(fake.SelfId, login.GetProperty("user_id").GetInt64());
        Assert.Equal("bot", login.GetProperty("nickname").GetString());
        Assert.Equal("NapCat.Onebot", (await client.CallAsync("get_version_info")).GetProperty("data").GetProperty("app_name").GetString());
        var first = (await client.CallAsync("send_group_msg", """{"group_id":100100,"message":[{"type":"text","data":{"text":"a"}}]}""")).GetProperty("data").GetProperty("message_id").GetInt64();
        var second = (await client.CallAsync("send_private_msg", """{"user_id":3512345678,"message":"b"}""")).GetProperty("data").GetProperty("message_id").GetInt64();
        Assert.True(second > first);
        var fetched = (await client.CallAsync("get_msg", $$"""{"message_id":{{first}}}""")).GetProperty("data");
        Assert.Equal("group", fetched.GetProperty("message_type").GetString());
        Assert.Equal("a", fetched.GetProperty("message")[0].GetProperty("data").GetProperty("text").GetString());
        Assert.Equal(1200, (await client.CallAsync("get_msg", """{"message_id":1}""")).GetProperty("retcode").GetInt32());
        Assert.Equal(JsonValueKind.Null, (await client.CallAsync("delete_msg", $$"""{"message_id":{{first}}}""")).GetProperty("data").ValueKind);
        Assert.Equal(0, (await client.CallAsync("get_group_list")).GetProperty("data").GetArrayLength());
        Assert.Equal(0, (await client.CallAsync("get_group_member_list", """{"group_id":1}""")).GetProperty("data").GetArrayLength());
        Assert.Equal(0, (await client.CallAsync("get_friend_list")).GetProperty("data").GetArrayLength());
        Assert.Equal(0, (await client.CallAsync("set_group_ban", """{"group_id":1,"user_id":2,"duration":600}""")).GetProperty("retcode").GetInt32());
        Assert.Equal(0, (await client.CallAsync("set_friend_add_request", """{"flag":"f","approve":true}""")).GetProperty("retcode").GetInt32());
        Assert.Equal(0, (await client.CallAsync("set_group_add_request", """{"flag":"f","sub_type":"add","approve":false}""")).GetProperty("retcode").GetInt32());
        var restart = await client.CallAsync("set_restart");
        Assert.Equal("async", restart.GetProperty("status").GetString());
        Assert.Equal(1, restart.GetProperty("retcode").GetInt32());
    }

    [Theory]
    [InlineData(FakeOneBotProfile.NapCat, "NapCat.Onebot")]
    [InlineData(FakeOneBotProfile.LLBot, "LLOneBot")]
    [InlineData(FakeOneBotProfile.Lagrange, "Lagrange.OneBot")]
    [InlineData(FakeOneBotProfile.GoCqhttp, "go-cqhttp")]
    public async Task VersionInfo_NamesTheImplementation(FakeOneBotProfile profile, string appName)
    {
        var (_, client) = await StartAsync(profile);

        var data = (await client.CallAsync("get_version_info")).GetProperty("data");

        Assert.Equal(appName, data.GetProperty("app_name").GetString());
        Assert.Equal("v11", data.GetProperty("protocol_version").GetString());
    }

    [Fact]
    public async Task EmptyMessage_IsRefused_OnGoCqhttp()
    {
        var (_, client) = await StartAsync(FakeOneBotProfile.GoCqhttp);

        var response = await client.CallAsync("send_group_msg", """{"group_id":1,"message":[]}""");

        AssertFailure(response, 100, "消息为空", "EMPTY_MSG_ERROR");
    }

    [Fact]
    public async Task Handle_ReplacesTheBuiltIn_UntilRestored()
    {
        var (fake, client) = await StartAsync();
        fake.Handle("get_login_info", _ => ActionReply.Ok("{\"user_id\":42,\"nickname\":\"scripted\"}"));

        Assert.Equal(42, (await client.CallAsync("get_login_info")).GetProperty("data").GetProperty("user_id").GetInt64());
        Assert.True(fake.RestoreBuiltInReply("get_login_info"));
        Assert.Equal(fake.SelfId, (await client.CallAsync("get_login_info")).GetProperty("data").GetProperty("user_id").GetInt64());
        Assert.False(fake.RestoreBuiltInReply("get_login_info"));
    }

    [Fact]
    public async Task Cursor_SeesOnlyWhatCameAfterIt_AndItsTimeoutListsWhatArrived()
    {
        var (fake, client) = await StartAsync();
        await client.CallAsync("send_group_msg", """{"group_id":1,"message":"before"}""");
        var cursor = fake.ActionCursor();

        await client.CallAsync("get_status");
        await client.CallAsync("send_group_msg", """{"group_id":2,"message":"after"}""");

        var send = await cursor.NextAsync("send_group_msg");
        Assert.Equal(2, send.GetInt64("group_id"));
        Assert.Equal("after", send.Send!.Text);
        Assert.Equal(["get_status", "send_group_msg"], cursor.Received.Select(a => a.Action));
        var timeout = await Assert.ThrowsAsync<TimeoutException>(() => cursor.NextAsync("send_group_msg", TimeSpan.FromMilliseconds(300)));
        Assert.Contains("send_group_msg", timeout.Message, StringComparison.Ordinal);
        Assert.Contains("connection(s) open", timeout.Message, StringComparison.Ordinal);
        Assert.Equal(3, fake.ReceivedActions.Count);
    }

    [Fact]
    public async Task CursorTimeout_ListsTheActionsThatArrivedSinceItsPosition()
    {
        var (fake, client) = await StartAsync();
        var cursor = fake.ActionCursor();
        await client.CallAsync("get_status");
        await client.CallAsync("get_login_info");

        var timeout = await Assert.ThrowsAsync<TimeoutException>(() => cursor.NextAsync("send_msg", TimeSpan.FromMilliseconds(300)));

        Assert.Contains("get_status (connection 1), get_login_info (connection 1)", timeout.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReceivedAction_ReadsSendsLeniently()
    {
        var (fake, client) = await StartAsync();
        var cursor = fake.ActionCursor();

        await client.SendActionAsync("send_msg", """{"group_id":"100100","message":[{"type":"at","data":{"qq":"3512345678"}},{"type":"text","data":{"text":" hi"}}]}""", "{\"seq\":1}");
        await client.SendActionAsync("send_private_msg", """{"user_id":3512345678,"message":"[CQ:face,id=1]","auto_escape":true}""", "\"2\"");
        await client.SendActionAsync("send_private_msg", """{"user_id":3512345678,"message":"[CQ:face,id=1]x"}""", "\"3\"");

        var group = await cursor.NextSendAsync();
        Assert.Equal(OneBotChatType.Group, group.ChatType);
        Assert.Equal(100100, group.TargetId);
        Assert.True(group.Message.Mentions(3512345678));
        Assert.Equal(" hi", group.Text);
        Assert.Equal("{\"seq\":1}", group.Request.EchoJson);
        Assert.Null(group.Request.Echo);
        var escaped = await cursor.NextSendAsync();
        Assert.True(escaped.AutoEscape);
        Assert.Equal("[CQ:face,id=1]", Assert.IsType<TextSegment>(Assert.Single(escaped.Message)).Text);
        Assert.Equal("2", escaped.Request.Echo);
        var cq = await cursor.NextSendAsync();
        Assert.Equal(OneBotChatType.Private, cq.ChatType);
        Assert.IsType<FaceSegment>(cq.Message[0]);
        Assert.Equal("x", cq.Text);
    }

    [Fact]
    public async Task ReceivedAction_ReportsMalformedParameters_WithTypedErrors()
    {
        var (fake, client) = await StartAsync();

        await client.CallAsync("set_group_ban", """{"group_id":{"x":1},"user_id":"abc","duration":true}""");
        var action = await fake.WaitForActionAsync("set_group_ban");

        Assert.Throws<FormatException>(() => action.GetInt64("group_id"));
        Assert.Throws<FormatException>(() => action.GetInt64("user_id"));
        Assert.True(action.GetBoolean("duration"));
        Assert.Null(action.GetString("missing"));
        Assert.Null(action.Send);
    }

    [Fact]
    public async Task SendWithoutTarget_IsAParameterError_AndItsViewThrows()
    {
        var (fake, client) = await StartAsync();

        var response = await client.CallAsync("send_group_msg", """{"message":"nowhere"}""");

        Assert.Equal(1400, response.GetProperty("retcode").GetInt32());
        Assert.Throws<FormatException>(() => fake.ReceivedActions[0].Send);
    }

    [Fact]
    public async Task WaitForConnectionCount_FollowsClients_AndExplainsATimeout()
    {
        var fake = await StartFakeAsync();
        var first = await OneBotRawClient.ConnectAsync(fake.Uri);
        Track(await OneBotRawClient.ConnectAsync(fake.Uri, "/api"));
        await Within(fake.WaitForConnectionCountAsync(2));

        await first.DisposeAsync();
        await Within(fake.WaitForConnectionCountAsync(1));

        var timeout = await Assert.ThrowsAsync<TimeoutException>(() => fake.WaitForConnectionCountAsync(3, TimeSpan.FromMilliseconds(200)));
        Assert.Contains("forward /api", timeout.Message, StringComparison.Ordinal);
    }

    private static void AssertFailure(JsonElement response, int retcode, string? text, string? code)
    {
        Assert.Equal("failed", response.GetProperty("status").GetString());
        Assert.Equal(retcode, response.GetProperty("retcode").GetInt32());
        Assert.Equal(JsonValueKind.Null, response.GetProperty("data").ValueKind);
        if (text is null)
        {
            Assert.False(response.TryGetProperty("message", out _));
            Assert.False(response.TryGetProperty("wording", out _));
        }
        else
        {
            Assert.Equal(text, response.GetProperty("message").GetString());
            Assert.Equal(text, response.GetProperty("wording").GetString());
        }

        Assert.Equal(code, response.TryGetProperty("msg", out var msg) ? msg.GetString() : null);
    }
}
