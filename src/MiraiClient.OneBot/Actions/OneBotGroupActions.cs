using MiraiClient.OneBot.Internal;

namespace MiraiClient.OneBot;

/// <summary>Group administration and information: members, mutes, admins, cards, titles, join requests,
/// honours, essence messages, announcements.</summary>
/// <remarks>Every method sends one action and throws <see cref="OneBotApiException"/> when the
/// implementation reports a failure. The class can be subclassed to substitute it in tests.</remarks>
public class OneBotGroupActions
{
    private readonly IOneBotActionInvoker? _invoker;

    /// <summary>Initializes a new instance of the <see cref="OneBotGroupActions"/> class for substitution in tests.</summary>
    protected OneBotGroupActions()
    {
    }

    internal OneBotGroupActions(IOneBotActionInvoker invoker) => _invoker = invoker;

    /// <summary>Removes a member from a group (<c>set_group_kick</c>).</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="userId">The member.</param>
    /// <param name="rejectAddRequest">Whether to refuse the member's future join requests.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the implementation has answered.</returns>
    public virtual Task SetGroupKickAsync(long groupId, long userId, bool rejectAddRequest = false, CancellationToken cancellationToken = default) =>
        ActionCalls.Run(_invoker, "set_group_kick", new SetGroupKickParams(groupId, userId, rejectAddRequest), OneBotJsonContext.Default.SetGroupKickParams, cancellationToken);

    /// <summary>Mutes a member, or lifts the mute with <see cref="TimeSpan.Zero"/> (<c>set_group_ban</c>).
    /// The duration is always sent: NapCat treats a missing one as zero.</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="userId">The member.</param>
    /// <param name="duration">How long, in whole seconds; zero lifts the mute.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the implementation has answered.</returns>
    public virtual Task SetGroupBanAsync(long groupId, long userId, TimeSpan duration, CancellationToken cancellationToken = default) =>
        ActionCalls.Run(_invoker, "set_group_ban", new SetGroupBanParams(groupId, userId, ActionCalls.Seconds(duration, nameof(duration))), OneBotJsonContext.Default.SetGroupBanParams, cancellationToken);

    /// <summary>Mutes an anonymous member by flag (<c>set_group_anonymous_ban</c>; not on NapCat).</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="anonymousFlag">The <see cref="OneBotAnonymous.Flag"/> of the anonymous message.</param>
    /// <param name="duration">How long, in whole seconds.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the implementation has answered.</returns>
    public virtual Task SetGroupAnonymousBanAsync(long groupId, string anonymousFlag, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(anonymousFlag);
        return ActionCalls.Run(_invoker, "set_group_anonymous_ban", new SetGroupAnonymousBanParams(groupId, anonymousFlag, ActionCalls.Seconds(duration, nameof(duration))), OneBotJsonContext.Default.SetGroupAnonymousBanParams, cancellationToken);
    }

    /// <summary>Mutes or unmutes the whole group (<c>set_group_whole_ban</c>).</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="enable">Whether to mute.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the implementation has answered.</returns>
    public virtual Task SetGroupWholeBanAsync(long groupId, bool enable = true, CancellationToken cancellationToken = default) =>
        ActionCalls.Run(_invoker, "set_group_whole_ban", new GroupEnableParams(groupId, enable), OneBotJsonContext.Default.GroupEnableParams, cancellationToken);

    /// <summary>Makes a member an admin or not (<c>set_group_admin</c>).</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="userId">The member.</param>
    /// <param name="enable">Whether to make them an admin.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the implementation has answered.</returns>
    public virtual Task SetGroupAdminAsync(long groupId, long userId, bool enable = true, CancellationToken cancellationToken = default) =>
        ActionCalls.Run(_invoker, "set_group_admin", new SetGroupAdminParams(groupId, userId, enable), OneBotJsonContext.Default.SetGroupAdminParams, cancellationToken);

    /// <summary>Allows or forbids anonymous chat (<c>set_group_anonymous</c>; not on NapCat).</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="enable">Whether to allow it.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the implementation has answered.</returns>
    public virtual Task SetGroupAnonymousAsync(long groupId, bool enable = true, CancellationToken cancellationToken = default) =>
        ActionCalls.Run(_invoker, "set_group_anonymous", new GroupEnableParams(groupId, enable), OneBotJsonContext.Default.GroupEnableParams, cancellationToken);

    /// <summary>Sets a member's group card (<c>set_group_card</c>).</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="userId">The member.</param>
    /// <param name="card">The card; empty removes it.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the implementation has answered.</returns>
    public virtual Task SetGroupCardAsync(long groupId, long userId, string card = "", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(card);
        return ActionCalls.Run(_invoker, "set_group_card", new SetGroupCardParams(groupId, userId, card), OneBotJsonContext.Default.SetGroupCardParams, cancellationToken);
    }

    /// <summary>Renames a group (<c>set_group_name</c>).</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="groupName">The new name.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the implementation has answered.</returns>
    public virtual Task SetGroupNameAsync(long groupId, string groupName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(groupName);
        return ActionCalls.Run(_invoker, "set_group_name", new SetGroupNameParams(groupId, groupName), OneBotJsonContext.Default.SetGroupNameParams, cancellationToken);
    }

