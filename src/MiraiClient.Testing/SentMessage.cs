using System.Text.Json;

namespace MiraiClient.Testing;

/// <summary>Where a sent message went.</summary>
public enum SentMessageKind
{
    /// <summary><c>sendFriendMessage</c>: to a friend (or a stranger).</summary>
    Friend,

    /// <summary><c>sendGroupMessage</c>: to a group.</summary>
    Group,

    /// <summary><c>sendTempMessage</c>: to a group member in a temporary chat.</summary>
    Temp,

    /// <summary><c>sendOtherClientMessage</c>: to another device of the bot's account.</summary>
    OtherClient,
}

/// <summary>A send command as a message: where it went, what it quoted and what it said.</summary>
/// <remarks>The chain is decoded with <see cref="MiraiJson"/>, so it reads exactly as the SDK would read
/// it back, and <see cref="Text"/> holds the text as written (a client may escape CJK on the wire; the
/// text here is decoded).</remarks>
public sealed class SentMessage
{
    private SentMessage(ReceivedCommand request, SentMessageKind kind, long target, long? group, int? quote, MessageChain chain)
    {
        Request = request;
        Kind = kind;
        Target = target;
        Group = group;
        Quote = quote;
        MessageChain = chain;
    }

    /// <summary>Gets the command it came from.</summary>
    public ReceivedCommand Request { get; }

    /// <summary>Gets where it went.</summary>
    public SentMessageKind Kind { get; }

    /// <summary>Gets the receiver: the friend's QQ, the group number, the member's QQ (temp) or the other
    /// client's id, as the server picks it (<c>target</c> wins over <c>qq</c> and <c>group</c>).</summary>
    public long Target { get; }

    /// <summary>Gets the group of a temporary chat, otherwise <see langword="null"/>.</summary>
    public long? Group { get; }

    /// <summary>Gets the message id it quotes, if any.</summary>
    public int? Quote { get; }

    /// <summary>Gets the message.</summary>
    public MessageChain MessageChain { get; }

    /// <summary>Gets the message's plain text (its text elements joined).</summary>
    public string Text => MessageChain.ToPlainText();

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Request.Command} to {(Kind == SentMessageKind.Temp ? $"{Target} in group {Group}" : Target.ToString(System.Globalization.CultureInfo.InvariantCulture))}{(Quote is { } q ? $", quoting {q}" : "")}: {Text}";

    /// <summary>Views a send command, or returns <see langword="null"/> for any other command.</summary>
    /// <param name="command">The command.</param>
    /// <returns>The view.</returns>
    internal static SentMessage? From(ReceivedCommand command)
    {
        SentMessageKind kind;
        switch (command.Command)
        {
            case "sendFriendMessage":
                kind = SentMessageKind.Friend;
                break;
            case "sendGroupMessage":
                kind = SentMessageKind.Group;
                break;
            case "sendTempMessage":
                kind = SentMessageKind.Temp;
                break;
            case "sendOtherClientMessage":
                kind = SentMessageKind.OtherClient;
                break;
            default:
                return null;
        }

        try
        {
            long? group = null;
            var target = kind switch
            {
                SentMessageKind.Friend => command.GetInt64("target") ?? command.GetInt64("qq"),
                SentMessageKind.Group => command.GetInt64("target") ?? command.GetInt64("group"),
                SentMessageKind.Temp => command.GetInt64("qq"),
                _ => command.GetInt64("target"),
            };
            if (kind == SentMessageKind.Temp)
            {
                group = command.GetInt64("group") ?? throw new MiraiProtocolException($"The {command.Command} request names no group: {command.RawJson}");
            }

            var chain = command.GetMessageChain("messageChain")
                ?? throw new MiraiProtocolException($"The {command.Command} request has no messageChain: {command.RawJson}");
            return new SentMessage(
                command,
                kind,
                target ?? throw new MiraiProtocolException($"The {command.Command} request names no receiver: {command.RawJson}"),
                group,
                command.GetInt32("quote"),
                chain);
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            throw new MiraiProtocolException($"The {command.Command} request is not a valid message: {ex.Message}", ex);
        }
    }
}
