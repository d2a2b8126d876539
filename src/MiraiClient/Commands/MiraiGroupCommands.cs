using MiraiClient.Internal;

namespace MiraiClient;

/// <summary>Group administration.</summary>
public class MiraiGroupCommands
{
    private static readonly TimeSpan MaxMute = TimeSpan.FromDays(30);
    private readonly MiraiCommandSender? _sender;

    /// <summary>Initializes an instance for a substitute in tests (a mock or a subclass): override the
    /// methods a test uses; the others throw <see cref="InvalidOperationException"/>.</summary>
    protected MiraiGroupCommands()
    {
    }

    internal MiraiGroupCommands(MiraiCommandSender sender) => _sender = sender;

    private MiraiCommandSender Sender => _sender ?? throw MiraiCommandSender.NotConnected(GetType());

    /// <summary>Mutes a member (<c>mute</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="member">The member.</param>
    /// <param name="duration">How long, in whole seconds, at most 30 days.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public virtual Task MuteAsync(long group, long member, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.FromSeconds(1));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(duration, MaxMute);
        return Sender.SendAsync(MiraiRequest.With("mute", MiraiJsonContext.Default.MuteContent, new MuteContent(group, member, (int)duration.TotalSeconds)), MiraiReply.Status, cancellationToken);
    }

    /// <summary>Unmutes a member (<c>unmute</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="member">The member.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public virtual Task UnmuteAsync(long group, long member, CancellationToken cancellationToken = default) =>
        Sender.SendAsync(MiraiRequest.With("unmute", MiraiJsonContext.Default.MemberContent, new MemberContent(group, member)), MiraiReply.Status, cancellationToken);

    /// <summary>Removes a member (<c>kick</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="member">The member.</param>
    /// <param name="message">A message for the member.</param>
    /// <param name="block">Whether to refuse their future join requests.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public virtual Task KickAsync(long group, long member, string message = "", bool block = false, CancellationToken cancellationToken = default) =>
        Sender.SendAsync(MiraiRequest.With("kick", MiraiJsonContext.Default.KickContent, new KickContent(group, member, block, message ?? "")), MiraiReply.Status, cancellationToken);

    /// <summary>Leaves a group (<c>quit</c>); fails with code 10 when the bot owns it.</summary>
    /// <param name="group">The group.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public virtual Task QuitAsync(long group, CancellationToken cancellationToken = default) =>
        Sender.SendAsync(MiraiRequest.With("quit", MiraiJsonContext.Default.TargetContent, new TargetContent(group)), MiraiReply.Status, cancellationToken);

    /// <summary>Mutes everyone (<c>muteAll</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public virtual Task MuteAllAsync(long group, CancellationToken cancellationToken = default) =>
        Sender.SendAsync(MiraiRequest.With("muteAll", MiraiJsonContext.Default.TargetContent, new TargetContent(group)), MiraiReply.Status, cancellationToken);

    /// <summary>Unmutes everyone (<c>unmuteAll</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public virtual Task UnmuteAllAsync(long group, CancellationToken cancellationToken = default) =>
        Sender.SendAsync(MiraiRequest.With("unmuteAll", MiraiJsonContext.Default.TargetContent, new TargetContent(group)), MiraiReply.Status, cancellationToken);

    /// <summary>Marks a message as essence (<c>setEssence</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="messageId">The message id.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public virtual Task SetEssenceAsync(long group, int messageId, CancellationToken cancellationToken = default) =>
        Sender.SendAsync(MiraiRequest.With("setEssence", MiraiJsonContext.Default.MessageIdContent, new MessageIdContent(group, messageId)), MiraiReply.Status, cancellationToken);

    /// <summary>Gets a group's settings (<c>groupConfig</c> / <c>get</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The settings.</returns>
    public virtual Task<GroupConfig> GetConfigAsync(long group, CancellationToken cancellationToken = default) =>
        Sender.SendAsync(MiraiRequest.With("groupConfig", MiraiJsonContext.Default.TargetContent, new TargetContent(group), "get"), MiraiReply.Bare(MiraiJsonContext.Default.GroupConfig), cancellationToken);

    /// <summary>Changes a group's settings (<c>groupConfig</c> / <c>update</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="update">The changes.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public virtual Task UpdateConfigAsync(long group, GroupConfigUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        return Sender.SendAsync(MiraiRequest.With("groupConfig", MiraiJsonContext.Default.GroupConfigUpdateContent, new GroupConfigUpdateContent(group, update), "update"), MiraiReply.Status, cancellationToken);
    }

    /// <summary>Gets a member's details, activity included (<c>memberInfo</c> / <c>get</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="member">The member.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The member.</returns>
    public virtual Task<Member> GetMemberInfoAsync(long group, long member, CancellationToken cancellationToken = default) =>
        Sender.SendAsync(MiraiRequest.With("memberInfo", MiraiJsonContext.Default.MemberContent, new MemberContent(group, member), "get"), MiraiReply.Bare(MiraiJsonContext.Default.Member), cancellationToken);

    /// <summary>Changes a member's group card or special title (<c>memberInfo</c> / <c>update</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="member">The member.</param>
    /// <param name="update">The changes.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public virtual Task UpdateMemberInfoAsync(long group, long member, MemberInfoUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        return Sender.SendAsync(MiraiRequest.With("memberInfo", MiraiJsonContext.Default.MemberInfoUpdateContent, new MemberInfoUpdateContent(group, member, update), "update"), MiraiReply.Status, cancellationToken);
    }

    /// <summary>Makes a member an administrator or not (<c>memberAdmin</c>; needs the owner's rights).</summary>
    /// <param name="group">The group.</param>
    /// <param name="member">The member.</param>
    /// <param name="assign">Whether to make them an administrator.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public virtual Task SetAdminAsync(long group, long member, bool assign, CancellationToken cancellationToken = default) =>
        Sender.SendAsync(MiraiRequest.With("memberAdmin", MiraiJsonContext.Default.MemberAdminContent, new MemberAdminContent(group, member, assign)), MiraiReply.Status, cancellationToken);
}
