using System.Text.Json;
using System.Text.Json.Serialization;
using MiraiClient.OneBot.Internal;

namespace MiraiClient.OneBot;

/// <summary>The base of notices (<c>post_type</c> <c>notice</c>): something changed.</summary>
public abstract record OneBotNoticeEvent : OneBotEvent
{
    private protected OneBotNoticeEvent()
    {
    }

    /// <summary>Gets the wire <c>notice_type</c>.</summary>
    public string NoticeType { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the wire <c>sub_type</c>, or empty when the notice has none.</summary>
    public string SubType { get; init => field = value ?? ""; } = "";
}

/// <summary>A file was uploaded to a group (<c>group_upload</c>).</summary>
public sealed record GroupUploadNotice : OneBotNoticeEvent
{
    /// <summary>Gets the group.</summary>
    public long GroupId { get; init; }

    /// <summary>Gets the uploader.</summary>
    public long UserId { get; init; }

    /// <summary>Gets the file.</summary>
    public OneBotUploadedFile File { get; init => field = value ?? new(); } = new();
}

/// <summary>A file uploaded to a group.</summary>
public sealed record OneBotUploadedFile
{
    /// <summary>Gets the file id.</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string Id { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the file name.</summary>
    public string Name { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the size in bytes.</summary>
    public long Size { get; init; }

    /// <summary>Gets the bus id, needed by some file actions.</summary>
    public long Busid { get; init; }

    /// <summary>Gets the download address (go-cqhttp).</summary>
    public string? Url { get; init; }
}

/// <summary>A member became or stopped being an admin (<c>group_admin</c>, <c>set</c>/<c>unset</c>).</summary>
public sealed record GroupAdminNotice : OneBotNoticeEvent
{
    /// <summary>Gets the group.</summary>
    public long GroupId { get; init; }

    /// <summary>Gets the member.</summary>
    public long UserId { get; init; }

    /// <summary>Gets whether the member became an admin (<c>set</c>).</summary>
    [JsonIgnore]
    public bool IsSet => SubType == "set";
}

/// <summary>A member left a group (<c>group_decrease</c>: <c>leave</c>, <c>kick</c>, <c>kick_me</c>,
/// or NapCat's <c>disband</c> when the group was dissolved).</summary>
public sealed record GroupDecreaseNotice : OneBotNoticeEvent
{
    /// <summary>Gets the group.</summary>
    public long GroupId { get; init; }

    /// <summary>Gets who acted (equal to <see cref="UserId"/> for <c>leave</c>).</summary>
    public long OperatorId { get; init; }

    /// <summary>Gets the member who left (the bot for <c>kick_me</c>).</summary>
    public long UserId { get; init; }
}

/// <summary>A member joined a group (<c>group_increase</c>: <c>approve</c>, <c>invite</c>).</summary>
public sealed record GroupIncreaseNotice : OneBotNoticeEvent
{
    /// <summary>Gets the group.</summary>
    public long GroupId { get; init; }

    /// <summary>Gets who approved or invited.</summary>
    public long OperatorId { get; init; }

    /// <summary>Gets the new member.</summary>
    public long UserId { get; init; }
}

/// <summary>A member was muted or unmuted (<c>group_ban</c>: <c>ban</c>, <c>lift_ban</c>). NapCat reports a
/// whole-group mute with user 0 (and duration -1 for <c>ban</c>).</summary>
public sealed record GroupBanNotice : OneBotNoticeEvent
{
    /// <summary>Gets the group.</summary>
    public long GroupId { get; init; }

    /// <summary>Gets who acted.</summary>
    public long OperatorId { get; init; }

    /// <summary>Gets the member, or 0 for the whole group.</summary>
    public long UserId { get; init; }

    /// <summary>Gets the mute duration in seconds (0 when lifted).</summary>
    public long Duration { get; init; }

    /// <summary>Gets whether this mutes or unmutes the whole group.</summary>
    [JsonIgnore]
    public bool IsWholeGroup => UserId == 0;

    /// <summary>Gets whether the mute was lifted (<c>lift_ban</c>).</summary>
    [JsonIgnore]
    public bool IsLifted => SubType == "lift_ban";
}

/// <summary>A new friend was added (<c>friend_add</c>).</summary>
public sealed record FriendAddNotice : OneBotNoticeEvent
{
    /// <summary>Gets the new friend.</summary>
    public long UserId { get; init; }
}

/// <summary>A group message was recalled (<c>group_recall</c>).</summary>
public sealed record GroupRecallNotice : OneBotNoticeEvent
{
    /// <summary>Gets the group.</summary>
    public long GroupId { get; init; }

