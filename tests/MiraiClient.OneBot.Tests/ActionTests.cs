using System.Reflection;
using System.Text;
using System.Text.Json;
using MiraiClient.OneBot.Internal;
using MiraiClient.OneBot.Tests.Infrastructure;

namespace MiraiClient.OneBot.Tests;

/// <summary>The typed actions beyond the vectors: each extension method's action word, parameters,
/// deadline class and result; the failure rule; and substitution of the groups in users' tests.</summary>
public class ActionTests
{
    /// <summary>Method name, the call, the action it must send, its params (null: no params key), the response data, a result check.</summary>
    public static TheoryData<string> ExtensionNames => new(Extensions.Keys);

    private static readonly Dictionary<string, (Func<OneBotActions, Task<object?>> Call, string Action, string? Params, string Data, Action<object?> Check)> Extensions = new()
    {
        ["SendMessageAsync(Private)"] = (a => R(a.Messages.SendMessageAsync(OneBotChatType.Private, 3512345678, new OneBotMessage(new ImageSegment("https://example.invalid/a.png")))), "send_msg",
            """{"message_type":"private","user_id":3512345678,"message":[{"type":"image","data":{"file":"https://example.invalid/a.png"}}]}""", """{"message_id":-9}""", r => Assert.Equal(-9L, r)),
        ["SendTemporaryMessageAsync"] = (a => R(a.Messages.SendTemporaryMessageAsync(100100, 3512345678, "hi")), "send_private_msg",
            """{"user_id":3512345678,"message":[{"type":"text","data":{"text":"hi"}}],"group_id":100100}""", """{"message_id":12}""", r => Assert.Equal(12L, r)),
        ["SendPrivateForwardMessageAsync"] = (a => R(a.Messages.SendPrivateForwardMessageAsync(1, [NodeSegment.Reference(5)])), "send_private_forward_msg",
            """{"user_id":1,"messages":[{"type":"node","data":{"id":"5"}}]}""", """{"message_id":2,"forward_id":"fw"}""", r => Assert.Equal(new ForwardMessageReceipt { MessageId = 2, ForwardId = "fw" }, r)),
        ["SendForwardMessageAsync"] = (a => R(a.Messages.SendForwardMessageAsync(OneBotChatType.Group, 7, [NodeSegment.Custom(1, "n", "t")])), "send_forward_msg",
            """{"message_type":"group","group_id":7,"messages":[{"type":"node","data":{"user_id":"1","nickname":"n","content":[{"type":"text","data":{"text":"t"}}]}}]}""", """{"message_id":3,"res_id":"r"}""",
            r => Assert.Equal(new ForwardMessageReceipt { MessageId = 3, ForwardId = "r" }, r)),
        ["GetFriendMessageHistoryAsync"] = (a => R(a.Messages.GetFriendMessageHistoryAsync(1, count: 5)), "get_friend_msg_history", """{"user_id":1,"count":5}""",
            """{"messages":[{"message_type":"private","sub_type":"friend","message_id":1,"user_id":1,"message":"hi","raw_message":"hi","font":0,"sender":{"user_id":1,"nickname":"n"}}]}""",
            r => Assert.Equal("hi", Assert.IsType<PrivateMessageEvent>(Assert.Single(Assert.IsAssignableFrom<IReadOnlyList<OneBotMessageEvent>>(r))).Message.ToPlainText())),
        ["MarkPrivateMessagesAsReadAsync"] = (a => R(a.Messages.MarkPrivateMessagesAsReadAsync(1)), "mark_private_msg_as_read", """{"user_id":1}""", "null", Assert.Null),
        ["MarkGroupMessagesAsReadAsync"] = (a => R(a.Messages.MarkGroupMessagesAsReadAsync(2)), "mark_group_msg_as_read", """{"group_id":2}""", "{}", Assert.Null),
        ["MarkAllMessagesAsReadAsync"] = (a => R(a.Messages.MarkAllMessagesAsReadAsync()), "_mark_all_as_read", null, "null", Assert.Null),
        ["DeleteEssenceMessageAsync"] = (a => R(a.Groups.DeleteEssenceMessageAsync(-4)), "delete_essence_msg", """{"message_id":-4}""", "null", Assert.Null),
        ["GetEssenceMessageListAsync"] = (a => R(a.Groups.GetEssenceMessageListAsync(9)), "get_essence_msg_list", """{"group_id":9}""",
            """[{"sender_id":1,"sender_nick":"a","sender_time":2,"operator_id":3,"operator_nick":"b","operator_time":4,"message_id":5,"content":[{"type":"text","data":{"text":"c"}}]}]""",
            r =>
            {
                var essence = Assert.Single(Assert.IsAssignableFrom<IReadOnlyList<EssenceMessage>>(r));
                Assert.Equal((1L, "a", 3L, 5L, "c"), (essence.SenderId, essence.SenderNick, essence.OperatorId, essence.MessageId, essence.Content!.ToPlainText()));
            }),
        ["GetGroupSystemMessagesAsync"] = (a => R(a.Groups.GetGroupSystemMessagesAsync()), "get_group_system_msg", null,
            """{"invited_requests":null,"join_requests":[{"request_id":1,"requester_uin":2,"requester_nick":"r","message":"m","group_id":3,"group_name":"g","checked":false,"actor":0}]}""",
            r =>
            {
                var system = Assert.IsType<GroupSystemMessages>(r);
                Assert.Empty(system.InvitedRequests);
                Assert.Equal((2L, "m"), (system.JoinRequests[0].RequesterUin, system.JoinRequests[0].Message));
            }),
        ["SendGroupNoticeAsync"] = (a => R(a.Groups.SendGroupNoticeAsync(1, "公告")), "_send_group_notice", """{"group_id":1,"content":"公告"}""", "null", Assert.Null),
        ["GetGroupNoticesAsync"] = (a => R(a.Groups.GetGroupNoticesAsync(1)), "_get_group_notice", """{"group_id":1}""",
            """[{"sender_id":5,"publish_time":6,"message":{"text":"t","images":[{"height":"10","width":20,"id":"i"}]}}]""",
            r =>
            {
                var notice = Assert.Single(Assert.IsAssignableFrom<IReadOnlyList<GroupNotice>>(r));
                Assert.Equal(("t", "10", "20"), (notice.Message.Text, notice.Message.Images[0].Height, notice.Message.Images[0].Width));
            }),
        ["SetGroupPortraitAsync"] = (a => R(a.Groups.SetGroupPortraitAsync(1, "base64://AA==")), "set_group_portrait", """{"group_id":1,"file":"base64://AA=="}""", "null", Assert.Null),
        ["GetGroupAtAllRemainAsync"] = (a => R(a.Groups.GetGroupAtAllRemainAsync(1)), "get_group_at_all_remain", """{"group_id":1}""",
            """{"can_at_all":true,"remain_at_all_count_for_group":9,"remain_at_all_count_for_uin":8}""",
            r => Assert.Equal(new GroupAtAllRemain { CanAtAll = true, RemainAtAllCountForGroup = 9, RemainAtAllCountForUin = 8 }, r)),
        ["GroupPokeAsync"] = (a => R(a.Groups.GroupPokeAsync(1, 2)), "group_poke", """{"group_id":1,"user_id":2}""", "null", Assert.Null),
        ["DeleteFriendAsync"] = (a => R(a.Users.DeleteFriendAsync(3512345678)), "delete_friend", """{"user_id":3512345678}""", "null", Assert.Null),
        ["FriendPokeAsync"] = (a => R(a.Users.FriendPokeAsync(2)), "friend_poke", """{"user_id":2}""", "null", Assert.Null),
        ["SendPokeAsync"] = (a => R(a.Users.SendPokeAsync(2, 3)), "send_poke", """{"user_id":2,"group_id":3}""", "null", Assert.Null),
        ["SetInputStatusAsync"] = (a => R(a.Users.SetInputStatusAsync(2, 1)), "set_input_status", """{"user_id":2,"event_type":1}""", "null", Assert.Null),
        ["GetProfileLikeAsync"] = (a => R(a.Users.GetProfileLikeAsync(count: 3)), "get_profile_like", """{"count":3}""", """{"uid":"u_1","favoriteInfo":{"total_count":3}}""",
            r => Assert.Equal(3, ((JsonElement)r!).GetProperty("favoriteInfo").GetProperty("total_count").GetInt32())),
        ["GetRecentContactsAsync"] = (a => R(a.Users.GetRecentContactsAsync()), "get_recent_contact", "{}", """[{"peerUin":"1"}]""",
            r => Assert.Equal("1", ((JsonElement)r!)[0].GetProperty("peerUin").GetString())),
        ["FetchCustomFacesAsync"] = (a => R(a.Users.FetchCustomFacesAsync(2)), "fetch_custom_face", """{"count":2}""", """["http://a","http://b"]""",
            r => Assert.Equal(new[] { "http://a", "http://b" }, Assert.IsAssignableFrom<IReadOnlyList<string>>(r))),
        ["UploadPrivateFileAsync"] = (a => R(a.Files.UploadPrivateFileAsync(1, "/tmp/a", "a")), "upload_private_file", """{"user_id":1,"file":"/tmp/a","name":"a"}""", "null", Assert.Null),
        ["GetGroupRootFilesAsync"] = (a => R(a.Files.GetGroupRootFilesAsync(1)), "get_group_root_files", """{"group_id":1}""",
            """{"files":[{"group_id":1,"file_id":"f","file_name":"n","busid":102,"file_size":5,"upload_time":1,"dead_time":0,"modify_time":2,"download_times":3,"uploader":4,"uploader_name":"u"}],"folders":null}""",
            r =>
            {
                var list = Assert.IsType<GroupFileList>(r);
                Assert.Equal(("f", 102, 5L, "u"), (list.Files[0].FileId, list.Files[0].Busid, list.Files[0].FileSize, list.Files[0].UploaderName));
                Assert.Empty(list.Folders);
            }),
        ["GetGroupFilesByFolderAsync"] = (a => R(a.Files.GetGroupFilesByFolderAsync(1, "/d")), "get_group_files_by_folder", """{"group_id":1,"folder_id":"/d"}""",
            """{"files":[],"folders":[{"group_id":1,"folder_id":"/e","folder_name":"e","create_time":1,"creator":2,"creator_name":"c","total_file_count":7}]}""",
            r => Assert.Equal(7, Assert.IsType<GroupFileList>(r).Folders[0].TotalFileCount)),
        ["GetGroupFileSystemInfoAsync"] = (a => R(a.Files.GetGroupFileSystemInfoAsync(1)), "get_group_file_system_info", """{"group_id":1}""",
            """{"file_count":1,"limit_count":2,"used_space":3,"total_space":4}""", r => Assert.Equal(new GroupFileSystemInfo { FileCount = 1, LimitCount = 2, UsedSpace = 3, TotalSpace = 4 }, r)),
        ["CreateGroupFileFolderAsync"] = (a => R(a.Files.CreateGroupFileFolderAsync(1, "d", "/")), "create_group_file_folder", """{"group_id":1,"name":"d","parent_id":"/"}""", "null", Assert.Null),
        ["DeleteGroupFileAsync"] = (a => R(a.Files.DeleteGroupFileAsync(1, "f", 102)), "delete_group_file", """{"group_id":1,"file_id":"f","busid":102}""", "null", Assert.Null),
        ["DeleteGroupFolderAsync"] = (a => R(a.Files.DeleteGroupFolderAsync(1, "/d")), "delete_group_folder", """{"group_id":1,"folder_id":"/d"}""", "null", Assert.Null),
        ["DownloadFileAsync"] = (a => R(a.Files.DownloadFileAsync("https://example.invalid/a", headers: ["User-Agent=x"], threadCount: 2)), "download_file",
            """{"url":"https://example.invalid/a","headers":["User-Agent=x"],"thread_count":2}""", """{"file":"/tmp/a"}""", r => Assert.Equal("/tmp/a", r)),
        ["GetFileAsync"] = (a => R(a.Files.GetFileAsync("e1")), "get_file", """{"file_id":"e1"}""", """{"file":"/f","url":"http://u","file_size":"12","file_name":"n"}""",
            r => Assert.Equal(new OneBotFileInfo { File = "/f", Url = "http://u", FileSize = "12", FileName = "n" }, r)),
        ["GetOnlineClientsAsync(go-cqhttp)"] = (a => R(a.System.GetOnlineClientsAsync(noCache: true)), "get_online_clients", """{"no_cache":true}""",
            """{"clients":[{"app_id":1,"device_name":"d","device_kind":"k"}]}""", r => Assert.Equal("d", Assert.Single(Assert.IsAssignableFrom<IReadOnlyList<OneBotDevice>>(r)).DeviceName)),
        ["GetOnlineClientsAsync(NapCat)"] = (a => R(a.System.GetOnlineClientsAsync()), "get_online_clients", "{}", "[]", r => Assert.Empty(Assert.IsAssignableFrom<IReadOnlyList<OneBotDevice>>(r))),
        ["OcrImageAsync"] = (a => R(a.System.OcrImageAsync("i.jpg")), "ocr_image", """{"image":"i.jpg"}""", """{"texts":[],"language":"zh"}""",
            r => Assert.Equal("zh", ((JsonElement)r!).GetProperty("language").GetString())),
        ["GetRkeyAsync"] = (a => R(a.System.GetRkeyAsync()), "get_rkey", null, """[{"rkey":"k"}]""", r => Assert.Equal(1, ((JsonElement)r!).GetArrayLength())),
        ["SetQqProfileAsync"] = (a => R(a.System.SetQqProfileAsync("bot", "hi")), "set_qq_profile", """{"nickname":"bot","personal_note":"hi"}""", "null", Assert.Null),
        ["SetOnlineStatusAsync"] = (a => R(a.System.SetOnlineStatusAsync(10)), "set_online_status", """{"status":10,"ext_status":0,"battery_status":0}""", "null", Assert.Null),
    };

