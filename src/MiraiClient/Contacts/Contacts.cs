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
    public string Nickname { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the bot's remark for this friend.</summary>
    public string Remark { get; init => field = value ?? ""; } = "";
}

/// <summary>A group.</summary>
public sealed record Group
{
    /// <summary>Gets the group number.</summary>
    public required long Id { get; init; }

    /// <summary>Gets the group name.</summary>
    public string Name { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the bot's role in the group.</summary>
    public GroupPermission Permission { get; init; }
}

/// <summary>A member of a group.</summary>
public sealed record Member
{
    /// <summary>Gets the member's QQ number.</summary>
    public required long Id { get; init; }

    /// <summary>Gets the group card, or the nickname when the card is empty.</summary>
    public string MemberName { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the special title.</summary>
    public string SpecialTitle { get; init => field = value ?? ""; } = "";

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

    /// <summary>Gets the member's activity; only <c>memberInfo</c>/<c>get</c> fills it (2.10+).</summary>
    public MemberActive? Active { get; init; }
}

/// <summary>A member's activity in a group; filled only by <c>memberInfo</c>/<c>get</c>.</summary>
public sealed record MemberActive
{
    /// <summary>Gets the activity rank (1–6).</summary>
    public int Rank { get; init; }

    /// <summary>Gets the activity points.</summary>
    public int Point { get; init; }

    /// <summary>Gets the honour names.</summary>
    public IReadOnlyList<string> Honors { get; init => field = value ?? []; } = [];

    /// <summary>Gets the temperature (1–100).</summary>
    public int Temperature { get; init; }
}

/// <summary>Another device logged in to the bot's account.</summary>
public sealed record OtherClient
{
    /// <summary>Gets the client id.</summary>
    public required long Id { get; init; }

    /// <summary>Gets the platform name, for example <c>WINDOWS</c> or <c>MOBILE</c>.</summary>
    public string Platform { get; init => field = value ?? ""; } = "";
}

/// <summary>Where a nudge happened: a friend, stranger or group, told apart by <see cref="Kind"/>.</summary>
public sealed record NudgeSubject
{
    /// <summary>Gets the kind: <c>Friend</c>, <c>Group</c> or <c>Stranger</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>Gets the friend, stranger or group number.</summary>
    public required long Id { get; init; }

    /// <summary>Gets the nickname, for a friend or stranger (newer servers only).</summary>
    public string? Nickname { get; init; }

    /// <summary>Gets the remark, for a friend or stranger (newer servers only).</summary>
    public string? Remark { get; init; }

    /// <summary>Gets the group name, for a group (newer servers only).</summary>
    public string? Name { get; init; }

