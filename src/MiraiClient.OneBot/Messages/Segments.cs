using System.Globalization;
using MiraiClient.OneBot.Internal;

namespace MiraiClient.OneBot;

/// <summary>Plain text (<c>text</c>). In a CQ string it is the escaped text itself.</summary>
public sealed class TextSegment : OneBotSegment
{
    /// <summary>Initializes a new instance of the <see cref="TextSegment"/> class.</summary>
    /// <param name="text">The text.</param>
    public TextSegment(string text)
        : base([new OneBotSegmentField("text", text ?? throw new ArgumentNullException(nameof(text)))])
    {
    }

    internal TextSegment(OneBotSegmentField[] fields)
        : base(fields)
    {
    }

    /// <inheritdoc/>
    public override string Type => "text";

    /// <summary>Gets the text.</summary>
    public string Text => GetValue("text") ?? "";
}

/// <summary>A QQ face (<c>face</c>).</summary>
public sealed class FaceSegment : OneBotSegment
{
    /// <summary>Initializes a new instance of the <see cref="FaceSegment"/> class.</summary>
    /// <param name="id">The face id.</param>
    public FaceSegment(int id)
        : base([new OneBotSegmentField("id", id.ToString(CultureInfo.InvariantCulture))])
    {
    }

    internal FaceSegment(OneBotSegmentField[] fields)
        : base(fields)
    {
    }

    /// <inheritdoc/>
    public override string Type => "face";

    /// <summary>Gets the face id as sent (a numeric string).</summary>
    public string Id => GetValue("id") ?? "";

    /// <summary>Gets the face id as a number, or <see langword="null"/> when it is not numeric.</summary>
    public int? FaceId => GetInt64("id") is { } id && id is >= int.MinValue and <= int.MaxValue ? (int)id : null;
}

/// <summary>An image (<c>image</c>). To send, <c>file</c> is a received file name, a <c>file:///</c>,
/// <c>http(s)://</c> or <c>base64://</c> address.</summary>
public sealed class ImageSegment : OneBotSegment
{
    /// <summary>Initializes a new instance of the <see cref="ImageSegment"/> class.</summary>
    /// <param name="file">The image: a received file name, <c>file:///…</c>, <c>http(s)://…</c> or <c>base64://…</c>.</param>
    /// <param name="flash">Whether to send it as a flash image (<c>type=flash</c>).</param>
    public ImageSegment(string file, bool flash = false)
        : base(FieldsOf(("file", file ?? throw new ArgumentNullException(nameof(file))), ("type", flash ? "flash" : null)))
    {
    }

    internal ImageSegment(OneBotSegmentField[] fields)
        : base(fields)
    {
    }

    /// <inheritdoc/>
    public override string Type => "image";

    /// <summary>Gets the file name or address.</summary>
    public string File => GetValue("file") ?? "";

    /// <summary>Gets the download address, when the implementation sends one.</summary>
    public string? Url => GetValue("url");

    /// <summary>Gets whether it is a flash image (<c>type=flash</c>).</summary>
    public bool IsFlash => GetValue("type") == "flash";

    /// <summary>Gets the display summary, for example <c>[图片]</c> (NapCat, Lagrange).</summary>
    public string? Summary => GetValue("summary");

    /// <summary>Gets the image sub-type (0 a picture, 1 a sticker), from <c>sub_type</c> or Lagrange's <c>subType</c>.</summary>
    public int? SubType => (GetInt64("sub_type") ?? GetInt64("subType")) is { } value && value is >= int.MinValue and <= int.MaxValue ? (int)value : null;

    /// <summary>Gets the size in bytes, when sent (NapCat sends it as a string).</summary>
    public long? FileSize => GetInt64("file_size");
}

/// <summary>A voice message (<c>record</c>).</summary>
public sealed class RecordSegment : OneBotSegment
{
    /// <summary>Initializes a new instance of the <see cref="RecordSegment"/> class.</summary>
    /// <param name="file">The voice file: a received file name or an address, as for images.</param>
    /// <param name="magic">Whether to apply the voice changer.</param>
    public RecordSegment(string file, bool magic = false)
        : base(FieldsOf(("file", file ?? throw new ArgumentNullException(nameof(file))), ("magic", magic ? "1" : null)))
    {
    }

    internal RecordSegment(OneBotSegmentField[] fields)
        : base(fields)
    {
    }

    /// <inheritdoc/>
    public override string Type => "record";