    /// <summary>Methods covered elsewhere: by the spec and variant vectors of the conformance suite.</summary>
    private static readonly string[] CoveredByVectors =
    [
        "SendPrivateMessageAsync", "SendGroupMessageAsync", "SendMessageAsync", "DeleteMessageAsync", "GetMessageAsync", "GetForwardMessageAsync", "SendGroupForwardMessageAsync",
        "GetGroupMessageHistoryAsync", "MarkMessageAsReadAsync", "SetMessageEmojiLikeAsync", "GetImageAsync", "GetRecordAsync", "CanSendImageAsync", "CanSendRecordAsync",
        "SetGroupKickAsync", "SetGroupBanAsync", "SetGroupAnonymousBanAsync", "SetGroupWholeBanAsync", "SetGroupAdminAsync", "SetGroupAnonymousAsync", "SetGroupCardAsync",
        "SetGroupNameAsync", "SetGroupLeaveAsync", "SetGroupSpecialTitleAsync", "SetGroupAddRequestAsync", "GetGroupInfoAsync", "GetGroupListAsync", "GetGroupMemberInfoAsync",
        "GetGroupMemberListAsync", "GetGroupHonorInfoAsync", "SetEssenceMessageAsync", "SendLikeAsync", "SetFriendAddRequestAsync", "GetStrangerInfoAsync", "GetFriendListAsync",
        "UploadGroupFileAsync", "GetGroupFileUrlAsync", "GetLoginInfoAsync", "GetCookiesAsync", "GetCsrfTokenAsync", "GetCredentialsAsync", "GetStatusAsync", "GetVersionInfoAsync",
        "SetRestartAsync", "CleanCacheAsync", "HandleQuickOperationAsync", "CallAsync",
    ];