    /// <summary>Leaves a group, or dissolves it when the bot owns it and <paramref name="isDismiss"/> is set (<c>set_group_leave</c>).</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="isDismiss">Whether to dissolve the group (owner only).</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the implementation has answered.</returns>
    public virtual Task SetGroupLeaveAsync(long groupId, bool isDismiss = false, CancellationToken cancellationToken = default) =>
        ActionCalls.Run(_invoker, "set_group_leave", new SetGroupLeaveParams(groupId, isDismiss), OneBotJsonContext.Default.SetGroupLeaveParams, cancellationToken);

    /// <summary>Sets a member's special title (<c>set_group_special_title</c>; owner only).</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="userId">The member.</param>
    /// <param name="specialTitle">The title; empty removes it.</param>
    /// <param name="duration">How long it lasts, or <see langword="null"/> for ever (sent as -1).</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the implementation has answered.</returns>
    public virtual Task SetGroupSpecialTitleAsync(long groupId, long userId, string specialTitle = "", TimeSpan? duration = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(specialTitle);
        var seconds = duration is { } value ? ActionCalls.Seconds(value, nameof(duration)) : -1;
        return ActionCalls.Run(_invoker, "set_group_special_title", new SetGroupSpecialTitleParams(groupId, userId, specialTitle, seconds), OneBotJsonContext.Default.SetGroupSpecialTitleParams, cancellationToken);
    }

    /// <summary>Answers a join request or an invitation (<c>set_group_add_request</c>).</summary>
    /// <param name="flag">The <see cref="OneBotRequestEvent.Flag"/>, unchanged.</param>
    /// <param name="subType">The request's <see cref="GroupRequestEvent.SubType"/>: <c>add</c> or <c>invite</c>.</param>
    /// <param name="approve">Whether to accept.</param>
    /// <param name="reason">Why it was refused, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the implementation has answered.</returns>
    public virtual Task SetGroupAddRequestAsync(string flag, string subType, bool approve = true, string? reason = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(flag);
        ArgumentException.ThrowIfNullOrEmpty(subType);
        return ActionCalls.Run(_invoker, "set_group_add_request", new SetGroupAddRequestParams(flag, subType, approve, reason), OneBotJsonContext.Default.SetGroupAddRequestParams, cancellationToken);
    }

    /// <summary>Gets a group's information (<c>get_group_info</c>).</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="noCache">Whether to bypass the implementation's cache.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The group.</returns>
    public virtual Task<GroupInfo> GetGroupInfoAsync(long groupId, bool noCache = false, CancellationToken cancellationToken = default) =>
        ActionCalls.Invoke(_invoker, "get_group_info", new GroupInfoParams(groupId, noCache), OneBotJsonContext.Default.GroupInfoParams, OneBotReplyShape.Data(OneBotJsonContext.Default.GroupInfo), cancellationToken);

    /// <summary>Lists the bot's groups (<c>get_group_list</c>).</summary>
    /// <param name="noCache">Whether to bypass the cache (NapCat), or <see langword="null"/> to leave it out.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The groups.</returns>
    public virtual Task<IReadOnlyList<GroupInfo>> GetGroupListAsync(bool? noCache = null, CancellationToken cancellationToken = default) =>
        ActionCalls.Invoke(_invoker, "get_group_list", new NoCacheParams(noCache), OneBotJsonContext.Default.NoCacheParams, OneBotReplyShape.List(OneBotJsonContext.Default.GroupInfoList), cancellationToken);

    /// <summary>Gets a member's information (<c>get_group_member_info</c>).</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="userId">The member.</param>
    /// <param name="noCache">Whether to bypass the implementation's cache.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The member.</returns>
    public virtual Task<GroupMemberInfo> GetGroupMemberInfoAsync(long groupId, long userId, bool noCache = false, CancellationToken cancellationToken = default) =>
        ActionCalls.Invoke(_invoker, "get_group_member_info", new GroupMemberInfoParams(groupId, userId, noCache), OneBotJsonContext.Default.GroupMemberInfoParams, OneBotReplyShape.Data(OneBotJsonContext.Default.GroupMemberInfo), cancellationToken);

    /// <summary>Lists a group's members (<c>get_group_member_list</c>); entries may lack area and title.</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="noCache">Whether to bypass the cache (NapCat), or <see langword="null"/> to leave it out.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The members.</returns>
    public virtual Task<IReadOnlyList<GroupMemberInfo>> GetGroupMemberListAsync(long groupId, bool? noCache = null, CancellationToken cancellationToken = default) =>
        ActionCalls.Invoke(_invoker, "get_group_member_list", new GroupMemberListParams(groupId, noCache), OneBotJsonContext.Default.GroupMemberListParams, OneBotReplyShape.List(OneBotJsonContext.Default.GroupMemberInfoList), cancellationToken);