    /// <summary>Gets the file name or address.</summary>
    public string File => GetValue("file") ?? "";

    /// <summary>Gets the download address, when sent.</summary>
    public string? Url => GetValue("url");

    /// <summary>Gets whether the voice changer is applied (<c>magic</c>).</summary>
    public bool IsMagic => GetBoolean("magic") ?? false;

    /// <summary>Gets the size in bytes, when sent.</summary>
    public long? FileSize => GetInt64("file_size");
}

/// <summary>A video (<c>video</c>).</summary>
public sealed class VideoSegment : OneBotSegment
{
    /// <summary>Initializes a new instance of the <see cref="VideoSegment"/> class.</summary>
    /// <param name="file">The video file: a received file name or an address, as for images.</param>
    public VideoSegment(string file)
        : base([new OneBotSegmentField("file", file ?? throw new ArgumentNullException(nameof(file)))])
    {
    }

    internal VideoSegment(OneBotSegmentField[] fields)
        : base(fields)
    {
    }

    /// <inheritdoc/>
    public override string Type => "video";

    /// <summary>Gets the file name or address.</summary>
    public string File => GetValue("file") ?? "";

    /// <summary>Gets the download address, when sent.</summary>
    public string? Url => GetValue("url");

    /// <summary>Gets the size in bytes, when sent.</summary>
    public long? FileSize => GetInt64("file_size");
}

/// <summary>A mention (<c>at</c>) of one member or of everyone (<c>qq=all</c>).</summary>
public sealed class AtSegment : OneBotSegment
{
    /// <summary>Initializes a new instance of the <see cref="AtSegment"/> class.</summary>
    /// <param name="userId">The QQ number to mention.</param>
    public AtSegment(long userId)
        : base([new OneBotSegmentField("qq", userId.ToString(CultureInfo.InvariantCulture))])
    {
    }

    internal AtSegment(OneBotSegmentField[] fields)
        : base(fields)
    {
    }

    /// <summary>Gets a mention of everyone in the group.</summary>
    public static AtSegment All { get; } = new([new OneBotSegmentField("qq", "all")]);

    /// <inheritdoc/>
    public override string Type => "at";

    /// <summary>Gets the target as sent: a QQ number, or <c>all</c>.</summary>
    public string Target => GetValue("qq") ?? "";

    /// <summary>Gets whether everyone is mentioned.</summary>
    public bool IsAll => Target == "all";

    /// <summary>Gets the mentioned QQ number, or <see langword="null"/> for <c>all</c> or a non-numeric target.</summary>
    public long? UserId => GetInt64("qq");

    /// <summary>Gets the display name some implementations accept when sending (NapCat <c>name</c>).</summary>
    public string? Name => GetValue("name");
}

/// <summary>Rock-paper-scissors (<c>rps</c>).</summary>
public sealed class RpsSegment : OneBotSegment
{
    /// <summary>Initializes a new instance of the <see cref="RpsSegment"/> class.</summary>
    public RpsSegment()
        : base([])
    {
    }

    internal RpsSegment(OneBotSegmentField[] fields)
        : base(fields)
    {
    }

    /// <inheritdoc/>
    public override string Type => "rps";

    /// <summary>Gets the result, when the implementation reports it (NapCat).</summary>
    public string? Result => GetValue("result");
}

/// <summary>A dice roll (<c>dice</c>).</summary>
public sealed class DiceSegment : OneBotSegment
{
    /// <summary>Initializes a new instance of the <see cref="DiceSegment"/> class.</summary>
    public DiceSegment()
        : base([])
    {
    }

    internal DiceSegment(OneBotSegmentField[] fields)
        : base(fields)
    {
    }

    /// <inheritdoc/>
    public override string Type => "dice";

    /// <summary>Gets the rolled value, when the implementation reports it (NapCat).</summary>
    public string? Result => GetValue("result");
}

/// <summary>A window shake (<c>shake</c>, send only).</summary>
public sealed class ShakeSegment : OneBotSegment
{
    /// <summary>Initializes a new instance of the <see cref="ShakeSegment"/> class.</summary>
    public ShakeSegment()
        : base([])
    {
    }

    internal ShakeSegment(OneBotSegmentField[] fields)
        : base(fields)
    {
    }

    /// <inheritdoc/>
    public override string Type => "shake";
}