    /// <summary>Gets the bot's role, for a group (newer servers only).</summary>
    public GroupPermission? Permission { get; init; }
}

/// <summary>A QQ user's public profile.</summary>
public sealed record Profile
{
    /// <summary>Gets the nickname.</summary>
    public string Nickname { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the e-mail address.</summary>
    public string Email { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the age.</summary>
    public int Age { get; init; }

    /// <summary>Gets the QQ level.</summary>
    public int Level { get; init; }

    /// <summary>Gets the signature.</summary>
    public string Sign { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the sex: <c>UNKNOWN</c>, <c>MALE</c> or <c>FEMALE</c>.</summary>
    public string Sex { get; init => field = value ?? "UNKNOWN"; } = "UNKNOWN";
}

/// <summary>A group's settings.</summary>
public sealed record GroupConfig
{
    /// <summary>Gets the group name.</summary>
    public string Name { get; init => field = value ?? ""; } = "";

    /// <summary>Gets whether confess talk is on (the 2.10 server always says false).</summary>
    public bool ConfessTalk { get; init; }

    /// <summary>Gets whether members may invite others.</summary>
    public bool AllowMemberInvite { get; init; }

    /// <summary>Gets whether join requests are approved automatically.</summary>
    public bool AutoApprove { get; init; }

    /// <summary>Gets whether anonymous chat is on.</summary>
    public bool AnonymousChat { get; init; }

    /// <summary>Gets whether everyone is muted.</summary>
    public bool MuteAll { get; init; }
}

/// <summary>Changes to a group's settings; unset properties are left alone. The 2.10 server applies
/// only <see cref="Name"/> and <see cref="AllowMemberInvite"/>.</summary>
public sealed record GroupConfigUpdate
{
    /// <summary>Gets the new group name.</summary>
    public string? Name { get; init; }

    /// <summary>Gets whether confess talk should be on.</summary>
    public bool? ConfessTalk { get; init; }

    /// <summary>Gets whether members may invite others.</summary>
    public bool? AllowMemberInvite { get; init; }

    /// <summary>Gets whether join requests are approved automatically.</summary>
    public bool? AutoApprove { get; init; }

    /// <summary>Gets whether anonymous chat should be on.</summary>
    public bool? AnonymousChat { get; init; }

    /// <summary>Gets whether everyone should be muted.</summary>
    public bool? MuteAll { get; init; }
}

/// <summary>Changes to a member's settings; unset properties are left alone.</summary>
public sealed record MemberInfoUpdate
{
    /// <summary>Gets the new group card.</summary>
    public string? Name { get; init; }

    /// <summary>Gets the new special title.</summary>
    public string? SpecialTitle { get; init; }
}

/// <summary>A file or folder in a group's file space.</summary>
public sealed record RemoteFile
{
    /// <summary>Gets the name.</summary>
    public string Name { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the id (used by the file commands).</summary>
    public string? Id { get; init; }

    /// <summary>Gets the path.</summary>
    public string Path { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the parent folder, if any.</summary>
    public RemoteFile? Parent { get; init; }

    /// <summary>Gets the group it belongs to.</summary>
    public Group? Contact { get; init; }

    /// <summary>Gets whether this is a file.</summary>
    public bool IsFile { get; init; }

    /// <summary>Gets whether this is a folder.</summary>
    public bool IsDirectory { get; init; }

    /// <summary>mirai-api-http 2.0.x spells <c>isDirectory</c> as <c>isDictionary</c>; either sets <see cref="IsDirectory"/>.
    /// Never written.</summary>
    [JsonInclude]
    [JsonPropertyName("isDictionary")]
    internal bool? IsDictionary
    {
        get => null;
        init => IsDirectory |= value == true;
    }

    /// <summary>Gets the size in bytes.</summary>
    public long Size { get; init; }

    /// <summary>Gets the SHA-1 (files only, 2.5.2+).</summary>
    public string? Sha1 { get; init; }

    /// <summary>Gets the MD5 (files only, 2.5.2+).</summary>
    public string? Md5 { get; init; }

    /// <summary>Gets who uploaded it (files only, 2.5.2+).</summary>
    public long? UploaderId { get; init; }

    /// <summary>Gets when it was uploaded, in Unix seconds (files only, 2.5.2+).</summary>
    public long? UploadTime { get; init; }

    /// <summary>Gets when it was last changed, in Unix seconds (files only, 2.5.2+).</summary>
    public long? LastModifyTime { get; init; }

    /// <summary>Gets the download information, when asked for.</summary>
    public DownloadInfo? DownloadInfo { get; init; }
}

/// <summary>How to download a group file.</summary>
public sealed record DownloadInfo
{
    /// <summary>Gets the SHA-1.</summary>
    public string? Sha1 { get; init; }

    /// <summary>Gets the MD5.</summary>
    public string? Md5 { get; init; }

    /// <summary>Gets the download count (the 2.10 server always says 0).</summary>
    public int DownloadTimes { get; init; }

    /// <summary>Gets who uploaded it.</summary>
    public long UploaderId { get; init; }

    /// <summary>Gets when it was uploaded, in Unix seconds.</summary>
    public long UploadTime { get; init; }

    /// <summary>Gets when it was last changed, in Unix seconds.</summary>
    public long LastModifyTime { get; init; }

    /// <summary>Gets the download address.</summary>
    public string? Url { get; init; }
}

/// <summary>A group announcement.</summary>
public sealed record Announcement
{
    /// <summary>Gets the group.</summary>
    public Group? Group { get; init; }

    /// <summary>Gets the text.</summary>
    public string Content { get; init => field = value ?? ""; } = "";

    /// <summary>Gets who published it.</summary>
    public long SenderId { get; init; }

    /// <summary>Gets the announcement id (used to delete it).</summary>
    public string Fid { get; init => field = value ?? ""; } = "";

    /// <summary>Gets whether every member has confirmed it.</summary>
    public bool AllConfirmed { get; init; }

    /// <summary>Gets how many members have confirmed it.</summary>
    public int ConfirmedMembersCount { get; init; }

    /// <summary>Gets when it was published, in Unix seconds.</summary>
    public long PublicationTime { get; init; }
}

/// <summary>What the server says about this connection's session.</summary>
/// <remarks><see cref="ToString"/> does not print the session key.</remarks>
public sealed record SessionInfo
{
    /// <summary>Gets the session key. A secret: never log it.</summary>
    public required string SessionKey { get; init; }

    /// <summary>Gets the bot's own account.</summary>
    [JsonPropertyName("qq")]
    public required Friend QQ { get; init; }

    /// <inheritdoc/>
    public override string ToString() => $"SessionInfo {{ QQ = {QQ}, SessionKey = *** }}";
}

/// <summary>What an HTTP image upload returned.</summary>
public sealed record ImageUploadResult
{
    /// <summary>Gets the image id to send in an <see cref="ImageElement"/>.</summary>
    public required string ImageId { get; init; }

    /// <summary>Gets the image's address, when the server gives one.</summary>
    public string? Url { get; init; }
}

/// <summary>What an HTTP voice upload returned.</summary>
public sealed record VoiceUploadResult
{
    /// <summary>Gets the voice id to send in a <see cref="VoiceElement"/>.</summary>
    public required string VoiceId { get; init; }
}

/// <summary>What an HTTP short-video upload returned.</summary>
public sealed record ShortVideoUploadResult
{
    /// <summary>Gets the video id to send in a <see cref="ShortVideoElement"/>.</summary>
    public required string VideoId { get; init; }
}