    [Theory]
    [MemberData(nameof(ExtensionNames))]
    public async Task ExtensionMethod_SendsItsActionAndDecodesResult_WhenCalled(string name)
    {
        var (call, action, parameters, data, check) = Extensions[name];
        var invoker = new RecordingInvoker(77, (_, id) => Encoding.UTF8.GetBytes($$"""{"status":"ok","retcode":0,"data":{{data}},"echo":"{{id}}"}"""));
        var result = await call(invoker.Actions);
        var recorded = Assert.Single(invoker.Calls);
        Assert.Equal(action, recorded.Action);
        Assert.Equal(OneBotActions.KindOf(action), recorded.Kind);
        var expected = parameters is null ? $$"""{"action":"{{action}}","echo":"77"}""" : $$"""{"action":"{{action}}","params":{{parameters}},"echo":"77"}""";
        JsonAssert.Equivalent(expected, recorded.Frame);
        check(result);
    }

    [Fact]
    public void EveryPublicActionMethod_IsCoveredByATest()
    {
        var declared = new[] { typeof(OneBotActions), typeof(OneBotMessageActions), typeof(OneBotGroupActions), typeof(OneBotUserActions), typeof(OneBotFileActions), typeof(OneBotSystemActions) }
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(m => !m.IsSpecialName)
            .Select(m => m.Name)
            .ToHashSet(StringComparer.Ordinal);
        var covered = Extensions.Keys.Select(k => k.Split('(')[0]).Concat(CoveredByVectors).ToHashSet(StringComparer.Ordinal);
        Assert.Empty(declared.Except(covered));
        Assert.Empty(covered.Except(declared));
    }

