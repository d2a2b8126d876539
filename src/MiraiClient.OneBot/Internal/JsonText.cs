using System.Buffers;
using System.Text;
using System.Text.Json;
using MiraiClient.Internal;

namespace MiraiClient.OneBot.Internal;

/// <summary>Compact JSON text that keeps each token exactly as written, escapes included.</summary>
/// <remarks>A non-string segment value is stored as this text. Keeping the producer's own token text
/// (rather than re-encoding) is what makes a CQ code formatted from it match the one the
/// implementation put in <c>raw_message</c>, and what lets the value be sent back unchanged.</remarks>
internal static class JsonText
{
    private const int KeptCapacity = 16 * 1024;

    private static readonly JsonReaderOptions Options = JsonDepth.ReaderOptions;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    /// <summary>Checks one JSON value and returns it compact.</summary>
    /// <exception cref="ArgumentException">The text is not exactly one JSON value.</exception>
    public static string Minify(string json)
    {
        try
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json), Options);
            if (!reader.Read())
            {
                throw new ArgumentException("The JSON value is empty.", nameof(json));
            }

            var text = ReadCompact(ref reader);
            if (reader.Read())
            {
                throw new ArgumentException("The text holds more than one JSON value.", nameof(json));
            }

            return text;
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"The value is not valid JSON: {ex.Message}", nameof(json), ex);
        }
    }

    /// <summary>Reads the value at the current token (leaving the reader on its last token) as compact text.</summary>
    public static string ReadCompact(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return "\"" + Encoding.UTF8.GetString(reader.ValueSpan) + "\"";
            case JsonTokenType.StartObject or JsonTokenType.StartArray:
                return ReadContainer(ref reader);
            default:
                // Numbers and literals: small ones repeat (ids, flags, null placeholders).
                return reader.HasValueSequence ? Encoding.UTF8.GetString(reader.ValueSequence) : RecentStrings.GetJsonText(reader.ValueSpan);
        }
    }

    private static string ReadContainer(ref Utf8JsonReader reader)
    {
        // One scratch buffer per thread (this method never re-enters itself); a rare huge value does not keep it.
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        try
        {
            return ReadContainer(ref reader, buffer);
        }
        finally
        {
            if (buffer.Capacity > KeptCapacity)
            {
                t_buffer = null;
            }
        }
    }

    private static string ReadContainer(ref Utf8JsonReader reader, ArrayBufferWriter<byte> buffer)
    {
        var depth = reader.CurrentDepth;
        Write(buffer, reader.TokenType == JsonTokenType.StartObject ? "{"u8 : "["u8);
        var needComma = false;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    Write(buffer, reader.TokenType == JsonTokenType.EndObject ? "}"u8 : "]"u8);
                    needComma = true;
                    if (reader.CurrentDepth == depth)
                    {
                        return RecentStrings.GetJsonText(buffer.WrittenSpan);
                    }

                    break;
                case JsonTokenType.PropertyName:
                    if (needComma)
                    {
                        Write(buffer, ","u8);
                    }

                    Write(buffer, "\""u8);
                    Write(buffer, reader.ValueSpan);
                    Write(buffer, "\":"u8);
                    needComma = false;
                    break;
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                    if (needComma)
                    {
                        Write(buffer, ","u8);
                    }

                    Write(buffer, reader.TokenType == JsonTokenType.StartObject ? "{"u8 : "["u8);
                    needComma = false;
                    break;
                case JsonTokenType.String:
                    if (needComma)
                    {
                        Write(buffer, ","u8);
                    }

                    Write(buffer, "\""u8);
                    Write(buffer, reader.ValueSpan);
                    Write(buffer, "\""u8);
                    needComma = true;
                    break;
                default:
                    if (needComma)
                    {
                        Write(buffer, ","u8);
                    }

                    Write(buffer, reader.ValueSpan);
                    needComma = true;
                    break;
            }
        }

        throw new JsonException("The JSON value is incomplete.");
    }

    private static void Write(ArrayBufferWriter<byte> buffer, ReadOnlySpan<byte> bytes) => buffer.Write(bytes);
}
