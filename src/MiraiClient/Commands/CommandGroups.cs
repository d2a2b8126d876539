using MiraiClient.Internal;

namespace MiraiClient;

/// <summary>Message commands beyond the common sends on <see cref="IMiraiConnection"/>: other clients,
/// image URLs, the message cache and roaming history.</summary>
public sealed class MiraiMessageCommands
{
    private readonly ConnectionCore _connection;

    internal MiraiMessageCommands(ConnectionCore connection) => _connection = connection;

    /// <summary>Sends a message to another device of the bot's account (<c>sendOtherClientMessage</c>).</summary>
    /// <param name="target">The other client's id.</param>
    /// <param name="messageChain">The message.</param>
    /// <param name="quote">A message id to quote, if any.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The sent message's id.</returns>
    public async Task<int> SendOtherClientMessageAsync(long target, MessageChain messageChain, int? quote = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageChain);
        var reply = await _connection.SendCommandAsync("sendOtherClientMessage", null, MiraiJsonContext.Default.SendMessageContent, new SendMessageContent(target, quote, messageChain), cancellationToken).ConfigureAwait(false);
        return Replies.SendReceipt("sendOtherClientMessage", reply);
    }

    /// <summary>Has the server fetch images from URLs and send them to a friend as one message (<c>sendImageMessage</c>).</summary>
    /// <param name="friend">The friend.</param>
    /// <param name="urls">The image addresses.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The image ids.</returns>
    public Task<IReadOnlyList<string>> SendImageUrlsToFriendAsync(long friend, IEnumerable<string> urls, CancellationToken cancellationToken = default) =>
        SendImageUrlsAsync(new SendImageContent(null, friend, null, Urls(urls)), cancellationToken);

    /// <summary>Has the server fetch images from URLs and send them to a group as one message (<c>sendImageMessage</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="urls">The image addresses.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The image ids.</returns>
    public Task<IReadOnlyList<string>> SendImageUrlsToGroupAsync(long group, IEnumerable<string> urls, CancellationToken cancellationToken = default) =>
        SendImageUrlsAsync(new SendImageContent(null, null, group, Urls(urls)), cancellationToken);

    /// <summary>Has the server fetch images from URLs and send them in a temporary chat (<c>sendImageMessage</c>).</summary>
    /// <param name="qq">The member.</param>
    /// <param name="group">The group the chat goes through.</param>
    /// <param name="urls">The image addresses.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The image ids.</returns>
    public Task<IReadOnlyList<string>> SendImageUrlsToTempAsync(long qq, long group, IEnumerable<string> urls, CancellationToken cancellationToken = default) =>
        SendImageUrlsAsync(new SendImageContent(null, qq, group, Urls(urls)), cancellationToken);

    /// <summary>Gets a message from the server's cache (<c>messageFromId</c>).</summary>
    /// <param name="target">The friend or group the message was in.</param>
    /// <param name="messageId">The message id.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The message, or <see langword="null"/>.</returns>
    public async Task<MessageEvent?> GetMessageAsync(long target, int messageId, CancellationToken cancellationToken = default)
    {
        var reply = await _connection.SendCommandAsync("messageFromId", null, MiraiJsonContext.Default.MessageIdContent, new MessageIdContent(target, messageId), cancellationToken).ConfigureAwait(false);
        return Replies.RestfulMessage("messageFromId", reply);
    }

    /// <summary>Gets roaming message history with a friend (<c>roamingMessages</c>).</summary>
    /// <param name="target">The friend (or group, on servers that support it).</param>
    /// <param name="timeStart">The start, in Unix seconds.</param>
    /// <param name="timeEnd">The end, in Unix seconds.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The messages.</returns>
    public async Task<IReadOnlyList<MessageEvent>> GetRoamingMessagesAsync(long target, long timeStart, long timeEnd, CancellationToken cancellationToken = default)
    {
        var reply = await _connection.SendCommandAsync("roamingMessages", null, MiraiJsonContext.Default.RoamingMessagesContent, new RoamingMessagesContent(timeStart, timeEnd, target, null, null), cancellationToken).ConfigureAwait(false);
        return Replies.RestfulMessages("roamingMessages", reply);
    }

    private static string[] Urls(IEnumerable<string> urls)
    {
        ArgumentNullException.ThrowIfNull(urls);
        var list = urls.ToArray();
        if (list.Length == 0 || Array.Exists(list, string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("At least one URL is required and none may be empty.", nameof(urls));
        }

        return list;
    }

    private async Task<IReadOnlyList<string>> SendImageUrlsAsync(SendImageContent content, CancellationToken cancellationToken)
    {
        var reply = await _connection.SendCommandAsync("sendImageMessage", null, MiraiJsonContext.Default.SendImageContent, content, cancellationToken).ConfigureAwait(false);
        return Replies.Restful("sendImageMessage", reply, MiraiJsonContext.Default.StringArray);
    }
}

