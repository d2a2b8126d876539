using MiraiClient.OneBot;

namespace MiraiClient.Testing.OneBot;

/// <summary>Builds typed OneBot events as implementations send them, for
/// <see cref="FakeOneBotImplementation.PushEventAsync{TEvent}"/>.</summary>
/// <remarks>
/// <para>Built events leave <see cref="OneBotEvent.SelfId"/> and <see cref="OneBotEvent.Time"/> at zero; the
/// fake fills in its account and the current time when it pushes them. Any event of the OneBot model can be
/// pushed; these cover the common ones, and <c>with</c> adjusts the rest:</para>
/// <code>
/// var question = await fake.PushEventAsync(FakeOneBotEvents.GroupMessage(100100, 12345678, "/ping"));
/// var reply = new OneBotMessage(new ReplySegment(question.MessageId), new TextSegment("again?"));
/// await fake.PushEventAsync(FakeOneBotEvents.GroupMessage(100100, 12345678, reply) with { GroupName = "test group" });
/// await fake.PushEventAsync(FakeOneBotEvents.FriendRequest(3512345678, "hi"));
/// </code>
/// <para>Message ids come from a process-wide counter, so they never repeat.</para>
/// </remarks>
public static class FakeOneBotEvents
{
    private static long s_nextMessageId = 2_000_000;
    private static long s_nextFlag = 1_767_225_600_000;

