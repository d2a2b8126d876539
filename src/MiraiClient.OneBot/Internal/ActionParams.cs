using System.Text.Json;

namespace MiraiClient.OneBot.Internal;

// Action parameters. Property order is wire order; null properties are left out (DefaultIgnoreCondition),
// so an optional parameter the caller does not give is never sent.

internal sealed record NoParams;

internal sealed record UserIdParams(long UserId);

internal sealed record GroupIdParams(long GroupId);

internal sealed record MessageIdParams(long MessageId);

internal sealed record NoCacheParams(bool? NoCache);

internal sealed record SendPrivateMessageParams(long UserId, OneBotMessage Message, bool? AutoEscape = null, long? GroupId = null) : IPacedSend
{
    // GroupId is set only for a temporary chat: the group the session comes from (go-cqhttp, NapCat).
    Conversation IPacedSend.Conversation => GroupId is { } group ? Conversation.Temp(UserId, group) : Conversation.Friend(UserId);
}

internal sealed record SendGroupMessageParams(long GroupId, OneBotMessage Message, bool? AutoEscape = null) : IPacedSend
{
    Conversation IPacedSend.Conversation => Conversation.Group(GroupId);
}

internal sealed record SendMessageParams(string? MessageType, long? UserId, long? GroupId, OneBotMessage Message, bool? AutoEscape = null) : IPacedSend
{
    Conversation IPacedSend.Conversation => IPacedSend.Of(MessageType, UserId, GroupId);
}

internal sealed record ForwardIdParams(string Id, string? MessageId);

internal sealed record SendGroupForwardParams(long GroupId, OneBotMessage Messages) : IPacedSend
{
    Conversation IPacedSend.Conversation => Conversation.Group(GroupId);
}

internal sealed record SendPrivateForwardParams(long UserId, OneBotMessage Messages) : IPacedSend
{
    Conversation IPacedSend.Conversation => Conversation.Friend(UserId);
}

internal sealed record SendForwardParams(string MessageType, long? UserId, long? GroupId, OneBotMessage Messages) : IPacedSend
{
    Conversation IPacedSend.Conversation => IPacedSend.Of(MessageType, UserId, GroupId);
}

internal sealed record GroupHistoryParams(long GroupId, string? MessageSeq, int? Count, bool? ReverseOrder);

internal sealed record FriendHistoryParams(long UserId, string? MessageSeq, int? Count, bool? ReverseOrder);

internal sealed record EmojiLikeParams(long MessageId, string EmojiId, bool Set);

internal sealed record FileParams(string File);

internal sealed record GetRecordParams(string File, string OutFormat);

internal sealed record SendLikeParams(long UserId, int Times);

internal sealed record SetGroupKickParams(long GroupId, long UserId, bool RejectAddRequest);

internal sealed record SetGroupBanParams(long GroupId, long UserId, long Duration);

internal sealed record SetGroupAnonymousBanParams(long GroupId, string AnonymousFlag, long Duration);

internal sealed record GroupEnableParams(long GroupId, bool Enable);

internal sealed record SetGroupAdminParams(long GroupId, long UserId, bool Enable);

internal sealed record SetGroupCardParams(long GroupId, long UserId, string Card);

internal sealed record SetGroupNameParams(long GroupId, string GroupName);

internal sealed record SetGroupLeaveParams(long GroupId, bool IsDismiss);

internal sealed record SetGroupSpecialTitleParams(long GroupId, long UserId, string SpecialTitle, long Duration);

internal sealed record SetFriendAddRequestParams(string Flag, bool Approve, string? Remark);

internal sealed record SetGroupAddRequestParams(string Flag, string SubType, bool Approve, string? Reason);

internal sealed record StrangerInfoParams(long UserId, bool NoCache);

internal sealed record GroupInfoParams(long GroupId, bool NoCache);

internal sealed record GroupMemberInfoParams(long GroupId, long UserId, bool NoCache);

internal sealed record GroupMemberListParams(long GroupId, bool? NoCache);

internal sealed record GroupHonorInfoParams(long GroupId, string Type);

internal sealed record GroupNoticeParams(long GroupId, string Content, string? Image);

internal sealed record GroupPortraitParams(long GroupId, string File);

internal sealed record GroupPokeParams(long GroupId, long UserId);

internal sealed record SendPokeParams(long UserId, long? GroupId);

internal sealed record InputStatusParams(long UserId, int EventType);

internal sealed record ProfileLikeParams(long? UserId, int? Start, int? Count);

internal sealed record CountParams(int? Count);

internal sealed record UploadGroupFileParams(long GroupId, string File, string Name, string? Folder);

internal sealed record UploadPrivateFileParams(long UserId, string File, string Name);

internal sealed record GroupFileUrlParams(long GroupId, string FileId, int? Busid);

internal sealed record GroupFolderParams(long GroupId, string FolderId);

internal sealed record CreateGroupFolderParams(long GroupId, string Name, string? ParentId);

internal sealed record DeleteGroupFileParams(long GroupId, string FileId, int? Busid);

internal sealed record DownloadFileParams(string Url, string? Name, IReadOnlyList<string>? Headers, int? ThreadCount);

internal sealed record GetFileParams(string FileId);

internal sealed record DomainParams(string? Domain);

internal sealed record SetRestartParams(long? Delay);

internal sealed record QuickOperationParams(JsonElement Context, JsonElement Operation);

internal sealed record ImageParams(string Image);

internal sealed record QqProfileParams(string Nickname, string? PersonalNote);

internal sealed record OnlineStatusParams(int Status, int ExtStatus, int BatteryStatus);

// Small result wrappers read by the serializer and unwrapped by the reply shapes.

internal sealed class FileResult
{
    public string? File { get; init; }
}

internal sealed class UrlResult
{
    public string? Url { get; init; }
}

internal sealed class CookiesResult
{
    public string? Cookies { get; init; }
}

internal sealed class TokenResult
{
    public long Token { get; init; }
}

internal sealed class YesResult
{
    public bool Yes { get; init; }
}

internal sealed class FileIdResult
{
    public string? FileId { get; init; }
}

internal sealed class ForwardReceiptWire
{
    public long MessageId { get; init; }

    public string? ForwardId { get; init; }

    public string? ResId { get; init; }
}

internal sealed class OnlineClientsWire
{
    public List<OneBotDevice>? Clients { get; init; }
}

/// <summary>The parameters of an action that delivers a message to a conversation: such actions are paced
/// (<see cref="SendRateLimitOptions"/>); no other action is.</summary>
internal interface IPacedSend
{
    /// <summary>Gets the conversation the message goes to.</summary>
    Conversation Conversation { get; }

    /// <summary>The conversation of a <c>send_msg</c>-style call: a group, a temporary chat through a group, or a friend.</summary>
    static Conversation Of(string? messageType, long? userId, long? groupId) =>
        messageType == "group" || (messageType is null && userId is null) ? Conversation.Group(groupId ?? 0)
        : groupId is { } group ? Conversation.Temp(userId ?? 0, group)
        : Conversation.Friend(userId ?? 0);
}