/// <summary>Friends, groups, members and profiles.</summary>
public sealed class MiraiContactCommands
{
    private readonly ConnectionCore _connection;

    internal MiraiContactCommands(ConnectionCore connection) => _connection = connection;

    /// <summary>Lists the bot's friends (<c>friendList</c>).</summary>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The friends.</returns>
    public async Task<IReadOnlyList<Friend>> GetFriendsAsync(CancellationToken cancellationToken = default) =>
        Replies.Restful("friendList", await _connection.SendCommandAsync("friendList", null, null, null, cancellationToken).ConfigureAwait(false), MiraiJsonContext.Default.FriendArray);

    /// <summary>Lists the bot's groups (<c>groupList</c>).</summary>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The groups.</returns>
    public async Task<IReadOnlyList<Group>> GetGroupsAsync(CancellationToken cancellationToken = default) =>
        Replies.Restful("groupList", await _connection.SendCommandAsync("groupList", null, null, null, cancellationToken).ConfigureAwait(false), MiraiJsonContext.Default.GroupArray);

    /// <summary>Lists a group's members from the server's cache (<c>memberList</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The members.</returns>
    public async Task<IReadOnlyList<Member>> GetMembersAsync(long group, CancellationToken cancellationToken = default) =>
        Replies.Restful("memberList", await _connection.SendCommandAsync("memberList", null, MiraiJsonContext.Default.TargetContent, new TargetContent(group), cancellationToken).ConfigureAwait(false), MiraiJsonContext.Default.MemberArray);

    /// <summary>Fetches a group's members fresh from QQ (<c>latestMemberList</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="memberIds">Only these members, or all when <see langword="null"/> or empty.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The members.</returns>
    public async Task<IReadOnlyList<Member>> GetLatestMembersAsync(long group, IEnumerable<long>? memberIds = null, CancellationToken cancellationToken = default) =>
        Replies.Restful("latestMemberList", await _connection.SendCommandAsync("latestMemberList", null, MiraiJsonContext.Default.LatestMemberListContent, new LatestMemberListContent(group, memberIds?.ToArray() ?? []), cancellationToken).ConfigureAwait(false), MiraiJsonContext.Default.MemberArray);

    /// <summary>Gets the bot's own profile (<c>botProfile</c>).</summary>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The profile.</returns>
    public async Task<Profile> GetBotProfileAsync(CancellationToken cancellationToken = default) =>
        Replies.Bare("botProfile", await _connection.SendCommandAsync("botProfile", null, null, null, cancellationToken).ConfigureAwait(false), MiraiJsonContext.Default.Profile);

    /// <summary>Gets a friend's profile (<c>friendProfile</c>).</summary>
    /// <param name="friend">The friend.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The profile.</returns>
    public async Task<Profile> GetFriendProfileAsync(long friend, CancellationToken cancellationToken = default) =>
        Replies.Bare("friendProfile", await _connection.SendCommandAsync("friendProfile", null, MiraiJsonContext.Default.TargetContent, new TargetContent(friend), cancellationToken).ConfigureAwait(false), MiraiJsonContext.Default.Profile);