    /// <summary>A normal group message from a member.</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="userId">The sender.</param>
    /// <param name="message">The message (a string is one text segment; use <see cref="OneBotMessage.FromCqString"/> for CQ codes).</param>
    /// <param name="messageId">The message id (default: a new one).</param>
    /// <param name="role">The sender's role (default: <c>member</c>).</param>
    /// <returns>The event.</returns>
    public static GroupMessageEvent GroupMessage(long groupId, long userId, OneBotMessage message, long? messageId = null, OneBotRole role = OneBotRole.Member)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new GroupMessageEvent
        {
            PostType = "message",
            SubType = "normal",
            MessageId = messageId ?? NextMessageId(),
            GroupId = groupId,
            UserId = userId,
            Message = message,
            RawMessage = message.ToCqString(),
            Sender = new OneBotSender { UserId = userId, Nickname = $"user{userId}", Card = "", Role = RoleName(role) },
        };
    }

    /// <summary>A private message from a friend (or, with <paramref name="tempGroupId"/>, a temporary chat started in a group).</summary>
    /// <param name="userId">The sender.</param>
    /// <param name="message">The message (a string is one text segment).</param>
    /// <param name="messageId">The message id (default: a new one).</param>
    /// <param name="tempGroupId">For a temporary chat (<c>sub_type</c> <c>group</c>), the group it came through.</param>
    /// <returns>The event.</returns>
    public static PrivateMessageEvent PrivateMessage(long userId, OneBotMessage message, long? messageId = null, long? tempGroupId = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new PrivateMessageEvent
        {
            PostType = "message",
            SubType = tempGroupId is null ? "friend" : "group",
            MessageId = messageId ?? NextMessageId(),
            UserId = userId,
            GroupId = tempGroupId,
            Message = message,
            RawMessage = message.ToCqString(),
            Sender = new OneBotSender { UserId = userId, Nickname = $"user{userId}" },
        };
    }

    /// <summary>A group message recalled (<c>group_recall</c>).</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="userId">The author.</param>
    /// <param name="operatorId">Who recalled it.</param>
    /// <param name="messageId">The recalled message.</param>
    /// <returns>The notice.</returns>
    public static GroupRecallNotice GroupRecall(long groupId, long userId, long operatorId, long messageId) => new()
    {
        PostType = "notice",
        NoticeType = "group_recall",
        GroupId = groupId,
        UserId = userId,
        OperatorId = operatorId,
        MessageId = messageId,
    };

    /// <summary>A private message recalled (<c>friend_recall</c>).</summary>
    /// <param name="userId">The author.</param>
    /// <param name="messageId">The recalled message.</param>
    /// <returns>The notice.</returns>
    public static FriendRecallNotice FriendRecall(long userId, long messageId) => new()
    {
        PostType = "notice",
        NoticeType = "friend_recall",
        UserId = userId,
        MessageId = messageId,
    };

    /// <summary>Someone joined a group (<c>group_increase</c>).</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="userId">Who joined.</param>
    /// <param name="operatorId">Who approved or invited.</param>
    /// <param name="invited">Whether they were invited (<c>invite</c>) rather than approved (<c>approve</c>).</param>
    /// <returns>The notice.</returns>
    public static GroupIncreaseNotice GroupIncrease(long groupId, long userId, long operatorId, bool invited = false) => new()
    {
        PostType = "notice",
        NoticeType = "group_increase",
        SubType = invited ? "invite" : "approve",
        GroupId = groupId,
        UserId = userId,
        OperatorId = operatorId,
    };

    /// <summary>Someone left a group or was removed (<c>group_decrease</c>).</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="userId">Who left.</param>
    /// <param name="operatorId">Who removed them (the same as <paramref name="userId"/> for <c>leave</c>).</param>
    /// <param name="subType"><c>leave</c>, <c>kick</c>, <c>kick_me</c> or NapCat's <c>disband</c>.</param>
    /// <returns>The notice.</returns>
    public static GroupDecreaseNotice GroupDecrease(long groupId, long userId, long operatorId, string subType = "leave")
    {
        ArgumentException.ThrowIfNullOrEmpty(subType);
        return new()
        {
            PostType = "notice",
            NoticeType = "group_decrease",
            SubType = subType,
            GroupId = groupId,
            UserId = userId,
            OperatorId = operatorId,
        };
    }

    /// <summary>A member muted or unmuted (<c>group_ban</c>); a zero duration lifts the mute, user 0 is the whole group (NapCat).</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="userId">The member.</param>
    /// <param name="operatorId">Who muted.</param>
    /// <param name="duration">The mute's length; zero lifts it.</param>
    /// <returns>The notice.</returns>
    public static GroupBanNotice GroupBan(long groupId, long userId, long operatorId, TimeSpan duration) => new()
    {
        PostType = "notice",
        NoticeType = "group_ban",
        SubType = duration == TimeSpan.Zero ? "lift_ban" : "ban",
        GroupId = groupId,
        UserId = userId,
        OperatorId = operatorId,
        Duration = (long)duration.TotalSeconds,
    };

    /// <summary>A new friend (<c>friend_add</c>).</summary>
    /// <param name="userId">The friend.</param>
    /// <returns>The notice.</returns>
    public static FriendAddNotice FriendAdd(long userId) => new() { PostType = "notice", NoticeType = "friend_add", UserId = userId };

    /// <summary>A poke (<c>notify</c>/<c>poke</c>), in a group or, without <paramref name="groupId"/>, in private.</summary>
    /// <param name="userId">Who poked.</param>
    /// <param name="targetId">Who was poked.</param>
    /// <param name="groupId">The group, or <see langword="null"/> for a private poke.</param>
    /// <returns>The notice.</returns>
    public static PokeNotice Poke(long userId, long targetId, long? groupId = null) => new()
    {
        PostType = "notice",
        NoticeType = "notify",
        SubType = "poke",
        GroupId = groupId,
        UserId = userId,
        TargetId = targetId,
        SenderId = groupId is null ? userId : null,
    };

    /// <summary>The account was kicked offline while the socket stays up (<c>bot_offline</c>; NapCat, Lagrange).</summary>
    /// <param name="userId">The account.</param>
    /// <param name="tag">The notice's <c>tag</c>.</param>
    /// <param name="message">The notice's <c>message</c>.</param>
    /// <returns>The notice.</returns>
    public static BotOfflineNotice BotOffline(long userId, string tag = "下线通知", string message = "你的帐号在另一台设备上登录") => new()
    {
        PostType = "notice",
        NoticeType = "bot_offline",
        UserId = userId,
        Tag = tag,
        Message = message,
    };

    /// <summary>A friend request (<c>request</c>/<c>friend</c>).</summary>
    /// <param name="userId">Who asks.</param>
    /// <param name="comment">The verification message.</param>
    /// <param name="flag">The opaque flag to answer with (default: a new one).</param>
    /// <returns>The request.</returns>
    public static FriendRequestEvent FriendRequest(long userId, string comment = "", string? flag = null) => new()
    {
        PostType = "request",
        UserId = userId,
        Comment = comment,
        Flag = flag ?? NextFlag(),
    };

    /// <summary>A request to join a group (<c>add</c>), or an invitation of the bot into one (<c>invite</c>).</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="userId">Who asks, or who invites.</param>
    /// <param name="invite">Whether the bot is invited rather than someone asking to join.</param>
    /// <param name="comment">The verification message.</param>
    /// <param name="flag">The opaque flag to answer with (default: a new one).</param>
    /// <returns>The request.</returns>
    public static GroupRequestEvent GroupRequest(long groupId, long userId, bool invite = false, string comment = "", string? flag = null) => new()
    {
        PostType = "request",
        SubType = invite ? "invite" : "add",
        GroupId = groupId,
        UserId = userId,
        Comment = comment,
        Flag = flag ?? NextFlag(),
    };

    /// <summary>A heartbeat in the spec's shape (the fake's own heartbeats use its profile's shape).</summary>
    /// <param name="interval">The announced interval.</param>
    /// <param name="online">Whether the account is online (<see langword="null"/>: unknown).</param>
    /// <param name="good">Whether the implementation is working normally.</param>
    /// <returns>The heartbeat.</returns>
    public static HeartbeatEvent Heartbeat(TimeSpan interval, bool? online = true, bool good = true) => new()
    {
        PostType = "meta_event",
        Interval = (long)interval.TotalMilliseconds,
        Status = new OneBotStatus { Online = online, Good = good },
    };

    /// <summary>A lifecycle event (the fake sends <c>connect</c> by itself on every event socket).</summary>
    /// <param name="subType"><c>connect</c>, <c>enable</c> or <c>disable</c>.</param>
    /// <returns>The event.</returns>
    public static LifecycleEvent Lifecycle(string subType = "connect")
    {
        ArgumentException.ThrowIfNullOrEmpty(subType);
        return new() { PostType = "meta_event", SubType = subType };
    }

    private static long NextMessageId() => Interlocked.Increment(ref s_nextMessageId);

    private static string NextFlag() => Interlocked.Increment(ref s_nextFlag).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string RoleName(OneBotRole role) => role switch
    {
        OneBotRole.Owner => "owner",
        OneBotRole.Admin => "admin",
        _ => "member",
    };
}