/// <summary>A poke (<c>poke</c>).</summary>
public sealed class PokeSegment : OneBotSegment
{
    /// <summary>Initializes a new instance of the <see cref="PokeSegment"/> class.</summary>
    /// <param name="pokeType">The poke type.</param>
    /// <param name="id">The poke id.</param>
    public PokeSegment(string pokeType, string id)
        : base(FieldsOf(("type", pokeType ?? throw new ArgumentNullException(nameof(pokeType))), ("id", id ?? throw new ArgumentNullException(nameof(id)))))
    {
    }

    internal PokeSegment(OneBotSegmentField[] fields)
        : base(fields)
    {
    }

    /// <inheritdoc/>
    public override string Type => "poke";

    /// <summary>Gets the poke type (the data's <c>type</c>).</summary>
    public string PokeType => GetValue("type") ?? "";

    /// <summary>Gets the poke id.</summary>
    public string Id => GetValue("id") ?? "";

    /// <summary>Gets the poke name, when received.</summary>
    public string? Name => GetValue("name");
}

/// <summary>Sends the message anonymously (<c>anonymous</c>, send only; obsolete on current QQ).</summary>
public sealed class AnonymousSegment : OneBotSegment
{
    /// <summary>Initializes a new instance of the <see cref="AnonymousSegment"/> class.</summary>
    /// <param name="ignore">Whether to send normally when anonymity is unavailable.</param>
    public AnonymousSegment(bool ignore = false)
        : base(ignore ? [new OneBotSegmentField("ignore", "1")] : [])
    {
    }

    internal AnonymousSegment(OneBotSegmentField[] fields)
        : base(fields)
    {
    }

    /// <inheritdoc/>
    public override string Type => "anonymous";

    /// <summary>Gets whether to send normally when anonymity is unavailable.</summary>
    public bool Ignore => GetBoolean("ignore") ?? false;
}

/// <summary>A link card (<c>share</c>).</summary>
public sealed class ShareSegment : OneBotSegment
{
    /// <summary>Initializes a new instance of the <see cref="ShareSegment"/> class.</summary>
    /// <param name="url">The link.</param>
    /// <param name="title">The title.</param>
    /// <param name="content">The description, if any.</param>
    /// <param name="image">The image address, if any.</param>
    public ShareSegment(string url, string title, string? content = null, string? image = null)
        : base(FieldsOf(("url", url ?? throw new ArgumentNullException(nameof(url))), ("title", title ?? throw new ArgumentNullException(nameof(title))), ("content", content), ("image", image)))
    {
    }

    internal ShareSegment(OneBotSegmentField[] fields)
        : base(fields)
    {
    }

    /// <inheritdoc/>
    public override string Type => "share";

    /// <summary>Gets the link.</summary>
    public string Url => GetValue("url") ?? "";

    /// <summary>Gets the title.</summary>
    public string Title => GetValue("title") ?? "";

    /// <summary>Gets the description.</summary>
    public string? Content => GetValue("content");

    /// <summary>Gets the image address.</summary>
    public string? Image => GetValue("image");
}

/// <summary>A recommended friend or group (<c>contact</c>).</summary>
public sealed class ContactSegment : OneBotSegment
{
    /// <summary>Initializes a new instance of the <see cref="ContactSegment"/> class.</summary>
    /// <param name="isGroup">Whether a group (<c>type=group</c>) rather than a user (<c>type=qq</c>) is recommended.</param>
    /// <param name="id">The QQ or group number.</param>
    public ContactSegment(bool isGroup, long id)
        : base(FieldsOf(("type", isGroup ? "group" : "qq"), ("id", id.ToString(CultureInfo.InvariantCulture))))
    {
    }

    internal ContactSegment(OneBotSegmentField[] fields)
        : base(fields)
    {
    }

    /// <inheritdoc/>
    public override string Type => "contact";

    /// <summary>Gets the contact type as sent: <c>qq</c> or <c>group</c>.</summary>
    public string ContactType => GetValue("type") ?? "";

    /// <summary>Gets whether a group is recommended.</summary>
    public bool IsGroup => ContactType == "group";

    /// <summary>Gets the QQ or group number, or <see langword="null"/> when not numeric.</summary>
    public long? Id => GetInt64("id");
}

/// <summary>A location (<c>location</c>).</summary>
public sealed class LocationSegment : OneBotSegment
{
    /// <summary>Initializes a new instance of the <see cref="LocationSegment"/> class.</summary>
    /// <param name="latitude">The latitude.</param>
    /// <param name="longitude">The longitude.</param>
    /// <param name="title">The title, if any.</param>
    /// <param name="content">The description, if any.</param>
    public LocationSegment(double latitude, double longitude, string? title = null, string? content = null)
        : base(FieldsOf(("lat", latitude.ToString("R", CultureInfo.InvariantCulture)), ("lon", longitude.ToString("R", CultureInfo.InvariantCulture)), ("title", title), ("content", content)))
    {
    }

