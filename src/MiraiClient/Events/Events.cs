using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MiraiClient;

/// <summary>The base of every event pushed by the server.</summary>
/// <remarks>Events are immutable. An event type this version of the SDK does not know arrives as
/// <see cref="UnknownEvent"/> with its JSON kept. Fields added after mirai-api-http 2.0 are optional; a
/// non-nullable string or list the server leaves out, or sends as null, reads as empty, never null.</remarks>
public abstract record MiraiEvent
{
    private protected MiraiEvent()
    {
    }

    /// <summary>Gets the wire type name (the <c>type</c> field).</summary>
    [JsonIgnore]
    public abstract string Type { get; }
}

/// <summary>An event of a type this version of the SDK does not model, kept as received.</summary>
public sealed record UnknownEvent : MiraiEvent
{
    internal UnknownEvent(string type, JsonElement json)
    {
        TypeName = type;
        Json = json;
    }

    /// <inheritdoc/>
    public override string Type => TypeName;

    /// <summary>Gets the event's JSON object, including its <c>type</c>.</summary>
    public JsonElement Json { get; }

    private string TypeName { get; }
}

// ---- Message packets (9) ----

/// <summary>The base of the message packets: something was said in a chat.</summary>
public abstract record MessageEvent : MiraiEvent
{
    private protected MessageEvent()
    {
    }

    /// <summary>Gets the message. A received chain starts with a <see cref="SourceElement"/>.</summary>
    public required MessageChain MessageChain { get; init; }
}

/// <summary>A message from a friend.</summary>
public sealed record FriendMessage : MessageEvent
{
    /// <inheritdoc/>
    public override string Type => "FriendMessage";

    /// <summary>Gets the friend who sent it.</summary>
    public required Friend Sender { get; init; }
}

/// <summary>A message in a group.</summary>
public sealed record GroupMessage : MessageEvent
{
    /// <inheritdoc/>
    public override string Type => "GroupMessage";

    /// <summary>Gets the member who sent it; the group is <c>Sender.Group</c>.</summary>
    public required Member Sender { get; init; }
}

/// <summary>A message in a temporary chat started through a group.</summary>
public sealed record TempMessage : MessageEvent
{
    /// <inheritdoc/>
    public override string Type => "TempMessage";

    /// <summary>Gets the member who sent it.</summary>
    public required Member Sender { get; init; }
}

/// <summary>A message from a stranger.</summary>
public sealed record StrangerMessage : MessageEvent
{
    /// <inheritdoc/>
    public override string Type => "StrangerMessage";

    /// <summary>Gets the stranger who sent it.</summary>
    public required Friend Sender { get; init; }
}

/// <summary>A message from another device logged in to the bot's account.</summary>
public sealed record OtherClientMessage : MessageEvent
{
    /// <inheritdoc/>
    public override string Type => "OtherClientMessage";

    /// <summary>Gets the device that sent it.</summary>
    public required OtherClient Sender { get; init; }
}

/// <summary>A message the bot's account sent to a friend from another device (2.5+).</summary>
public sealed record FriendSyncMessage : MessageEvent
{
    /// <inheritdoc/>
    public override string Type => "FriendSyncMessage";

    /// <summary>Gets the friend it was sent to.</summary>
    public required Friend Subject { get; init; }
}

/// <summary>A message the bot's account sent to a group from another device (2.5+).</summary>
public sealed record GroupSyncMessage : MessageEvent
{
    /// <inheritdoc/>
    public override string Type => "GroupSyncMessage";

    /// <summary>Gets the group it was sent to.</summary>
    public required Group Subject { get; init; }
}

/// <summary>A message the bot's account sent in a temporary chat from another device (2.5+).</summary>
public sealed record TempSyncMessage : MessageEvent
{
    /// <inheritdoc/>
    public override string Type => "TempSyncMessage";

    /// <summary>Gets the member it was sent to.</summary>
    public required Member Subject { get; init; }
}

/// <summary>A message the bot's account sent to a stranger from another device (2.5+).</summary>
public sealed record StrangerSyncMessage : MessageEvent
{
    /// <inheritdoc/>
    public override string Type => "StrangerSyncMessage";

