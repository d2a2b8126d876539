using System.Text.Json.Serialization;
using MiraiClient.OneBot.Internal;

namespace MiraiClient.OneBot;

/// <summary>Which kind of chat a message goes to.</summary>
public enum OneBotChatType
{
    /// <summary>A private chat (<c>private</c>).</summary>
    Private,

    /// <summary>A group (<c>group</c>).</summary>
    Group,
}

/// <summary>A message fetched by id (<c>get_msg</c>).</summary>
public sealed record MessageDetail
{
    /// <summary>Gets the send time in Unix seconds.</summary>
    public long Time { get; init; }

    /// <summary>Gets <c>private</c> or <c>group</c>.</summary>
    public string MessageType { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the message id.</summary>
    public long MessageId { get; init; }

    /// <summary>Gets <c>real_id</c>, when sent.</summary>
    public long? RealId { get; init; }

    /// <summary>Gets the sender.</summary>
    public OneBotSender Sender { get; init => field = value ?? OneBotSender.Empty; } = OneBotSender.Empty;

    /// <summary>Gets the message.</summary>
    public OneBotMessage Message { get; init => field = value ?? OneBotMessage.Empty; } = OneBotMessage.Empty;

    /// <summary>Gets the sender's QQ number, when the implementation sends it beside <see cref="Sender"/>.</summary>
    public long? UserId { get; init; }

    /// <summary>Gets the group, for group messages on implementations that send it.</summary>
    public long? GroupId { get; init; }

    /// <summary>Gets the CQ form, when sent.</summary>
    public string? RawMessage { get; init; }
}

/// <summary>One message inside a merged forward (<c>get_forward_msg</c>), whichever of the three result
/// shapes the implementation used (spec node segments, go-cqhttp <c>messages</c>, NapCat message objects).</summary>
public sealed record ForwardedMessage
{
    /// <summary>Gets the sender's QQ number (0 when not given).</summary>
    public long UserId { get; init; }

    /// <summary>Gets the sender's name.</summary>
    public string Nickname { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the send time in Unix seconds, when given.</summary>
    public long? Time { get; init; }

    /// <summary>Gets the content.</summary>
    public OneBotMessage Content { get; init => field = value ?? OneBotMessage.Empty; } = OneBotMessage.Empty;
}

/// <summary>The result of sending a merged forward.</summary>
public sealed record ForwardMessageReceipt
{
    /// <summary>Gets the message id.</summary>
    public long MessageId { get; init; }

    /// <summary>Gets the forward id (<c>forward_id</c>, or NapCat's <c>res_id</c>), when sent.</summary>
    public string? ForwardId { get; init; }
}

/// <summary>The logged-in account (<c>get_login_info</c>).</summary>
public sealed record LoginInfo
{
    /// <summary>Gets the QQ number.</summary>
    public long UserId { get; init; }

    /// <summary>Gets the nickname.</summary>
    public string Nickname { get; init => field = value ?? ""; } = "";
}

/// <summary>A user's public profile (<c>get_stranger_info</c>).</summary>
public sealed record StrangerInfo
{
    /// <summary>Gets the QQ number.</summary>
    public long UserId { get; init; }

    /// <summary>Gets the nickname.</summary>
    public string Nickname { get; init => field = value ?? ""; } = "";

    /// <summary>Gets <c>male</c>, <c>female</c> or <c>unknown</c>.</summary>
    public string Sex { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the age.</summary>
    public int Age { get; init; }
}

/// <summary>A friend (<c>get_friend_list</c>).</summary>
public sealed record FriendInfo
{
    /// <summary>Gets the QQ number.</summary>
    public long UserId { get; init; }

    /// <summary>Gets the nickname.</summary>
    public string Nickname { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the remark (empty when none).</summary>
    public string Remark { get; init => field = value ?? ""; } = "";
}

/// <summary>A group (<c>get_group_info</c>, <c>get_group_list</c>).</summary>
public sealed record GroupInfo
{
    /// <summary>Gets the group number.</summary>
    public long GroupId { get; init; }

