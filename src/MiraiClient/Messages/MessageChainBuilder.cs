namespace MiraiClient;

/// <summary>Builds a <see cref="MessageChain"/> fluently: <c>new MessageChainBuilder().At(qq).Text(" hi ").Face(14).Build()</c>.</summary>
public sealed class MessageChainBuilder
{
    private readonly List<MessageElement> _elements = [];

    /// <summary>Appends text.</summary>
    /// <param name="text">The text.</param>
    /// <returns>This builder.</returns>
    public MessageChainBuilder Text(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Add(new PlainElement(text));
    }

    /// <summary>Appends a mention of a group member.</summary>
    /// <param name="target">The member's QQ number.</param>
    /// <returns>This builder.</returns>
    public MessageChainBuilder At(long target) => Add(new AtElement(target));

    /// <summary>Appends a mention of everyone.</summary>
    /// <returns>This builder.</returns>
    public MessageChainBuilder AtAll() => Add(new AtAllElement());

    /// <summary>Appends a QQ face by id.</summary>
    /// <param name="faceId">The face id.</param>
    /// <returns>This builder.</returns>
    public MessageChainBuilder Face(int faceId) => Add(new FaceElement { FaceId = faceId });

    /// <summary>Appends a QQ face by name.</summary>
    /// <param name="name">The face name.</param>
    /// <returns>This builder.</returns>
    public MessageChainBuilder Face(string name) => Add(new FaceElement { Name = name ?? throw new ArgumentNullException(nameof(name)) });

    /// <summary>Appends an image already known to the server by id.</summary>
    /// <param name="imageId">The image id.</param>
    /// <returns>This builder.</returns>
    public MessageChainBuilder ImageFromId(string imageId) => Add(new ImageElement { ImageId = NotEmpty(imageId) });

    /// <summary>Appends an image the server fetches from a URL.</summary>
    /// <param name="url">The address.</param>
    /// <returns>This builder.</returns>
    public MessageChainBuilder ImageFromUrl(string url) => Add(new ImageElement { Url = NotEmpty(url) });

    /// <summary>Appends an image from a file on the server.</summary>
    /// <param name="path">The server-side path.</param>
    /// <returns>This builder.</returns>
    public MessageChainBuilder ImageFromPath(string path) => Add(new ImageElement { Path = NotEmpty(path) });

    /// <summary>Appends an image sent inline.</summary>
    /// <param name="content">The image bytes; sent as base64.</param>
    /// <returns>This builder.</returns>
    public MessageChainBuilder ImageFromBytes(ReadOnlySpan<byte> content) => Add(new ImageElement { Base64 = Convert.ToBase64String(content) });

    /// <summary>Appends a flash image the server fetches from a URL.</summary>
    /// <param name="url">The address.</param>
    /// <returns>This builder.</returns>
    public MessageChainBuilder FlashImageFromUrl(string url) => Add(new FlashImageElement { Url = NotEmpty(url) });

    /// <summary>Appends a flash image already known to the server by id.</summary>
    /// <param name="imageId">The image id.</param>
    /// <returns>This builder.</returns>
    public MessageChainBuilder FlashImageFromId(string imageId) => Add(new FlashImageElement { ImageId = NotEmpty(imageId) });

    /// <summary>Appends a voice message the server fetches from a URL.</summary>
    /// <param name="url">The address.</param>
    /// <returns>This builder.</returns>
    public MessageChainBuilder VoiceFromUrl(string url) => Add(new VoiceElement { Url = NotEmpty(url) });

    /// <summary>Appends a voice message already known to the server by id.</summary>
    /// <param name="voiceId">The voice id.</param>
    /// <returns>This builder.</returns>
    public MessageChainBuilder VoiceFromId(string voiceId) => Add(new VoiceElement { VoiceId = NotEmpty(voiceId) });

    /// <summary>Appends a voice message from a file on the server.</summary>
    /// <param name="path">The server-side path.</param>
    /// <returns>This builder.</returns>
    public MessageChainBuilder VoiceFromPath(string path) => Add(new VoiceElement { Path = NotEmpty(path) });

    /// <summary>Appends a voice message sent inline.</summary>
    /// <param name="content">The audio bytes; sent as base64.</param>
    /// <returns>This builder.</returns>
    public MessageChainBuilder VoiceFromBytes(ReadOnlySpan<byte> content) => Add(new VoiceElement { Base64 = Convert.ToBase64String(content) });

    /// <summary>Appends an XML service message.</summary>
    /// <param name="xml">The XML.</param>
    /// <returns>This builder.</returns>
    public MessageChainBuilder Xml(string xml) => Add(new XmlServiceElement { Xml = NotEmpty(xml) });

    /// <summary>Appends a JSON service message.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>This builder.</returns>
    public MessageChainBuilder Json(string json) => Add(new JsonServiceElement { Json = NotEmpty(json) });

    /// <summary>Appends a light-app card.</summary>
    /// <param name="content">The card content.</param>
    /// <returns>This builder.</returns>
    public MessageChainBuilder App(string content) => Add(new AppElement { Content = NotEmpty(content) });

    /// <summary>Appends a poke message.</summary>
    /// <param name="name">The poke name, for example <c>ChuoYiChuo</c>.</param>
    /// <returns>This builder.</returns>
    public MessageChainBuilder Poke(string name) => Add(new PokeElement { Name = NotEmpty(name) });

    /// <summary>Appends a dice with a fixed value.</summary>
    /// <param name="value">The value (1–6).</param>
    /// <returns>This builder.</returns>
    public MessageChainBuilder Dice(int value)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 6);
        return Add(new DiceElement { Value = value });
    }

    /// <summary>Appends a forward card of messages.</summary>
    /// <param name="nodes">The forwarded messages.</param>
    /// <returns>This builder.</returns>
    public MessageChainBuilder Forward(params ForwardNode[] nodes) => Forward(null, nodes);

    /// <summary>Appends a forward card of messages with a custom look.</summary>
    /// <param name="display">How the card looks, or <see langword="null"/> for the default.</param>
    /// <param name="nodes">The forwarded messages.</param>
    /// <returns>This builder.</returns>
    public MessageChainBuilder Forward(ForwardDisplay? display, params ForwardNode[] nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        if (nodes.Length == 0)
        {
            throw new ArgumentException("A forward needs at least one node.", nameof(nodes));
        }

        return Add(new ForwardElement { Display = display, NodeList = [.. nodes] });
    }

    /// <summary>Appends Mirai code, which the server parses into elements.</summary>
    /// <param name="code">The Mirai code.</param>
    /// <returns>This builder.</returns>
    public MessageChainBuilder MiraiCode(string code) => Add(new MiraiCodeElement { Code = NotEmpty(code) });

    /// <summary>Appends any element.</summary>
    /// <param name="element">The element.</param>
    /// <returns>This builder.</returns>
    public MessageChainBuilder Add(MessageElement element)
    {
        ArgumentNullException.ThrowIfNull(element);
        _elements.Add(element);
        return this;
    }

    /// <summary>Appends every element of a chain.</summary>
    /// <param name="chain">The chain.</param>
    /// <returns>This builder.</returns>
    public MessageChainBuilder Add(MessageChain chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        _elements.AddRange(chain);
        return this;
    }

    /// <summary>Creates the chain.</summary>
    /// <returns>The chain.</returns>
    public MessageChain Build() => MessageChain.FromOwnedArray([.. _elements]);

    private static string NotEmpty(string value, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(value))] string? name = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(value, name);
        return value;
    }
}
