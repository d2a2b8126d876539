using System.Text.Json;
using System.Text.Json.Serialization;

namespace MiraiClient.Internal;

/// <summary>Source-generated serialization for every wire type; nothing in the SDK uses reflection-based JSON.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(FriendMessage))]
[JsonSerializable(typeof(GroupMessage))]
[JsonSerializable(typeof(TempMessage))]
[JsonSerializable(typeof(BotOnlineEvent))]
[JsonSerializable(typeof(BotOfflineEventActive))]
[JsonSerializable(typeof(BotOfflineEventForce))]
[JsonSerializable(typeof(BotOfflineEventDropped))]
[JsonSerializable(typeof(BotReloginEvent))]
[JsonSerializable(typeof(SourceElement))]
[JsonSerializable(typeof(PlainElement))]
[JsonSerializable(typeof(AtElement))]
[JsonSerializable(typeof(MessageChain))]
[JsonSerializable(typeof(SendMessageContent))]
[JsonSerializable(typeof(SendTempMessageContent))]
[JsonSerializable(typeof(RecallContent))]
[JsonSerializable(typeof(SendNudgeContent))]
[JsonSerializable(typeof(SendMessageReply))]
[JsonSerializable(typeof(StatusReply))]
[JsonSerializable(typeof(RestfulReply<AboutInfo>))]
internal sealed partial class MiraiJsonContext : JsonSerializerContext
{
}

/// <summary>Reads the server's role names without failing on a name this SDK does not know.</summary>
internal sealed class GroupPermissionConverter : JsonConverter<GroupPermission>
{
    public override GroupPermission Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException("A group permission must be a string.");
        }

        if (reader.ValueTextEquals("MEMBER"u8))
        {
            return GroupPermission.Member;
        }

        if (reader.ValueTextEquals("ADMINISTRATOR"u8))
        {
            return GroupPermission.Administrator;
        }

        return reader.ValueTextEquals("OWNER"u8) ? GroupPermission.Owner : GroupPermission.Unknown;
    }

    public override void Write(Utf8JsonWriter writer, GroupPermission value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value switch
        {
            GroupPermission.Member => "MEMBER",
            GroupPermission.Administrator => "ADMINISTRATOR",
            GroupPermission.Owner => "OWNER",
            _ => "UNKNOWN",
        });
}

/// <summary>Reads and writes message chains, choosing each element's type by its <c>type</c> field
/// wherever it stands in the object.</summary>
internal sealed class MessageChainConverter : JsonConverter<MessageChain>
{
    public override MessageChain Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("A message chain must be a JSON array.");
        }

        var elements = new List<MessageElement>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            elements.Add(ReadElement(ref reader));
        }

        return MessageChain.FromOwnedArray(elements.ToArray());
    }

    public override void Write(Utf8JsonWriter writer, MessageChain value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var element in value)
        {
            switch (element)
            {
                case PlainElement plain:
                    JsonSerializer.Serialize(writer, plain, MiraiJsonContext.Default.PlainElement);
                    break;
                case AtElement at:
                    JsonSerializer.Serialize(writer, at, MiraiJsonContext.Default.AtElement);
                    break;
                case SourceElement source:
                    JsonSerializer.Serialize(writer, source, MiraiJsonContext.Default.SourceElement);
                    break;
                case UnknownElement unknown:
                    unknown.Json.WriteTo(writer);
                    break;
                default:
                    throw new NotSupportedException($"Message element type '{element.GetType().Name}' cannot be serialized.");
            }
        }

        writer.WriteEndArray();
    }

    private static MessageElement ReadElement(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A message element must be a JSON object.");
        }

        var type = JsonScan.FindTypeDiscriminator(reader, "type"u8);
        return type switch
        {
            "Plain" => (MessageElement?)JsonSerializer.Deserialize(ref reader, MiraiJsonContext.Default.PlainElement),
            "At" => JsonSerializer.Deserialize(ref reader, MiraiJsonContext.Default.AtElement),
            "Source" => JsonSerializer.Deserialize(ref reader, MiraiJsonContext.Default.SourceElement),
            null => throw new JsonException("A message element has no string 'type' field."),
            _ => new UnknownElement(type, JsonElement.ParseValue(ref reader)),
        } ?? throw new JsonException("A message element was null.");
    }
}

/// <summary>Small scanning helpers over <see cref="Utf8JsonReader"/>.</summary>
internal static class JsonScan
{
    /// <summary>Finds a string property of the object the reader stands on, without moving the caller's reader.</summary>
    /// <param name="reader">A reader positioned on <see cref="JsonTokenType.StartObject"/> (passed by value: a copy).</param>
    /// <param name="name">The property name.</param>
    /// <returns>The string value, or <see langword="null"/> when absent or not a string.</returns>
    public static string? FindTypeDiscriminator(Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        var depth = reader.CurrentDepth;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth)
            {
                return null;
            }

            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == depth + 1)
            {
                var match = reader.ValueTextEquals(name);
                reader.Read();
                if (match && reader.TokenType == JsonTokenType.String)
                {
                    return reader.GetString();
                }

                reader.Skip();
            }
        }

        return null;
    }
}
