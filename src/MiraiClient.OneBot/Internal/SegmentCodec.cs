using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using MiraiClient.Internal;

namespace MiraiClient.OneBot.Internal;

/// <summary>Maps a segment type to its class.</summary>
internal static class SegmentFactory
{
    public static OneBotSegment Create(string type, OneBotSegmentField[] fields) => type switch
    {
        "text" => new TextSegment(fields),
        "face" => new FaceSegment(fields),
        "image" => new ImageSegment(fields),
        "record" => new RecordSegment(fields),
        "video" => new VideoSegment(fields),
        "at" => new AtSegment(fields),
        "rps" => new RpsSegment(fields),
        "dice" => new DiceSegment(fields),
        "shake" => new ShakeSegment(fields),
        "poke" => new PokeSegment(fields),
        "anonymous" => new AnonymousSegment(fields),
        "share" => new ShareSegment(fields),
        "contact" => new ContactSegment(fields),
        "location" => new LocationSegment(fields),
        "music" => new MusicSegment(fields),
        "reply" => new ReplySegment(fields),
        "forward" => new ForwardSegment(fields),
        "node" => new NodeSegment(fields),
        "xml" => new XmlSegment(fields),
        "json" => new JsonSegment(fields),
        "file" => new FileSegment(fields),
        "mface" => new MarketFaceSegment(fields),
        "markdown" => new MarkdownSegment(fields),
        _ => new UnknownSegment(type, fields),
    };
}

/// <summary>Reads segments with <see cref="Utf8JsonReader"/>; shared by the one-pass event reader and
/// the serializer's converter, so both decode a message identically.</summary>
/// <remarks>Given the event's <c>raw_message</c>, a <c>text</c> value equal to it is that string rather than a
/// second copy: a plain-text message (27 % of the load test's mix, 296 chars of raw_message on average) then
/// costs one string instead of two. Part of the 2,150 → 1,740 B per event measured by BDN
/// <c>OneBotDecodeBenchmarks</c> (see <see cref="RecentStrings"/>).</remarks>
internal static class SegmentReader
{
    private static readonly JsonReaderOptions Options = JsonDepth.ReaderOptions;

    [ThreadStatic]
    private static OneBotSegment[]? t_segments;

    [ThreadStatic]
    private static OneBotSegmentField[]? t_fields;

    [ThreadStatic]
    private static string? t_measured;

    [ThreadStatic]
    private static int t_measuredLength;

    /// <summary>Reads a message value: an array of segments, one segment object, or a CQ string.</summary>
    /// <returns>The message, or <see langword="null"/> when the value is none of those (or is JSON null).</returns>
    public static OneBotMessage? ReadMessage(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.StartArray => ReadArray(ref reader),
        JsonTokenType.String => OneBotMessage.FromCqString(reader.GetString()!),
        JsonTokenType.StartObject => ReadSegment(ref reader) is { } single ? OneBotMessage.FromOwned([single], null) : null,
        _ => null,
    };

    /// <summary>Parses a whole JSON document as a message.</summary>
    /// <exception cref="MiraiProtocolException">It is not a message.</exception>
    public static OneBotMessage ParseMessage(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, Options);
            if (!reader.Read())
            {
                throw new MiraiProtocolException("The message JSON is empty.");
            }

            var message = ReadMessage(ref reader) ?? throw new MiraiProtocolException($"A message must be an array of segments, a segment object or a CQ string, not {reader.TokenType}.");
            if (reader.Read())
            {
                throw new MiraiProtocolException("The message JSON has content after its value.");
            }