    /// <summary>Gets the message's author.</summary>
    public long UserId { get; init; }

    /// <summary>Gets who recalled it.</summary>
    public long OperatorId { get; init; }

    /// <summary>Gets the recalled message's id.</summary>
    public long MessageId { get; init; }

    /// <summary>Gets the recall tip text (Lagrange).</summary>
    public string? Tip { get; init; }
}

/// <summary>A private message was recalled (<c>friend_recall</c>).</summary>
public sealed record FriendRecallNotice : OneBotNoticeEvent
{
    /// <summary>Gets the friend.</summary>
    public long UserId { get; init; }

    /// <summary>Gets the recalled message's id.</summary>
    public long MessageId { get; init; }
}

/// <summary>Someone was poked (<c>notify</c>/<c>poke</c>), in a group or (without a group) privately.</summary>
public sealed record PokeNotice : OneBotNoticeEvent
{
    /// <summary>Gets the group, or <see langword="null"/> (or 0) for a private poke.</summary>
    public long? GroupId { get; init; }

    /// <summary>Gets who poked.</summary>
    public long UserId { get; init; }

    /// <summary>Gets who was poked.</summary>
    public long TargetId { get; init; }

    /// <summary>Gets the sender of a private poke (go-cqhttp, NapCat).</summary>
    public long? SenderId { get; init; }

    /// <summary>Gets NapCat's grey-tip items describing the poke.</summary>
    public JsonElement? RawInfo { get; init; }

    /// <summary>Gets the action text (Lagrange).</summary>
    public string? Action { get; init; }

    /// <summary>Gets the suffix text (Lagrange).</summary>
    public string? Suffix { get; init; }

    /// <summary>Gets the action image address (Lagrange).</summary>
    [JsonPropertyName("action_img_url")]
    public string? ActionImageUrl { get; init; }

    /// <summary>Gets whether the poke happened in a group.</summary>
    [JsonIgnore]
    public bool IsGroup => GroupId is not (null or 0);
}

/// <summary>A red packet's lucky king was decided (<c>notify</c>/<c>lucky_king</c>).</summary>
public sealed record LuckyKingNotice : OneBotNoticeEvent
{
    /// <summary>Gets the group.</summary>
    public long GroupId { get; init; }

    /// <summary>Gets the red packet's sender.</summary>
    public long UserId { get; init; }

    /// <summary>Gets the lucky king.</summary>
    public long TargetId { get; init; }
}

/// <summary>A member's group honour changed (<c>notify</c>/<c>honor</c>).</summary>
public sealed record HonorNotice : OneBotNoticeEvent
{
    /// <summary>Gets the group.</summary>
    public long GroupId { get; init; }

    /// <summary>Gets the honour: <c>talkative</c>, <c>performer</c> or <c>emotion</c>.</summary>
    public string HonorType { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the member.</summary>
    public long UserId { get; init; }
}

/// <summary>A member's special title changed (<c>notify</c>/<c>title</c>; go-cqhttp, NapCat).</summary>
public sealed record TitleNotice : OneBotNoticeEvent
{
    /// <summary>Gets the group.</summary>
    public long GroupId { get; init; }

    /// <summary>Gets the member.</summary>
    public long UserId { get; init; }

    /// <summary>Gets the new title.</summary>
    public string Title { get; init => field = value ?? ""; } = "";
}

/// <summary>A group was renamed (<c>notify</c>/<c>group_name</c>; NapCat).</summary>
public sealed record GroupNameNotice : OneBotNoticeEvent
{
    /// <summary>Gets the group.</summary>
    public long GroupId { get; init; }

    /// <summary>Gets who renamed it.</summary>
    public long UserId { get; init; }

    /// <summary>Gets the new name (<c>name_new</c>).</summary>
    [JsonPropertyName("name_new")]
    public string NewName { get; init => field = value ?? ""; } = "";
}

/// <summary>A friend started or stopped typing (<c>notify</c>/<c>input_status</c>; NapCat).</summary>
public sealed record InputStatusNotice : OneBotNoticeEvent
{
    /// <summary>Gets the friend.</summary>
    public long UserId { get; init; }

