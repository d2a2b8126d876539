using MiraiClient.OneBot.Internal;

namespace MiraiClient.OneBot;

/// <summary>Sending, fetching, recalling and marking messages; images and voice files of received messages.</summary>
/// <remarks>Every method sends one action and throws <see cref="OneBotApiException"/> when the
/// implementation reports a failure. The class can be subclassed to substitute it in tests: the
/// protected constructor makes an instance with no connection, whose methods the test overrides.</remarks>
public class OneBotMessageActions
{
    private readonly IOneBotActionInvoker? _invoker;

    /// <summary>Initializes a new instance of the <see cref="OneBotMessageActions"/> class for substitution in tests.</summary>
    protected OneBotMessageActions()
    {
    }

    internal OneBotMessageActions(IOneBotActionInvoker invoker) => _invoker = invoker;

    /// <summary>Sends a private message (<c>send_private_msg</c>).</summary>
    /// <param name="userId">The recipient.</param>
    /// <param name="message">The message: segments are sent as an array; a message from <see cref="OneBotMessage.FromCqString"/> as its CQ string.</param>
    /// <param name="cancellationToken">Abandons the wait (the message may still be sent).</param>
    /// <returns>The sent message's id.</returns>
    public virtual Task<long> SendPrivateMessageAsync(long userId, OneBotMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return ActionCalls.Invoke(_invoker, "send_private_msg", new SendPrivateMessageParams(userId, message), OneBotJsonContext.Default.SendPrivateMessageParams, OneBotReplyShape.MessageId, cancellationToken);
    }

    /// <summary>Sends a message in a temporary chat that started from a group (<c>send_private_msg</c> with
    /// <c>group_id</c>, as go-cqhttp and NapCat take it).</summary>
    /// <param name="groupId">The group the temporary chat comes from.</param>
    /// <param name="userId">The recipient.</param>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Abandons the wait (the message may still be sent).</param>
    /// <returns>The sent message's id.</returns>
    public virtual Task<long> SendTemporaryMessageAsync(long groupId, long userId, OneBotMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return ActionCalls.Invoke(_invoker, "send_private_msg", new SendPrivateMessageParams(userId, message, GroupId: groupId), OneBotJsonContext.Default.SendPrivateMessageParams, OneBotReplyShape.MessageId, cancellationToken);
    }

    /// <summary>Sends a group message (<c>send_group_msg</c>).</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Abandons the wait (the message may still be sent).</param>
    /// <returns>The sent message's id.</returns>
    public virtual Task<long> SendGroupMessageAsync(long groupId, OneBotMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return ActionCalls.Invoke(_invoker, "send_group_msg", new SendGroupMessageParams(groupId, message), OneBotJsonContext.Default.SendGroupMessageParams, OneBotReplyShape.MessageId, cancellationToken);
    }

    /// <summary>Sends a message to a private chat or a group (<c>send_msg</c>).</summary>
    /// <param name="chatType">Where to send.</param>
    /// <param name="targetId">The user or group.</param>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Abandons the wait (the message may still be sent).</param>
    /// <returns>The sent message's id.</returns>
    public virtual Task<long> SendMessageAsync(OneBotChatType chatType, long targetId, OneBotMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var parameters = chatType == OneBotChatType.Group
            ? new SendMessageParams("group", null, targetId, message)
            : new SendMessageParams("private", targetId, null, message);
        return ActionCalls.Invoke(_invoker, "send_msg", parameters, OneBotJsonContext.Default.SendMessageParams, OneBotReplyShape.MessageId, cancellationToken);
    }

    /// <summary>Recalls a message (<c>delete_msg</c>).</summary>
    /// <param name="messageId">The message id.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the implementation has answered.</returns>
    public virtual Task DeleteMessageAsync(long messageId, CancellationToken cancellationToken = default) =>
        ActionCalls.Run(_invoker, "delete_msg", new MessageIdParams(messageId), OneBotJsonContext.Default.MessageIdParams, cancellationToken);

    /// <summary>Fetches a message by id (<c>get_msg</c>). Old ids stop resolving (NapCat keeps the last 5000).</summary>
    /// <param name="messageId">The message id.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The message.</returns>
    public virtual Task<MessageDetail> GetMessageAsync(long messageId, CancellationToken cancellationToken = default) =>
        ActionCalls.Invoke(_invoker, "get_msg", new MessageIdParams(messageId), OneBotJsonContext.Default.MessageIdParams, OneBotReplyShape.Data(OneBotJsonContext.Default.MessageDetail), cancellationToken);