    internal LocationSegment(OneBotSegmentField[] fields)
        : base(fields)
    {
    }

    /// <inheritdoc/>
    public override string Type => "location";

    /// <summary>Gets the latitude, or <see langword="null"/> when not numeric.</summary>
    public double? Latitude => GetDouble("lat");

    /// <summary>Gets the longitude, or <see langword="null"/> when not numeric.</summary>
    public double? Longitude => GetDouble("lon");

    /// <summary>Gets the title.</summary>
    public string? Title => GetValue("title");

    /// <summary>Gets the description.</summary>
    public string? Content => GetValue("content");
}

/// <summary>A music card (<c>music</c>, send only): a platform song, or a custom card.</summary>
public sealed class MusicSegment : OneBotSegment
{
    internal MusicSegment(OneBotSegmentField[] fields)
        : base(fields)
    {
    }

    /// <inheritdoc/>
    public override string Type => "music";

    /// <summary>Gets the platform (<c>qq</c>, <c>163</c>, <c>xm</c>, …) or <c>custom</c>.</summary>
    public string MusicType => GetValue("type") ?? "";

    /// <summary>Gets the song id on the platform.</summary>
    public string? Id => GetValue("id");

    /// <summary>Gets the link of a custom card.</summary>
    public string? Url => GetValue("url");

    /// <summary>Gets the audio address of a custom card.</summary>
    public string? Audio => GetValue("audio");

    /// <summary>Gets the title of a custom card.</summary>
    public string? Title => GetValue("title");

    /// <summary>Gets the description of a custom card.</summary>
    public string? Content => GetValue("content");

    /// <summary>Gets the image address of a custom card.</summary>
    public string? Image => GetValue("image");

    /// <summary>Creates a card for a song on a platform.</summary>
    /// <param name="platform">The platform: <c>qq</c>, <c>163</c> or <c>xm</c> (some implementations take more).</param>
    /// <param name="id">The song id.</param>
    /// <returns>The segment.</returns>
    public static MusicSegment FromPlatform(string platform, string id)
    {
        ArgumentNullException.ThrowIfNull(platform);
        ArgumentNullException.ThrowIfNull(id);
        return new MusicSegment(FieldsOf(("type", platform), ("id", id)));
    }

    /// <summary>Creates a custom music card.</summary>
    /// <param name="url">The link opened on click.</param>
    /// <param name="audio">The audio address.</param>
    /// <param name="title">The title.</param>
    /// <param name="content">The description, if any.</param>
    /// <param name="image">The image address, if any.</param>
    /// <returns>The segment.</returns>
    public static MusicSegment Custom(string url, string audio, string title, string? content = null, string? image = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(audio);
        ArgumentNullException.ThrowIfNull(title);
        return new MusicSegment(FieldsOf(("type", "custom"), ("url", url), ("audio", audio), ("title", title), ("content", content), ("image", image)));
    }
}

/// <summary>A quote of an earlier message (<c>reply</c>); its id is a string in array form.</summary>
public sealed class ReplySegment : OneBotSegment
{
    /// <summary>Initializes a new instance of the <see cref="ReplySegment"/> class.</summary>
    /// <param name="messageId">The quoted message id.</param>
    public ReplySegment(long messageId)
        : base([new OneBotSegmentField("id", messageId.ToString(CultureInfo.InvariantCulture))])
    {
    }

    internal ReplySegment(OneBotSegmentField[] fields)
        : base(fields)
    {
    }

    /// <inheritdoc/>
    public override string Type => "reply";

    /// <summary>Gets the quoted message id as sent.</summary>
    public string Id => GetValue("id") ?? "";

    /// <summary>Gets the quoted message id as a number, or <see langword="null"/> when not numeric.</summary>
    public long? MessageId => GetInt64("id");
}

/// <summary>A merged-forward message (<c>forward</c>, receive only); fetch its content with <c>get_forward_msg</c>.</summary>
public sealed class ForwardSegment : OneBotSegment
{
    /// <summary>Initializes a new instance of the <see cref="ForwardSegment"/> class.</summary>
    /// <param name="id">The forward id (may be 19 digits: keep it a string).</param>
    public ForwardSegment(string id)
        : base([new OneBotSegmentField("id", id ?? throw new ArgumentNullException(nameof(id)))])
    {
    }