    /// <summary>Gets the stranger it was sent to.</summary>
    public required Friend Subject { get; init; }
}

// ---- Bot events (5) ----

/// <summary>The base of the bot's own account events.</summary>
public abstract record BotEvent : MiraiEvent
{
    private protected BotEvent()
    {
    }

    /// <summary>Gets the bot's QQ number.</summary>
    [JsonPropertyName("qq")]
    public required long QQ { get; init; }
}

/// <summary>The bot logged in.</summary>
public sealed record BotOnlineEvent : BotEvent
{
    /// <inheritdoc/>
    public override string Type => "BotOnlineEvent";
}

/// <summary>The bot logged out on purpose.</summary>
public sealed record BotOfflineEventActive : BotEvent
{
    /// <inheritdoc/>
    public override string Type => "BotOfflineEventActive";
}

/// <summary>The bot was forced offline, usually by a login elsewhere.</summary>
public sealed record BotOfflineEventForce : BotEvent
{
    /// <inheritdoc/>
    public override string Type => "BotOfflineEventForce";

    /// <summary>Gets the notice title, when the server sends one.</summary>
    public string? Title { get; init; }

    /// <summary>Gets the notice text, when the server sends one.</summary>
    public string? Message { get; init; }
}

/// <summary>The bot lost its connection to the QQ servers.</summary>
public sealed record BotOfflineEventDropped : BotEvent
{
    /// <inheritdoc/>
    public override string Type => "BotOfflineEventDropped";
}

/// <summary>The bot logged in again.</summary>
public sealed record BotReloginEvent : BotEvent
{
    /// <inheritdoc/>
    public override string Type => "BotReloginEvent";
}

// ---- Friend events (5) ----

/// <summary>A friend started or stopped typing.</summary>
public sealed record FriendInputStatusChangedEvent : MiraiEvent
{
    /// <inheritdoc/>
    public override string Type => "FriendInputStatusChangedEvent";

    /// <summary>Gets the friend.</summary>
    public required Friend Friend { get; init; }

    /// <summary>Gets whether the friend is typing.</summary>
    public bool Inputting { get; init; }
}

/// <summary>A friend changed their nickname.</summary>
public sealed record FriendNickChangedEvent : MiraiEvent
{
    /// <inheritdoc/>
    public override string Type => "FriendNickChangedEvent";

    /// <summary>Gets the friend.</summary>
    public required Friend Friend { get; init; }

    /// <summary>Gets the old nickname.</summary>
    public string From { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the new nickname.</summary>
    public string To { get; init => field = value ?? ""; } = "";
}

/// <summary>A friend was added (2.10+).</summary>
public sealed record FriendAddEvent : MiraiEvent
{
    /// <inheritdoc/>
    public override string Type => "FriendAddEvent";

    /// <summary>Gets the new friend.</summary>
    public required Friend Friend { get; init; }

    /// <summary>Gets whether an existing stranger became the friend.</summary>
    public bool Stranger { get; init; }
}

/// <summary>A friend was deleted (2.10+).</summary>
public sealed record FriendDeleteEvent : MiraiEvent
{
    /// <inheritdoc/>
    public override string Type => "FriendDeleteEvent";

    /// <summary>Gets the former friend.</summary>
    public required Friend Friend { get; init; }
}

/// <summary>A friend message was recalled.</summary>
public sealed record FriendRecallEvent : MiraiEvent
{
    /// <inheritdoc/>
    public override string Type => "FriendRecallEvent";

    /// <summary>Gets who wrote the message.</summary>
    public long AuthorId { get; init; }

    /// <summary>Gets the recalled message's id.</summary>
    public required int MessageId { get; init; }

    /// <summary>Gets when it was sent, in Unix seconds.</summary>
    public long Time { get; init; }

    /// <summary>Gets who recalled it (the friend or the bot).</summary>
    public long Operator { get; init; }
}

// ---- Group events (23) ----

/// <summary>The bot's role in a group changed.</summary>
public sealed record BotGroupPermissionChangeEvent : MiraiEvent
{
    /// <inheritdoc/>
    public override string Type => "BotGroupPermissionChangeEvent";