    /// <summary>Gets a group member's profile (<c>memberProfile</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="member">The member.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The profile.</returns>
    public async Task<Profile> GetMemberProfileAsync(long group, long member, CancellationToken cancellationToken = default) =>
        Replies.Bare("memberProfile", await _connection.SendCommandAsync("memberProfile", null, MiraiJsonContext.Default.MemberContent, new MemberContent(group, member), cancellationToken).ConfigureAwait(false), MiraiJsonContext.Default.Profile);

    /// <summary>Gets any QQ user's profile (<c>userProfile</c>).</summary>
    /// <param name="qq">The user.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The profile.</returns>
    public async Task<Profile> GetUserProfileAsync(long qq, CancellationToken cancellationToken = default) =>
        Replies.Bare("userProfile", await _connection.SendCommandAsync("userProfile", null, MiraiJsonContext.Default.TargetContent, new TargetContent(qq), cancellationToken).ConfigureAwait(false), MiraiJsonContext.Default.Profile);

    /// <summary>Deletes a friend (<c>deleteFriend</c>).</summary>
    /// <param name="friend">The friend.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public async Task DeleteFriendAsync(long friend, CancellationToken cancellationToken = default) =>
        Replies.Status("deleteFriend", await _connection.SendCommandAsync("deleteFriend", null, MiraiJsonContext.Default.TargetContent, new TargetContent(friend), cancellationToken).ConfigureAwait(false));
}

/// <summary>Group administration.</summary>
public sealed class MiraiGroupCommands
{
    private static readonly TimeSpan MaxMute = TimeSpan.FromDays(30);
    private readonly ConnectionCore _connection;

    internal MiraiGroupCommands(ConnectionCore connection) => _connection = connection;

    /// <summary>Mutes a member (<c>mute</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="member">The member.</param>
    /// <param name="duration">How long, in whole seconds, at most 30 days.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public Task MuteAsync(long group, long member, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.FromSeconds(1));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(duration, MaxMute);
        return Status("mute", MiraiJsonContext.Default.MuteContent, new MuteContent(group, member, (int)duration.TotalSeconds), cancellationToken);
    }

    /// <summary>Unmutes a member (<c>unmute</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="member">The member.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public Task UnmuteAsync(long group, long member, CancellationToken cancellationToken = default) =>
        Status("unmute", MiraiJsonContext.Default.MemberContent, new MemberContent(group, member), cancellationToken);

    /// <summary>Removes a member (<c>kick</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="member">The member.</param>
    /// <param name="message">A message for the member.</param>
    /// <param name="block">Whether to refuse their future join requests.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public Task KickAsync(long group, long member, string message = "", bool block = false, CancellationToken cancellationToken = default) =>
        Status("kick", MiraiJsonContext.Default.KickContent, new KickContent(group, member, block, message ?? ""), cancellationToken);

    /// <summary>Leaves a group (<c>quit</c>); fails with code 10 when the bot owns it.</summary>
    /// <param name="group">The group.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public Task QuitAsync(long group, CancellationToken cancellationToken = default) =>
        Status("quit", MiraiJsonContext.Default.TargetContent, new TargetContent(group), cancellationToken);

    /// <summary>Mutes everyone (<c>muteAll</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public Task MuteAllAsync(long group, CancellationToken cancellationToken = default) =>
        Status("muteAll", MiraiJsonContext.Default.TargetContent, new TargetContent(group), cancellationToken);

    /// <summary>Unmutes everyone (<c>unmuteAll</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public Task UnmuteAllAsync(long group, CancellationToken cancellationToken = default) =>
        Status("unmuteAll", MiraiJsonContext.Default.TargetContent, new TargetContent(group), cancellationToken);

    /// <summary>Marks a message as essence (<c>setEssence</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="messageId">The message id.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public Task SetEssenceAsync(long group, int messageId, CancellationToken cancellationToken = default) =>
        Status("setEssence", MiraiJsonContext.Default.MessageIdContent, new MessageIdContent(group, messageId), cancellationToken);

    /// <summary>Gets a group's settings (<c>groupConfig</c> / <c>get</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The settings.</returns>
    public async Task<GroupConfig> GetConfigAsync(long group, CancellationToken cancellationToken = default) =>
        Replies.Bare("groupConfig", await _connection.SendCommandAsync("groupConfig", "get", MiraiJsonContext.Default.TargetContent, new TargetContent(group), cancellationToken).ConfigureAwait(false), MiraiJsonContext.Default.GroupConfig);

    /// <summary>Changes a group's settings (<c>groupConfig</c> / <c>update</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="update">The changes.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public Task UpdateConfigAsync(long group, GroupConfigUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        return Status("groupConfig", MiraiJsonContext.Default.GroupConfigUpdateContent, new GroupConfigUpdateContent(group, update), cancellationToken, "update");
    }

    /// <summary>Gets a member's details, activity included (<c>memberInfo</c> / <c>get</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="member">The member.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The member.</returns>
    public async Task<Member> GetMemberInfoAsync(long group, long member, CancellationToken cancellationToken = default) =>
        Replies.Bare("memberInfo", await _connection.SendCommandAsync("memberInfo", "get", MiraiJsonContext.Default.MemberContent, new MemberContent(group, member), cancellationToken).ConfigureAwait(false), MiraiJsonContext.Default.Member);

    /// <summary>Changes a member's group card or special title (<c>memberInfo</c> / <c>update</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="member">The member.</param>
    /// <param name="update">The changes.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public Task UpdateMemberInfoAsync(long group, long member, MemberInfoUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        return Status("memberInfo", MiraiJsonContext.Default.MemberInfoUpdateContent, new MemberInfoUpdateContent(group, member, update), cancellationToken, "update");
    }

    /// <summary>Makes a member an administrator or not (<c>memberAdmin</c>; needs the owner's rights).</summary>
    /// <param name="group">The group.</param>
    /// <param name="member">The member.</param>
    /// <param name="assign">Whether to make them an administrator.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public Task SetAdminAsync(long group, long member, bool assign, CancellationToken cancellationToken = default) =>
        Status("memberAdmin", MiraiJsonContext.Default.MemberAdminContent, new MemberAdminContent(group, member, assign), cancellationToken);

    private async Task Status<T>(string command, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, T content, CancellationToken cancellationToken, string? subCommand = null) =>
        Replies.Status(command, await _connection.SendCommandAsync(command, subCommand, type, content, cancellationToken).ConfigureAwait(false));
}

