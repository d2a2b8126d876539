using System.Globalization;

namespace MiraiClient;

/// <summary>The kind of chat a message is sent to.</summary>
public enum ConversationKind
{
    /// <summary>A private chat with a friend.</summary>
    Friend,

    /// <summary>A group chat.</summary>
    Group,

    /// <summary>A temporary private chat with a group member, started through the group.</summary>
    Temp,
}

/// <summary>Which send rate limit held a message back.</summary>
public enum SendRateLimitScope
{
    /// <summary>The limit on everything the bot account sends.</summary>
    Account,

    /// <summary>The limit on what is sent to one conversation.</summary>
    Conversation,
}

/// <summary>Where a message goes, as the send rate limiter sees it: a group, a friend, or a member
/// reached through a group. Two sends to the same conversation share its limit.</summary>
public readonly struct Conversation : IEquatable<Conversation>
{
    private Conversation(ConversationKind kind, long id, long groupId)
    {
        Kind = kind;
        Id = id;
        GroupId = groupId;
    }

    /// <summary>Gets the kind of chat.</summary>
    public ConversationKind Kind { get; }

    /// <summary>Gets the group number for a group, the friend's QQ for a friend, or the member's QQ
    /// for a temporary chat.</summary>
    public long Id { get; }

    /// <summary>Gets the group a temporary chat goes through; 0 for the other kinds.</summary>
    public long GroupId { get; }

    /// <summary>Compares two conversations.</summary>
    /// <param name="left">The first conversation.</param>
    /// <param name="right">The second conversation.</param>
    /// <returns><see langword="true"/> when both name the same chat.</returns>
    public static bool operator ==(Conversation left, Conversation right) => left.Equals(right);

    /// <summary>Compares two conversations.</summary>
    /// <param name="left">The first conversation.</param>
    /// <param name="right">The second conversation.</param>
    /// <returns><see langword="true"/> when they name different chats.</returns>
    public static bool operator !=(Conversation left, Conversation right) => !left.Equals(right);

    /// <summary>Names a private chat with a friend.</summary>
    /// <param name="qq">The friend's QQ.</param>
    /// <returns>The conversation.</returns>
    public static Conversation Friend(long qq) => new(ConversationKind.Friend, qq, 0);

    /// <summary>Names a group chat.</summary>
    /// <param name="group">The group number.</param>
    /// <returns>The conversation.</returns>
    public static Conversation Group(long group) => new(ConversationKind.Group, group, 0);

    /// <summary>Names a temporary private chat with a group member.</summary>
    /// <param name="qq">The member's QQ.</param>
    /// <param name="group">The group the chat goes through.</param>
    /// <returns>The conversation.</returns>
    public static Conversation Temp(long qq, long group) => new(ConversationKind.Temp, qq, group);

    /// <inheritdoc/>
    public bool Equals(Conversation other) => Kind == other.Kind && Id == other.Id && GroupId == other.GroupId;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Conversation other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine((int)Kind, Id, GroupId);

    /// <summary>Returns the conversation as text, for example <c>group 123456</c> or
    /// <c>temp 10001 via group 123456</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Kind switch
    {
        ConversationKind.Friend => string.Create(CultureInfo.InvariantCulture, $"friend {Id}"),
        ConversationKind.Group => string.Create(CultureInfo.InvariantCulture, $"group {Id}"),
        ConversationKind.Temp => string.Create(CultureInfo.InvariantCulture, $"temp {Id} via group {GroupId}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{Kind} {Id}"),
    };
}

/// <summary>A message was not sent because the send rate limit would have held it back longer than
/// allowed (see <see cref="SendRateLimitOptions"/>). Nothing was sent and none of the allowance was
/// used, so the message can be sent again after <see cref="RetryAfter"/>.</summary>
/// <remarks>This usually means the bot is sending far faster than a conversation needs, for example a
/// loop replying to its own messages, or many sends started at once. Sending that fast is what the
/// server's risk control flags, so the limiter refuses instead of queueing without bound.</remarks>
public sealed class MiraiRateLimitedException : MiraiException
{
    /// <summary>Initializes a new instance of the <see cref="MiraiRateLimitedException"/> class.</summary>
    /// <param name="conversation">Where the message was going.</param>
    /// <param name="scope">Which limit would have held it back.</param>
    /// <param name="retryAfter">How long it would have had to wait.</param>
    /// <param name="allowedWait">The longest it was allowed to wait.</param>
    public MiraiRateLimitedException(Conversation conversation, SendRateLimitScope scope, TimeSpan retryAfter, TimeSpan allowedWait)
        : base(Describe(conversation, scope, retryAfter, allowedWait))
    {
        Conversation = conversation;
        Scope = scope;
        RetryAfter = retryAfter;
        AllowedWait = allowedWait;
    }

    /// <summary>Gets where the message was going.</summary>
    public Conversation Conversation { get; }

    /// <summary>Gets which limit would have held the message back: the account's or the conversation's.</summary>
    public SendRateLimitScope Scope { get; }

    /// <summary>Gets how long the message would have had to wait: a send started after this much time
    /// goes out at once unless other sends took the room first.</summary>
    public TimeSpan RetryAfter { get; }

    /// <summary>Gets the longest the message was allowed to wait: the smaller of
    /// <see cref="SendRateLimitOptions.MaxWait"/> and the time left before the command's timeout.</summary>
    public TimeSpan AllowedWait { get; }

    private static string Describe(Conversation conversation, SendRateLimitScope scope, TimeSpan retryAfter, TimeSpan allowedWait) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"The message to {conversation} was not sent: the {(scope == SendRateLimitScope.Account ? "account's" : "conversation's")} send rate limit would hold it back {retryAfter.TotalSeconds:0.###} s, longer than the {allowedWait.TotalSeconds:0.###} s allowed.");
}