    /// <summary>Gets the old role.</summary>
    public GroupPermission Origin { get; init; }

    /// <summary>Gets the new role.</summary>
    public GroupPermission Current { get; init; }

    /// <summary>Gets the group.</summary>
    public required Group Group { get; init; }
}

/// <summary>The bot was muted in a group.</summary>
public sealed record BotMuteEvent : MiraiEvent
{
    /// <inheritdoc/>
    public override string Type => "BotMuteEvent";

    /// <summary>Gets the mute duration in seconds.</summary>
    public int DurationSeconds { get; init; }

    /// <summary>Gets who muted the bot; the group is <c>Operator.Group</c>.</summary>
    public required Member Operator { get; init; }
}

/// <summary>The bot was unmuted in a group.</summary>
public sealed record BotUnmuteEvent : MiraiEvent
{
    /// <inheritdoc/>
    public override string Type => "BotUnmuteEvent";

    /// <summary>Gets who unmuted the bot.</summary>
    public required Member Operator { get; init; }
}

/// <summary>The bot joined a group.</summary>
public sealed record BotJoinGroupEvent : MiraiEvent
{
    /// <inheritdoc/>
    public override string Type => "BotJoinGroupEvent";

    /// <summary>Gets the group.</summary>
    public required Group Group { get; init; }

    /// <summary>Gets who invited the bot, if anyone (2.3+).</summary>
    public Member? Invitor { get; init; }
}

/// <summary>The bot left a group on purpose.</summary>
public sealed record BotLeaveEventActive : MiraiEvent
{
    /// <inheritdoc/>
    public override string Type => "BotLeaveEventActive";

    /// <summary>Gets the group.</summary>
    public required Group Group { get; init; }
}

/// <summary>The bot was removed from a group.</summary>
public sealed record BotLeaveEventKick : MiraiEvent
{
    /// <inheritdoc/>
    public override string Type => "BotLeaveEventKick";

    /// <summary>Gets the group.</summary>
    public required Group Group { get; init; }

    /// <summary>Gets who removed the bot (2.3+).</summary>
    public Member? Operator { get; init; }
}

/// <summary>The bot left a group because it was disbanded (2.6+).</summary>
public sealed record BotLeaveEventDisband : MiraiEvent
{
    /// <inheritdoc/>
    public override string Type => "BotLeaveEventDisband";

    /// <summary>Gets the group.</summary>
    public required Group Group { get; init; }

    /// <summary>Gets who disbanded it (the owner).</summary>
    public Member? Operator { get; init; }
}

/// <summary>A group message was recalled.</summary>
public sealed record GroupRecallEvent : MiraiEvent
{
    /// <inheritdoc/>
    public override string Type => "GroupRecallEvent";

    /// <summary>Gets who wrote the message.</summary>
    public long AuthorId { get; init; }

    /// <summary>Gets the recalled message's id.</summary>
    public required int MessageId { get; init; }

    /// <summary>Gets when it was sent, in Unix seconds.</summary>
    public long Time { get; init; }

    /// <summary>Gets the group.</summary>
    public required Group Group { get; init; }

    /// <summary>Gets who recalled it, or <see langword="null"/> when the bot did.</summary>
    public Member? Operator { get; init; }
}

/// <summary>Someone nudged someone (in a group or a friend chat).</summary>
public sealed record NudgeEvent : MiraiEvent
{
    /// <inheritdoc/>
    public override string Type => "NudgeEvent";

    /// <summary>Gets who nudged.</summary>
    public long FromId { get; init; }

    /// <summary>Gets who was nudged.</summary>
    public long Target { get; init; }

    /// <summary>Gets where it happened.</summary>
    public required NudgeSubject Subject { get; init; }

    /// <summary>Gets the action text, for example <c>戳了戳</c>.</summary>
    public string Action { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the suffix text.</summary>
    public string Suffix { get; init => field = value ?? ""; } = "";
}

/// <summary>The base of group setting changes with an operator.</summary>
/// <typeparam name="T">The setting's type.</typeparam>
public abstract record GroupSettingChangeEvent<T> : MiraiEvent
{
    private protected GroupSettingChangeEvent()
    {
    }

    /// <summary>Gets the old value.</summary>
    public T? Origin { get; init; }