/// <summary>Group files. A file or folder is named by its id (<c>""</c> is the root) or by path; a path wins.</summary>
public sealed class MiraiFileCommands
{
    private readonly ConnectionCore _connection;

    internal MiraiFileCommands(ConnectionCore connection) => _connection = connection;

    /// <summary>Lists a folder (<c>file_list</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="folderId">The folder id (<c>""</c> for the root).</param>
    /// <param name="path">A folder path instead of the id.</param>
    /// <param name="withDownloadInfo">Whether to include download addresses (slow).</param>
    /// <param name="offset">How many entries to skip.</param>
    /// <param name="size">How many entries at most, or all.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The entries.</returns>
    public async Task<IReadOnlyList<RemoteFile>> ListAsync(long group, string folderId = "", string? path = null, bool withDownloadInfo = false, int offset = 0, int? size = null, CancellationToken cancellationToken = default) =>
        Replies.Restful("file_list", await _connection.SendCommandAsync("file_list", null, MiraiJsonContext.Default.FileListContent, new FileListContent(folderId ?? "", path, group, withDownloadInfo, offset, size), cancellationToken).ConfigureAwait(false), MiraiJsonContext.Default.RemoteFileArray);

    /// <summary>Gets one file's details (<c>file_info</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="id">The file id.</param>
    /// <param name="path">A path instead of the id.</param>
    /// <param name="withDownloadInfo">Whether to include the download address.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The file.</returns>
    public async Task<RemoteFile> GetInfoAsync(long group, string id, string? path = null, bool withDownloadInfo = false, CancellationToken cancellationToken = default) =>
        Replies.Restful("file_info", await _connection.SendCommandAsync("file_info", null, MiraiJsonContext.Default.FileInfoContent, new FileInfoContent(id ?? "", path, group, withDownloadInfo), cancellationToken).ConfigureAwait(false), MiraiJsonContext.Default.RemoteFile);

