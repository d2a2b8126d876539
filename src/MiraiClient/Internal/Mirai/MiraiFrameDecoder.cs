using System.Buffers.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace MiraiClient.Internal;

internal enum FrameKind
{
    /// <summary>The first frame of a connection: <c>syncId</c> is the empty string.</summary>
    Handshake,

    /// <summary>A pushed event: <c>syncId</c> is the reserved id.</summary>
    Event,

    /// <summary>A reply to a request: any other <c>syncId</c>.</summary>
    Response,

    /// <summary>No <c>syncId</c> at all: a bare status, the server's answer to a request it could not decode.</summary>
    BareStatus,
}

/// <summary>What one inbound message is: its kind, the event it carries (decoded), or where its <c>data</c>
/// stands in the message bytes, and a bare status's code and message.</summary>
/// <param name="Kind">The kind.</param>
/// <param name="DataStart">Where <c>data</c> starts in the message, or -1.</param>
/// <param name="DataLength">The length of <c>data</c>.</param>
/// <param name="RequestId">A reply's request id, or -1.</param>
/// <param name="Code">A bare status's code.</param>
/// <param name="Message">A bare status's message.</param>
/// <param name="Event">An event frame's event.</param>
/// <param name="KnownEvent">Whether the event's type is one this SDK models (false: an <see cref="UnknownEvent"/>).</param>
/// <param name="EventError">For an event frame whose envelope is sound but whose event is not: why (then <paramref name="Event"/> is null).</param>
internal readonly record struct FrameInfo(FrameKind Kind, int DataStart, int DataLength, long RequestId, int? Code, string? Message, MiraiEvent? Event = null, bool KnownEvent = false, MiraiProtocolException? EventError = null);

/// <summary>
/// The one inbound decoder of mirai-api-http frames: one pass of one <see cref="Utf8JsonReader"/> over the
/// whole message reads the envelope and, for an event, the event itself, with the message events as its hot
/// case (<see cref="MessageEventReader"/>) and the source-generated serializer for every other shape.
/// </summary>
/// <remarks>A pure function of the bytes (and the shared-value cache): the only exception it throws is
/// <see cref="MiraiProtocolException"/>.</remarks>
internal static class MiraiFrameDecoder
{
    private static readonly JsonReaderOptions ReaderOptions = JsonDepth.ReaderOptions;

    /// <summary>Decodes one whole inbound message.</summary>
    /// <param name="message">The whole message.</param>
    /// <param name="reservedSyncId">The reserved event sync id, UTF-8.</param>
    /// <param name="cache">Shared small values, or <see langword="null"/>.</param>
    /// <param name="fast">Whether message events take the one-pass reader (tests turn it off to compare with
    /// the serializer's reference semantics).</param>
    /// <returns>What the message is.</returns>
    /// <exception cref="MiraiProtocolException">The message is not a JSON object of a known shape, or its event is invalid.</exception>
    public static FrameInfo Decode(ReadOnlySpan<byte> message, ReadOnlySpan<byte> reservedSyncId, DecodeCache? cache = null, bool fast = true)
    {
        try
        {
            try
            {
                return DecodeCore(message, reservedSyncId, cache, fast, decodeEvent: true);
            }
            catch (InvalidEventException invalid)
            {
                // Rare: the event inside is invalid. Whether the envelope around it is sound takes a second,
                // envelope-only pass, so the frame is still classified as the server meant it.
                return DecodeCore(message, reservedSyncId, null, fast, decodeEvent: false) with { EventError = invalid.Error };
            }
        }
        catch (JsonException ex)
        {
            throw new MiraiProtocolException($"The frame is not valid JSON: {ex.Message}", ex);
        }
        catch (InvalidOperationException ex)
        {
            throw new MiraiProtocolException($"The frame has the wrong shape: {ex.Message}", ex);
        }
    }

    /// <summary>Reads the payload of a handshake frame (a status object with the session key).</summary>
    /// <param name="data">The <c>data</c> value.</param>
    /// <returns>The code, the session key (kept only in memory) and the server's message.</returns>
    public static (int Code, string? Session, string? Message) ReadHandshake(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty || data[0] != (byte)'{')
        {
            throw new MiraiProtocolException("The handshake frame's data is not an object.");
        }