    /// <summary>Gets the new value.</summary>
    public T? Current { get; init; }

    /// <summary>Gets the group.</summary>
    public required Group Group { get; init; }
}

/// <summary>A group was renamed.</summary>
public sealed record GroupNameChangeEvent : GroupSettingChangeEvent<string>
{
    /// <inheritdoc/>
    public override string Type => "GroupNameChangeEvent";

    /// <summary>Gets who did it, or <see langword="null"/> when the bot did.</summary>
    public Member? Operator { get; init; }
}

/// <summary>Muting everyone was turned on or off.</summary>
public sealed record GroupMuteAllEvent : GroupSettingChangeEvent<bool>
{
    /// <inheritdoc/>
    public override string Type => "GroupMuteAllEvent";

    /// <summary>Gets who did it, or <see langword="null"/> when the bot did.</summary>
    public Member? Operator { get; init; }
}

/// <summary>Anonymous chat was turned on or off.</summary>
public sealed record GroupAllowAnonymousChatEvent : GroupSettingChangeEvent<bool>
{
    /// <inheritdoc/>
    public override string Type => "GroupAllowAnonymousChatEvent";

    /// <summary>Gets who did it, or <see langword="null"/> when the bot did.</summary>
    public Member? Operator { get; init; }
}

/// <summary>Confess talk was turned on or off.</summary>
public sealed record GroupAllowConfessTalkEvent : GroupSettingChangeEvent<bool>
{
    /// <inheritdoc/>
    public override string Type => "GroupAllowConfessTalkEvent";

    /// <summary>Gets whether the bot did it.</summary>
    public bool IsByBot { get; init; }
}

/// <summary>Member invitations were allowed or forbidden.</summary>
public sealed record GroupAllowMemberInviteEvent : GroupSettingChangeEvent<bool>
{
    /// <inheritdoc/>
    public override string Type => "GroupAllowMemberInviteEvent";

    /// <summary>Gets who did it, or <see langword="null"/> when the bot did.</summary>
    public Member? Operator { get; init; }
}

/// <summary>Someone joined a group.</summary>
public sealed record MemberJoinEvent : MiraiEvent
{
    /// <inheritdoc/>
    public override string Type => "MemberJoinEvent";

    /// <summary>Gets the new member.</summary>
    public required Member Member { get; init; }

    /// <summary>Gets who invited them, if anyone (2.3+).</summary>
    public Member? Invitor { get; init; }
}

/// <summary>A member was removed from a group.</summary>
public sealed record MemberLeaveEventKick : MiraiEvent
{
    /// <inheritdoc/>
    public override string Type => "MemberLeaveEventKick";

    /// <summary>Gets the removed member.</summary>
    public required Member Member { get; init; }

    /// <summary>Gets who removed them, or <see langword="null"/> when the bot did.</summary>
    public Member? Operator { get; init; }
}

/// <summary>A member left a group.</summary>
public sealed record MemberLeaveEventQuit : MiraiEvent
{
    /// <inheritdoc/>
    public override string Type => "MemberLeaveEventQuit";

    /// <summary>Gets the member who left.</summary>
    public required Member Member { get; init; }
}

/// <summary>The base of member setting changes.</summary>
/// <typeparam name="T">The setting's type.</typeparam>
public abstract record MemberSettingChangeEvent<T> : MiraiEvent
{
    private protected MemberSettingChangeEvent()
    {
    }

    /// <summary>Gets the old value.</summary>
    public T? Origin { get; init; }

    /// <summary>Gets the new value.</summary>
    public T? Current { get; init; }

    /// <summary>Gets the member.</summary>
    public required Member Member { get; init; }
}

/// <summary>A member's group card changed.</summary>
public sealed record MemberCardChangeEvent : MemberSettingChangeEvent<string>
{
    /// <inheritdoc/>
    public override string Type => "MemberCardChangeEvent";
}

/// <summary>A member's special title changed.</summary>
public sealed record MemberSpecialTitleChangeEvent : MemberSettingChangeEvent<string>
{
    /// <inheritdoc/>
    public override string Type => "MemberSpecialTitleChangeEvent";
}

/// <summary>A member's role changed.</summary>
public sealed record MemberPermissionChangeEvent : MemberSettingChangeEvent<GroupPermission>
{
    /// <inheritdoc/>
    public override string Type => "MemberPermissionChangeEvent";
}

/// <summary>A member was muted.</summary>
public sealed record MemberMuteEvent : MiraiEvent
{
    /// <inheritdoc/>
    public override string Type => "MemberMuteEvent";