    /// <summary>Creates a folder (<c>file_mkdir</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="parentId">The parent folder id (<c>""</c> for the root).</param>
    /// <param name="name">The new folder's name.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The new folder.</returns>
    public async Task<RemoteFile> CreateFolderAsync(long group, string parentId, string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return Replies.Restful("file_mkdir", await _connection.SendCommandAsync("file_mkdir", null, MiraiJsonContext.Default.FileMkdirContent, new FileMkdirContent(parentId ?? "", null, group, name), cancellationToken).ConfigureAwait(false), MiraiJsonContext.Default.RemoteFile);
    }

    /// <summary>Deletes a file or folder (<c>file_delete</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="id">The id.</param>
    /// <param name="path">A path instead of the id.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public async Task DeleteAsync(long group, string id, string? path = null, CancellationToken cancellationToken = default) =>
        Replies.Status("file_delete", await _connection.SendCommandAsync("file_delete", null, MiraiJsonContext.Default.FileContent, new FileContent(id ?? "", path, group), cancellationToken).ConfigureAwait(false));

    /// <summary>Moves a file (<c>file_move</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="id">The file id.</param>
    /// <param name="moveTo">The destination folder id, or <see langword="null"/> to use <paramref name="moveToPath"/>.</param>
    /// <param name="moveToPath">The destination folder path (wins over the id).</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public async Task MoveAsync(long group, string id, string? moveTo, string? moveToPath = null, CancellationToken cancellationToken = default)
    {
        if (moveTo is null && moveToPath is null)
        {
            throw new ArgumentException("Give a destination folder id or path.", nameof(moveTo));
        }

        Replies.Status("file_move", await _connection.SendCommandAsync("file_move", null, MiraiJsonContext.Default.FileMoveContent, new FileMoveContent(id ?? "", null, group, moveTo, moveToPath), cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Renames a file or folder (<c>file_rename</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="id">The id.</param>
    /// <param name="newName">The new name.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public async Task RenameAsync(long group, string id, string newName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(newName);
        Replies.Status("file_rename", await _connection.SendCommandAsync("file_rename", null, MiraiJsonContext.Default.FileRenameContent, new FileRenameContent(id ?? "", null, group, newName), cancellationToken).ConfigureAwait(false));
    }
}

/// <summary>Group announcements.</summary>
public sealed class MiraiAnnouncementCommands
{
    private readonly ConnectionCore _connection;

    internal MiraiAnnouncementCommands(ConnectionCore connection) => _connection = connection;

    /// <summary>Lists a group's announcements (<c>anno_list</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="offset">How many to skip.</param>
    /// <param name="size">How many at most, or all.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The announcements.</returns>
    public async Task<IReadOnlyList<Announcement>> ListAsync(long group, int offset = 0, int? size = null, CancellationToken cancellationToken = default) =>
        Replies.Restful("anno_list", await _connection.SendCommandAsync("anno_list", null, MiraiJsonContext.Default.AnnouncementListContent, new AnnouncementListContent(group, offset, size), cancellationToken).ConfigureAwait(false), MiraiJsonContext.Default.AnnouncementArray);

    /// <summary>Publishes an announcement (<c>anno_publish</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="draft">The announcement.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The published announcement.</returns>
    public async Task<Announcement> PublishAsync(long group, AnnouncementDraft draft, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentException.ThrowIfNullOrEmpty(draft.Content, nameof(draft));
        var content = new AnnouncementPublishContent(group, draft.Content, draft.SendToNewMember, draft.Pinned, draft.ShowEditCard, draft.ShowPopup, draft.RequireConfirmation, draft.ImageUrl, draft.ImagePath, draft.ImageBase64);
        return Replies.RestfulOne("anno_publish", await _connection.SendCommandAsync("anno_publish", null, MiraiJsonContext.Default.AnnouncementPublishContent, content, cancellationToken).ConfigureAwait(false), MiraiJsonContext.Default.Announcement);
    }

    /// <summary>Deletes an announcement (<c>anno_delete</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="fid">The announcement id.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public async Task DeleteAsync(long group, string fid, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(fid);
        Replies.Status("anno_delete", await _connection.SendCommandAsync("anno_delete", null, MiraiJsonContext.Default.AnnouncementDeleteContent, new AnnouncementDeleteContent(group, fid), cancellationToken).ConfigureAwait(false));
    }
}

/// <summary>Answers to request events. The event types also offer <c>AcceptAsync</c>/<c>RejectAsync</c>.</summary>
public sealed class MiraiRequestCommands
{
    private readonly ConnectionCore _connection;

    internal MiraiRequestCommands(ConnectionCore connection) => _connection = connection;

    /// <summary>Answers a friend request (<c>resp_newFriendRequestEvent</c>).</summary>
    /// <param name="request">The request event.</param>
    /// <param name="decision">The answer.</param>
    /// <param name="message">A message (ignored by the server for friend requests).</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public Task AnswerFriendRequestAsync(NewFriendRequestEvent request, FriendRequestDecision decision, string message = "", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfNotEqual(Enum.IsDefined(decision), true, nameof(decision));
        return AnswerAsync("resp_newFriendRequestEvent", request, (int)decision, message, cancellationToken);
    }

    /// <summary>Answers a request to join a group (<c>resp_memberJoinRequestEvent</c>).</summary>
    /// <param name="request">The request event.</param>
    /// <param name="decision">The answer.</param>
    /// <param name="message">The reason shown when rejecting.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public Task AnswerJoinRequestAsync(MemberJoinRequestEvent request, JoinRequestDecision decision, string message = "", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfNotEqual(Enum.IsDefined(decision), true, nameof(decision));
        return AnswerAsync("resp_memberJoinRequestEvent", request, (int)decision, message, cancellationToken);
    }

