namespace MiraiClient.Testing;

/// <summary>Builds typed events as the server would send them, for
/// <see cref="FakeMiraiBackend.PushEventAsync(MiraiEvent, long?)"/>: received chains start with a
/// <c>Source</c> element, contacts carry every field the server fills, request events get an event id.</summary>
/// <remarks>
/// <para>Any event of the SDK's model can be pushed; these cover the common ones. Build a chain with
/// <see cref="MessageChainBuilder"/> and quote an earlier message with <see cref="QuoteOf"/>:</para>
/// <code>
/// var question = FakeEvents.GroupMessage(100, 7, "what time is it?");
/// await backend.PushEventAsync(question);
/// var chain = new MessageChainBuilder().Add(FakeEvents.QuoteOf(question)).At(10001).Text(" now?").Build();
/// await backend.PushEventAsync(FakeEvents.GroupMessage(100, 8, chain));
/// await backend.PushEventAsync(FakeEvents.NewFriendRequest(fromId: 12345, message: "hi"));
/// </code>
/// <para>Message and event ids come from a process-wide counter, so they never repeat.</para>
/// </remarks>
public static class FakeEvents
{
    /// <summary>A fixed receive time (2023-11-14), so built events compare equal across runs.</summary>
    private const long Time = 1_700_000_000;
    private static int s_nextMessageId = 1_000_000;
    private static long s_nextEventId = 1_000_000;

    /// <summary>A friend as the server describes one.</summary>
    /// <param name="id">The QQ number.</param>
    /// <param name="nickname">The nickname (default: <c>friend{id}</c>).</param>
    /// <returns>The friend.</returns>
    public static Friend Friend(long id, string? nickname = null) => new() { Id = id, Nickname = nickname ?? $"friend{id}", Remark = "" };

    /// <summary>A group as the server describes one.</summary>
    /// <param name="id">The group number.</param>
    /// <param name="name">The name (default: <c>group{id}</c>).</param>
    /// <param name="botPermission">The bot's role there (default: member).</param>
    /// <returns>The group.</returns>
    public static Group Group(long id, string? name = null, GroupPermission botPermission = GroupPermission.Member) =>
        new() { Id = id, Name = name ?? $"group{id}", Permission = botPermission };

    /// <summary>A group member as the server describes one.</summary>
    /// <param name="id">The member's QQ number.</param>
    /// <param name="group">The group number.</param>
    /// <param name="permission">The member's role (default: member).</param>
    /// <param name="name">The group card (default: <c>member{id}</c>).</param>
    /// <returns>The member.</returns>
    public static Member Member(long id, long group, GroupPermission permission = GroupPermission.Member, string? name = null) => new()
    {
        Id = id,
        MemberName = name ?? $"member{id}",
        SpecialTitle = "",
        Permission = permission,
        JoinTimestamp = Time - 86_400,
        LastSpeakTimestamp = Time,
        MuteTimeRemaining = 0,
        Group = Group(group),
    };

    /// <summary>A message in a group.</summary>
    /// <param name="group">The group number.</param>
    /// <param name="sender">The sender's QQ number.</param>
    /// <param name="chain">The content (a <c>Source</c> element is put first unless it has one).</param>
    /// <param name="messageId">The message id (default: a new one).</param>
    /// <returns>The event.</returns>
    public static GroupMessage GroupMessage(long group, long sender, MessageChain chain, int? messageId = null) =>
        new() { MessageChain = Received(chain, messageId), Sender = Member(sender, group) };

    /// <summary>A message from a friend.</summary>
    /// <param name="friend">The friend's QQ number.</param>
    /// <param name="chain">The content (a <c>Source</c> element is put first unless it has one).</param>
    /// <param name="messageId">The message id (default: a new one).</param>
    /// <returns>The event.</returns>
    public static FriendMessage FriendMessage(long friend, MessageChain chain, int? messageId = null) =>
        new() { MessageChain = Received(chain, messageId), Sender = Friend(friend) };

    /// <summary>A message in a temporary chat through a group.</summary>
    /// <param name="group">The group the chat started from.</param>
    /// <param name="sender">The sender's QQ number.</param>
    /// <param name="chain">The content (a <c>Source</c> element is put first unless it has one).</param>
    /// <param name="messageId">The message id (default: a new one).</param>
    /// <returns>The event.</returns>
    public static TempMessage TempMessage(long group, long sender, MessageChain chain, int? messageId = null) =>
        new() { MessageChain = Received(chain, messageId), Sender = Member(sender, group) };