    internal ForwardSegment(OneBotSegmentField[] fields)
        : base(fields)
    {
    }

    /// <inheritdoc/>
    public override string Type => "forward";

    /// <summary>Gets the forward id.</summary>
    public string Id => GetValue("id") ?? "";
}

/// <summary>A node of a merged forward (<c>node</c>): a reference to an existing message, or a custom
/// node with a sender and content. The go-cqhttp names <c>name</c> and <c>uin</c> are read too.</summary>
public sealed class NodeSegment : OneBotSegment
{
    internal NodeSegment(OneBotSegmentField[] fields)
        : base(fields)
    {
    }

    /// <inheritdoc/>
    public override string Type => "node";

    /// <summary>Gets the referenced message id, for a reference node.</summary>
    public string? Id => GetValue("id");

    /// <summary>Gets the sender's QQ number of a custom node (<c>user_id</c>, or go-cqhttp's <c>uin</c>).</summary>
    public long? UserId => GetInt64("user_id") ?? GetInt64("uin");

    /// <summary>Gets the sender's name of a custom node (<c>nickname</c>, or go-cqhttp's <c>name</c>).</summary>
    public string? Nickname => GetValue("nickname") ?? GetValue("name");

    /// <summary>Gets the content of a custom node (an array, or a CQ string), or <see langword="null"/> for a reference node.</summary>
    /// <exception cref="MiraiProtocolException">The content is JSON but not a message.</exception>
    public OneBotMessage? Content
    {
        get
        {
            var fields = Fields;
            for (var i = fields.Length - 1; i >= 0; i--)
            {
                var item = fields[i];
                if (item.Key == "content")
                {
                    return !item.IsJson ? OneBotMessage.FromCqString(item.Value)
                        : item.Value == "null" ? null
                        : OneBotMessage.FromJson(item.Value);
                }
            }

            return null;
        }
    }

    /// <summary>Creates a node that forwards an existing message.</summary>
    /// <param name="messageId">The message id.</param>
    /// <returns>The segment.</returns>
    public static NodeSegment Reference(long messageId) =>
        new([new OneBotSegmentField("id", messageId.ToString(CultureInfo.InvariantCulture))]);

    /// <summary>Creates a custom node.</summary>
    /// <param name="userId">The sender shown.</param>
    /// <param name="nickname">The sender's name shown.</param>
    /// <param name="content">The content.</param>
    /// <returns>The segment.</returns>
    public static NodeSegment Custom(long userId, string nickname, OneBotMessage content)
    {
        ArgumentNullException.ThrowIfNull(nickname);
        ArgumentNullException.ThrowIfNull(content);
        return new NodeSegment(
        [
            new OneBotSegmentField("user_id", userId.ToString(CultureInfo.InvariantCulture)),
            new OneBotSegmentField("nickname", nickname),
            content.IsCqString ? new OneBotSegmentField("content", content.ToCqString()) : new OneBotSegmentField("content", content.ToJsonArray(), IsJson: true),
        ]);
    }
}

/// <summary>An XML card (<c>xml</c>).</summary>
public sealed class XmlSegment : OneBotSegment
{
    /// <summary>Initializes a new instance of the <see cref="XmlSegment"/> class.</summary>
    /// <param name="xml">The XML document.</param>
    public XmlSegment(string xml)
        : base([new OneBotSegmentField("data", xml ?? throw new ArgumentNullException(nameof(xml)))])
    {
    }

    internal XmlSegment(OneBotSegmentField[] fields)
        : base(fields)
    {
    }

    /// <inheritdoc/>
    public override string Type => "xml";

    /// <summary>Gets the XML document (the data's <c>data</c>).</summary>
    public string Xml => GetValue("data") ?? "";
}

/// <summary>A JSON card (<c>json</c>); the document travels as a string.</summary>
public sealed class JsonSegment : OneBotSegment
{
    /// <summary>Initializes a new instance of the <see cref="JsonSegment"/> class.</summary>
    /// <param name="json">The JSON document, as text.</param>
    public JsonSegment(string json)
        : base([new OneBotSegmentField("data", json ?? throw new ArgumentNullException(nameof(json)))])
    {
    }

    internal JsonSegment(OneBotSegmentField[] fields)
        : base(fields)
    {
    }

