using System.Text;
using MiraiClient.OneBot.Internal;

namespace MiraiClient.OneBot;

/// <summary>The CQ-code string form of OneBot messages: <c>[CQ:type,key=value,…]</c> codes between escaped text.</summary>
/// <remarks>
/// <para>Text escapes <c>&amp;</c>, <c>[</c> and <c>]</c> as <c>&amp;amp;</c>, <c>&amp;#91;</c> and
/// <c>&amp;#93;</c>; parameter values also escape <c>,</c> as <c>&amp;#44;</c>. Decoding replaces
/// <c>&amp;amp;</c> last, so a literal <c>&amp;amp;#91;</c> stays <c>&amp;#91;</c>.</para>
/// <para>Parsing never throws: a code that does not match the grammar (no closing bracket, an empty or
/// non-word type, a parameter without <c>=</c> or with an empty name) stays text. Each parameter splits at
/// its first <c>=</c>, so values may contain <c>=</c>. A <c>text</c> segment formats as bare escaped text.
/// Non-string values (numbers, objects) format as their JSON text, as NapCat does; JSON nulls are left out.</para>
/// </remarks>
public static class CqCode
{
    /// <summary>Parses a CQ string into segments.</summary>
    /// <param name="cq">The CQ string.</param>
    /// <returns>The message; it is sent as this same string.</returns>
    public static OneBotMessage Parse(string cq) => OneBotMessage.FromCqString(cq);

    /// <summary>Formats segments as a CQ string.</summary>
    /// <param name="segments">The segments.</param>
    /// <returns>The CQ string.</returns>
    public static string Format(IEnumerable<OneBotSegment> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        var builder = new StringBuilder();
        foreach (var segment in segments)
        {
            AppendSegment(builder, segment ?? throw new ArgumentException("A message cannot contain null segments.", nameof(segments)));
        }

        return builder.ToString();
    }

