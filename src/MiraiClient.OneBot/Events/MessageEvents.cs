using System.Text.Json.Serialization;
using MiraiClient.OneBot.Internal;

namespace MiraiClient.OneBot;

/// <summary>The base of message events: something was said (<c>post_type</c> <c>message</c>), or the
/// bot's own account said something (<c>message_sent</c>, when the implementation reports self messages).</summary>
/// <remarks>Fields past the v11 standard (<see cref="TargetId"/>, <see cref="MessageSeq"/>,
/// <see cref="RealId"/>, <see cref="RealSeq"/>, <see cref="MessageFormat"/>) are implementation
/// extensions and null when not sent; only <see cref="MessageId"/> is portable.</remarks>
public abstract record OneBotMessageEvent : OneBotEvent
{
    private protected OneBotMessageEvent()
    {
    }

    /// <summary>Gets the wire <c>message_type</c>: <c>private</c> or <c>group</c>.</summary>
    [JsonIgnore]
    public abstract string MessageType { get; }

    /// <summary>Gets the wire <c>sub_type</c>.</summary>
    public string SubType { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the message id: an opaque 32-bit value in practice, negative on some
    /// implementations; use it only with this implementation, and expect old ids to stop resolving.</summary>
    public long MessageId { get; init; }

    /// <summary>Gets the sender's QQ number (the bot's own for <c>message_sent</c>).</summary>
    public long UserId { get; init; }

    /// <summary>Gets the message; received in either array or CQ-string form.</summary>
    public OneBotMessage Message { get; init => field = value ?? OneBotMessage.Empty; } = OneBotMessage.Empty;

    /// <summary>Gets the message as a CQ string, as the implementation wrote it.</summary>
    public string RawMessage { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the font number (meaningless on current QQ).</summary>
    public int Font { get; init; }

    /// <summary>Gets the sender as the implementation knows it; any field may be missing or stale.</summary>
    public OneBotSender Sender { get; init => field = value ?? OneBotSender.Empty; } = OneBotSender.Empty;

    /// <summary>Gets the peer: for <c>message_sent</c> the friend or group it went to; on some
    /// implementations the receiving account for private messages.</summary>
    public long? TargetId { get; init; }

    /// <summary>Gets <c>message_seq</c> (NapCat: equal to the message id; go-cqhttp: a sequence).</summary>
    public long? MessageSeq { get; init; }

    /// <summary>Gets <c>real_id</c> (NapCat, LLBot).</summary>
    public long? RealId { get; init; }

    /// <summary>Gets <c>real_seq</c>, the QQ sequence NapCat sends as a string (numbers are read too).</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? RealSeq { get; init; }

    /// <summary>Gets <c>message_format</c> (<c>array</c> or <c>string</c>), when the implementation reports it.</summary>
    public string? MessageFormat { get; init; }

    /// <summary>Gets <c>message_sent_type</c> (<c>self</c>) of a <c>message_sent</c> event.</summary>
    public string? MessageSentType { get; init; }

    /// <summary>Gets whether the bot's own account sent the message (<c>post_type</c> <c>message_sent</c>):
    /// filter these out of command handling or a bot answers itself.</summary>
    [JsonIgnore]
    public bool IsSelfSent => PostType == "message_sent";
}

/// <summary>A private message: from a friend, a temporary chat started in a group, or someone else.</summary>
public sealed record PrivateMessageEvent : OneBotMessageEvent
{
    /// <inheritdoc/>
    public override string MessageType => "private";

    /// <summary>Gets the kind, from <see cref="OneBotMessageEvent.SubType"/>.</summary>
    [JsonIgnore]
    public PrivateMessageKind Kind => SubType switch
    {
        "friend" => PrivateMessageKind.Friend,
        "group" => PrivateMessageKind.GroupTemp,
        "other" => PrivateMessageKind.Other,
        _ => PrivateMessageKind.Unknown,
    };

    /// <summary>Gets the group a temporary chat came through, when the implementation sends it
    /// (NapCat sends the placeholder 284840486 when it cannot resolve the group).</summary>
    public long? GroupId { get; init; }

    /// <summary>Gets <c>temp_source</c> of a temporary chat (NapCat, LLBot, go-cqhttp).</summary>
    public int? TempSource { get; init; }
}

/// <summary>A group message: normal, anonymous, or a system tip.</summary>
public sealed record GroupMessageEvent : OneBotMessageEvent
{
    /// <inheritdoc/>
    public override string MessageType => "group";

    /// <summary>Gets the kind, from <see cref="OneBotMessageEvent.SubType"/>.</summary>
    [JsonIgnore]
    public GroupMessageKind Kind => SubType switch
    {
        "normal" => GroupMessageKind.Normal,
        "anonymous" => GroupMessageKind.Anonymous,
        "notice" => GroupMessageKind.Notice,
        _ => GroupMessageKind.Unknown,
    };

    /// <summary>Gets the group number.</summary>
    public long GroupId { get; init; }

    /// <summary>Gets the anonymous identity of an anonymous message, else <see langword="null"/>.</summary>
    public OneBotAnonymous? Anonymous { get; init; }

    /// <summary>Gets the group's name, when the implementation sends it (NapCat, LLBot).</summary>
    public string? GroupName { get; init; }
}

/// <summary>What a private message is, from its <c>sub_type</c>.</summary>
public enum PrivateMessageKind
{
    /// <summary>A sub-type this SDK does not know; see <see cref="OneBotMessageEvent.SubType"/>.</summary>
    Unknown,

    /// <summary><c>friend</c> (NapCat also uses it for strangers).</summary>
    Friend,

    /// <summary><c>group</c>: a temporary chat started from a group.</summary>
    GroupTemp,

    /// <summary><c>other</c>.</summary>
    Other,
}

/// <summary>What a group message is, from its <c>sub_type</c>.</summary>
public enum GroupMessageKind
{
    /// <summary>A sub-type this SDK does not know; see <see cref="OneBotMessageEvent.SubType"/>.</summary>
    Unknown,

    /// <summary><c>normal</c>.</summary>
    Normal,

    /// <summary><c>anonymous</c> (no longer produced on NTQQ).</summary>
    Anonymous,

    /// <summary><c>notice</c>: a system tip.</summary>
    Notice,
}

/// <summary>A member's role in a group.</summary>
public enum OneBotRole
{
    /// <summary>Not sent, or a value this SDK does not know.</summary>
    Unknown,

    /// <summary><c>member</c>.</summary>
    Member,

    /// <summary><c>admin</c>.</summary>
    Admin,

    /// <summary><c>owner</c>.</summary>
    Owner,
}

/// <summary>The sender of a message, best effort: implementations fill different subsets.</summary>
public sealed record OneBotSender
{
    internal static OneBotSender Empty { get; } = new();

    /// <summary>Gets the QQ number (0 when the implementation leaves it out; use the event's user id).</summary>
    public long UserId { get; init; }

    /// <summary>Gets the nickname.</summary>
    public string Nickname { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the group card (group messages; empty when none).</summary>
    public string? Card { get; init; }

    /// <summary>Gets <c>male</c>, <c>female</c> or <c>unknown</c>, when sent.</summary>
    public string? Sex { get; init; }

    /// <summary>Gets the age, when sent.</summary>
    public int? Age { get; init; }

    /// <summary>Gets the area, when sent.</summary>
    public string? Area { get; init; }

    /// <summary>Gets the member level, when sent (a string; numbers are read too).</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? Level { get; init; }

    /// <summary>Gets the wire role (<c>owner</c>, <c>admin</c>, <c>member</c>), when sent.</summary>
    public string? Role { get; init; }

    /// <summary>Gets the special title, when sent.</summary>
    public string? Title { get; init; }

    /// <summary>Gets <see cref="Role"/> as a value.</summary>
    [JsonIgnore]
    public OneBotRole GroupRole => RoleParser.Parse(Role);
}

/// <summary>The anonymous identity behind an anonymous group message.</summary>
public sealed record OneBotAnonymous
{
    /// <summary>Gets the anonymous user's id.</summary>
    public long Id { get; init; }

    /// <summary>Gets the anonymous name.</summary>
    public string Name { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the flag to pass to <c>set_group_anonymous_ban</c>.</summary>
    public string Flag { get; init => field = value ?? ""; } = "";
}
