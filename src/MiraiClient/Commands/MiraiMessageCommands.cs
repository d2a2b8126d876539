using MiraiClient.Internal;

namespace MiraiClient;

/// <summary>Message commands beyond the common sends on <see cref="IMiraiConnection"/>: other clients,
/// image URLs, the message cache and roaming history.</summary>
public class MiraiMessageCommands
{
    private readonly MiraiCommandSender? _sender;

    /// <summary>Initializes an instance for a substitute in tests (a mock or a subclass): override the
    /// methods a test uses; the others throw <see cref="InvalidOperationException"/>.</summary>
    protected MiraiMessageCommands()
    {
    }

    internal MiraiMessageCommands(MiraiCommandSender sender) => _sender = sender;

    private MiraiCommandSender Sender => _sender ?? throw MiraiCommandSender.NotConnected(GetType());

    /// <summary>Sends a message to another device of the bot's account (<c>sendOtherClientMessage</c>).</summary>
    /// <param name="target">The other client's id.</param>
    /// <param name="messageChain">The message.</param>
    /// <param name="quote">A message id to quote, if any.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The sent message's id.</returns>
    public virtual Task<int> SendOtherClientMessageAsync(long target, MessageChain messageChain, int? quote = null, CancellationToken cancellationToken = default)
    {
        MiraiCommandSender.CheckMessage(messageChain);
        return Sender.SendMessageAsync(MiraiRequest.With("sendOtherClientMessage", MiraiJsonContext.Default.SendMessageContent, new SendMessageContent(target, quote, messageChain)), null, cancellationToken);
    }

    /// <summary>Has the server fetch images from URLs and send them to a friend as one message (<c>sendImageMessage</c>).</summary>
    /// <param name="friend">The friend.</param>
    /// <param name="urls">The image addresses.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The image ids.</returns>
    public virtual Task<IReadOnlyList<string>> SendImageUrlsToFriendAsync(long friend, IEnumerable<string> urls, CancellationToken cancellationToken = default) =>
        SendImageUrlsAsync(new SendImageContent(null, friend, null, Urls(urls)), Conversation.Friend(friend), cancellationToken);

    /// <summary>Has the server fetch images from URLs and send them to a group as one message (<c>sendImageMessage</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="urls">The image addresses.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The image ids.</returns>
    public virtual Task<IReadOnlyList<string>> SendImageUrlsToGroupAsync(long group, IEnumerable<string> urls, CancellationToken cancellationToken = default) =>
        SendImageUrlsAsync(new SendImageContent(null, null, group, Urls(urls)), Conversation.Group(group), cancellationToken);

    /// <summary>Has the server fetch images from URLs and send them in a temporary chat (<c>sendImageMessage</c>).</summary>
    /// <param name="qq">The member.</param>
    /// <param name="group">The group the chat goes through.</param>
    /// <param name="urls">The image addresses.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The image ids.</returns>
    public virtual Task<IReadOnlyList<string>> SendImageUrlsToTempAsync(long qq, long group, IEnumerable<string> urls, CancellationToken cancellationToken = default) =>
        SendImageUrlsAsync(new SendImageContent(null, qq, group, Urls(urls)), Conversation.Temp(qq, group), cancellationToken);

    /// <summary>Gets a message from the server's cache (<c>messageFromId</c>).</summary>
    /// <param name="target">The friend or group the message was in.</param>
    /// <param name="messageId">The message id.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The message, or <see langword="null"/>.</returns>
    public virtual Task<MessageEvent?> GetMessageAsync(long target, int messageId, CancellationToken cancellationToken = default) =>
        Sender.SendAsync(MiraiRequest.With("messageFromId", MiraiJsonContext.Default.MessageIdContent, new MessageIdContent(target, messageId)), MiraiReply.Message, cancellationToken);

    /// <summary>Gets roaming message history with a friend (<c>roamingMessages</c>).</summary>
    /// <param name="target">The friend (or group, on servers that support it).</param>
    /// <param name="timeStart">The start, in Unix seconds.</param>
    /// <param name="timeEnd">The end, in Unix seconds.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The messages.</returns>
    public virtual Task<IReadOnlyList<MessageEvent>> GetRoamingMessagesAsync(long target, long timeStart, long timeEnd, CancellationToken cancellationToken = default) =>
        Sender.SendAsync(MiraiRequest.With("roamingMessages", MiraiJsonContext.Default.RoamingMessagesContent, new RoamingMessagesContent(timeStart, timeEnd, target, null, null)), MiraiReply.Messages, cancellationToken);

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

    private Task<IReadOnlyList<string>> SendImageUrlsAsync(SendImageContent content, Conversation? conversation, CancellationToken cancellationToken) =>
        Sender.SendPacedAsync(MiraiRequest.With("sendImageMessage", MiraiJsonContext.Default.SendImageContent, content), MiraiReply.RestfulList(MiraiJsonContext.Default.StringArray), conversation, cancellationToken);
}