    /// <summary>Gets the mute duration in seconds.</summary>
    public int DurationSeconds { get; init; }

    /// <summary>Gets the muted member.</summary>
    public required Member Member { get; init; }

    /// <summary>Gets who muted them, or <see langword="null"/> when the bot did.</summary>
    public Member? Operator { get; init; }
}

/// <summary>A member was unmuted.</summary>
public sealed record MemberUnmuteEvent : MiraiEvent
{
    /// <inheritdoc/>
    public override string Type => "MemberUnmuteEvent";

    /// <summary>Gets the unmuted member.</summary>
    public required Member Member { get; init; }

    /// <summary>Gets who unmuted them, or <see langword="null"/> when the bot did.</summary>
    public Member? Operator { get; init; }
}

/// <summary>A member gained or lost an honour.</summary>
public sealed record MemberHonorChangeEvent : MiraiEvent
{
    /// <inheritdoc/>
    public override string Type => "MemberHonorChangeEvent";

    /// <summary>Gets the member.</summary>
    public required Member Member { get; init; }

    /// <summary>Gets <c>achieve</c> or <c>lose</c>.</summary>
    public string Action { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the honour's name, for example <c>龙王</c>.</summary>
    public string Honor { get; init => field = value ?? ""; } = "";
}

// ---- Request events (3) ----

/// <summary>The base of the events that ask the bot to decide something.</summary>
public abstract record RequestEvent : MiraiEvent
{
    private protected RequestEvent()
    {
    }

    /// <summary>Gets the event id to answer with.</summary>
    public required long EventId { get; init; }

    /// <summary>Gets the message that came with the request.</summary>
    public string Message { get; init => field = value ?? ""; } = "";

    /// <summary>Gets who asked.</summary>
    public long FromId { get; init; }

    /// <summary>Gets the group involved, or 0.</summary>
    public long GroupId { get; init; }

    /// <summary>Gets the asker's nickname.</summary>
    public string Nick { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the commands that answer requests on <paramref name="connection"/>, which must be the one the event arrived on.</summary>
    /// <param name="connection">The connection.</param>
    /// <returns>Its request commands.</returns>
    private protected static MiraiRequestCommands Requests(IMiraiConnection connection) =>
        (connection ?? throw new ArgumentNullException(nameof(connection))).Requests;
}

/// <summary>Someone asked to become the bot's friend; answer with <see cref="AcceptAsync"/> or
/// <see cref="RejectAsync(IMiraiConnection, string, bool, CancellationToken)"/>.</summary>
public sealed record NewFriendRequestEvent : RequestEvent
{
    /// <inheritdoc/>
    public override string Type => "NewFriendRequestEvent";

    /// <summary>Accepts the request.</summary>
    /// <param name="connection">The connection the event arrived on.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public Task AcceptAsync(IMiraiConnection connection, CancellationToken cancellationToken = default) =>
        Requests(connection).AnswerFriendRequestAsync(this, FriendRequestDecision.Accept, "", cancellationToken);

    /// <summary>Rejects the request.</summary>
    /// <param name="connection">The connection the event arrived on.</param>
    /// <param name="blacklist">Whether to also block the asker.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The 0.1.0 signature stays; the overload with a message was added beside it and needs the message, so no call binds differently.")]
    public Task RejectAsync(IMiraiConnection connection, bool blacklist = false, CancellationToken cancellationToken = default) =>
        RejectAsync(connection, "", blacklist, cancellationToken);

