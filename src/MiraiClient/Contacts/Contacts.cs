using System.Text.Json.Serialization;
using MiraiClient.Internal;

namespace MiraiClient;

/// <summary>A member's role in a group; for a <see cref="Group"/> it is the bot's own role there.</summary>
[JsonConverter(typeof(GroupPermissionConverter))]
public enum GroupPermission
{
    /// <summary>A role this version of the SDK does not know.</summary>
    Unknown,

    /// <summary>An ordinary member (<c>MEMBER</c>).</summary>
    Member,

    /// <summary>An administrator (<c>ADMINISTRATOR</c>).</summary>
    Administrator,

    /// <summary>The owner (<c>OWNER</c>).</summary>
    Owner,
}

/// <summary>A friend, or a stranger in a stranger chat.</summary>
public sealed record Friend
{
    /// <summary>Gets the QQ number.</summary>
    public required long Id { get; init; }

    /// <summary>Gets the nickname.</summary>
    public string Nickname { get; init; } = "";

    /// <summary>Gets the bot's remark for this friend.</summary>
    public string Remark { get; init; } = "";
}

/// <summary>A group.</summary>
public sealed record Group
{
    /// <summary>Gets the group number.</summary>
    public required long Id { get; init; }

    /// <summary>Gets the group name.</summary>
    public string Name { get; init; } = "";

    /// <summary>Gets the bot's role in the group.</summary>
    public GroupPermission Permission { get; init; }
}

/// <summary>A member of a group.</summary>
public sealed record Member
{
    /// <summary>Gets the member's QQ number.</summary>
    public required long Id { get; init; }

    /// <summary>Gets the group card, or the nickname when the card is empty.</summary>
    public string MemberName { get; init; } = "";

    /// <summary>Gets the special title.</summary>
    public string SpecialTitle { get; init; } = "";

    /// <summary>Gets the member's role.</summary>
    public GroupPermission Permission { get; init; }

    /// <summary>Gets when the member joined, in Unix seconds.</summary>
    public long JoinTimestamp { get; init; }

    /// <summary>Gets when the member last spoke, in Unix seconds.</summary>
    public long LastSpeakTimestamp { get; init; }

    /// <summary>Gets the seconds of mute remaining.</summary>
    public int MuteTimeRemaining { get; init; }

    /// <summary>Gets the group.</summary>
    public required Group Group { get; init; }
}
