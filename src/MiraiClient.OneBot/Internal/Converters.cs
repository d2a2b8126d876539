using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MiraiClient.OneBot.Internal;

/// <summary>Reads a string that some implementations send as a number (or boolean): the value's text.</summary>
internal sealed class LenientStringConverter : JsonConverter<string>
{
    public override bool HandleNull => true;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        JsonTokenType.Null => null,
        _ => throw new JsonException($"Expected a string or number, found {reader.TokenType}."),
    };

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }
}

/// <summary>Maps the wire role to <see cref="OneBotRole"/>.</summary>
internal static class RoleParser
{
    public static OneBotRole Parse(string? role) => role switch
    {
        "member" => OneBotRole.Member,
        "admin" => OneBotRole.Admin,
        "owner" => OneBotRole.Owner,
        _ => OneBotRole.Unknown,
    };
}