    /// <summary>Rejects the request with a message, which the protocol carries in the answer's <c>message</c>
    /// field (mirai-api-http 2.x accepts it but does not show it to the asker).</summary>
    /// <param name="connection">The connection the event arrived on.</param>
    /// <param name="message">The message for the asker.</param>
    /// <param name="blacklist">Whether to also block the asker.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "See the 0.1.0 overload.")]
    public Task RejectAsync(IMiraiConnection connection, string message, bool blacklist = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Requests(connection).AnswerFriendRequestAsync(this, blacklist ? FriendRequestDecision.RejectAndBlacklist : FriendRequestDecision.Reject, message, cancellationToken);
    }
}

/// <summary>Someone asked to join a group the bot administers; answer with <see cref="AcceptAsync"/> or <see cref="RejectAsync"/>.</summary>
public sealed record MemberJoinRequestEvent : RequestEvent
{
    /// <inheritdoc/>
    public override string Type => "MemberJoinRequestEvent";

    /// <summary>Gets the group's name.</summary>
    public string GroupName { get; init => field = value ?? ""; } = "";

    /// <summary>Gets who invited the asker, if anyone (2.7+).</summary>
    public long? InvitorId { get; init; }

    /// <summary>Accepts the request.</summary>
    /// <param name="connection">The connection the event arrived on.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public Task AcceptAsync(IMiraiConnection connection, CancellationToken cancellationToken = default) =>
        Requests(connection).AnswerJoinRequestAsync(this, JoinRequestDecision.Accept, "", cancellationToken);

    /// <summary>Rejects the request.</summary>
    /// <param name="connection">The connection the event arrived on.</param>
    /// <param name="reason">The reason shown to the asker.</param>
    /// <param name="blacklist">Whether to also block the asker.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public Task RejectAsync(IMiraiConnection connection, string reason = "", bool blacklist = false, CancellationToken cancellationToken = default) =>
        Requests(connection).AnswerJoinRequestAsync(this, blacklist ? JoinRequestDecision.RejectAndBlacklist : JoinRequestDecision.Reject, reason, cancellationToken);
}

/// <summary>Someone invited the bot into a group; answer with <see cref="AcceptAsync"/> or <see cref="RejectAsync"/>.</summary>
public sealed record BotInvitedJoinGroupRequestEvent : RequestEvent
{
    /// <inheritdoc/>
    public override string Type => "BotInvitedJoinGroupRequestEvent";

    /// <summary>Gets the group's name.</summary>
    public string GroupName { get; init => field = value ?? ""; } = "";

    /// <summary>Accepts the invitation.</summary>
    /// <param name="connection">The connection the event arrived on.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public Task AcceptAsync(IMiraiConnection connection, CancellationToken cancellationToken = default) =>
        Requests(connection).AnswerInvitationAsync(this, accept: true, cancellationToken);

    /// <summary>Declines the invitation.</summary>
    /// <param name="connection">The connection the event arrived on.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public Task RejectAsync(IMiraiConnection connection, CancellationToken cancellationToken = default) =>
        Requests(connection).AnswerInvitationAsync(this, accept: false, cancellationToken);
}

// ---- Other-client events (2) ----

/// <summary>Another device logged in to the bot's account.</summary>
public sealed record OtherClientOnlineEvent : MiraiEvent
{
    /// <inheritdoc/>
    public override string Type => "OtherClientOnlineEvent";

    /// <summary>Gets the device.</summary>
    public required OtherClient Client { get; init; }
}

/// <summary>Another device logged out of the bot's account.</summary>
public sealed record OtherClientOfflineEvent : MiraiEvent
{
    /// <inheritdoc/>
    public override string Type => "OtherClientOfflineEvent";

    /// <summary>Gets the device.</summary>
    public required OtherClient Client { get; init; }
}

// ---- Command events (1) ----

/// <summary>A console command registered with <c>cmd_register</c> was run.</summary>
public sealed record CommandExecutedEvent : MiraiEvent
{
    /// <inheritdoc/>
    public override string Type => "CommandExecutedEvent";

    /// <summary>Gets the command's name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the friend who ran it, if a friend did.</summary>
    public Friend? Friend { get; init; }

    /// <summary>Gets the member who ran it, if a member did (both null: the console).</summary>
    public Member? Member { get; init; }

    /// <summary>Gets the arguments.</summary>
    public MessageChain Args { get; init => field = value ?? MessageChain.Empty; } = MessageChain.Empty;
}