    /// <summary>Fetches the content of a merged forward (<c>get_forward_msg</c>). The id is sent as both
    /// <c>id</c> (spec, NapCat, Lagrange) and <c>message_id</c> (go-cqhttp).</summary>
    /// <param name="id">The forward id, from a <see cref="ForwardSegment"/>.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The forwarded messages.</returns>
    public virtual Task<IReadOnlyList<ForwardedMessage>> GetForwardMessageAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return ActionCalls.Invoke(_invoker, "get_forward_msg", new ForwardIdParams(id, id), OneBotJsonContext.Default.ForwardIdParams, OneBotReplyShape.Custom(ReplyReaders.ForwardContent), cancellationToken);
    }

    /// <summary>Sends a merged forward to a group (<c>send_group_forward_msg</c>).</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="nodes">The nodes: references to messages or custom nodes.</param>
    /// <param name="cancellationToken">Abandons the wait (the forward may still be sent).</param>
    /// <returns>The message id and forward id.</returns>
    public virtual Task<ForwardMessageReceipt> SendGroupForwardMessageAsync(long groupId, IEnumerable<NodeSegment> nodes, CancellationToken cancellationToken = default) =>
        ActionCalls.Invoke(_invoker, "send_group_forward_msg", new SendGroupForwardParams(groupId, Nodes(nodes)), OneBotJsonContext.Default.SendGroupForwardParams, OneBotReplyShape.Custom(ReplyReaders.ForwardReceipt), cancellationToken);

    /// <summary>Sends a merged forward to a friend (<c>send_private_forward_msg</c>).</summary>
    /// <param name="userId">The friend.</param>
    /// <param name="nodes">The nodes.</param>
    /// <param name="cancellationToken">Abandons the wait (the forward may still be sent).</param>
    /// <returns>The message id and forward id.</returns>
    public virtual Task<ForwardMessageReceipt> SendPrivateForwardMessageAsync(long userId, IEnumerable<NodeSegment> nodes, CancellationToken cancellationToken = default) =>
        ActionCalls.Invoke(_invoker, "send_private_forward_msg", new SendPrivateForwardParams(userId, Nodes(nodes)), OneBotJsonContext.Default.SendPrivateForwardParams, OneBotReplyShape.Custom(ReplyReaders.ForwardReceipt), cancellationToken);

    /// <summary>Sends a merged forward to a private chat or a group (<c>send_forward_msg</c>; NapCat).</summary>
    /// <param name="chatType">Where to send.</param>
    /// <param name="targetId">The user or group.</param>
    /// <param name="nodes">The nodes.</param>
    /// <param name="cancellationToken">Abandons the wait (the forward may still be sent).</param>
    /// <returns>The message id and forward id.</returns>
    public virtual Task<ForwardMessageReceipt> SendForwardMessageAsync(OneBotChatType chatType, long targetId, IEnumerable<NodeSegment> nodes, CancellationToken cancellationToken = default)
    {
        var parameters = chatType == OneBotChatType.Group
            ? new SendForwardParams("group", null, targetId, Nodes(nodes))
            : new SendForwardParams("private", targetId, null, Nodes(nodes));
        return ActionCalls.Invoke(_invoker, "send_forward_msg", parameters, OneBotJsonContext.Default.SendForwardParams, OneBotReplyShape.Custom(ReplyReaders.ForwardReceipt), cancellationToken);
    }

    /// <summary>Fetches a group's message history (<c>get_group_msg_history</c>).</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="messageSeq">Where to start (a <c>real_seq</c>/<c>message_seq</c>), or <see langword="null"/> for the latest.</param>
    /// <param name="count">How many (NapCat; default 20), or <see langword="null"/> for the implementation's default.</param>
    /// <param name="reverseOrder">Whether to reverse the order (NapCat), or <see langword="null"/> to leave it out.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The messages.</returns>
    public virtual Task<IReadOnlyList<OneBotMessageEvent>> GetGroupMessageHistoryAsync(long groupId, string? messageSeq = null, int? count = null, bool? reverseOrder = null, CancellationToken cancellationToken = default) =>
        ActionCalls.Invoke(_invoker, "get_group_msg_history", new GroupHistoryParams(groupId, messageSeq, count, reverseOrder), OneBotJsonContext.Default.GroupHistoryParams, OneBotReplyShape.Custom(ReplyReaders.MessageList), cancellationToken);

    /// <summary>Fetches the message history with a friend (<c>get_friend_msg_history</c>; NapCat, Lagrange).</summary>
    /// <param name="userId">The friend.</param>
    /// <param name="messageSeq">Where to start, or <see langword="null"/> for the latest.</param>
    /// <param name="count">How many, or <see langword="null"/> for the implementation's default.</param>
    /// <param name="reverseOrder">Whether to reverse the order, or <see langword="null"/> to leave it out.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The messages.</returns>
    public virtual Task<IReadOnlyList<OneBotMessageEvent>> GetFriendMessageHistoryAsync(long userId, string? messageSeq = null, int? count = null, bool? reverseOrder = null, CancellationToken cancellationToken = default) =>
        ActionCalls.Invoke(_invoker, "get_friend_msg_history", new FriendHistoryParams(userId, messageSeq, count, reverseOrder), OneBotJsonContext.Default.FriendHistoryParams, OneBotReplyShape.Custom(ReplyReaders.MessageList), cancellationToken);

    /// <summary>Marks a message as read (<c>mark_msg_as_read</c>).</summary>
    /// <param name="messageId">The message id.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the implementation has answered.</returns>
    public virtual Task MarkMessageAsReadAsync(long messageId, CancellationToken cancellationToken = default) =>
        ActionCalls.Run(_invoker, "mark_msg_as_read", new MessageIdParams(messageId), OneBotJsonContext.Default.MessageIdParams, cancellationToken);

    /// <summary>Marks a private chat as read (<c>mark_private_msg_as_read</c>; NapCat).</summary>
    /// <param name="userId">The friend.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the implementation has answered.</returns>
    public virtual Task MarkPrivateMessagesAsReadAsync(long userId, CancellationToken cancellationToken = default) =>
        ActionCalls.Run(_invoker, "mark_private_msg_as_read", new UserIdParams(userId), OneBotJsonContext.Default.UserIdParams, cancellationToken);

    /// <summary>Marks a group chat as read (<c>mark_group_msg_as_read</c>; NapCat).</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the implementation has answered.</returns>
    public virtual Task MarkGroupMessagesAsReadAsync(long groupId, CancellationToken cancellationToken = default) =>
        ActionCalls.Run(_invoker, "mark_group_msg_as_read", new GroupIdParams(groupId), OneBotJsonContext.Default.GroupIdParams, cancellationToken);

    /// <summary>Marks every chat as read (<c>_mark_all_as_read</c>; NapCat).</summary>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the implementation has answered.</returns>
    public virtual Task MarkAllMessagesAsReadAsync(CancellationToken cancellationToken = default) =>
        ActionCalls.Run(_invoker, "_mark_all_as_read", cancellationToken);

    /// <summary>Adds or removes an emoji reaction on a message (<c>set_msg_emoji_like</c>; NapCat).</summary>
    /// <param name="messageId">The message id.</param>
    /// <param name="emojiId">The emoji id.</param>
    /// <param name="set">Whether to add (<see langword="true"/>) or remove the reaction.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the implementation has answered.</returns>
    public virtual Task SetMessageEmojiLikeAsync(long messageId, string emojiId, bool set = true, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(emojiId);
        return ActionCalls.Run(_invoker, "set_msg_emoji_like", new EmojiLikeParams(messageId, emojiId, set), OneBotJsonContext.Default.EmojiLikeParams, cancellationToken);
    }

    /// <summary>Resolves a received image to a file (<c>get_image</c>). The path is on the implementation's host.</summary>
    /// <param name="file">The image's <c>file</c> value from a received <see cref="ImageSegment"/>.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The path on the implementation's host.</returns>
    public virtual Task<string> GetImageAsync(string file, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        return ActionCalls.Invoke(_invoker, "get_image", new FileParams(file), OneBotJsonContext.Default.FileParams, OneBotReplyShape.Field(OneBotJsonContext.Default.FileResult, r => r.File, "file"), cancellationToken, OneBotActionKind.Transfer);
    }

    /// <summary>Converts a received voice message to a file (<c>get_record</c>). The path is on the implementation's host.</summary>
    /// <param name="file">The voice's <c>file</c> value from a received <see cref="RecordSegment"/>.</param>
    /// <param name="outFormat">The format: <c>mp3</c>, <c>amr</c>, <c>wma</c>, <c>m4a</c>, <c>spx</c>, <c>ogg</c>, <c>wav</c> or <c>flac</c>.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The path on the implementation's host.</returns>
    public virtual Task<string> GetRecordAsync(string file, string outFormat, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        ArgumentException.ThrowIfNullOrEmpty(outFormat);
        return ActionCalls.Invoke(_invoker, "get_record", new GetRecordParams(file, outFormat), OneBotJsonContext.Default.GetRecordParams, OneBotReplyShape.Field(OneBotJsonContext.Default.FileResult, r => r.File, "file"), cancellationToken, OneBotActionKind.Transfer);
    }

    /// <summary>Asks whether images can be sent (<c>can_send_image</c>).</summary>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The answer.</returns>
    public virtual Task<bool> CanSendImageAsync(CancellationToken cancellationToken = default) =>
        ActionCalls.Invoke(_invoker, "can_send_image", OneBotReplyShape.Field(OneBotJsonContext.Default.YesResult, r => r.Yes, "yes"), cancellationToken);

    /// <summary>Asks whether voice messages can be sent (<c>can_send_record</c>).</summary>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The answer.</returns>
    public virtual Task<bool> CanSendRecordAsync(CancellationToken cancellationToken = default) =>
        ActionCalls.Invoke(_invoker, "can_send_record", OneBotReplyShape.Field(OneBotJsonContext.Default.YesResult, r => r.Yes, "yes"), cancellationToken);

    private static OneBotMessage Nodes(IEnumerable<NodeSegment> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var message = new OneBotMessage(nodes);
        return message.Count == 0 ? throw new ArgumentException("A forward needs at least one node.", nameof(nodes)) : message;
    }
}