    /// <inheritdoc/>
    public override string Type => "json";

    /// <summary>Gets the JSON document as text (an object sent in its place is given as its JSON text).</summary>
    public string Json => GetValue("data") ?? "";
}

/// <summary>A file (<c>file</c>; NapCat, LLBot, Lagrange extension).</summary>
public sealed class FileSegment : OneBotSegment
{
    /// <summary>Initializes a new instance of the <see cref="FileSegment"/> class.</summary>
    /// <param name="file">The file: a path on the implementation's host, an address, or <c>base64://…</c>.</param>
    /// <param name="name">The file name shown, if any.</param>
    public FileSegment(string file, string? name = null)
        : base(FieldsOf(("file", file ?? throw new ArgumentNullException(nameof(file))), ("name", name)))
    {
    }

    internal FileSegment(OneBotSegmentField[] fields)
        : base(fields)
    {
    }

    /// <inheritdoc/>
    public override string Type => "file";

    /// <summary>Gets the file name (received) or source (sent).</summary>
    public string File => GetValue("file") ?? "";

    /// <summary>Gets the file id, when received.</summary>
    public string? FileId => GetValue("file_id");

    /// <summary>Gets the size in bytes, when received.</summary>
    public long? FileSize => GetInt64("file_size");

    /// <summary>Gets the download address, when the implementation resolves one.</summary>
    public string? Url => GetValue("url");

    /// <summary>Gets the name given when sending.</summary>
    public string? Name => GetValue("name");
}

/// <summary>A market sticker (<c>mface</c>; NapCat receives these as images with the same keys).</summary>
public sealed class MarketFaceSegment : OneBotSegment
{
    /// <summary>Initializes a new instance of the <see cref="MarketFaceSegment"/> class.</summary>
    /// <param name="emojiPackageId">The sticker package id (sent as a JSON number).</param>
    /// <param name="emojiId">The sticker id.</param>
    /// <param name="key">The sticker key.</param>
    /// <param name="summary">The display summary, if any.</param>
    public MarketFaceSegment(long emojiPackageId, string emojiId, string key, string? summary = null)
        : base(MarketFields(emojiPackageId, emojiId, key, summary))
    {
    }

    internal MarketFaceSegment(OneBotSegmentField[] fields)
        : base(fields)
    {
    }

    /// <inheritdoc/>
    public override string Type => "mface";

    /// <summary>Gets the sticker package id.</summary>
    public long? EmojiPackageId => GetInt64("emoji_package_id");

    /// <summary>Gets the sticker id.</summary>
    public string EmojiId => GetValue("emoji_id") ?? "";

    /// <summary>Gets the sticker key.</summary>
    public string? Key => GetValue("key");

    /// <summary>Gets the display summary.</summary>
    public string? Summary => GetValue("summary");

    private static OneBotSegmentField[] MarketFields(long emojiPackageId, string emojiId, string key, string? summary)
    {
        ArgumentNullException.ThrowIfNull(emojiId);
        ArgumentNullException.ThrowIfNull(key);
        var package = new OneBotSegmentField("emoji_package_id", emojiPackageId.ToString(CultureInfo.InvariantCulture), IsJson: true);
        return summary is null
            ? [package, new("emoji_id", emojiId), new("key", key)]
            : [package, new("emoji_id", emojiId), new("key", key), new("summary", summary)];
    }
}

/// <summary>Markdown (<c>markdown</c>; NapCat, LLBot, Lagrange extension).</summary>
public sealed class MarkdownSegment : OneBotSegment
{
    /// <summary>Initializes a new instance of the <see cref="MarkdownSegment"/> class.</summary>
    /// <param name="content">The markdown text.</param>
    public MarkdownSegment(string content)
        : base([new OneBotSegmentField("content", content ?? throw new ArgumentNullException(nameof(content)))])
    {
    }

    internal MarkdownSegment(OneBotSegmentField[] fields)
        : base(fields)
    {
    }

    /// <inheritdoc/>
    public override string Type => "markdown";

    /// <summary>Gets the markdown text.</summary>
    public string Content => GetValue("content") ?? "";
}

/// <summary>A segment of a type this version of the SDK does not model, kept with all its data and sent back unchanged.</summary>
public sealed class UnknownSegment : OneBotSegment
{
    private readonly string _type;

    internal UnknownSegment(string type, OneBotSegmentField[] fields)
        : base(fields) => _type = type;

    /// <inheritdoc/>
    public override string Type => _type;
}