    /// <summary>A <c>Quote</c> element that quotes a received message, as the server puts in front of a reply.</summary>
    /// <param name="message">The quoted message (it must have a <c>Source</c> element).</param>
    /// <param name="botQQ">The bot's QQ, the receiver of a quoted friend message (default: 10001).</param>
    /// <returns>The element.</returns>
    /// <exception cref="ArgumentException">The message has no source.</exception>
    public static QuoteElement QuoteOf(MessageEvent message, long botQQ = 10001)
    {
        ArgumentNullException.ThrowIfNull(message);
        var id = message.MessageChain.MessageId ?? throw new ArgumentException("The quoted message has no Source element.", nameof(message));
        var (senderId, targetId, groupId) = message switch
        {
            MiraiClient.GroupMessage g => (g.Sender.Id, g.Sender.Group.Id, g.Sender.Group.Id),
            MiraiClient.TempMessage t => (t.Sender.Id, botQQ, 0L),
            MiraiClient.FriendMessage f => (f.Sender.Id, botQQ, 0L),
            _ => (0L, botQQ, 0L),
        };
        return new QuoteElement
        {
            Id = id,
            SenderId = senderId,
            TargetId = targetId,
            GroupId = groupId,
            Origin = new MessageChain(message.MessageChain.Where(e => e is not SourceElement and not QuoteElement)),
        };
    }

    /// <summary>Someone asks to become the bot's friend (answer with <c>resp_newFriendRequestEvent</c>).</summary>
    /// <param name="fromId">Who asks.</param>
    /// <param name="message">The request's message.</param>
    /// <param name="nick">The asker's nickname (default: <c>user{fromId}</c>).</param>
    /// <param name="groupId">The group the request came through, or 0.</param>
    /// <param name="eventId">The event id (default: a new one).</param>
    /// <returns>The event.</returns>
    public static NewFriendRequestEvent NewFriendRequest(long fromId, string message = "", string? nick = null, long groupId = 0, long? eventId = null) =>
        new() { EventId = eventId ?? NextEventId(), FromId = fromId, GroupId = groupId, Nick = nick ?? $"user{fromId}", Message = message };

    /// <summary>Someone asks to join a group the bot administers (answer with <c>resp_memberJoinRequestEvent</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="fromId">Who asks.</param>
    /// <param name="message">The request's message.</param>
    /// <param name="nick">The asker's nickname (default: <c>user{fromId}</c>).</param>
    /// <param name="invitorId">Who invited the asker, if anyone.</param>
    /// <param name="eventId">The event id (default: a new one).</param>
    /// <returns>The event.</returns>
    public static MemberJoinRequestEvent MemberJoinRequest(long group, long fromId, string message = "", string? nick = null, long? invitorId = null, long? eventId = null) =>
        new() { EventId = eventId ?? NextEventId(), FromId = fromId, GroupId = group, GroupName = $"group{group}", Nick = nick ?? $"user{fromId}", Message = message, InvitorId = invitorId };

    /// <summary>Someone invites the bot into a group (answer with <c>resp_botInvitedJoinGroupRequestEvent</c>).
    /// The server always sends an empty message.</summary>
    /// <param name="group">The group.</param>
    /// <param name="fromId">The inviter.</param>
    /// <param name="nick">The inviter's nickname (default: <c>user{fromId}</c>).</param>
    /// <param name="eventId">The event id (default: a new one).</param>
    /// <returns>The event.</returns>
    public static BotInvitedJoinGroupRequestEvent BotInvitedJoinGroupRequest(long group, long fromId, string? nick = null, long? eventId = null) =>
        new() { EventId = eventId ?? NextEventId(), FromId = fromId, GroupId = group, GroupName = $"group{group}", Nick = nick ?? $"user{fromId}", Message = "" };

    /// <summary>The bot logged in.</summary>
    /// <param name="qq">The bot's QQ.</param>
    /// <returns>The event.</returns>
    public static BotOnlineEvent BotOnline(long qq) => new() { QQ = qq };

    /// <summary>The bot was pushed offline, usually by a login elsewhere.</summary>
    /// <param name="qq">The bot's QQ.</param>
    /// <param name="title">The notice title.</param>
    /// <param name="message">The notice text.</param>
    /// <returns>The event.</returns>
    public static BotOfflineEventForce BotOfflineForce(long qq, string title = "下线通知", string message = "你的帐号在别处登录。") =>
        new() { QQ = qq, Title = title, Message = message };

    /// <summary>The bot logged out on purpose.</summary>
    /// <param name="qq">The bot's QQ.</param>
    /// <returns>The event.</returns>
    public static BotOfflineEventActive BotOfflineActive(long qq) => new() { QQ = qq };

    /// <summary>The bot's network dropped.</summary>
    /// <param name="qq">The bot's QQ.</param>
    /// <returns>The event.</returns>
    public static BotOfflineEventDropped BotOfflineDropped(long qq) => new() { QQ = qq };

    /// <summary>The bot logged in again by itself after a drop.</summary>
    /// <param name="qq">The bot's QQ.</param>
    /// <returns>The event.</returns>
    public static BotReloginEvent BotRelogin(long qq) => new() { QQ = qq };

    /// <summary>Gets a new message id.</summary>
    /// <returns>The id.</returns>
    internal static int NextMessageId() => Interlocked.Increment(ref s_nextMessageId);

    private static long NextEventId() => Interlocked.Increment(ref s_nextEventId);

    private static MessageChain Received(MessageChain chain, int? messageId)
    {
        ArgumentNullException.ThrowIfNull(chain);
        return chain.Count > 0 && chain[0] is SourceElement
            ? chain
            : new MessageChain(chain.Prepend(new SourceElement { Id = messageId ?? NextMessageId(), Time = Time }));
    }
}
