using System.Collections;
using System.Text;
using System.Text.Json.Serialization;
using MiraiClient.OneBot.Internal;

namespace MiraiClient.OneBot;

/// <summary>An immutable OneBot message: a sequence of segments.</summary>
/// <remarks>
/// <para>OneBot carries a message either as an array of segments or as a string with embedded CQ codes;
/// this type reads both. A message built from segments is sent as an array. A message made with
/// <see cref="FromCqString"/> (or received in string form) remembers its CQ string and is sent as that
/// string, exactly as given.</para>
/// <para>A <see cref="string"/> converts to a message of one <see cref="TextSegment"/>, never to CQ codes,
/// so text from users cannot inject segments.</para>
/// </remarks>
[JsonConverter(typeof(OneBotMessageConverter))]
public sealed class OneBotMessage : IReadOnlyList<OneBotSegment>, IEquatable<OneBotMessage>
{
    private readonly OneBotSegment[] _segments;

    /// <summary>Initializes a new instance of the <see cref="OneBotMessage"/> class.</summary>
    /// <param name="segments">The segments, in order.</param>
    public OneBotMessage(params OneBotSegment[] segments)
        : this((IEnumerable<OneBotSegment>)segments)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="OneBotMessage"/> class.</summary>
    /// <param name="segments">The segments, in order.</param>
    public OneBotMessage(IEnumerable<OneBotSegment> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        _segments = segments.ToArray();
        if (Array.IndexOf(_segments, null) >= 0)
        {
            throw new ArgumentException("A message cannot contain null segments.", nameof(segments));
        }
    }

    private OneBotMessage(OneBotSegment[] segments, string? cqString)
    {
        _segments = segments;
        CqString = cqString;
    }

    /// <summary>Gets the empty message.</summary>
    public static OneBotMessage Empty { get; } = new([], null);

    /// <inheritdoc/>
    public int Count => _segments.Length;

    /// <summary>Gets whether the message came from a CQ string and is sent as that string.</summary>
    public bool IsCqString => CqString is not null;

    /// <summary>Gets whether the message mentions everyone (<c>[CQ:at,qq=all]</c>).</summary>
    public bool MentionsAll
    {
        get
        {
            foreach (var segment in _segments)
            {
                if (segment is AtSegment { IsAll: true })
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Gets the id of the quoted message (the first <see cref="ReplySegment"/>), or <see langword="null"/>.</summary>
    public string? ReplyId
    {
        get
        {
            foreach (var segment in _segments)
            {
                if (segment is ReplySegment reply)
                {
                    return reply.Id;
                }
            }

            return null;
        }
    }

    private string? CqString { get; }

    /// <inheritdoc/>
    public OneBotSegment this[int index] => _segments[index];

    /// <summary>Converts text to a message of one <see cref="TextSegment"/> (never parsed as CQ codes).</summary>
    /// <param name="text">The text.</param>
    public static implicit operator OneBotMessage(string text) => FromText(text);

    /// <summary>Creates a message of one <see cref="TextSegment"/> (never parsed as CQ codes).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The message.</returns>
    public static OneBotMessage FromText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length == 0 ? Empty : new OneBotMessage([new TextSegment(text)], null);
    }

    /// <summary>Parses a CQ string. Malformed codes are kept as text; nothing throws.</summary>
    /// <param name="cq">The CQ string, for example <c>[CQ:face,id=178]hello</c>.</param>
    /// <returns>The message; it is sent as this same string.</returns>
    public static OneBotMessage FromCqString(string cq)
    {
        ArgumentNullException.ThrowIfNull(cq);
        return new OneBotMessage(CqCode.ParseSegments(cq), cq);
    }

    /// <summary>Parses a message from JSON: an array of segments, one segment object, or a CQ string.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The message.</returns>
    /// <exception cref="MiraiProtocolException">The JSON is not a message.</exception>
    public static OneBotMessage FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return SegmentReader.ParseMessage(Encoding.UTF8.GetBytes(json));
    }

    /// <summary>Formats the message as a CQ string, escaping text and parameter values.</summary>
    /// <returns>The CQ string; the original string for a message that came from one.</returns>
    public string ToCqString() => CqString ?? CqCode.Format(_segments);

    /// <summary>Gets the text of every <see cref="TextSegment"/>, concatenated.</summary>
    /// <returns>The plain text.</returns>
    public string ToPlainText()
    {
        string? single = null;
        StringBuilder? builder = null;
        foreach (var segment in _segments)
        {
            if (segment is not TextSegment text)
            {
                continue;
            }

            if (single is null)
            {
                single = text.Text;
            }
            else
            {
                builder ??= new StringBuilder(single);
                builder.Append(text.Text);
            }
        }

        return builder?.ToString() ?? single ?? "";
    }

    /// <summary>Gets whether the message mentions the given account with an <see cref="AtSegment"/>.</summary>
    /// <param name="userId">The account, usually the bot's own.</param>
    /// <returns><see langword="true"/> if it is mentioned by number.</returns>
    public bool Mentions(long userId)
    {
        foreach (var segment in _segments)
        {
            if (segment is AtSegment at && at.UserId == userId)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Gets the segments of one type.</summary>
    /// <typeparam name="TSegment">The segment type.</typeparam>
    /// <returns>The matching segments, in order.</returns>
    public IEnumerable<TSegment> OfSegmentType<TSegment>()
        where TSegment : OneBotSegment => _segments.OfType<TSegment>();

    /// <inheritdoc/>
    public IEnumerator<OneBotSegment> GetEnumerator() => ((IEnumerable<OneBotSegment>)_segments).GetEnumerator();

    /// <inheritdoc/>
    IEnumerator IEnumerable.GetEnumerator() => _segments.GetEnumerator();

    /// <summary>Compares the segments; whether either came from a CQ string does not matter.</summary>
    /// <param name="other">The other message.</param>
    /// <returns><see langword="true"/> if both have equal segments in the same order.</returns>
    public bool Equals(OneBotMessage? other) =>
        other is not null && (ReferenceEquals(this, other) || _segments.AsSpan().SequenceEqual(other._segments));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as OneBotMessage);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var segment in _segments)
        {
            hash.Add(segment);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc/>
    public override string ToString() => ToCqString();

    internal static OneBotMessage FromOwned(OneBotSegment[] segments, string? cqString) =>
        segments.Length == 0 && cqString is null ? Empty : new OneBotMessage(segments, cqString);

    internal ReadOnlySpan<OneBotSegment> Segments => _segments;

    internal string ToJsonArray() => SegmentWriter.ToJsonArray(_segments);
}
