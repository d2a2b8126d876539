using System.Text.Json.Serialization;

namespace MiraiClient.Internal;

// Request contents and reply shapes. Nulls are left out, except for keys the server treats as
// mandatory even when null (a nullable key without a default); those carry JsonIgnoreCondition.Never.

internal sealed record SendMessageContent(long Target, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? Quote, MessageChain MessageChain);

internal sealed record SendTempMessageContent(long Qq, long Group, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? Quote, MessageChain MessageChain);

internal sealed record SendImageContent(long? Target, long? Qq, long? Group, IReadOnlyList<string> Urls);

internal sealed record RecallContent(long Target, int MessageId);

internal sealed record SendNudgeContent(long Target, long Subject, string Kind);

internal sealed record TargetContent(long Target);

internal sealed record MessageIdContent(long Target, int MessageId);

internal sealed record MemberContent(long Target, long MemberId);

internal sealed record LatestMemberListContent(long Target, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] IReadOnlyList<long>? MemberIds);

internal sealed record RoamingMessagesContent(
    long TimeStart,
    long TimeEnd,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] long? Target,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] long? Qq,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] long? Group);

internal sealed record MuteContent(long Target, long MemberId, int Time);

internal sealed record KickContent(long Target, long MemberId, bool Block, string Msg);

internal sealed record GroupConfigUpdateContent(long Target, GroupConfigUpdate Config);

internal sealed record MemberInfoUpdateContent(long Target, long MemberId, MemberInfoUpdate Info);

internal sealed record MemberAdminContent(long Target, long MemberId, bool Assign);

internal sealed record FileListContent(string Id, string? Path, long Target, bool WithDownloadInfo, int Offset, int? Size);

internal sealed record FileInfoContent(string Id, string? Path, long Target, bool WithDownloadInfo);

internal sealed record FileMkdirContent(string Id, string? Path, long Target, string DirectoryName);

internal sealed record FileContent(string Id, string? Path, long Target);

internal sealed record FileMoveContent(string Id, string? Path, long Target, string? MoveTo, string? MoveToPath);

internal sealed record FileRenameContent(string Id, string? Path, long Target, string RenameTo);

internal sealed record AnnouncementListContent(long Id, int Offset, int? Size);

internal sealed record AnnouncementPublishContent(
    long Target,
    string Content,
    bool SendToNewMember,
    bool Pinned,
    bool ShowEditCard,
    bool ShowPopup,
    bool RequireConfirmation,
    string? ImageUrl,
    string? ImagePath,
    string? ImageBase64);

internal sealed record AnnouncementDeleteContent(long Id, string Fid);

internal sealed record RequestAnswerContent(long EventId, long FromId, long GroupId, int Operate, string Message);

internal sealed record CommandExecuteContent(MessageChain Command);

internal sealed record CommandRegisterContent(string Name, IReadOnlyList<string> Alias, string? Usage, string? Description);

internal sealed record EmptyContent;

/// <summary>Shape M: <c>{"code":0,"msg":"success","messageId":123}</c>.</summary>
internal sealed record SendMessageReply
{
    public int? Code { get; init; }

    public string? Msg { get; init; }

    public int MessageId { get; init; }
}
