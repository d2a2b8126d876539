namespace MiraiClient.OneBot.Tests.Conformance;

/// <summary>What each event vector must decode to: the type and its key fields. Common fields (time,
/// self id, post type, detail and sub-type) are checked against the vector's own JSON separately.</summary>
internal static class EventExpectations
{
    public static IReadOnlyDictionary<string, Action<OneBotEvent>> All { get; } = new Dictionary<string, Action<OneBotEvent>>
    {
        // ---- message / message_sent ----
        ["events/message/group.anonymous.gocq.json"] = e =>
        {
            var m = Assert.IsType<GroupMessageEvent>(e);
            Assert.Equal(GroupMessageKind.Anonymous, m.Kind);
            Assert.Equal(-1718405962, m.MessageId);
            Assert.Equal(80000000, m.Anonymous!.Id);
            Assert.Equal("匿名者", m.Anonymous.Name);
            Assert.Equal("aGVsbG8=|匿名者", m.Anonymous.Flag);
            Assert.Equal(3312, m.MessageSeq);
            Assert.True(m.Message.IsCqString);
            Assert.Equal("大家好", m.Message.ToPlainText());
        },
        ["events/message/group.normal.gocq.string.json"] = e =>
        {
            var m = Assert.IsType<GroupMessageEvent>(e);
            Assert.Null(m.Anonymous);
            Assert.Equal(2, m.Message.Count);
            Assert.Equal(10001000, Assert.IsType<AtSegment>(m.Message[0]).UserId);
            Assert.Equal(" 今晚吃什么,大家？", Assert.IsType<TextSegment>(m.Message[1]).Text);
            Assert.True(m.Message.Mentions(10001000));
            Assert.Equal(OneBotRole.Admin, m.Sender.GroupRole);
            Assert.Equal("", m.Sender.Level);
            Assert.Equal(m.RawMessage, m.Message.ToCqString());
        },
        ["events/message/group.normal.lagrange.array.json"] = e =>
        {
            var m = Assert.IsType<GroupMessageEvent>(e);
            Assert.Equal(-1718405961, m.MessageId);
            var image = Assert.IsType<ImageSegment>(m.Message[1]);
            Assert.Equal(0, image.SubType);
            Assert.Equal("[图片]", image.Summary);
            Assert.StartsWith("https://multimedia.nt.qq.com.cn/", image.Url, StringComparison.Ordinal);
            Assert.Equal("23", m.Sender.Level);
            Assert.Equal(0, m.Font);
        },
        ["events/message/group.normal.napcat.array.json"] = e =>
        {
            var m = Assert.IsType<GroupMessageEvent>(e);
            Assert.Equal(3512345678, m.UserId);
            Assert.Equal(3512345678, m.Sender.UserId);
            Assert.Equal(1012345678, m.GroupId);
            Assert.Equal("测试群", m.GroupName);
            Assert.Equal("88127", m.RealSeq);
            Assert.Equal(1633457016, m.RealId);
            Assert.Equal("array", m.MessageFormat);
            Assert.Equal(14, m.Font);
            Assert.Null(m.Anonymous);
            var image = Assert.IsType<ImageSegment>(m.Message[2]);
            Assert.Equal(0, image.SubType);
            Assert.Equal(51234, image.FileSize);
            Assert.False(m.Message.IsCqString);

            // NapCat's raw_message is exactly this SDK's CQ form of the array (numbers written bare).
            Assert.Equal(m.RawMessage, m.Message.ToCqString());
        },
        ["events/message/group.normal.spec-table.array.json"] = e =>
        {
            var m = Assert.IsType<GroupMessageEvent>(e);
            Assert.Equal(GroupMessageKind.Normal, m.Kind);
            Assert.Equal("1085316219", m.Message.ReplyId);
            Assert.True(m.Message.Mentions(10001000));
            Assert.Equal(" 帮我看看这个 [链接] & 说明", m.Message.ToPlainText());
            Assert.Equal(m.RawMessage, m.Message.ToCqString());
            Assert.Equal(new OneBotSender { UserId = 12345678, Nickname = "小不点", Card = "群名片", Sex = "female", Age = 20, Area = "上海", Level = "12", Role = "member", Title = "头衔" }, m.Sender);
        },
        ["events/message/group.notice.spec-table.json"] = e =>
        {
            var m = Assert.IsType<GroupMessageEvent>(e);
            Assert.Equal(GroupMessageKind.Notice, m.Kind);
            Assert.Equal(0, m.UserId);
            Assert.Equal("管理员已禁止群内匿名聊天", m.Message.ToPlainText());
        },
        ["events/message/message_sent.group.napcat.json"] = e =>
        {
            var m = Assert.IsType<GroupMessageEvent>(e);
            Assert.True(m.IsSelfSent);
            Assert.Equal("self", m.MessageSentType);
            Assert.Equal(100100, m.TargetId);
            Assert.Equal(m.SelfId, m.UserId);
            Assert.Equal(OneBotRole.Admin, m.Sender.GroupRole);
        },
        ["events/message/message_sent.private.napcat.json"] = e =>
        {
            var m = Assert.IsType<PrivateMessageEvent>(e);
            Assert.True(m.IsSelfSent);
            Assert.Equal(12345678, m.TargetId);
            Assert.Equal(m.SelfId, m.UserId);
            Assert.Equal("我自己发的", m.Message.ToPlainText());
        },
        ["events/message/private.friend.lagrange.json"] = e =>
        {
            var m = Assert.IsType<PrivateMessageEvent>(e);
            Assert.Equal(PrivateMessageKind.Friend, m.Kind);
            Assert.False(m.IsSelfSent);
            Assert.Equal(10001000, m.TargetId);
            Assert.Null(m.Sender.Age);
            Assert.Equal("unknown", m.Sender.Sex);
        },
        ["events/message/private.friend.napcat.string.json"] = e =>
        {
            var m = Assert.IsType<PrivateMessageEvent>(e);
            Assert.Equal("string", m.MessageFormat);
            Assert.True(m.Message.IsCqString);
            Assert.Equal(1085316219, Assert.IsType<ReplySegment>(m.Message[0]).MessageId);
            Assert.Equal("收到&了", Assert.IsType<TextSegment>(m.Message[1]).Text);
            Assert.Equal(m.RawMessage, m.Message.ToCqString());
        },
        ["events/message/private.friend.spec-http-post.json"] = e =>
        {
            var m = Assert.IsType<PrivateMessageEvent>(e);
            Assert.Equal(456, m.Font);
            Assert.Equal(12, m.MessageId);
            Assert.Equal(0, m.Sender.UserId); // the spec example leaves it out
            Assert.Equal("小不点", m.Sender.Nickname);
            Assert.Equal(18, m.Sender.Age);
            Assert.Equal("你好～", m.Message.ToPlainText());
            Assert.Equal(new DateTimeOffset(2018, 1, 6, 2, 4, 14, TimeSpan.Zero), m.Timestamp);
        },
        ["events/message/private.group-temp.spec-table.json"] = e =>
            Assert.Equal(PrivateMessageKind.GroupTemp, Assert.IsType<PrivateMessageEvent>(e).Kind),
        ["events/message/private.other.spec-table.string.json"] = e =>
        {
            var m = Assert.IsType<PrivateMessageEvent>(e);
            Assert.Equal(PrivateMessageKind.Other, m.Kind);
            Assert.Equal(178, Assert.IsType<FaceSegment>(m.Message[0]).FaceId);
            Assert.Equal("在吗", m.Message.ToPlainText());
        },

        // ---- notice ----
        ["events/notice/bot_offline.napcat.json"] = e =>
        {
            var n = Assert.IsType<BotOfflineNotice>(e);
            Assert.Equal(10001000, n.UserId);
            Assert.Equal("下线通知", n.Tag);
            Assert.Equal("你的帐号在另一台设备上登录", n.Message);
        },
        ["events/notice/client_status.gocq.json"] = e =>
        {
            var n = Assert.IsType<ClientStatusNotice>(e);
            Assert.True(n.Online);
            Assert.Equal(new OneBotDevice { AppId = 537151682, DeviceName = "iPad", DeviceKind = "iPad" }, n.Client);
        },
        ["events/notice/essence.add.gocq-docs.json"] = e =>
        {
            var n = Assert.IsType<EssenceNotice>(e);
            Assert.Equal("add", n.SubType);
            Assert.Equal((100100, 12345678, 23456789, 1085316220), (n.GroupId, n.SenderId, n.OperatorId, n.MessageId));
        },
        ["events/notice/friend_add.spec-table.json"] = e => Assert.Equal(12345678, Assert.IsType<FriendAddNotice>(e).UserId),
        ["events/notice/friend_recall.spec-table.json"] = e =>
        {
            var n = Assert.IsType<FriendRecallNotice>(e);
            Assert.Equal((12345678, 1085316221), (n.UserId, n.MessageId));
        },
        ["events/notice/group_admin.set.spec-table.json"] = e =>
        {
            var n = Assert.IsType<GroupAdminNotice>(e);
            Assert.True(n.IsSet);
            Assert.Equal((100100, 12345678), (n.GroupId, n.UserId));
        },
        ["events/notice/group_admin.unset.spec-table.json"] = e => Assert.False(Assert.IsType<GroupAdminNotice>(e).IsSet),
        ["events/notice/group_ban.ban.spec-table.json"] = e =>
        {
            var n = Assert.IsType<GroupBanNotice>(e);
            Assert.Equal(600, n.Duration);
            Assert.False(n.IsLifted);
            Assert.False(n.IsWholeGroup);
            Assert.Equal(23456789, n.OperatorId);
        },
        ["events/notice/group_ban.lift_ban.spec-table.json"] = e =>
        {
            var n = Assert.IsType<GroupBanNotice>(e);
            Assert.True(n.IsLifted);
            Assert.Equal(0, n.Duration);
        },
        ["events/notice/group_ban.whole.napcat.json"] = e =>
        {
            var n = Assert.IsType<GroupBanNotice>(e);
            Assert.True(n.IsWholeGroup);
            Assert.Equal(-1, n.Duration);
        },
        ["events/notice/group_card.gocq-docs.json"] = e =>
        {
            var n = Assert.IsType<GroupCardNotice>(e);
            Assert.Equal(("新名片", ""), (n.NewCard, n.OldCard));
        },
        ["events/notice/group_decrease.disband.napcat.json"] = e => Assert.Equal("disband", Assert.IsType<GroupDecreaseNotice>(e).SubType),
        ["events/notice/group_decrease.kick.spec-table.json"] = e =>
        {
            var n = Assert.IsType<GroupDecreaseNotice>(e);
            Assert.Equal((23456789, 12345678), (n.OperatorId, n.UserId));
        },
        ["events/notice/group_decrease.kick_me.spec-table.json"] = e =>
        {
            var n = Assert.IsType<GroupDecreaseNotice>(e);
            Assert.Equal(n.SelfId, n.UserId);
        },
        ["events/notice/group_decrease.leave.spec-table.json"] = e =>
        {
            var n = Assert.IsType<GroupDecreaseNotice>(e);
            Assert.Equal(n.UserId, n.OperatorId);
        },
        ["events/notice/group_increase.approve.spec-table.json"] = e => Assert.Equal(23456789, Assert.IsType<GroupIncreaseNotice>(e).OperatorId),
        ["events/notice/group_increase.invite.spec-table.json"] = e => Assert.Equal(12345678, Assert.IsType<GroupIncreaseNotice>(e).UserId),
        ["events/notice/group_msg_emoji_like.napcat.json"] = e =>
        {
            var n = Assert.IsType<GroupMessageEmojiLikeNotice>(e);
            Assert.Equal(1633457016, n.MessageId);
            Assert.Equal(new[] { new OneBotEmojiLike { EmojiId = "76", Count = 1 } }, n.Likes);
            Assert.True(n.IsAdd);
        },
        ["events/notice/group_recall.lagrange.json"] = e =>
        {
            var n = Assert.IsType<GroupRecallNotice>(e);
            Assert.Equal(-1718405961, n.MessageId);
            Assert.Equal("", n.Tip);
        },
        ["events/notice/group_recall.spec-table.json"] = e =>
        {
            var n = Assert.IsType<GroupRecallNotice>(e);
            Assert.Equal((100100, 12345678, 23456789, 1085316220), (n.GroupId, n.UserId, n.OperatorId, n.MessageId));
            Assert.Null(n.Tip);
        },
        ["events/notice/group_upload.gocq.json"] = e =>
        {
            var n = Assert.IsType<GroupUploadNotice>(e);
            Assert.Equal("https://example.invalid/ftn_handler/abc", n.File.Url);
            Assert.Equal(102, n.File.Busid);
        },
        ["events/notice/group_upload.spec-table.json"] = e =>
        {
            var n = Assert.IsType<GroupUploadNotice>(e);
            Assert.Equal(new OneBotUploadedFile { Id = "/a1b2c3d4-5678-90ab-cdef-1234567890ab", Name = "report.pdf", Size = 102400, Busid = 102 }, n.File);
        },
        ["events/notice/notify.group_name.napcat.json"] = e => Assert.Equal("新群名", Assert.IsType<GroupNameNotice>(e).NewName),
        ["events/notice/notify.honor.spec-table.json"] = e => Assert.Equal("talkative", Assert.IsType<HonorNotice>(e).HonorType),
        ["events/notice/notify.input_status.napcat.json"] = e =>
        {
            var n = Assert.IsType<InputStatusNotice>(e);
            Assert.Equal((1, "对方正在输入...", 0L), (n.EventType, n.StatusText, n.GroupId));
        },
        ["events/notice/notify.lucky_king.spec-table.json"] = e => Assert.Equal(23456789, Assert.IsType<LuckyKingNotice>(e).TargetId),
        ["events/notice/notify.poke.friend.gocq-docs.json"] = e =>
        {
            var n = Assert.IsType<PokeNotice>(e);
            Assert.False(n.IsGroup);
            Assert.Null(n.GroupId);
            Assert.Equal(12345678, n.SenderId);
            Assert.Equal(10001000, n.TargetId);
        },
        ["events/notice/notify.poke.group.lagrange.json"] = e =>
        {
            var n = Assert.IsType<PokeNotice>(e);
            Assert.True(n.IsGroup);
            Assert.Equal(("戳了戳", "", ""), (n.Action, n.Suffix, n.ActionImageUrl));
        },
        ["events/notice/notify.poke.group.napcat.json"] = e =>
        {
            var n = Assert.IsType<PokeNotice>(e);
            Assert.Equal(3, n.RawInfo!.Value.GetArrayLength());
            Assert.Equal("戳了戳", n.RawInfo.Value[1].GetProperty("txt").GetString());
        },
        ["events/notice/notify.poke.group.spec-table.json"] = e =>
        {
            var n = Assert.IsType<PokeNotice>(e);
            Assert.Equal((100100L, 12345678, 10001000), (n.GroupId, n.UserId, n.TargetId));
        },
        ["events/notice/notify.profile_like.napcat.json"] = e =>
        {
            var n = Assert.IsType<ProfileLikeNotice>(e);
            Assert.Equal((12345678, "小不点", 10), (n.OperatorId, n.OperatorNick, n.Times));
        },
        ["events/notice/notify.title.gocq-docs.json"] = e => Assert.Equal("元老", Assert.IsType<TitleNotice>(e).Title),
        ["events/notice/offline_file.gocq-docs.json"] = e =>
            Assert.Equal(new OneBotOfflineFile { Name = "a.zip", Size = 2048, Url = "https://example.invalid/a.zip" }, Assert.IsType<OfflineFileNotice>(e).File),
        ["events/notice/reaction.add.lagrange.json"] = e =>
        {
            var n = Assert.IsType<ReactionNotice>(e);
            Assert.Equal(("add", "76", 1, -1718405961L), (n.SubType, n.Code, n.Count, n.MessageId));
        },

        // ---- request ----
        ["events/request/friend.spec-table.json"] = e =>
        {
            var r = Assert.IsType<FriendRequestEvent>(e);
            Assert.Equal(("我是小不点", "1767225600000000", 12345678L), (r.Comment, r.Flag, r.UserId));
        },
        ["events/request/group.add.spec-table.json"] = e =>
        {
            var r = Assert.IsType<GroupRequestEvent>(e);
            Assert.False(r.IsInvitation);
            Assert.Equal("问题：从哪里知道本群？\n答案：朋友推荐", r.Comment);
        },
        ["events/request/group.invite.lagrange.json"] = e =>
        {
            var r = Assert.IsType<GroupRequestEvent>(e);
            Assert.True(r.IsInvitation);
            Assert.Equal("", r.Comment); // null on the wire
            Assert.Equal(12345678, r.InvitorId);
        },
        ["events/request/group.invite.spec-table.json"] = e =>
        {
            var r = Assert.IsType<GroupRequestEvent>(e);
            Assert.True(r.IsInvitation);
            Assert.Null(r.InvitorId);
            Assert.Equal("1767225600654321", r.Flag);
        },

        // ---- meta_event ----
        ["events/meta/heartbeat.gocq.json"] = e =>
        {
            var h = Assert.IsType<HeartbeatEvent>(e);
            Assert.Equal(5000, h.Interval);
            Assert.Null(h.Status.PluginsGood);
            Assert.Equal(4123, h.Status.Stat!.PacketReceived);
            Assert.Equal(1767225595, h.Status.Stat.LastMessageTime);
        },
        ["events/meta/heartbeat.lagrange.json"] = e =>
        {
            var h = Assert.IsType<HeartbeatEvent>(e);
            Assert.Equal(5000, h.Interval);
            Assert.True(h.Status.AppInitialized);
            Assert.True(h.Status.Online);
        },
        ["events/meta/heartbeat.llbot.json"] = e => Assert.Equal(60000, Assert.IsType<HeartbeatEvent>(e).Interval),
        ["events/meta/heartbeat.napcat.json"] = e => Assert.Equal(30000, Assert.IsType<HeartbeatEvent>(e).Interval),
        ["events/meta/heartbeat.online-null.spec-table.json"] = e =>
        {
            var h = Assert.IsType<HeartbeatEvent>(e);
            Assert.Null(h.Status.Online);
            Assert.False(h.Status.Good);
            Assert.Equal(15000, h.Interval);
        },
        ["events/meta/heartbeat.spec-table.json"] = e =>
        {
            var h = Assert.IsType<HeartbeatEvent>(e);
            Assert.True(h.Status.Online);
            Assert.True(h.Status.Good);
            Assert.Null(h.Status.Stat);
        },
        ["events/meta/lifecycle.connect.gocq-forward.json"] = e => Assert.Equal("connect", Assert.IsType<LifecycleEvent>(e).SubType),
        ["events/meta/lifecycle.connect.spec-table.json"] = e => Assert.Equal("connect", Assert.IsType<LifecycleEvent>(e).SubType),
        ["events/meta/lifecycle.disable.spec-table.json"] = e => Assert.Equal("disable", Assert.IsType<LifecycleEvent>(e).SubType),
        ["events/meta/lifecycle.enable.spec-table.json"] = e => Assert.Equal("enable", Assert.IsType<LifecycleEvent>(e).SubType),
    };
}