        try
        {
            var status = StatusObject.Read(data);
            return (status.Code ?? throw new MiraiProtocolException("The handshake frame has no integer code."), status.Session, status.Message);
        }
        catch (JsonException ex)
        {
            throw new MiraiProtocolException($"The handshake frame is not valid JSON: {ex.Message}", ex);
        }
    }

    private static FrameInfo DecodeCore(ReadOnlySpan<byte> message, ReadOnlySpan<byte> reservedSyncId, DecodeCache? cache, bool fast, bool decodeEvent)
    {
        // The JSON reader checks structure, not every string's encoding: check the whole frame once,
        // so no event carries undecodable text to a subscriber.
        if (!Utf8.IsValid(message))
        {
            throw new MiraiProtocolException("The frame is not valid UTF-8.");
        }

        var reader = new Utf8JsonReader(message, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new MiraiProtocolException("The frame is not a JSON object.");
        }

        var hasSyncId = false;
        var kind = FrameKind.Response;
        long requestId = -1;
        int dataStart = -1, dataLength = 0;
        int? code = null;
        string? msg = null;
        MiraiEvent? item = null;
        var known = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("syncId"u8))
            {
                reader.Read();
                hasSyncId = true;
                (kind, requestId) = ClassifySyncId(ref reader, reservedSyncId);
            }
            else if (reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                dataStart = (int)reader.TokenStartIndex;
                if (decodeEvent && hasSyncId && kind == FrameKind.Event && reader.TokenType == JsonTokenType.StartObject)
                {
                    // The server writes the sync id first, so the event is decoded here, in the same pass.
                    item = DecodeEvent(ref reader, cache, fast, out known);
                }
                else
                {
                    reader.Skip();
                }

                dataLength = (int)reader.BytesConsumed - dataStart;
            }
            else if (reader.ValueTextEquals("code"u8))
            {
                reader.Read();
                code = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var c) ? c : null;
            }
            else if (reader.ValueTextEquals("msg"u8))
            {
                reader.Read();
                msg = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        // Anything after the closing brace makes the frame invalid; Read throws on it.
        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
        {
            throw new MiraiProtocolException("The frame has content after its JSON object.");
        }

        if (!hasSyncId)
        {
            return code is { } bare
                ? new FrameInfo(FrameKind.BareStatus, -1, 0, -1, bare, msg)
                : throw new MiraiProtocolException("The frame has neither a syncId nor a status code.");
        }

        if (dataStart < 0)
        {
            throw new MiraiProtocolException("The frame has a syncId but no data.");
        }

        if (kind != FrameKind.Response && message[dataStart] != (byte)'{')
        {
            throw new MiraiProtocolException($"The {kind} frame's data is not an object.");
        }

        if (decodeEvent && kind == FrameKind.Event && item is null)
        {
            // The data came before the sync id: decode it now, from its own bytes.
            var data = new Utf8JsonReader(message.Slice(dataStart, dataLength), ReaderOptions);
            data.Read();
            item = DecodeEvent(ref data, cache, fast, out known);
        }

        return new FrameInfo(kind, dataStart, dataLength, requestId, null, null, item, known);
    }

    private static (FrameKind Kind, long RequestId) ClassifySyncId(ref Utf8JsonReader reader, ReadOnlySpan<byte> reservedSyncId)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                if (reader.ValueIsEscaped)
                {
                    // Our ids are plain digits, never escaped; compare the unescaped text for the special ids only.
                    var text = reader.GetString()!;
                    return text.Length == 0 ? (FrameKind.Handshake, -1)
                        : reader.ValueTextEquals(reservedSyncId) ? (FrameKind.Event, -1)
                        : (FrameKind.Response, long.TryParse(text, out var parsed) ? parsed : -1);
                }

                var span = reader.ValueSpan;
                if (span.IsEmpty)
                {
                    return (FrameKind.Handshake, -1);
                }

                if (span.SequenceEqual(reservedSyncId))
                {
                    return (FrameKind.Event, -1);
                }

                return (FrameKind.Response, Utf8Parser.TryParse(span, out long id, out var consumed) && consumed == span.Length ? id : -1);
            case JsonTokenType.Number:
                return (FrameKind.Response, reader.TryGetInt64(out var number) ? number : -1);
            case JsonTokenType.Null:
                return (FrameKind.Response, -1);
            default:
                throw new MiraiProtocolException($"The frame's syncId is a {reader.TokenType}, not a string.");
        }
    }

    private static MiraiEvent DecodeEvent(ref Utf8JsonReader reader, DecodeCache? cache, bool fast, out bool known)
    {
        try
        {
            return EventDecoder.Decode(ref reader, cache, fast, out known);
        }
        catch (MiraiProtocolException ex)
        {
            throw new InvalidEventException(ex);
        }
    }

    /// <summary>An event frame whose event is invalid; never leaves this class.</summary>
    private sealed class InvalidEventException(MiraiProtocolException error) : Exception(error.Message, error)
    {
        public MiraiProtocolException Error { get; } = error;
    }
}
