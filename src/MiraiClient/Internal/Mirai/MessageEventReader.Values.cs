using System.Text.Json;

namespace MiraiClient.Internal;

/// <remarks>Value readers: each moves onto the value and accepts only the JSON kind the server writes.</remarks>
internal static partial class MessageEventReader
{
    // Value readers: each moves onto the value and accepts only the JSON kind the server writes.
    // A null where the serializer would store null, or a quoted number, makes the whole event take the serializer path.
    private static bool ReadInt32(ref Utf8JsonReader reader, out int value)
    {
        reader.Read();
        value = 0;
        return reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out value);
    }

    private static bool ReadInt64(ref Utf8JsonReader reader, out long value)
    {
        reader.Read();
        value = 0;
        return reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out value);
    }

    private static bool ReadBoolean(ref Utf8JsonReader reader, out bool value)
    {
        reader.Read();
        value = reader.TokenType == JsonTokenType.True;
        return reader.TokenType is JsonTokenType.True or JsonTokenType.False;
    }

    private static bool ReadString(ref Utf8JsonReader reader, DecodeCache? cache, out string? value)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.String)
        {
            value = null;
            return false;
        }

        value = cache is null ? reader.GetString()! : cache.GetString(ref reader);
        return true;
    }

    private static bool ReadNullableString(ref Utf8JsonReader reader, DecodeCache? cache, out string? value)
    {
        reader.Read();
        value = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            return false;
        }

        value = cache is null ? reader.GetString()! : cache.GetString(ref reader);
        return true;
    }

    private static bool ReadPermission(ref Utf8JsonReader reader, out GroupPermission permission)
    {
        reader.Read();
        permission = GroupPermission.Unknown;
        if (reader.TokenType != JsonTokenType.String)
        {
            return false;
        }

        permission = GroupPermissions.Read(ref reader);
        return true;
    }

    private static bool SkipValue(ref Utf8JsonReader reader)
    {
        reader.Read();
        reader.Skip();
        return true;
    }
}