    [Fact]
    public void ActionGroups_AreSubstitutable_WithVirtualMembersAndProtectedConstructors()
    {
        foreach (var type in new[] { typeof(OneBotActions), typeof(OneBotMessageActions), typeof(OneBotGroupActions), typeof(OneBotUserActions), typeof(OneBotFileActions), typeof(OneBotSystemActions) })
        {
            Assert.False(type.IsSealed);
            Assert.NotNull(type.GetConstructor(BindingFlags.NonPublic | BindingFlags.Instance, Type.EmptyTypes) is { IsFamily: true } ctor ? ctor : null);
            Assert.Empty(type.GetConstructors(BindingFlags.Public | BindingFlags.Instance));
            var nonVirtual = type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Where(m => !m.IsVirtual).Select(m => m.Name);
            Assert.Empty(nonVirtual);
        }
    }

    [Fact]
    public async Task Substitute_ReplacesGroupActions_InUserTests()
    {
        var groups = new FakeGroups();
        OneBotActions actions = new FakeActions(groups);
        var handler = new KickOnKeyword(actions);

        await handler.HandleAsync(new GroupMessageEvent { GroupId = 100100, UserId = 3512345678, Message = "spam spam" });
        await handler.HandleAsync(new GroupMessageEvent { GroupId = 100100, UserId = 12345678, Message = "hello" });

        Assert.Equal(new[] { (100100L, 3512345678L, TimeSpan.FromMinutes(10)) }, groups.Bans);

        // Members the substitute does not override fail loudly rather than pretend to work.
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => groups.SetGroupKickAsync(1, 2, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("override", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => actions.Messages);
    }

    [Fact]
    public async Task DataAction_ThrowsAsyncStatus_WhenOnlyAccepted()
    {
        var invoker = new RecordingInvoker(1, (_, id) => Encoding.UTF8.GetBytes($$"""{"status":"async","retcode":1,"data":null,"echo":"{{id}}"}"""));
        var error = await Assert.ThrowsAsync<OneBotApiException>(() => invoker.Actions.System.GetStatusAsync(TestContext.Current.CancellationToken));
        Assert.Equal(("async", 1), (error.Status, error.RetCode));
        Assert.Contains("asynchronous", error.Message, StringComparison.Ordinal);
        await invoker.Actions.Groups.SetGroupBanAsync(1, 2, TimeSpan.Zero, TestContext.Current.CancellationToken);
    }

    [Theory]
    [InlineData("""{"status":"ok","retcode":0,"data":null}""")]
    [InlineData("""{"status":"ok","retcode":0}""")]
    [InlineData("""{"status":"ok","retcode":0,"data":{"user_id":"x"}}""")]
    [InlineData("""{"status":"ok","retcode":0,"data":[1]}""")]
    public async Task DataAction_ThrowsProtocolException_WhenDataIsMissingOrWrong(string response)
    {
        var invoker = new RecordingInvoker(1, (_, _) => Encoding.UTF8.GetBytes(response));
        await Assert.ThrowsAsync<MiraiProtocolException>(() => invoker.Actions.System.GetLoginInfoAsync(TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<MiraiProtocolException>(() => invoker.Actions.Messages.SendGroupMessageAsync(1, "x", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Methods_RejectBadArguments_BeforeSending()
    {
        var invoker = new RecordingInvoker();
        var a = invoker.Actions;
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => a.Groups.SetGroupBanAsync(1, 2, TimeSpan.FromSeconds(-1), TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ArgumentException>(() => a.Messages.SendGroupForwardMessageAsync(1, [], TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ArgumentNullException>(() => a.Messages.SendGroupMessageAsync(1, null!, TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ArgumentException>(() => a.System.HandleQuickOperationAsync(default, default, TestContext.Current.CancellationToken));
        Assert.Empty(invoker.Calls);
    }

    private static async Task<object?> R<T>(Task<T> task) => await task;

    private static async Task<object?> R(Task task)
    {
        await task;
        return null;
    }

    /// <summary>Code a user might test: mutes whoever says "spam".</summary>
    private sealed class KickOnKeyword(OneBotActions actions)
    {
        public Task HandleAsync(GroupMessageEvent e) =>
            e.Message.ToPlainText().Contains("spam", StringComparison.Ordinal)
                ? actions.Groups.SetGroupBanAsync(e.GroupId, e.UserId, TimeSpan.FromMinutes(10))
                : Task.CompletedTask;
    }

    private sealed class FakeActions(OneBotGroupActions groups) : OneBotActions
    {
        public override OneBotGroupActions Groups => groups;
    }

    private sealed class FakeGroups : OneBotGroupActions
    {
        public List<(long Group, long User, TimeSpan Duration)> Bans { get; } = [];

        public override Task SetGroupBanAsync(long groupId, long userId, TimeSpan duration, CancellationToken cancellationToken = default)
        {
            Bans.Add((groupId, userId, duration));
            return Task.CompletedTask;
        }
    }
}
