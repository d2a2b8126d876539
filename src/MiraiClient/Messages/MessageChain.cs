using System.Collections;
using System.Text;
using System.Text.Json.Serialization;
using MiraiClient.Internal;

namespace MiraiClient;

/// <summary>An immutable sequence of message elements: what a message consists of.</summary>
/// <remarks>A string converts to a chain of one <see cref="PlainElement"/>, so
/// <c>SendGroupMessageAsync(group, "hello")</c> works.</remarks>
[JsonConverter(typeof(MessageChainConverter))]
public sealed class MessageChain : IReadOnlyList<MessageElement>
{
    private readonly MessageElement[] _elements;

    /// <summary>Initializes a new instance of the <see cref="MessageChain"/> class.</summary>
    /// <param name="elements">The elements, in order.</param>
    public MessageChain(params MessageElement[] elements)
        : this((IEnumerable<MessageElement>)elements)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="MessageChain"/> class.</summary>
    /// <param name="elements">The elements, in order.</param>
    public MessageChain(IEnumerable<MessageElement> elements)
    {
        ArgumentNullException.ThrowIfNull(elements);
        _elements = elements.ToArray();
        foreach (var element in _elements)
        {
            if (element is null)
            {
                throw new ArgumentException("A message chain cannot contain null elements.", nameof(elements));
            }
        }
    }

    private MessageChain(MessageElement[] elements, bool owned) => _elements = elements;

    /// <summary>Gets an empty chain.</summary>
    public static MessageChain Empty { get; } = new(Array.Empty<MessageElement>(), owned: true);

    /// <inheritdoc/>
    public int Count => _elements.Length;

    /// <summary>Gets the message id from the <see cref="SourceElement"/>, or <see langword="null"/>
    /// for a chain that was not received.</summary>
    public int? MessageId => Source?.Id;

    /// <summary>Gets the send time from the <see cref="SourceElement"/> as Unix seconds, or
    /// <see langword="null"/> for a chain that was not received.</summary>
    public long? Time => Source?.Time;

    private SourceElement? Source => _elements.Length > 0 ? _elements[0] as SourceElement ?? _elements.OfType<SourceElement>().FirstOrDefault() : null;

    /// <inheritdoc/>
    public MessageElement this[int index] => _elements[index];

    /// <summary>Converts a string to a chain of one <see cref="PlainElement"/>.</summary>
    /// <param name="text">The text.</param>
    public static implicit operator MessageChain(string text) => FromText(text);

    /// <summary>Creates a chain of one <see cref="PlainElement"/>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The chain.</returns>
    public static MessageChain FromText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new MessageChain([new PlainElement(text)], owned: true);
    }

    /// <summary>Gets the text of every <see cref="PlainElement"/>, concatenated.</summary>
    /// <returns>The plain text.</returns>
    public string ToPlainText()
    {
        var single = default(string);
        StringBuilder? builder = null;
        foreach (var element in _elements)
        {
            if (element is not PlainElement plain)
            {
                continue;
            }

            if (single is null)
            {
                single = plain.Text;
            }
            else
            {
                builder ??= new StringBuilder(single);
                builder.Append(plain.Text);
            }
        }

        return builder?.ToString() ?? single ?? "";
    }

    /// <summary>Gets whether the chain mentions the given account with an <see cref="AtElement"/>.</summary>
    /// <param name="qq">The account, usually the bot's own.</param>
    /// <returns><see langword="true"/> if it is mentioned.</returns>
    public bool Mentions(long qq)
    {
        foreach (var element in _elements)
        {
            if (element is AtElement at && at.Target == qq)
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc/>
    public IEnumerator<MessageElement> GetEnumerator() => ((IEnumerable<MessageElement>)_elements).GetEnumerator();

    /// <inheritdoc/>
    IEnumerator IEnumerable.GetEnumerator() => _elements.GetEnumerator();

    /// <inheritdoc/>
    public override string ToString() => string.Join(" ", _elements.Select(e => e.ToString()));

    internal static MessageChain FromOwnedArray(MessageElement[] elements) => new(elements, owned: true);
}