    /// <summary>Escapes text for use outside CQ codes (<c>&amp;</c>, <c>[</c>, <c>]</c>).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The escaped text.</returns>
    public static string EscapeText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.AsSpan().IndexOfAny('&', '[', ']') < 0 ? text : Escape(new StringBuilder(text.Length + 8), text, parameter: false).ToString();
    }

    /// <summary>Escapes a parameter value (<c>&amp;</c>, <c>[</c>, <c>]</c> and <c>,</c>).</summary>
    /// <param name="value">The value.</param>
    /// <returns>The escaped value.</returns>
    public static string EscapeParameter(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.AsSpan().IndexOfAny("&[],") < 0 ? value : Escape(new StringBuilder(value.Length + 8), value, parameter: true).ToString();
    }

    /// <summary>Decodes <c>&amp;#44;</c>, <c>&amp;#91;</c>, <c>&amp;#93;</c> and, last, <c>&amp;amp;</c>.</summary>
    /// <param name="escaped">The escaped text or value.</param>
    /// <returns>The plain text.</returns>
    public static string Unescape(string escaped)
    {
        ArgumentNullException.ThrowIfNull(escaped);
        return Unescape(escaped.AsSpan());
    }

    internal static string Format(ReadOnlySpan<OneBotSegment> segments)
    {
        if (segments.Length == 1 && segments[0] is TextSegment only)
        {
            return EscapeText(only.Text);
        }

        var builder = new StringBuilder();
        foreach (var segment in segments)
        {
            AppendSegment(builder, segment);
        }

        return builder.ToString();
    }

    internal static string Format(OneBotSegment segment)
    {
        var builder = new StringBuilder();
        AppendSegment(builder, segment);
        return builder.ToString();
    }

    internal static OneBotSegment[] ParseSegments(string cq)
    {
        var segments = new List<OneBotSegment>();
        var span = cq.AsSpan();
        var textStart = 0;
        var searchFrom = 0;
        while (searchFrom < span.Length)
        {
            var open = span[searchFrom..].IndexOf("[CQ:", StringComparison.Ordinal);
            if (open < 0)
            {
                break;
            }

            open += searchFrom;
            var close = span[(open + 4)..].IndexOf(']');
            if (close < 0)
            {
                break;
            }

            close += open + 4;
            if (TryParseCode(span[(open + 4)..close], out var segment))
            {
                if (open > textStart)
                {
                    segments.Add(new TextSegment(Unescape(span[textStart..open])));
                }

                segments.Add(segment);
                textStart = searchFrom = close + 1;
            }
            else
            {
                // Not a code: its "[CQ:" stays text; a real code may start inside it.
                searchFrom = open + 1;
            }
        }

        if (textStart < span.Length)
        {
            segments.Add(new TextSegment(Unescape(span[textStart..])));
        }

        return segments.ToArray();
    }

    private static bool TryParseCode(ReadOnlySpan<char> body, out OneBotSegment segment)
    {
        segment = null!;
        var comma = body.IndexOf(',');
        var type = comma < 0 ? body : body[..comma];
        if (!IsName(type) || type.SequenceEqual("text"))
        {
            // [CQ:text,…] is not how text is written; keep it literal rather than guess.
            return false;
        }

        OneBotSegmentField[] fields = comma < 0 ? [] : new OneBotSegmentField[body.Count(',')];
        var rest = comma < 0 ? ReadOnlySpan<char>.Empty : body[(comma + 1)..];
        for (var i = 0; i < fields.Length; i++)
        {
            var next = rest.IndexOf(',');
            var parameter = next < 0 ? rest : rest[..next];
            var equals = parameter.IndexOf('=');
            if (equals <= 0 || !IsName(parameter[..equals]))
            {
                return false;
            }

            var key = parameter[..equals];
            fields[i] = new OneBotSegmentField(WireStrings.Find(key) ?? key.ToString(), Unescape(parameter[(equals + 1)..]));
            rest = next < 0 ? ReadOnlySpan<char>.Empty : rest[(next + 1)..];
        }

        segment = SegmentFactory.Create(WireStrings.Find(type) ?? type.ToString(), fields);
        return true;
    }

    private static bool IsName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    private static void AppendSegment(StringBuilder builder, OneBotSegment segment)
    {
        if (segment is TextSegment text)
        {
            Escape(builder, text.Text, parameter: false);
            return;
        }

        builder.Append("[CQ:").Append(segment.Type);
        foreach (var field in segment.Fields)
        {
            if (field.IsJson && field.Value == "null")
            {
                continue;
            }

            builder.Append(',').Append(field.Key).Append('=');
            Escape(builder, field.Value, parameter: true);
        }

        builder.Append(']');
    }

    private static StringBuilder Escape(StringBuilder builder, string value, bool parameter)
    {
        foreach (var c in value)
        {
            _ = c switch
            {
                '&' => builder.Append("&amp;"),
                '[' => builder.Append("&#91;"),
                ']' => builder.Append("&#93;"),
                ',' when parameter => builder.Append("&#44;"),
                _ => builder.Append(c),
            };
        }

        return builder;
    }

    private static string Unescape(ReadOnlySpan<char> escaped)
    {
        var amp = escaped.IndexOf('&');
        if (amp < 0)
        {
            return escaped.ToString();
        }

        // One left-to-right pass is equivalent to replacing &#44; &#91; &#93; first and &amp; last:
        // an entity never starts inside another, and no decoded character can complete an "&amp;".
        var builder = new StringBuilder(escaped.Length);
        builder.Append(escaped[..amp]);
        var i = amp;
        while (i < escaped.Length)
        {
            var c = escaped[i];
            if (c == '&')
            {
                var rest = escaped[i..];
                if (rest.StartsWith("&#44;", StringComparison.Ordinal))
                {
                    builder.Append(',');
                    i += 5;
                    continue;
                }

                if (rest.StartsWith("&#91;", StringComparison.Ordinal))
                {
                    builder.Append('[');
                    i += 5;
                    continue;
                }

                if (rest.StartsWith("&#93;", StringComparison.Ordinal))
                {
                    builder.Append(']');
                    i += 5;
                    continue;
                }

                if (rest.StartsWith("&amp;", StringComparison.Ordinal))
                {
                    builder.Append('&');
                    i += 5;
                    continue;
                }
            }

            builder.Append(c);
            i++;
        }

        return builder.ToString();
    }
}