            return message;
        }
        catch (JsonException ex)
        {
            throw new MiraiProtocolException($"The message is not valid JSON: {ex.Message}", ex);
        }
    }

    /// <summary>Reads an array of segments, leaving the reader on its end.</summary>
    /// <param name="reader">A reader on the array's start.</param>
    /// <param name="rawMessage">The event's <c>raw_message</c> when already read: a <c>text</c> value equal to it
    /// shares that string instead of allocating its own (a plain-text message is both).</param>
    /// <param name="rawUtf8Length">The length of <paramref name="rawMessage"/>'s token when it had no escapes, else -1:
    /// an unescaped text token of another length cannot equal it, and is not compared.</param>
    /// <returns>The message, or <see langword="null"/> when an element is not a segment object.</returns>
    public static OneBotMessage? ReadArray(ref Utf8JsonReader reader, string? rawMessage = null, int rawUtf8Length = -1)
    {
        var unused = -1;
        return ReadArray(ref reader, rawMessage, rawUtf8Length, default, ref unused);
    }

    /// <summary>As <see cref="ReadArray(ref Utf8JsonReader, string?, int)"/>, comparing text tokens with <c>raw_message</c>'s token bytes first.</summary>
    /// <param name="reader">A reader on the array's start.</param>
    /// <param name="rawMessage">The event's <c>raw_message</c> when already read.</param>
    /// <param name="rawUtf8Length">As for <see cref="ReadArray(ref Utf8JsonReader, string?, int)"/>.</param>
    /// <param name="rawToken">The bytes of <paramref name="rawMessage"/>'s token as written (escapes included), or empty.</param>
    /// <param name="sameAsRaw">Set to where the first text token with exactly those bytes starts (left alone when none has).</param>
    /// <returns>The message, or <see langword="null"/> when an element is not a segment object.</returns>
    public static OneBotMessage? ReadArray(ref Utf8JsonReader reader, string? rawMessage, int rawUtf8Length, ReadOnlySpan<byte> rawToken, ref int sameAsRaw)
    {
        // Scratch space per thread: reading segments never re-enters this method.
        var scratch = t_segments ??= new OneBotSegment[16];
        var count = 0;
        try
        {
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (ReadSegment(ref reader, rawMessage, rawUtf8Length, rawToken, ref sameAsRaw) is not { } segment)
                {
                    return null;
                }

                if (count == scratch.Length)
                {
                    Array.Resize(ref scratch, count * 2);
                    t_segments = scratch;
                }

                scratch[count++] = segment;
            }

            return count == 0 ? OneBotMessage.Empty : OneBotMessage.FromOwned(scratch.AsSpan(0, count).ToArray(), null);
        }
        finally
        {
            scratch.AsSpan(0, count).Clear();
        }
    }

    /// <summary>Reads one segment object, leaving the reader on its end.</summary>
    /// <param name="reader">A reader on the segment's start.</param>
    /// <param name="rawMessage">As for <see cref="ReadArray(ref Utf8JsonReader, string?, int)"/>.</param>
    /// <param name="rawUtf8Length">As for <see cref="ReadArray(ref Utf8JsonReader, string?, int)"/>.</param>
    /// <returns>The segment, or <see langword="null"/> when it has no string <c>type</c> or its <c>data</c> is not an object.</returns>
    public static OneBotSegment? ReadSegment(ref Utf8JsonReader reader, string? rawMessage = null, int rawUtf8Length = -1)
    {
        var unused = -1;
        return ReadSegment(ref reader, rawMessage, rawUtf8Length, default, ref unused);
    }

    private static OneBotSegment? ReadSegment(ref Utf8JsonReader reader, string? rawMessage, int rawUtf8Length, ReadOnlySpan<byte> rawToken, ref int sameAsRaw)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        string? type = null;
        OneBotSegmentField[]? fields = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    return null;
                }

                type = WireStrings.GetString(ref reader);
            }
            else if (reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    fields = ReadFields(ref reader, rawMessage, rawUtf8Length, rawToken, ref sameAsRaw);
                }
                else if (reader.TokenType == JsonTokenType.Null)
                {
                    fields = [];
                }
                else
                {
                    return null;
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return type is null || type.Length == 0 ? null : SegmentFactory.Create(type, fields ?? []);
    }

    private static OneBotSegmentField[] ReadFields(ref Utf8JsonReader reader, string? rawMessage, int rawUtf8Length, ReadOnlySpan<byte> rawToken, ref int sameAsRaw)
    {
        var scratch = t_fields ??= new OneBotSegmentField[16];
        var count = 0;
        try
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = WireStrings.GetString(ref reader);
                reader.Read();
                OneBotSegmentField field;
                if (reader.TokenType != JsonTokenType.String)
                {
                    field = new OneBotSegmentField(key, JsonText.ReadCompact(ref reader), IsJson: true);
                }
                else if (rawMessage is not null && ReferenceEquals(key, "text") && SameText(ref reader, rawMessage, rawUtf8Length, rawToken, out var sameBytes))
                {
                    field = new OneBotSegmentField(key, rawMessage);
                    if (sameBytes && sameAsRaw < 0)
                    {
                        sameAsRaw = (int)reader.TokenStartIndex + 1;
                    }
                }
                else
                {
                    field = new OneBotSegmentField(key, RecentStrings.GetString(ref reader));
                }

                if (count == scratch.Length)
                {
                    Array.Resize(ref scratch, count * 2);
                    t_fields = scratch;
                }

                scratch[count++] = field;
            }

            return count == 0 ? [] : scratch.AsSpan(0, count).ToArray();
        }
        finally
        {
            scratch.AsSpan(0, count).Clear();
        }
    }

    /// <summary>Whether the string token spells exactly <paramref name="text"/> (compared only when the lengths allow it).</summary>
    /// <remarks>With <paramref name="textToken"/> (the bytes <paramref name="text"/> was read from), the tokens are
    /// compared byte for byte first: equal bytes are equal text, and bytes that first differ away from any escape
    /// are different text, so neither needs the text transcoded back to UTF-8. Only tokens that differ at or right
    /// after an escape (the same character written two ways) are compared as text.</remarks>
    private static bool SameText(ref Utf8JsonReader reader, string text, int textUtf8Length, ReadOnlySpan<byte> textToken, out bool sameBytes)
    {
        sameBytes = false;
        if (!textToken.IsEmpty && !reader.HasValueSequence)
        {
            var token = reader.ValueSpan;
            var common = token.CommonPrefixLength(textToken);
            if (common == token.Length && common == textToken.Length)
            {
                sameBytes = true;
                return true;
            }

            // An escape is at most six bytes (\uXXXX): a difference with no backslash among the six bytes up
            // to it is a difference in literal UTF-8 (or one token ending early), so the texts differ.
            var from = Math.Max(0, common - 5);
            if (token[from..Math.Min(token.Length, common + 1)].IndexOf((byte)'\\') < 0
                && textToken[from..Math.Min(textToken.Length, common + 1)].IndexOf((byte)'\\') < 0)
            {
                return false;
            }
        }

        // An unescaped token is the text's UTF-8; an escape writes one to four bytes of UTF-8 in two to twelve
        // bytes, so an escaped token is at least as long as the text's UTF-8 and at most six times as long.
        var length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        var utf8Length = textUtf8Length >= 0 ? textUtf8Length : Utf8LengthOf(text);
        if (reader.ValueIsEscaped ? length < utf8Length || length > 6L * utf8Length : length != utf8Length)
        {
            return false;
        }

        // Only text of the same UTF-8 length can be equal: counting an escaped token's length looks at its escapes
        // alone, where comparing it with the text would unescape it and transcode the text back to UTF-8.
        if (reader.ValueIsEscaped && !reader.HasValueSequence && UnescapedLength(reader.ValueSpan) is var unescaped and >= 0 && unescaped != utf8Length)
        {
            return false;
        }

        return reader.ValueTextEquals(text);
    }

    /// <summary>The length in UTF-8 of a string token's value, from its escapes; -1 for an escape it does not
    /// count (a lone surrogate, or a malformed one), which the full comparison then decides.</summary>
    /// <param name="token">The token as written, escapes included, without its quotes.</param>
    internal static long UnescapedLength(ReadOnlySpan<byte> token)
    {
        long length = 0;
        while (true)
        {
            var at = token.IndexOf((byte)'\\');
            if (at < 0)
            {
                return length + token.Length;
            }

            length += at;
            token = token[at..];
            if (token.Length < 2)
            {
                return -1;
            }

            if (token[1] != (byte)'u')
            {
                // \" \\ \/ \b \f \n \r \t: one byte each.
                length++;
                token = token[2..];
                continue;
            }

            if (!TryEscapedUnit(token, out var unit))
            {
                return -1;
            }

            token = token[6..];
            if (char.IsHighSurrogate(unit))
            {
                if (!TryEscapedUnit(token, out var low) || !char.IsLowSurrogate(low))
                {
                    return -1;
                }

                // A surrogate pair is one code point beyond U+FFFF: four bytes.
                length += 4;
                token = token[6..];
            }
            else if (char.IsLowSurrogate(unit))
            {
                return -1;
            }
            else
            {
                length += unit < 0x80 ? 1 : unit < 0x800 ? 2 : 3;
            }
        }
    }

    private static bool TryEscapedUnit(ReadOnlySpan<byte> token, out char unit)
    {
        unit = '\0';
        if (token.Length < 6 || token[0] != (byte)'\\' || token[1] != (byte)'u'
            || !ushort.TryParse(token.Slice(2, 4), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        unit = (char)value;
        return true;
    }

    /// <summary>The UTF-8 length of <paramref name="text"/>, counted once per string: a message compares each of
    /// its text segments with the same <c>raw_message</c>.</summary>
    private static int Utf8LengthOf(string text)
    {
        if (!ReferenceEquals(text, t_measured))
        {
            t_measuredLength = Encoding.UTF8.GetByteCount(text);
            t_measured = text;
        }

        return t_measuredLength;
    }
}

/// <summary>Writes segments as OneBot JSON: <c>{"type":…,"data":{…}}</c>, values in their stored kind.</summary>
internal static class SegmentWriter
{
    public static void WriteMessage(Utf8JsonWriter writer, OneBotMessage message)
    {
        if (message.IsCqString)
        {
            writer.WriteStringValue(message.ToCqString());
            return;
        }

        WriteArray(writer, message.Segments);
    }

    public static void WriteArray(Utf8JsonWriter writer, ReadOnlySpan<OneBotSegment> segments)
    {
        writer.WriteStartArray();
        foreach (var segment in segments)
        {
            WriteSegment(writer, segment);
        }

        writer.WriteEndArray();
    }

    public static void WriteSegment(Utf8JsonWriter writer, OneBotSegment segment)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, segment.Type);
        writer.WriteStartObject("data"u8);
        foreach (var field in segment.Fields)
        {
            writer.WritePropertyName(field.Key);
            if (field.IsJson)
            {
                writer.WriteRawValue(field.Value, skipInputValidation: true);
            }
            else
            {
                writer.WriteStringValue(field.Value);
            }
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public static string ToJsonArray(ReadOnlySpan<OneBotSegment> segments)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            WriteArray(writer, segments);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

/// <summary>Reads a message from an array, a single segment object or a CQ string; writes an array
/// (or the original string for a message that came from one). JSON null reads as the empty message.</summary>
internal sealed class OneBotMessageConverter : JsonConverter<OneBotMessage>
{
    public override bool HandleNull => true;

    public override OneBotMessage Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return OneBotMessage.Empty;
        }

        return SegmentReader.ReadMessage(ref reader)
            ?? throw new JsonException($"A message must be an array of segment objects (each with a string 'type' and an object 'data'), a segment object or a CQ string; found {reader.TokenType}.");
    }

    public override void Write(Utf8JsonWriter writer, OneBotMessage value, JsonSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNullValue();
            return;
        }

        SegmentWriter.WriteMessage(writer, value);
    }
}
