using System.Text.Json;
using MiraiClient.OneBot.Internal;

namespace MiraiClient.OneBot.Tests.Conformance;

/// <summary>One typed call per spec action: the call that should produce the request vector, and what
/// the response vector must decode to through that same call.</summary>
/// <param name="Call">Invokes the typed method.</param>
/// <param name="Check">Checks the result the response vector produced.</param>
/// <param name="Kind">The deadline class the call must carry.</param>
internal sealed record ActionCase(Func<OneBotActions, Task<object?>> Call, Action<object?> Check, OneBotActionKind Kind = OneBotActionKind.Default);

internal static class ActionCases
{
    private static readonly JsonElement QuickContext = JsonDocument.Parse("""{"time":1767225600,"self_id":10001000,"post_type":"message","message_type":"group","sub_type":"normal","message_id":1085316220,"group_id":100100,"user_id":12345678}""").RootElement;

    private static readonly JsonElement QuickOperation = JsonDocument.Parse("""{"reply":"请不要刷屏","at_sender":true,"ban":true,"ban_duration":60}""").RootElement;

    /// <summary>The 38 public actions and the hidden one, by action name.</summary>
    public static IReadOnlyDictionary<string, ActionCase> Spec { get; } = new Dictionary<string, ActionCase>
    {
        ["send_private_msg"] = new(a => R(a.Messages.SendPrivateMessageAsync(10001000, OneBotMessage.FromCqString("你好"))), r => Assert.Equal(1633457016L, r)),
        ["send_group_msg"] = new(a => R(a.Messages.SendGroupMessageAsync(100100, new OneBotMessage(AtSegment.All, new TextSegment(" 明天 9 点开会")))), r => Assert.Equal(1633457017L, r)),
        ["send_msg"] = new(a => R(a.Messages.SendMessageAsync(OneBotChatType.Group, 100100, OneBotMessage.FromCqString("[CQ:face,id=178]收到"))), r => Assert.Equal(1633457018L, r)),
        ["delete_msg"] = new(a => R(a.Messages.DeleteMessageAsync(1633457016)), Nothing),
        ["get_msg"] = new(a => R(a.Messages.GetMessageAsync(1633457016)), r =>
        {
            var m = Assert.IsType<MessageDetail>(r);
            Assert.Equal(("group", 1633457016L, 1633457016L), (m.MessageType, m.MessageId, m.RealId!.Value));
            Assert.Equal(OneBotRole.Member, m.Sender.GroupRole);
            Assert.Equal("你好", m.Message.ToPlainText());
        }),
        ["get_forward_msg"] = new(a => R(a.Messages.GetForwardMessageAsync("7512345678901234567")), r =>
        {
            var list = Assert.IsAssignableFrom<IReadOnlyList<ForwardedMessage>>(r);
            Assert.Equal(2, list.Count);
            Assert.Equal((10001000L, "某人"), (list[0].UserId, list[0].Nickname));
            Assert.Equal(123, Assert.IsType<FaceSegment>(list[0].Content[0]).FaceId);
            Assert.Equal("哈喽～", Assert.IsType<TextSegment>(list[0].Content[1]).Text);
            Assert.Equal((12345678L, "小不点", "第二条"), (list[1].UserId, list[1].Nickname, list[1].Content.ToPlainText()));
        }),
        ["send_like"] = new(a => R(a.Users.SendLikeAsync(12345678, 10)), Nothing),
        ["set_group_kick"] = new(a => R(a.Groups.SetGroupKickAsync(100100, 12345678)), Nothing),
        ["set_group_ban"] = new(a => R(a.Groups.SetGroupBanAsync(100100, 12345678, TimeSpan.FromSeconds(1800))), Nothing),
        ["set_group_anonymous_ban"] = new(a => R(a.Groups.SetGroupAnonymousBanAsync(100100, "aGVsbG8=|匿名者", TimeSpan.FromMinutes(30))), Nothing),
        ["set_group_whole_ban"] = new(a => R(a.Groups.SetGroupWholeBanAsync(100100)), Nothing),
        ["set_group_admin"] = new(a => R(a.Groups.SetGroupAdminAsync(100100, 12345678)), Nothing),
        ["set_group_anonymous"] = new(a => R(a.Groups.SetGroupAnonymousAsync(100100, enable: false)), Nothing),
        ["set_group_card"] = new(a => R(a.Groups.SetGroupCardAsync(100100, 12345678, "新名片")), Nothing),
        ["set_group_name"] = new(a => R(a.Groups.SetGroupNameAsync(100100, "新群名")), Nothing),
        ["set_group_leave"] = new(a => R(a.Groups.SetGroupLeaveAsync(100100)), Nothing),
        ["set_group_special_title"] = new(a => R(a.Groups.SetGroupSpecialTitleAsync(100100, 12345678, "元老")), Nothing),
        ["set_friend_add_request"] = new(a => R(a.Users.SetFriendAddRequestAsync("1767225600000000", approve: true, remark: "小不点")), Nothing),
        ["set_group_add_request"] = new(a => R(a.Groups.SetGroupAddRequestAsync("1767225600123456", "add", approve: false, reason: "答案不对")), Nothing),
        ["get_login_info"] = new(a => R(a.System.GetLoginInfoAsync()), r => Assert.Equal(new LoginInfo { UserId = 10001000, Nickname = "机器人" }, r)),
        ["get_stranger_info"] = new(a => R(a.Users.GetStrangerInfoAsync(3512345678)), r =>
            Assert.Equal(new StrangerInfo { UserId = 3512345678, Nickname = "路人", Sex = "unknown", Age = 0 }, r)),
        ["get_friend_list"] = new(a => R(a.Users.GetFriendListAsync()), r =>
        {
            var list = Assert.IsAssignableFrom<IReadOnlyList<FriendInfo>>(r);
            Assert.Equal(new FriendInfo { UserId = 12345678, Nickname = "小不点", Remark = "同学" }, list[0]);
            Assert.Equal((3512345678L, ""), (list[1].UserId, list[1].Remark));
        }),
        ["get_group_info"] = new(a => R(a.Groups.GetGroupInfoAsync(100100)), r =>
            Assert.Equal(new GroupInfo { GroupId = 100100, GroupName = "测试群", MemberCount = 42, MaxMemberCount = 500 }, r)),
        ["get_group_list"] = new(a => R(a.Groups.GetGroupListAsync()), r =>
        {
            var list = Assert.IsAssignableFrom<IReadOnlyList<GroupInfo>>(r);
            Assert.Equal(new[] { 100100L, 1012345678L }, list.Select(g => g.GroupId));
        }),
        ["get_group_member_info"] = new(a => R(a.Groups.GetGroupMemberInfoAsync(100100, 12345678, noCache: true)), r =>
        {
            var m = Assert.IsType<GroupMemberInfo>(r);
            Assert.Equal(("群名片", "female", 20, "上海", "12", OneBotRole.Member), (m.Card, m.Sex, m.Age, m.Area, m.Level, m.GroupRole));
            Assert.Equal((1600000000L, 1767225540L, "头衔", true), (m.JoinTime, m.LastSentTime, m.Title, m.CardChangeable));
        }),
        ["get_group_member_list"] = new(a => R(a.Groups.GetGroupMemberListAsync(100100)), r =>
        {
            var list = Assert.IsAssignableFrom<IReadOnlyList<GroupMemberInfo>>(r);
            Assert.Equal(new[] { OneBotRole.Member, OneBotRole.Admin }, list.Select(m => m.GroupRole));
        }),
        ["get_group_honor_info"] = new(a => R(a.Groups.GetGroupHonorInfoAsync(100100, "all")), r =>
        {
            var h = Assert.IsType<GroupHonorInfo>(r);
            Assert.Equal(3, h.CurrentTalkative!.DayCount);
            Assert.Equal("连续 3 天", Assert.Single(h.TalkativeList).Description);
            Assert.Empty(h.EmotionList);
        }),
        ["get_cookies"] = new(a => R(a.System.GetCookiesAsync("qun.qq.com")), r => Assert.Equal("uin=o10001000; skey=@AbCdEfGhI; p_uin=o10001000", r)),
        ["get_csrf_token"] = new(a => R(a.System.GetCsrfTokenAsync()), r => Assert.Equal(123456789L, r)),
        ["get_credentials"] = new(a => R(a.System.GetCredentialsAsync("qun.qq.com")), r =>
        {
            var c = Assert.IsType<OneBotCredentials>(r);
            Assert.Equal(123456789, c.CsrfToken);
            Assert.DoesNotContain("skey", c.ToString(), StringComparison.Ordinal);
        }),
        ["get_record"] = new(a => R(a.Messages.GetRecordAsync("0B38145AA44505000B38145AA4450500.silk", "mp3")), r =>
            Assert.Equal("/home/somebody/cqhttp/data/record/0B38145AA44505000B38145AA4450500.mp3", r), OneBotActionKind.Transfer),
        ["get_image"] = new(a => R(a.Messages.GetImageAsync("6B4DE3DFD1BD271E3297859D41C530F5.jpg")), r =>
            Assert.Equal("/home/somebody/cqhttp/data/image/6B4DE3DFD1BD271E3297859D41C530F5.jpg", r), OneBotActionKind.Transfer),
        ["can_send_image"] = new(a => R(a.Messages.CanSendImageAsync()), r => Assert.True(Assert.IsType<bool>(r))),
        ["can_send_record"] = new(a => R(a.Messages.CanSendRecordAsync()), r => Assert.True(Assert.IsType<bool>(r))),
        ["get_status"] = new(a => R(a.System.GetStatusAsync()), r => Assert.Equal(new OneBotStatus { Online = true, Good = true }, r)),
        ["get_version_info"] = new(a => R(a.System.GetVersionInfoAsync()), r =>
            Assert.Equal(new VersionInfo { AppName = "mirai-native", AppVersion = "1.2.3", ProtocolVersion = "v11" }, r)),
        ["set_restart"] = new(a => R(a.System.SetRestartAsync(TimeSpan.FromSeconds(2))), Nothing),
        ["clean_cache"] = new(a => R(a.System.CleanCacheAsync()), Nothing),
        [".handle_quick_operation"] = new(a => R(a.System.HandleQuickOperationAsync(QuickContext, QuickOperation)), Nothing),
    };

    public static async Task<object?> R<T>(Task<T> task) => await task;

    public static async Task<object?> R(Task task)
    {
        await task;
        return null;
    }

    private static void Nothing(object? result) => Assert.Null(result);
}
