using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

using MiraiClient.Internal;

namespace MiraiClient.OneBot.Internal;

/// <summary>Writes action frames: <c>{"action":"…","params":{…},"echo":"&lt;id&gt;"}</c>.</summary>
/// <remarks>The echo is always the id as a decimal string (implementations re-serialize echoes and lose
/// precision on numbers; strings come back intact). <c>params</c> is left out when there are none, as
/// the spec allows. The action name is written as given: the typed actions never add <c>_async</c> or
/// <c>_rate_limited</c>, but a raw call may. The writer and buffer are reused per thread; characters
/// outside ASCII are written as UTF-8, not escaped.</remarks>
internal static class OneBotRequestEncoder
{
    private const int KeptCapacity = 64 * 1024;

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = false,
    };

    [ThreadStatic]
    private static EncoderState? t_state;

    /// <summary>Encodes a request into pooled memory.</summary>
    /// <typeparam name="TParams">The parameter type.</typeparam>
    /// <param name="id">The request id, sent as the echo.</param>
    /// <param name="action">The action name.</param>
    /// <param name="parameters">The parameters, or <see langword="null"/> for none.</param>
    /// <param name="parametersInfo">How to serialize them; required when <paramref name="parameters"/> is given.</param>
    /// <returns>The frame; the caller owns it and must return it.</returns>
    public static RequestFrame Encode<TParams>(long id, string action, TParams? parameters, JsonTypeInfo<TParams>? parametersInfo)
    {
        ArgumentException.ThrowIfNullOrEmpty(action);
        if (parameters is not null && parametersInfo is null)
        {
            throw new ArgumentNullException(nameof(parametersInfo), "Parameters need their JsonTypeInfo.");
        }

        var state = t_state ??= new EncoderState();
        var (buffer, writer) = (state.Buffer, state.Writer);
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        try
        {
            writer.WriteStartObject();
            writer.WriteString("action"u8, action);
            if (parameters is not null)
            {
                writer.WritePropertyName("params"u8);
                JsonSerializer.Serialize(writer, parameters, parametersInfo!);
            }

            Span<char> digits = stackalloc char[20];
            id.TryFormat(digits, out var written, provider: CultureInfo.InvariantCulture);
            writer.WriteString("echo"u8, digits[..written]);
            writer.WriteEndObject();
            writer.Flush();
            var rented = ArrayPool<byte>.Shared.Rent(buffer.WrittenCount);
            buffer.WrittenSpan.CopyTo(rented);
            return new RequestFrame(rented, buffer.WrittenCount);
        }
        catch
        {
            // A failed serialization leaves the writer mid-object; start clean next time.
            t_state = null;
            throw;
        }
        finally
        {
            // A rare huge request (a file as base64) must not pin its buffer to the thread for ever.
            if (buffer.Capacity > KeptCapacity)
            {
                t_state = null;
            }
        }
    }

    private sealed class EncoderState
    {
        public ArrayBufferWriter<byte> Buffer { get; } = new(1024);

        public Utf8JsonWriter Writer { get; } = new(Stream.Null, WriterOptions);
    }
}