    /// <summary>Gets the name.</summary>
    public string GroupName { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the member count.</summary>
    public int MemberCount { get; init; }

    /// <summary>Gets the capacity.</summary>
    public int MaxMemberCount { get; init; }
}

/// <summary>A group member (<c>get_group_member_info</c>, <c>get_group_member_list</c>; list entries may lack area and title).</summary>
public sealed record GroupMemberInfo
{
    /// <summary>Gets the group.</summary>
    public long GroupId { get; init; }

    /// <summary>Gets the QQ number.</summary>
    public long UserId { get; init; }

    /// <summary>Gets the nickname.</summary>
    public string Nickname { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the group card (empty when none).</summary>
    public string Card { get; init => field = value ?? ""; } = "";

    /// <summary>Gets <c>male</c>, <c>female</c> or <c>unknown</c>.</summary>
    public string Sex { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the age.</summary>
    public int Age { get; init; }

    /// <summary>Gets the area.</summary>
    public string Area { get; init => field = value ?? ""; } = "";

    /// <summary>Gets when the member joined, in Unix seconds.</summary>
    public long JoinTime { get; init; }

    /// <summary>Gets when the member last spoke, in Unix seconds.</summary>
    public long LastSentTime { get; init; }

    /// <summary>Gets the member level (a string; numbers are read too).</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string Level { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the wire role: <c>owner</c>, <c>admin</c> or <c>member</c>.</summary>
    public string Role { get; init => field = value ?? ""; } = "";

    /// <summary>Gets <see cref="Role"/> as a value.</summary>
    [JsonIgnore]
    public OneBotRole GroupRole => RoleParser.Parse(Role);

    /// <summary>Gets whether the member has a bad record.</summary>
    public bool Unfriendly { get; init; }

    /// <summary>Gets the special title.</summary>
    public string Title { get; init => field = value ?? ""; } = "";

    /// <summary>Gets when the special title expires, in Unix seconds (0: never).</summary>
    public long TitleExpireTime { get; init; }

    /// <summary>Gets whether the bot may change the member's card.</summary>
    public bool CardChangeable { get; init; }
}

/// <summary>A group's honours (<c>get_group_honor_info</c>); lists not asked for are empty.</summary>
public sealed record GroupHonorInfo
{
    /// <summary>Gets the group.</summary>
    public long GroupId { get; init; }

    /// <summary>Gets the current talkative member ("dragon king"), when asked for.</summary>
    public CurrentTalkative? CurrentTalkative { get; init; }

    /// <summary>Gets past talkative members.</summary>
    public IReadOnlyList<HonorMember> TalkativeList { get; init => field = value ?? []; } = [];

    /// <summary>Gets the performers.</summary>
    public IReadOnlyList<HonorMember> PerformerList { get; init => field = value ?? []; } = [];

    /// <summary>Gets the legends.</summary>
    public IReadOnlyList<HonorMember> LegendList { get; init => field = value ?? []; } = [];

    /// <summary>Gets the strong newbies.</summary>
    public IReadOnlyList<HonorMember> StrongNewbieList { get; init => field = value ?? []; } = [];

    /// <summary>Gets the sources of joy.</summary>
    public IReadOnlyList<HonorMember> EmotionList { get; init => field = value ?? []; } = [];
}

/// <summary>The current talkative member of a group.</summary>
public sealed record CurrentTalkative
{
    /// <summary>Gets the QQ number.</summary>
    public long UserId { get; init; }

    /// <summary>Gets the nickname.</summary>
    public string Nickname { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the avatar address.</summary>
    public string Avatar { get; init => field = value ?? ""; } = "";

    /// <summary>Gets for how many days.</summary>
    public int DayCount { get; init; }
}

/// <summary>A member holding a group honour.</summary>
public sealed record HonorMember
{
    /// <summary>Gets the QQ number.</summary>
    public long UserId { get; init; }

    /// <summary>Gets the nickname.</summary>
    public string Nickname { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the avatar address.</summary>
    public string Avatar { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the honour's description.</summary>
    public string Description { get; init => field = value ?? ""; } = "";
}

/// <summary>Cookies and CSRF token for QQ web interfaces (<c>get_credentials</c>).</summary>
public sealed record OneBotCredentials
{
    /// <summary>Gets the cookies. They are secrets: never log them.</summary>
    public string Cookies { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the CSRF token.</summary>
    public long CsrfToken { get; init; }

    /// <inheritdoc/>
    public override string ToString() => $"OneBotCredentials {{ Cookies = ({Cookies.Length} chars), CsrfToken = (hidden) }}";
}

/// <summary>The implementation's identity (<c>get_version_info</c>).</summary>
public sealed record VersionInfo
{
    /// <summary>Gets the implementation name, for example <c>NapCat.Onebot</c>, <c>Lagrange.OneBot</c>, <c>go-cqhttp</c>.</summary>
    public string AppName { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the implementation version.</summary>
    public string AppVersion { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the OneBot version, <c>v11</c>.</summary>
    public string ProtocolVersion { get; init => field = value ?? ""; } = "";

    /// <summary>Gets go-cqhttp's full name, when sent.</summary>
    public string? AppFullName { get; init; }
}

/// <summary>An essence message (<c>get_essence_msg_list</c>).</summary>
public sealed record EssenceMessage
{
    /// <summary>Gets the author.</summary>
    public long SenderId { get; init; }

    /// <summary>Gets the author's nickname.</summary>
    public string SenderNick { get; init => field = value ?? ""; } = "";

    /// <summary>Gets when it was sent, in Unix seconds.</summary>
    public long SenderTime { get; init; }

    /// <summary>Gets who made it essence.</summary>
    public long OperatorId { get; init; }

    /// <summary>Gets their nickname.</summary>
    public string OperatorNick { get; init => field = value ?? ""; } = "";

    /// <summary>Gets when it was made essence, in Unix seconds.</summary>
    public long OperatorTime { get; init; }

    /// <summary>Gets the message id.</summary>
    public long MessageId { get; init; }

    /// <summary>Gets the content, when the implementation sends it (NapCat).</summary>
    public OneBotMessage? Content { get; init; }
}

/// <summary>Pending group requests (<c>get_group_system_msg</c>).</summary>
public sealed record GroupSystemMessages
{
    /// <summary>Gets invitations of the bot into groups.</summary>
    public IReadOnlyList<GroupInvitedRequest> InvitedRequests { get; init => field = value ?? []; } = [];

    /// <summary>Gets requests to join groups the bot administers.</summary>
    public IReadOnlyList<GroupJoinRequest> JoinRequests { get; init => field = value ?? []; } = [];
}

/// <summary>An invitation of the bot into a group.</summary>
public sealed record GroupInvitedRequest
{
    /// <summary>Gets the request id.</summary>
    public long RequestId { get; init; }

    /// <summary>Gets who invited.</summary>
    public long InvitorUin { get; init; }

    /// <summary>Gets their nickname.</summary>
    public string InvitorNick { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the group.</summary>
    public long GroupId { get; init; }

    /// <summary>Gets the group's name.</summary>
    public string GroupName { get; init => field = value ?? ""; } = "";

    /// <summary>Gets whether it was handled.</summary>
    public bool Checked { get; init; }

    /// <summary>Gets who handled it (0: nobody yet).</summary>
    public long Actor { get; init; }
}

/// <summary>A request to join a group.</summary>
public sealed record GroupJoinRequest
{
    /// <summary>Gets the request id.</summary>
    public long RequestId { get; init; }

    /// <summary>Gets who asks.</summary>
    public long RequesterUin { get; init; }

    /// <summary>Gets their nickname.</summary>
    public string RequesterNick { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the verification message.</summary>
    public string Message { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the group.</summary>
    public long GroupId { get; init; }

    /// <summary>Gets the group's name.</summary>
    public string GroupName { get; init => field = value ?? ""; } = "";

    /// <summary>Gets whether it was handled.</summary>
    public bool Checked { get; init; }

    /// <summary>Gets who handled it (0: nobody yet).</summary>
    public long Actor { get; init; }
}

/// <summary>A group announcement (<c>_get_group_notice</c>).</summary>
public sealed record GroupNotice
{
    /// <summary>Gets who published it.</summary>
    public long SenderId { get; init; }

    /// <summary>Gets when, in Unix seconds.</summary>
    public long PublishTime { get; init; }

    /// <summary>Gets the content.</summary>
    public GroupNoticeContent Message { get; init => field = value ?? new(); } = new();
}

/// <summary>The content of a group announcement.</summary>
public sealed record GroupNoticeContent
{
    /// <summary>Gets the text.</summary>
    public string Text { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the images.</summary>
    public IReadOnlyList<GroupNoticeImage> Images { get; init => field = value ?? []; } = [];
}

/// <summary>An image of a group announcement.</summary>
public sealed record GroupNoticeImage
{
    /// <summary>Gets the image id.</summary>
    public string Id { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the height (as sent).</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string Height { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the width (as sent).</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string Width { get; init => field = value ?? ""; } = "";
}

/// <summary>How many @everyone mentions are left today (<c>get_group_at_all_remain</c>).</summary>
public sealed record GroupAtAllRemain
{
    /// <summary>Gets whether the bot may mention everyone.</summary>
    public bool CanAtAll { get; init; }

    /// <summary>Gets the mentions left for all admins of the group.</summary>
    public int RemainAtAllCountForGroup { get; init; }

    /// <summary>Gets the mentions left for the bot.</summary>
    public int RemainAtAllCountForUin { get; init; }
}

/// <summary>The files and folders of a group folder.</summary>
public sealed record GroupFileList
{
    /// <summary>Gets the files.</summary>
    public IReadOnlyList<GroupFile> Files { get; init => field = value ?? []; } = [];

    /// <summary>Gets the folders.</summary>
    public IReadOnlyList<GroupFolder> Folders { get; init => field = value ?? []; } = [];
}

/// <summary>A file in a group's file system.</summary>
public sealed record GroupFile
{
    /// <summary>Gets the group.</summary>
    public long GroupId { get; init; }

    /// <summary>Gets the file id.</summary>
    public string FileId { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the file name.</summary>
    public string FileName { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the bus id.</summary>
    public int Busid { get; init; }

    /// <summary>Gets the size in bytes.</summary>
    public long FileSize { get; init; }

    /// <summary>Gets when it was uploaded, in Unix seconds.</summary>
    public long UploadTime { get; init; }

    /// <summary>Gets when it expires, in Unix seconds (0: never).</summary>
    public long DeadTime { get; init; }

    /// <summary>Gets when it last changed, in Unix seconds.</summary>
    public long ModifyTime { get; init; }

    /// <summary>Gets how often it was downloaded.</summary>
    public int DownloadTimes { get; init; }

    /// <summary>Gets the uploader.</summary>
    public long Uploader { get; init; }

    /// <summary>Gets the uploader's name.</summary>
    public string UploaderName { get; init => field = value ?? ""; } = "";
}

/// <summary>A folder in a group's file system.</summary>
public sealed record GroupFolder
{
    /// <summary>Gets the group.</summary>
    public long GroupId { get; init; }

    /// <summary>Gets the folder id.</summary>
    public string FolderId { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the folder name.</summary>
    public string FolderName { get; init => field = value ?? ""; } = "";

    /// <summary>Gets when it was created, in Unix seconds.</summary>
    public long CreateTime { get; init; }

    /// <summary>Gets the creator.</summary>
    public long Creator { get; init; }

    /// <summary>Gets the creator's name.</summary>
    public string CreatorName { get; init => field = value ?? ""; } = "";

    /// <summary>Gets how many files it holds.</summary>
    public int TotalFileCount { get; init; }
}

/// <summary>A group's file system usage (<c>get_group_file_system_info</c>).</summary>
public sealed record GroupFileSystemInfo
{
    /// <summary>Gets the number of files.</summary>
    public int FileCount { get; init; }

    /// <summary>Gets the maximum number of files.</summary>
    public int LimitCount { get; init; }

    /// <summary>Gets the bytes used.</summary>
    public long UsedSpace { get; init; }

    /// <summary>Gets the bytes available in total.</summary>
    public long TotalSpace { get; init; }
}

/// <summary>A file the implementation resolved (<c>get_file</c>; NapCat).</summary>
public sealed record OneBotFileInfo
{
    /// <summary>Gets the path on the implementation's host.</summary>
    public string? File { get; init; }

    /// <summary>Gets the download address.</summary>
    public string? Url { get; init; }

    /// <summary>Gets the size in bytes (NapCat sends a string).</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? FileSize { get; init; }

    /// <summary>Gets the file name.</summary>
    public string? FileName { get; init; }

    /// <summary>Gets the content as base64, when asked for.</summary>
    public string? Base64 { get; init; }
}
