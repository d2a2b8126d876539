using System.Text.Json;

namespace MiraiClient.Internal;

/// <summary>Turns an event object into a typed event: the hot message case first (<see cref="MessageEventReader"/>),
/// the source-generated serializer for every other shape, and an <see cref="UnknownEvent"/> for a type name
/// this SDK does not know (<see cref="MiraiTypes"/>).</summary>
internal static class EventDecoder
{
    private static readonly JsonReaderOptions ReaderOptions = JsonDepth.ReaderOptions;

    /// <summary>Gets the type names this SDK decodes (all 48 of mirai-api-http 2.10).</summary>
    public static IReadOnlyList<string> KnownTypes => MiraiTypes.EventNames;

    /// <summary>Decodes the event object the reader stands on, leaving the reader on its end.</summary>
    /// <param name="reader">A reader on the event's <see cref="JsonTokenType.StartObject"/>.</param>
    /// <param name="cache">Shared small values, or <see langword="null"/>.</param>
    /// <param name="fast">Whether message events take the one-pass reader.</param>
    /// <param name="known">Whether the type was recognized (false: an <see cref="UnknownEvent"/> was made).</param>
    /// <returns>The event.</returns>
    /// <exception cref="MiraiProtocolException">The object is not a valid event of its type.</exception>
    public static MiraiEvent Decode(ref Utf8JsonReader reader, DecodeCache? cache, bool fast, out bool known)
    {
        if (fast && MessageEventReader.TryRead(ref reader, cache, out var message))
        {
            known = true;
            return message;
        }

        try
        {
            var type = JsonScan.FindTypeDiscriminator(reader, "type"u8)
                ?? throw new MiraiProtocolException("The event has no string 'type' field.");
            var info = MiraiTypes.FindEvent(type);
            known = info is not null;
            if (info is null)
            {
                return new UnknownEvent(type, JsonElement.ParseValue(ref reader));
            }

            return (MiraiEvent?)JsonSerializer.Deserialize(ref reader, info)
                ?? throw new MiraiProtocolException($"The {type} event was null.");
        }
        catch (JsonException ex)
        {
            throw new MiraiProtocolException($"The event could not be decoded: {ex.Message}", ex);
        }
        catch (NotSupportedException ex)
        {
            throw new MiraiProtocolException($"The event could not be decoded: {ex.Message}", ex);
        }
        catch (InvalidOperationException ex)
        {
            throw new MiraiProtocolException($"The event could not be decoded: {ex.Message}", ex);
        }
    }

    /// <summary>Decodes one event object given as its own bytes (message packets inside replies, replays).</summary>
    /// <param name="data">The event object, UTF-8, and nothing after it.</param>
    /// <param name="cache">Shared small values, or <see langword="null"/>.</param>
    /// <param name="known">Whether the type was recognized.</param>
    /// <returns>The event.</returns>
    /// <exception cref="MiraiProtocolException">The bytes are not one valid event object.</exception>
    public static MiraiEvent Decode(ReadOnlySpan<byte> data, DecodeCache? cache, out bool known) => Decode(data, cache, fast: true, out known);

    /// <inheritdoc cref="Decode(ReadOnlySpan{byte}, DecodeCache?, out bool)"/>
    public static MiraiEvent Decode(ReadOnlySpan<byte> data, out bool known) => Decode(data, null, fast: true, out known);

    /// <summary>Decodes one event with the source-generated serializer alone: the reference semantics the
    /// one-pass reader must match.</summary>
    /// <param name="data">The event object, UTF-8.</param>
    /// <param name="known">Whether the type was recognized.</param>
    /// <returns>The event.</returns>
    /// <exception cref="MiraiProtocolException">The bytes are not one valid event object.</exception>
    public static MiraiEvent DecodeWithSerializer(ReadOnlySpan<byte> data, out bool known) => Decode(data, null, fast: false, out known);

    private static MiraiEvent Decode(ReadOnlySpan<byte> data, DecodeCache? cache, bool fast, out bool known)
    {
        try
        {
            var reader = new Utf8JsonReader(data, ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new MiraiProtocolException("The event is not a JSON object.");
            }

            var item = Decode(ref reader, cache, fast, out known);
            if (reader.Read())
            {
                throw new MiraiProtocolException("The event has content after its JSON object.");
            }

            return item;
        }
        catch (JsonException ex)
        {
            throw new MiraiProtocolException($"The event could not be decoded: {ex.Message}", ex);
        }
    }
}