    /// <summary>Gets the group (0 in private chats).</summary>
    public long GroupId { get; init; }

    /// <summary>Gets NapCat's status code.</summary>
    public int EventType { get; init; }

    /// <summary>Gets the status text, for example "对方正在输入...".</summary>
    public string StatusText { get; init => field = value ?? ""; } = "";
}

/// <summary>Someone liked the bot's profile (<c>notify</c>/<c>profile_like</c>; NapCat).</summary>
public sealed record ProfileLikeNotice : OneBotNoticeEvent
{
    /// <summary>Gets who liked it.</summary>
    public long OperatorId { get; init; }

    /// <summary>Gets their nickname.</summary>
    public string OperatorNick { get; init => field = value ?? ""; } = "";

    /// <summary>Gets how many likes.</summary>
    public int Times { get; init; }
}

/// <summary>A grey tip NapCat does not recognize (<c>notify</c>/<c>gray_tip</c>); may be a forged tip.</summary>
public sealed record GrayTipNotice : OneBotNoticeEvent
{
    /// <summary>Gets the group.</summary>
    public long GroupId { get; init; }

    /// <summary>Gets the real sender of the tip.</summary>
    public long UserId { get; init; }

    /// <summary>Gets the message id (recallable).</summary>
    public long MessageId { get; init; }

    /// <summary>Gets the business id.</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? BusiId { get; init; }

    /// <summary>Gets the tip content (JSON text).</summary>
    public string? Content { get; init; }

    /// <summary>Gets the raw tip information.</summary>
    public JsonElement? RawInfo { get; init; }
}

/// <summary>A member's group card changed (<c>group_card</c>; go-cqhttp, NapCat). Empty means no card.</summary>
public sealed record GroupCardNotice : OneBotNoticeEvent
{
    /// <summary>Gets the group.</summary>
    public long GroupId { get; init; }

    /// <summary>Gets the member.</summary>
    public long UserId { get; init; }

    /// <summary>Gets the new card (<c>card_new</c>).</summary>
    [JsonPropertyName("card_new")]
    public string NewCard { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the old card (<c>card_old</c>).</summary>
    [JsonPropertyName("card_old")]
    public string OldCard { get; init => field = value ?? ""; } = "";
}

/// <summary>A message became or stopped being an essence message (<c>essence</c>: <c>add</c>, <c>delete</c>).</summary>
public sealed record EssenceNotice : OneBotNoticeEvent
{
    /// <summary>Gets the group.</summary>
    public long GroupId { get; init; }

    /// <summary>Gets the message's author.</summary>
    public long SenderId { get; init; }

    /// <summary>Gets who acted.</summary>
    public long OperatorId { get; init; }

    /// <summary>Gets the message id.</summary>
    public long MessageId { get; init; }
}

/// <summary>Emoji reactions on a group message changed (<c>group_msg_emoji_like</c>; NapCat, LLBot).</summary>
public sealed record GroupMessageEmojiLikeNotice : OneBotNoticeEvent
{
    /// <summary>Gets the group.</summary>
    public long GroupId { get; init; }

    /// <summary>Gets who reacted.</summary>
    public long UserId { get; init; }

    /// <summary>Gets the message id.</summary>
    public long MessageId { get; init; }

    /// <summary>Gets the reactions.</summary>
    public IReadOnlyList<OneBotEmojiLike> Likes { get; init => field = value ?? []; } = [];

    /// <summary>Gets whether the reaction was added (<see langword="null"/> when not sent).</summary>
    public bool? IsAdd { get; init; }
}

/// <summary>One reaction on a message.</summary>
public sealed record OneBotEmojiLike
{
    /// <summary>Gets the emoji id.</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string EmojiId { get; init => field = value ?? ""; } = "";

    /// <summary>Gets how many reacted with it.</summary>
    public int Count { get; init; }
}

/// <summary>Lagrange's emoji reaction notice (<c>reaction</c>: <c>add</c>, <c>remove</c>).</summary>
public sealed record ReactionNotice : OneBotNoticeEvent
{
    /// <summary>Gets the group.</summary>
    public long GroupId { get; init; }

    /// <summary>Gets the message id.</summary>
    public long MessageId { get; init; }

