using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace MiraiClient.Internal;

/// <summary>Writes request frames: <c>{"syncId":"…","command":"…","subCommand":…,"content":…}</c>.</summary>
/// <remarks>The <c>syncId</c> key is always written (the server rejects a frame without it) and is a
/// decimal string, which is never the empty handshake id and, being non-negative, never the default
/// reserved id "-1". The writer and its buffer are reused per thread, so encoding allocates nothing
/// beyond what the content's serializer needs.</remarks>
internal static class RequestEncoder
{
    [ThreadStatic]
    private static EncoderState? t_state;

    /// <summary>Encodes a request into pooled memory.</summary>
    /// <returns>The frame; the caller owns it and must return it.</returns>
    public static RequestFrame Encode(long id, string command, string? subCommand, JsonTypeInfo? contentType, object? content)
    {
        var state = t_state ??= new EncoderState();
        var (buffer, writer) = (state.Buffer, state.Writer);
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        try
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
            else if (content is SendMessageContent send)
            {
                MessageSendWriter.WriteContent(writer, send);
            }
            else
            {
                JsonSerializer.Serialize(writer, content, contentType);
            }

            writer.WriteEndObject();
            writer.Flush();
            var rented = ArrayPool<byte>.Shared.Rent(buffer.WrittenCount);
            buffer.WrittenSpan.CopyTo(rented);
            return new RequestFrame(rented, buffer.WrittenCount);
        }
        finally
        {
            // A rare huge request (an image as base64) must not pin its buffer to the thread for ever.
            if (buffer.Capacity > EncoderState.KeptCapacity)
            {
                t_state = null;
            }
        }
    }

    private sealed class EncoderState
    {
        public const int KeptCapacity = 64 * 1024;

        public ArrayBufferWriter<byte> Buffer { get; } = new(1024);

        public Utf8JsonWriter Writer { get; } = new(Stream.Null);
    }
}
