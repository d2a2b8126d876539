using MiraiClient.Internal;

namespace MiraiClient;

/// <remarks>The nine commands every bot uses, on the connection itself; the rest are in the command groups.</remarks>
public sealed partial class MiraiConnection
{
    /// <inheritdoc/>
    public Task<int> SendFriendMessageAsync(long target, MessageChain messageChain, int? quote = null, CancellationToken cancellationToken = default)
    {
        MiraiCommandSender.CheckMessage(messageChain);
        return _sender.SendMessageAsync(MiraiRequest.With("sendFriendMessage", MiraiJsonContext.Default.SendMessageContent, new SendMessageContent(target, quote, messageChain)), Conversation.Friend(target), cancellationToken);
    }

    /// <inheritdoc/>
    public Task<int> SendGroupMessageAsync(long target, MessageChain messageChain, int? quote = null, CancellationToken cancellationToken = default)
    {
        MiraiCommandSender.CheckMessage(messageChain);
        return _sender.SendMessageAsync(MiraiRequest.With("sendGroupMessage", MiraiJsonContext.Default.SendMessageContent, new SendMessageContent(target, quote, messageChain)), Conversation.Group(target), cancellationToken);
    }

    /// <inheritdoc/>
    public Task<int> SendTempMessageAsync(long qq, long group, MessageChain messageChain, int? quote = null, CancellationToken cancellationToken = default)
    {
        MiraiCommandSender.CheckMessage(messageChain);
        return _sender.SendMessageAsync(MiraiRequest.With("sendTempMessage", MiraiJsonContext.Default.SendTempMessageContent, new SendTempMessageContent(qq, group, quote, messageChain)), Conversation.Temp(qq, group), cancellationToken);
    }

    /// <inheritdoc/>
    public Task RecallAsync(long target, int messageId, CancellationToken cancellationToken = default) =>
        _sender.SendAsync(MiraiRequest.With("recall", MiraiJsonContext.Default.RecallContent, new RecallContent(target, messageId)), MiraiReply.Status, cancellationToken);

    /// <inheritdoc/>
    public Task SendNudgeAsync(long target, long subject, NudgeKind kind, CancellationToken cancellationToken = default)
    {
        // The server silently ignores an unknown kind, so refuse it here instead.
        var kindName = kind switch
        {
            NudgeKind.Friend => "Friend",
            NudgeKind.Group => "Group",
            NudgeKind.Stranger => "Stranger",
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown nudge kind."),
        };
        return _sender.SendAsync(MiraiRequest.With("sendNudge", MiraiJsonContext.Default.SendNudgeContent, new SendNudgeContent(target, subject, kindName)), MiraiReply.Status, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<AboutInfo> AboutAsync(CancellationToken cancellationToken = default) =>
        _sender.SendAsync(new MiraiRequest("about"), MiraiReply.Restful(MiraiJsonContext.Default.AboutInfo), cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<long>> GetBotListAsync(CancellationToken cancellationToken = default) =>
        _sender.SendAsync(new MiraiRequest("botList"), MiraiReply.RestfulList(MiraiJsonContext.Default.Int64Array), cancellationToken);

    /// <inheritdoc/>
    /// <remarks>The server needs an object here; without one it nests a 400 inside a success.</remarks>
    public Task<SessionInfo> GetSessionInfoAsync(CancellationToken cancellationToken = default) =>
        _sender.SendAsync(MiraiRequest.With("sessionInfo", MiraiJsonContext.Default.EmptyContent, new EmptyContent()), MiraiReply.Restful(MiraiJsonContext.Default.SessionInfo), cancellationToken);
}
