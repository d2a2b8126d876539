using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MiraiClient;

/// <summary>One element of a <see cref="MessageChain"/>.</summary>
/// <remarks>Elements are immutable. An element type this version of the SDK does not know arrives as
/// <see cref="UnknownElement"/> with its JSON kept.</remarks>
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

/// <summary>The source of a received message: its id and time. Always the first element of a
/// received chain; ignored when sending.</summary>
public sealed record SourceElement : MessageElement
{
    /// <inheritdoc/>
    public override string Type => "Source";

    /// <summary>Gets the message id (32-bit, may be negative).</summary>
    public required int Id { get; init; }

    /// <summary>Gets the time the message was sent, in Unix seconds.</summary>
    public long Time { get; init; }
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
    public string Display { get; init; } = "";
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
