using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MiraiClient;

/// <summary>One element of a <see cref="MessageChain"/>.</summary>
/// <remarks>Elements are immutable. An element type this version of the SDK does not know arrives as
/// <see cref="UnknownElement"/> with its JSON kept, and is sent back unchanged.</remarks>
public abstract record MessageElement
{
    private protected MessageElement()
    {
    }

    /// <summary>Gets the wire type name (the <c>type</c> field).</summary>
    [JsonPropertyName("type")]
    [JsonPropertyOrder(-100)]
    public abstract string Type { get; }
}

/// <summary>The source of a received message: its id and time. The first element of a received chain; ignored when sending.</summary>
public sealed record SourceElement : MessageElement
{
    /// <inheritdoc/>
    public override string Type => "Source";

    /// <summary>Gets the message id (32-bit, may be negative).</summary>
    public required int Id { get; init; }

    /// <summary>Gets the time the message was sent, in Unix seconds.</summary>
    public long Time { get; init; }
}

/// <summary>A quoted message, as received (to reply with a quote, use the <c>quote</c> parameter of the send commands).</summary>
public sealed record QuoteElement : MessageElement
{
    /// <inheritdoc/>
    public override string Type => "Quote";

    /// <summary>Gets the quoted message's id.</summary>
    public required int Id { get; init; }

    /// <summary>Gets who sent the quoted message.</summary>
    public long SenderId { get; init; }

    /// <summary>Gets who the quoted message was sent to.</summary>
    public long TargetId { get; init; }

    /// <summary>Gets the group it was sent in, or 0 outside groups.</summary>
    public long GroupId { get; init; }

    /// <summary>Gets the quoted message's content.</summary>
    public MessageChain Origin { get; init => field = value ?? MessageChain.Empty; } = MessageChain.Empty;
}

/// <summary>A mention of a group member (group chats only).</summary>
public sealed record AtElement : MessageElement
{
    /// <summary>Initializes a new instance of the <see cref="AtElement"/> class.</summary>
    public AtElement()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="AtElement"/> class.</summary>
    /// <param name="target">The QQ number to mention.</param>
    [SetsRequiredMembers]
    public AtElement(long target) => Target = target;

    /// <inheritdoc/>
    public override string Type => "At";

    /// <summary>Gets the mentioned QQ number.</summary>
    public required long Target { get; init; }

    /// <summary>Gets the display text (always empty on received messages).</summary>
    public string Display { get; init => field = value ?? ""; } = "";
}

/// <summary>A mention of everyone in the group.</summary>
public sealed record AtAllElement : MessageElement
{
    /// <inheritdoc/>
    public override string Type => "AtAll";
}

/// <summary>A QQ face (emoticon).</summary>
public sealed record FaceElement : MessageElement
{
    /// <inheritdoc/>
    public override string Type => "Face";

    /// <summary>Gets the face id; when sending, an id wins over <see cref="Name"/>.</summary>
    public int? FaceId { get; init; }

    /// <summary>Gets the face name.</summary>
    public string? Name { get; init; }

    /// <summary>Gets whether it is a super face (2.10+).</summary>
    public bool IsSuperFace { get; init; }
}

/// <summary>Plain text.</summary>
public sealed record PlainElement : MessageElement
{
    /// <summary>Initializes a new instance of the <see cref="PlainElement"/> class.</summary>
    public PlainElement()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PlainElement"/> class.</summary>
    /// <param name="text">The text.</param>
    [SetsRequiredMembers]
    public PlainElement(string text) => Text = text;

    /// <inheritdoc/>
    public override string Type => "Plain";

    /// <summary>Gets the text.</summary>
    public required string Text { get; init; }
}

/// <summary>An image. When sending, the first source set wins: <see cref="ImageId"/>, <see cref="Url"/>,
/// <see cref="Path"/> (a file on the server), <see cref="Base64"/>.</summary>
public record ImageElement : MessageElement
{
    /// <inheritdoc/>
    public override string Type => "Image";

    /// <summary>Gets the image id.</summary>
    public string? ImageId { get; init; }

    /// <summary>Gets the image address.</summary>
    public string? Url { get; init; }

    /// <summary>Gets a path on the server (send only).</summary>
    public string? Path { get; init; }

    /// <summary>Gets the image as base64 (send only).</summary>
    public string? Base64 { get; init; }

    /// <summary>Gets the width in pixels (2.6+).</summary>
    public int Width { get; init; }

    /// <summary>Gets the height in pixels (2.6+).</summary>
    public int Height { get; init; }