    /// <summary>Answers an invitation into a group (<c>resp_botInvitedJoinGroupRequestEvent</c>).</summary>
    /// <param name="request">The request event.</param>
    /// <param name="accept">Whether to accept.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public Task AnswerInvitationAsync(BotInvitedJoinGroupRequestEvent request, bool accept, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return AnswerAsync("resp_botInvitedJoinGroupRequestEvent", request, accept ? 0 : 1, "", cancellationToken);
    }

    private async Task AnswerAsync(string command, RequestEvent request, int operate, string? message, CancellationToken cancellationToken)
    {
        var content = new RequestAnswerContent(request.EventId, request.FromId, request.GroupId, operate, message ?? "");
        Replies.Status(command, await _connection.SendCommandAsync(command, null, MiraiJsonContext.Default.RequestAnswerContent, content, cancellationToken).ConfigureAwait(false));
    }
}

/// <summary>Mirai console commands.</summary>
public sealed class MiraiConsoleCommands
{
    private readonly ConnectionCore _connection;

    internal MiraiConsoleCommands(ConnectionCore connection) => _connection = connection;

    /// <summary>Runs a console command (<c>cmd_execute</c>); the first element is the command name.</summary>
    /// <param name="command">The command as a message chain, for example <c>"/stop"</c>.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public async Task ExecuteAsync(MessageChain command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        Replies.Status("cmd_execute", await _connection.SendCommandAsync("cmd_execute", null, MiraiJsonContext.Default.CommandExecuteContent, new CommandExecuteContent(command), cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Registers a console command; its uses arrive as <see cref="CommandExecutedEvent"/> (<c>cmd_register</c>).</summary>
    /// <param name="name">The command name.</param>
    /// <param name="alias">Other names.</param>
    /// <param name="usage">The usage text.</param>
    /// <param name="description">The description.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public async Task RegisterAsync(string name, IEnumerable<string>? alias = null, string? usage = null, string? description = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var content = new CommandRegisterContent(name, alias?.ToArray() ?? [], usage, description);
        Replies.Status("cmd_register", await _connection.SendCommandAsync("cmd_register", null, MiraiJsonContext.Default.CommandRegisterContent, content, cancellationToken).ConfigureAwait(false));
    }
}