    /// <summary>Gets who reacted.</summary>
    public long OperatorId { get; init; }

    /// <summary>Gets the emoji code.</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string Code { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the reaction count.</summary>
    public int Count { get; init; }
}

/// <summary>The account was kicked offline while the socket stays up (<c>bot_offline</c>; NapCat, Lagrange).</summary>
public sealed record BotOfflineNotice : OneBotNoticeEvent
{
    /// <summary>Gets the account (NapCat).</summary>
    public long UserId { get; init; }

    /// <summary>Gets the notice tag.</summary>
    public string Tag { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the reason text.</summary>
    public string Message { get; init => field = value ?? ""; } = "";
}

/// <summary>An offline file arrived (<c>offline_file</c>; go-cqhttp).</summary>
public sealed record OfflineFileNotice : OneBotNoticeEvent
{
    /// <summary>Gets the sender.</summary>
    public long UserId { get; init; }

    /// <summary>Gets the file.</summary>
    public OneBotOfflineFile File { get; init => field = value ?? new(); } = new();
}

/// <summary>A file sent offline.</summary>
public sealed record OneBotOfflineFile
{
    /// <summary>Gets the file name.</summary>
    public string Name { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the size in bytes.</summary>
    public long Size { get; init; }

    /// <summary>Gets the download address.</summary>
    public string? Url { get; init; }
}

/// <summary>Another client of the account went online or offline (<c>client_status</c>; go-cqhttp).</summary>
public sealed record ClientStatusNotice : OneBotNoticeEvent
{
    /// <summary>Gets the client.</summary>
    public OneBotDevice Client { get; init => field = value ?? new(); } = new();

    /// <summary>Gets whether it is online.</summary>
    public bool Online { get; init; }
}

/// <summary>A device logged in to the bot's account.</summary>
public sealed record OneBotDevice
{
    /// <summary>Gets the client id.</summary>
    public long AppId { get; init; }

    /// <summary>Gets the device name.</summary>
    public string DeviceName { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the device kind.</summary>
    public string DeviceKind { get; init => field = value ?? ""; } = "";
}

/// <summary>A group was dissolved (<c>group_dismiss</c>; LLBot's form of NapCat's <c>group_decrease</c>/<c>disband</c>).</summary>
public sealed record GroupDismissNotice : OneBotNoticeEvent
{
    /// <summary>Gets the group.</summary>
    public long GroupId { get; init; }

    /// <summary>Gets who dissolved it.</summary>
    public long UserId { get; init; }
}

/// <summary>QQ flash-transfer progress (<c>flash_file</c>: <c>uploading</c>, <c>uploaded</c>,
/// <c>downloading</c>, <c>downloaded</c>; LLBot).</summary>
public sealed record FlashFileNotice : OneBotNoticeEvent
{
    /// <summary>Gets the transfer's title.</summary>
    public string Title { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the share link.</summary>
    public string ShareLink { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the file set id.</summary>
    public string FileSetId { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the files.</summary>
    public IReadOnlyList<OneBotFlashFile> Files { get; init => field = value ?? []; } = [];

    /// <summary>Gets the bytes downloaded so far (<c>downloading</c>).</summary>
    public long? DownloadedSize { get; init; }

    /// <summary>Gets the bytes uploaded so far (<c>uploading</c>).</summary>
    public long? UploadedSize { get; init; }

    /// <summary>Gets the total bytes (in progress).</summary>
    public long? TotalSize { get; init; }

    /// <summary>Gets the speed (in progress).</summary>
    public double? Speed { get; init; }

    /// <summary>Gets the estimated seconds left (in progress).</summary>
    public double? RemainSeconds { get; init; }
}

/// <summary>A file of a flash transfer.</summary>
public sealed record OneBotFlashFile
{
    /// <summary>Gets the file name.</summary>
    public string Name { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the size in bytes.</summary>
    public long Size { get; init; }

    /// <summary>Gets the local path, when known.</summary>
    public string? Path { get; init; }
}

/// <summary>An online file transfer changed (<c>online_file_send</c>: <c>receive</c>/<c>refuse</c>,
/// <c>online_file_receive</c>: <c>cancel</c>; NapCat).</summary>
public sealed record OnlineFileNotice : OneBotNoticeEvent
{
    /// <summary>Gets the peer.</summary>
    public long PeerId { get; init; }
}