    /// <summary>Gets the size in bytes (2.6+).</summary>
    public long Size { get; init; }

    /// <summary>Gets the image format, for example <c>PNG</c> (2.6+).</summary>
    public string? ImageType { get; init; }

    /// <summary>Gets whether it is an emoji (2.6+).</summary>
    public bool IsEmoji { get; init; }
}

/// <summary>A flash image: shown once. Same sources as <see cref="ImageElement"/>.</summary>
public sealed record FlashImageElement : ImageElement
{
    /// <inheritdoc/>
    public override string Type => "FlashImage";
}

/// <summary>A voice message. When sending, the first source set wins: id, url, path, base64.</summary>
public sealed record VoiceElement : MessageElement
{
    /// <inheritdoc/>
    public override string Type => "Voice";

    /// <summary>Gets the voice id.</summary>
    public string? VoiceId { get; init; }

    /// <summary>Gets the voice address.</summary>
    public string? Url { get; init; }

    /// <summary>Gets a path on the server (send only).</summary>
    public string? Path { get; init; }

    /// <summary>Gets the voice as base64 (send only).</summary>
    public string? Base64 { get; init; }

    /// <summary>Gets the length in seconds (2.3+).</summary>
    public long Length { get; init; }
}

/// <summary>An XML service message; every received service message arrives as this.</summary>
public sealed record XmlServiceElement : MessageElement
{
    /// <inheritdoc/>
    public override string Type => "Xml";

    /// <summary>Gets the XML.</summary>
    public required string Xml { get; init; }
}

/// <summary>A JSON service message (send only).</summary>
public sealed record JsonServiceElement : MessageElement
{
    /// <inheritdoc/>
    public override string Type => "Json";

    /// <summary>Gets the JSON text.</summary>
    public required string Json { get; init; }
}

/// <summary>A light-app card.</summary>
public sealed record AppElement : MessageElement
{
    /// <inheritdoc/>
    public override string Type => "App";

    /// <summary>Gets the card content.</summary>
    public required string Content { get; init; }
}

/// <summary>A poke (a special message, not the avatar nudge).</summary>
public sealed record PokeElement : MessageElement
{
    /// <inheritdoc/>
    public override string Type => "Poke";

    /// <summary>Gets the poke name, an open set such as <c>ChuoYiChuo</c> or <c>Poke</c>.</summary>
    public required string Name { get; init; }
}

/// <summary>A dice roll.</summary>
public sealed record DiceElement : MessageElement
{
    /// <inheritdoc/>
    public override string Type => "Dice";

    /// <summary>Gets the value (1–6).</summary>
    public required int Value { get; init; }
}

/// <summary>A market face (receive and forward only).</summary>
public sealed record MarketFaceElement : MessageElement
{
    /// <inheritdoc/>
    public override string Type => "MarketFace";

    /// <summary>Gets the face id.</summary>
    public required int Id { get; init; }

    /// <summary>Gets the face name.</summary>
    public string Name { get; init => field = value ?? ""; } = "";
}

/// <summary>A music share card.</summary>
public sealed record MusicShareElement : MessageElement
{
    /// <inheritdoc/>
    public override string Type => "MusicShare";

    /// <summary>Gets the music kind, for example <c>QQMusic</c> or <c>NeteaseCloudMusic</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>Gets the title.</summary>
    public required string Title { get; init; }

    /// <summary>Gets the summary.</summary>
    public required string Summary { get; init; }

    /// <summary>Gets the page the card opens.</summary>
    public required string JumpUrl { get; init; }

    /// <summary>Gets the cover image address.</summary>
    public required string PictureUrl { get; init; }

    /// <summary>Gets the music address.</summary>
    public required string MusicUrl { get; init; }

    /// <summary>Gets the brief shown in the chat list.</summary>
    public required string Brief { get; init; }
}

/// <summary>A forwarded bundle of messages.</summary>
public sealed record ForwardElement : MessageElement
{
    /// <inheritdoc/>
    public override string Type => "Forward";

    /// <summary>Gets how the card looks; null on received forwards (2.8+).</summary>
    public ForwardDisplay? Display { get; init; }

    /// <summary>Gets the forwarded messages.</summary>
    public IReadOnlyList<ForwardNode> NodeList { get; init => field = value ?? []; } = [];
}

/// <summary>How a forward card looks.</summary>
public sealed record ForwardDisplay
{
    /// <summary>Gets the title.</summary>
    public string? Title { get; init; }

    /// <summary>Gets the brief shown in the chat list.</summary>
    public string? Brief { get; init; }

