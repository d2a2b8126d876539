using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace MiraiClient.Internal;

/// <summary>Turns the <c>data</c> object of an event frame into a typed event (second phase of decoding).</summary>
internal static class EventDecoder
{
    /// <summary>Decodes one event.</summary>
    /// <param name="data">The event object, UTF-8.</param>
    /// <param name="known">Whether the type was recognized (false: an <see cref="UnknownEvent"/> was made).</param>
    /// <returns>The event.</returns>
    /// <exception cref="MiraiProtocolException">The object is not a valid event of its type.</exception>
    public static MiraiEvent Decode(ReadOnlySpan<byte> data, out bool known)
    {
        try
        {
            var reader = new Utf8JsonReader(data);
            reader.Read();
            var type = JsonScan.FindTypeDiscriminator(reader, "type"u8)
                ?? throw new MiraiProtocolException("The event has no string 'type' field.");
            var info = Lookup(type);
            known = info is not null;
            if (info is null)
            {
                return new UnknownEvent(type, JsonElement.ParseValue(ref reader));
            }

            return (MiraiEvent?)JsonSerializer.Deserialize(data, info)
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
    }

    private static JsonTypeInfo? Lookup(string type) => type switch
    {
        "GroupMessage" => MiraiJsonContext.Default.GroupMessage,
        "FriendMessage" => MiraiJsonContext.Default.FriendMessage,
        "TempMessage" => MiraiJsonContext.Default.TempMessage,
        "BotOnlineEvent" => MiraiJsonContext.Default.BotOnlineEvent,
        "BotOfflineEventActive" => MiraiJsonContext.Default.BotOfflineEventActive,
        "BotOfflineEventForce" => MiraiJsonContext.Default.BotOfflineEventForce,
        "BotOfflineEventDropped" => MiraiJsonContext.Default.BotOfflineEventDropped,
        "BotReloginEvent" => MiraiJsonContext.Default.BotReloginEvent,
        _ => null,
    };
}
