using MiraiClient.Internal;

namespace MiraiClient;

/// <summary>Friends, groups, members and profiles.</summary>
public class MiraiContactCommands
{
    private readonly MiraiCommandSender? _sender;

    /// <summary>Initializes an instance for a substitute in tests (a mock or a subclass): override the
    /// methods a test uses; the others throw <see cref="InvalidOperationException"/>.</summary>
    protected MiraiContactCommands()
    {
    }

    internal MiraiContactCommands(MiraiCommandSender sender) => _sender = sender;

    private MiraiCommandSender Sender => _sender ?? throw MiraiCommandSender.NotConnected(GetType());

    /// <summary>Lists the bot's friends (<c>friendList</c>).</summary>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The friends.</returns>
    public virtual Task<IReadOnlyList<Friend>> GetFriendsAsync(CancellationToken cancellationToken = default) =>
        Sender.SendAsync(new MiraiRequest("friendList"), MiraiReply.RestfulList(MiraiJsonContext.Default.FriendArray), cancellationToken);

    /// <summary>Lists the bot's groups (<c>groupList</c>).</summary>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The groups.</returns>
    public virtual Task<IReadOnlyList<Group>> GetGroupsAsync(CancellationToken cancellationToken = default) =>
        Sender.SendAsync(new MiraiRequest("groupList"), MiraiReply.RestfulList(MiraiJsonContext.Default.GroupArray), cancellationToken);

    /// <summary>Lists a group's members from the server's cache (<c>memberList</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The members.</returns>
    public virtual Task<IReadOnlyList<Member>> GetMembersAsync(long group, CancellationToken cancellationToken = default) =>
        Sender.SendAsync(MiraiRequest.With("memberList", MiraiJsonContext.Default.TargetContent, new TargetContent(group)), MiraiReply.RestfulList(MiraiJsonContext.Default.MemberArray), cancellationToken);

    /// <summary>Fetches a group's members fresh from QQ (<c>latestMemberList</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="memberIds">Only these members, or all when <see langword="null"/> or empty.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The members.</returns>
    public virtual Task<IReadOnlyList<Member>> GetLatestMembersAsync(long group, IEnumerable<long>? memberIds = null, CancellationToken cancellationToken = default) =>
        Sender.SendAsync(MiraiRequest.With("latestMemberList", MiraiJsonContext.Default.LatestMemberListContent, new LatestMemberListContent(group, memberIds?.ToArray() ?? [])), MiraiReply.RestfulList(MiraiJsonContext.Default.MemberArray), cancellationToken);

    /// <summary>Gets the bot's own profile (<c>botProfile</c>).</summary>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The profile.</returns>
    public virtual Task<Profile> GetBotProfileAsync(CancellationToken cancellationToken = default) =>
        Sender.SendAsync(new MiraiRequest("botProfile"), MiraiReply.Bare(MiraiJsonContext.Default.Profile), cancellationToken);

    /// <summary>Gets a friend's profile (<c>friendProfile</c>).</summary>
    /// <param name="friend">The friend.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The profile.</returns>
    public virtual Task<Profile> GetFriendProfileAsync(long friend, CancellationToken cancellationToken = default) =>
        Sender.SendAsync(MiraiRequest.With("friendProfile", MiraiJsonContext.Default.TargetContent, new TargetContent(friend)), MiraiReply.Bare(MiraiJsonContext.Default.Profile), cancellationToken);

    /// <summary>Gets a group member's profile (<c>memberProfile</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="member">The member.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The profile.</returns>
    public virtual Task<Profile> GetMemberProfileAsync(long group, long member, CancellationToken cancellationToken = default) =>
        Sender.SendAsync(MiraiRequest.With("memberProfile", MiraiJsonContext.Default.MemberContent, new MemberContent(group, member)), MiraiReply.Bare(MiraiJsonContext.Default.Profile), cancellationToken);

    /// <summary>Gets any QQ user's profile (<c>userProfile</c>).</summary>
    /// <param name="qq">The user.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The profile.</returns>
    public virtual Task<Profile> GetUserProfileAsync(long qq, CancellationToken cancellationToken = default) =>
        Sender.SendAsync(MiraiRequest.With("userProfile", MiraiJsonContext.Default.TargetContent, new TargetContent(qq)), MiraiReply.Bare(MiraiJsonContext.Default.Profile), cancellationToken);

    /// <summary>Deletes a friend (<c>deleteFriend</c>).</summary>
    /// <param name="friend">The friend.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public virtual Task DeleteFriendAsync(long friend, CancellationToken cancellationToken = default) =>
        Sender.SendAsync(MiraiRequest.With("deleteFriend", MiraiJsonContext.Default.TargetContent, new TargetContent(friend)), MiraiReply.Status, cancellationToken);
}
