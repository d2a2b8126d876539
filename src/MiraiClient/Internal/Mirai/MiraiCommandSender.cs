namespace MiraiClient.Internal;

/// <summary>The mirai-api-http command layer's one way to the connection: every typed command passes its
/// request and reply shape here. Message sends also pass the conversation they go to, so they can be
/// checked and paced; other commands are not paced.</summary>
internal sealed class MiraiCommandSender
{
    private readonly ReplyShape<int> _receipt;

    public MiraiCommandSender(CommandInvoker<MiraiEvent> invoker, bool allowUndelivered)
    {
        Invoker = invoker;
        _receipt = allowUndelivered ? MiraiReply.UndeliveredReceipt : MiraiReply.Receipt;
    }

    public CommandInvoker<MiraiEvent> Invoker { get; }

    /// <summary>The error a command group made for a test substitute throws when a method was not overridden.</summary>
    public static InvalidOperationException NotConnected(Type group) =>
        new($"This {group.Name} was made for a test substitute and has no connection; override the methods the test calls.");

    public Task<T> SendAsync<T>(MiraiRequest request, ReplyShape<T> shape, CancellationToken cancellationToken) =>
        Invoker.SendAsync(request, shape, cancellationToken);

    /// <summary>Sends a command that delivers something to a conversation (paced when pacing is on).</summary>
    public Task<T> SendPacedAsync<T>(MiraiRequest request, ReplyShape<T> shape, Conversation? conversation, CancellationToken cancellationToken) =>
        Invoker.SendAsync(request, shape, conversation, cancellationToken);

    /// <summary>Sends a message and returns its id; a send the server did not deliver fails (see <see cref="MiraiReply.Receipt"/>).</summary>
    public Task<int> SendMessageAsync(MiraiRequest request, Conversation? conversation, CancellationToken cancellationToken) =>
        SendPacedAsync(request, _receipt, conversation, cancellationToken);

    /// <summary>Refuses a message that cannot be sent, before anything is encoded: none at all, or nothing in it.</summary>
    /// <exception cref="ArgumentNullException">No message.</exception>
    /// <exception cref="ArgumentException">The message has no element, or only empty text.</exception>
    public static void CheckMessage(MessageChain messageChain)
    {
        ArgumentNullException.ThrowIfNull(messageChain);
        for (var i = 0; i < messageChain.Count; i++)
        {
            if (messageChain[i] is not PlainElement { Text.Length: 0 })
            {
                return;
            }
        }

        throw new ArgumentException("The message is empty: it has no element, or only empty text; the server would refuse it or deliver nothing.", nameof(messageChain));
    }
}
