using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using MiraiClient.Internal;

namespace MiraiClient;

/// <summary>Converts events and message chains to and from the JSON mirai-api-http uses on the wire,
/// with the same source-generated serializer and decoder the connection uses.</summary>
/// <remarks>
/// <para>Useful wherever an event must outlive the process or cross it: storing events and replaying
/// them later, logging a message chain in a form that can be read back, or feeding a test server
/// (the fake backend in <c>MiraiClient.Testing</c> pushes typed events this way).</para>
/// <para>The output is what the server sends, written compactly: an event object starts with its
/// <c>type</c>, non-ASCII text is written as is (not as <c>\u</c> escapes), and null values are left
/// out, which a reader treats as absent. Reading accepts anything the connection accepts: an event of
/// a type this SDK does not know becomes an <see cref="UnknownEvent"/> that keeps its JSON, and
/// <see cref="Serialize(MiraiEvent)"/> writes that JSON back unchanged. Both directions are AOT and
/// trim safe.</para>
/// </remarks>
public static class MiraiJson
{
    /// <summary>Server output is raw UTF-8; only characters that are unsafe in HTML stay escaped.</summary>
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    /// <summary>Writes an event as the server's event object, for example
    /// <c>{"type":"GroupMessage","messageChain":[…],"sender":{…}}</c>.</summary>
    /// <param name="value">The event.</param>
    /// <returns>The JSON text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public static string Serialize(MiraiEvent value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value is UnknownEvent unknown)
        {
            return unknown.Json.GetRawText();
        }

        var typeInfo = MiraiJsonContext.Default.GetTypeInfo(value.GetType())
            ?? throw new NotSupportedException($"Event type '{value.GetType().Name}' cannot be serialized.");
        var body = Write(writer => JsonSerializer.Serialize(writer, value, typeInfo));

        // The server writes the discriminator first and, in message packets, the chain before the
        // sender or subject (base-class fields first); the model's declaration order differs, so the
        // members are put in the server's order here.
        using var document = JsonDocument.Parse(body);
        return Write(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, value.Type);
            if (document.RootElement.TryGetProperty("messageChain"u8, out var chain))
            {
                writer.WritePropertyName("messageChain"u8);
                chain.WriteTo(writer);
            }

            foreach (var member in document.RootElement.EnumerateObject())
            {
                if (!member.NameEquals("type"u8) && !member.NameEquals("messageChain"u8))
                {
                    member.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        });
    }

    /// <summary>Reads an event object as the connection does.</summary>
    /// <param name="json">The event object, for example the <c>data</c> of a push frame.</param>
    /// <returns>The typed event, or an <see cref="UnknownEvent"/> for a type this SDK does not know.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is null.</exception>
    /// <exception cref="MiraiProtocolException">The text is not an event object: not JSON, no string
    /// <c>type</c>, or fields that do not fit its type.</exception>
    public static MiraiEvent DeserializeEvent(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return EventDecoder.Decode(Encoding.UTF8.GetBytes(json), out _);
    }

    /// <summary>Writes a message chain as the server's JSON array of elements.</summary>
    /// <param name="value">The chain.</param>
    /// <returns>The JSON text, for example <c>[{"type":"Plain","text":"hi"}]</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public static string Serialize(MessageChain value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Write(writer => JsonSerializer.Serialize(writer, value, MiraiJsonContext.Default.MessageChain));
    }

    /// <summary>Reads a JSON array of message elements; elements of unknown types are kept as
    /// <see cref="UnknownElement"/>.</summary>
    /// <param name="json">The array.</param>
    /// <returns>The chain.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is null.</exception>
    /// <exception cref="MiraiProtocolException">The text is not a JSON array of element objects.</exception>
    public static MessageChain DeserializeMessageChain(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonSerializer.Deserialize(json, MiraiJsonContext.Default.MessageChain)
                ?? throw new MiraiProtocolException("A message chain was null.");
        }
        catch (JsonException ex)
        {
            throw new MiraiProtocolException($"The message chain could not be decoded: {ex.Message}", ex);
        }
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