    /// <summary>Gets the source line.</summary>
    public string? Source { get; init; }

    /// <summary>Gets the preview lines.</summary>
    public IReadOnlyList<string>? Preview { get; init; }

    /// <summary>Gets the summary line.</summary>
    public string? Summary { get; init; }
}

/// <summary>One forwarded message: either its content (sender, time, name, chain), or a reference to a
/// cached message by <see cref="MessageId"/> or <see cref="MessageRef"/>.</summary>
public sealed record ForwardNode
{
    /// <summary>Creates a node with its content.</summary>
    /// <param name="senderId">The sender's QQ number.</param>
    /// <param name="senderName">The sender's display name.</param>
    /// <param name="time">The time, in Unix seconds.</param>
    /// <param name="messageChain">The content.</param>
    /// <returns>The node.</returns>
    public static ForwardNode Create(long senderId, string senderName, long time, MessageChain messageChain) =>
        new() { SenderId = senderId, SenderName = senderName, Time = time, MessageChain = messageChain ?? throw new ArgumentNullException(nameof(messageChain)) };

    /// <summary>Creates a node that refers to a cached message of the current conversation.</summary>
    /// <param name="messageId">The message id.</param>
    /// <returns>The node.</returns>
    public static ForwardNode FromMessageId(int messageId) => new() { MessageId = messageId };

    /// <summary>Creates a node that refers to a cached message of another conversation (2.7+).</summary>
    /// <param name="messageId">The message id.</param>
    /// <param name="target">The friend or group it was in.</param>
    /// <returns>The node.</returns>
    public static ForwardNode FromMessageRef(int messageId, long target) => new() { MessageRef = new ForwardMessageRef { MessageId = messageId, Target = target } };

    /// <summary>Gets the sender's QQ number.</summary>
    public long? SenderId { get; init; }

    /// <summary>Gets the time, in Unix seconds.</summary>
    public long? Time { get; init; }

    /// <summary>Gets the sender's display name.</summary>
    public string? SenderName { get; init; }

    /// <summary>Gets the content.</summary>
    public MessageChain? MessageChain { get; init; }

    /// <summary>Gets a message id from the current conversation's cache.</summary>
    public int? MessageId { get; init; }

    /// <summary>Gets a message in another conversation's cache (2.7+).</summary>
    public ForwardMessageRef? MessageRef { get; init; }
}

/// <summary>A cached message in a given conversation.</summary>
public sealed record ForwardMessageRef
{
    /// <summary>Gets the message id.</summary>
    public required int MessageId { get; init; }

    /// <summary>Gets the friend or group number.</summary>
    public required long Target { get; init; }
}

/// <summary>A group file (receive only).</summary>
public sealed record FileElement : MessageElement
{
    /// <inheritdoc/>
    public override string Type => "File";

    /// <summary>Gets the file id.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the file name.</summary>
    public string Name { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the size in bytes.</summary>
    public long Size { get; init; }
}

/// <summary>A short video (2.10+).</summary>
public sealed record ShortVideoElement : MessageElement
{
    /// <inheritdoc/>
    public override string Type => "ShortVideo";

    /// <summary>Gets the video id.</summary>
    public string? VideoId { get; init; }

    /// <summary>Gets the file MD5.</summary>
    public string? FileMd5 { get; init; }

    /// <summary>Gets the size in bytes.</summary>
    public long FileSize { get; init; }

    /// <summary>Gets the format, for example <c>mp4</c>.</summary>
    public string? FileFormat { get; init; }

    /// <summary>Gets the file name.</summary>
    public string? Filename { get; init; }

    /// <summary>Gets the video address.</summary>
    public string? VideoUrl { get; init; }

    /// <summary>Gets the thumbnail address (never filled on received videos).</summary>
    public string? ThumbnailUrl { get; init; }
}

/// <summary>Mirai code, parsed by the server into elements (send only).</summary>
public sealed record MiraiCodeElement : MessageElement
{
    /// <inheritdoc/>
    public override string Type => "MiraiCode";

    /// <summary>Gets the Mirai code.</summary>
    public required string Code { get; init; }
}

/// <summary>An element of a type this version of the SDK does not model, kept as received.</summary>
public sealed record UnknownElement : MessageElement
{
    internal UnknownElement(string type, JsonElement json)
    {
        TypeName = type;
        Json = json;
    }

    /// <inheritdoc/>
    public override string Type => TypeName;

    /// <summary>Gets the element's JSON object, including its <c>type</c>.</summary>
    public JsonElement Json { get; }

    private string TypeName { get; }
}