    /// <summary>Gets a group's honours (<c>get_group_honor_info</c>).</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="type">Which: <c>talkative</c>, <c>performer</c>, <c>legend</c>, <c>strong_newbie</c>, <c>emotion</c> or <c>all</c>.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The honours; lists not asked for are empty.</returns>
    public virtual Task<GroupHonorInfo> GetGroupHonorInfoAsync(long groupId, string type = "all", CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        return ActionCalls.Invoke(_invoker, "get_group_honor_info", new GroupHonorInfoParams(groupId, type), OneBotJsonContext.Default.GroupHonorInfoParams, OneBotReplyShape.Data(OneBotJsonContext.Default.GroupHonorInfo), cancellationToken);
    }

    /// <summary>Makes a message an essence message (<c>set_essence_msg</c>).</summary>
    /// <param name="messageId">The message id.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the implementation has answered.</returns>
    public virtual Task SetEssenceMessageAsync(long messageId, CancellationToken cancellationToken = default) =>
        ActionCalls.Run(_invoker, "set_essence_msg", new MessageIdParams(messageId), OneBotJsonContext.Default.MessageIdParams, cancellationToken);

    /// <summary>Removes a message from the essence messages (<c>delete_essence_msg</c>).</summary>
    /// <param name="messageId">The message id.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the implementation has answered.</returns>
    public virtual Task DeleteEssenceMessageAsync(long messageId, CancellationToken cancellationToken = default) =>
        ActionCalls.Run(_invoker, "delete_essence_msg", new MessageIdParams(messageId), OneBotJsonContext.Default.MessageIdParams, cancellationToken);

    /// <summary>Lists a group's essence messages (<c>get_essence_msg_list</c>).</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The essence messages.</returns>
    public virtual Task<IReadOnlyList<EssenceMessage>> GetEssenceMessageListAsync(long groupId, CancellationToken cancellationToken = default) =>
        ActionCalls.Invoke(_invoker, "get_essence_msg_list", new GroupIdParams(groupId), OneBotJsonContext.Default.GroupIdParams, OneBotReplyShape.List(OneBotJsonContext.Default.EssenceMessageList), cancellationToken);

    /// <summary>Lists pending invitations and join requests (<c>get_group_system_msg</c>).</summary>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The requests (go-cqhttp sends null lists when there are none: they read as empty).</returns>
    public virtual Task<GroupSystemMessages> GetGroupSystemMessagesAsync(CancellationToken cancellationToken = default) =>
        ActionCalls.Invoke(_invoker, "get_group_system_msg", OneBotReplyShape.Custom((action, data) => OneBotReplyShape.Deserialize(action, data, OneBotJsonContext.Default.GroupSystemMessages) ?? new GroupSystemMessages()), cancellationToken);

    /// <summary>Publishes a group announcement (<c>_send_group_notice</c>).</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="content">The text.</param>
    /// <param name="image">An image (a path on the implementation's host, an address or <c>base64://…</c>), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the implementation has answered.</returns>
    public virtual Task SendGroupNoticeAsync(long groupId, string content, string? image = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(content);
        return ActionCalls.Run(_invoker, "_send_group_notice", new GroupNoticeParams(groupId, content, image), OneBotJsonContext.Default.GroupNoticeParams, cancellationToken);
    }

    /// <summary>Lists a group's announcements (<c>_get_group_notice</c>).</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The announcements.</returns>
    public virtual Task<IReadOnlyList<GroupNotice>> GetGroupNoticesAsync(long groupId, CancellationToken cancellationToken = default) =>
        ActionCalls.Invoke(_invoker, "_get_group_notice", new GroupIdParams(groupId), OneBotJsonContext.Default.GroupIdParams, OneBotReplyShape.List(OneBotJsonContext.Default.GroupNoticeList), cancellationToken);

    /// <summary>Sets a group's avatar (<c>set_group_portrait</c>).</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="file">The image: a path on the implementation's host, an address or <c>base64://…</c>.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the implementation has answered.</returns>
    public virtual Task SetGroupPortraitAsync(long groupId, string file, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        return ActionCalls.Run(_invoker, "set_group_portrait", new GroupPortraitParams(groupId, file), OneBotJsonContext.Default.GroupPortraitParams, cancellationToken, OneBotActionKind.Transfer);
    }

    /// <summary>Gets how many @everyone mentions are left today (<c>get_group_at_all_remain</c>).</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The counts.</returns>
    public virtual Task<GroupAtAllRemain> GetGroupAtAllRemainAsync(long groupId, CancellationToken cancellationToken = default) =>
        ActionCalls.Invoke(_invoker, "get_group_at_all_remain", new GroupIdParams(groupId), OneBotJsonContext.Default.GroupIdParams, OneBotReplyShape.Data(OneBotJsonContext.Default.GroupAtAllRemain), cancellationToken);

    /// <summary>Pokes a member in a group (<c>group_poke</c>; NapCat).</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="userId">The member.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the implementation has answered.</returns>
    public virtual Task GroupPokeAsync(long groupId, long userId, CancellationToken cancellationToken = default) =>
        ActionCalls.Run(_invoker, "group_poke", new GroupPokeParams(groupId, userId), OneBotJsonContext.Default.GroupPokeParams, cancellationToken);
}
