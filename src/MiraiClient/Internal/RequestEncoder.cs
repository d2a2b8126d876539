using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace MiraiClient.Internal;

/// <summary>Writes request frames: <c>{"syncId":"…","command":"…","subCommand":…,"content":…}</c>.</summary>
/// <remarks>The <c>syncId</c> key is always written (the server rejects a frame without it) and is a
/// decimal string, which is never the empty handshake id and, being non-negative, never the default
/// reserved id "-1".</remarks>
internal static class RequestEncoder
{
    public static byte[] Encode(long id, string command, string? subCommand, JsonTypeInfo? contentType, object? content)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            Span<char> digits = stackalloc char[20];
            id.TryFormat(digits, out var written, provider: CultureInfo.InvariantCulture);
            writer.WriteString("syncId"u8, digits[..written]);
            writer.WriteString("command"u8, command);
            if (subCommand is null)
            {
                writer.WriteNull("subCommand"u8);
            }
            else
            {
                writer.WriteString("subCommand"u8, subCommand);
            }

            writer.WritePropertyName("content"u8);
            if (content is null || contentType is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                JsonSerializer.Serialize(writer, content, contentType);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
