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

/// <summary>What the envelope of one inbound message says. Offsets point into the message bytes.</summary>
internal readonly record struct FrameInfo(FrameKind Kind, int DataStart, int DataLength, long RequestId, int? Code, string? Message);

/// <summary>Classifies whole inbound messages by their envelope, straight from the UTF-8 bytes.</summary>
/// <remarks>A pure function of the bytes: the only exception it throws is <see cref="MiraiProtocolException"/>.</remarks>
internal static class FrameReader
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 128 };

    /// <summary>Reads the envelope of one message.</summary>
    /// <param name="message">The whole message.</param>
    /// <param name="reservedSyncId">The reserved event sync id, UTF-8.</param>
    /// <returns>The envelope.</returns>
    /// <exception cref="MiraiProtocolException">The message is not a JSON object of a known shape.</exception>
    public static FrameInfo Read(ReadOnlySpan<byte> message, ReadOnlySpan<byte> reservedSyncId)
    {
        try
        {
            return ReadCore(message, reservedSyncId);
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

    /// <summary>Reads the payload of a handshake frame.</summary>
    /// <param name="data">The <c>data</c> value.</param>
    /// <returns>The code, the session key (kept only in memory) and the server's message.</returns>
    public static (int Code, string? Session, string? Message) ReadHandshake(ReadOnlySpan<byte> data)
    {
        try
        {
            var reader = new Utf8JsonReader(data, ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new MiraiProtocolException("The handshake frame's data is not an object.");
            }

            int? code = null;
            string? session = null, msg = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("code"u8))
                {
                    reader.Read();
                    code = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var c) ? c : null;
                }
                else if (reader.ValueTextEquals("session"u8))
                {
                    reader.Read();
                    session = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
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

            return (code ?? throw new MiraiProtocolException("The handshake frame has no integer code."), session, msg);
        }
        catch (JsonException ex)
        {
            throw new MiraiProtocolException($"The handshake frame is not valid JSON: {ex.Message}", ex);
        }
    }

    private static FrameInfo ReadCore(ReadOnlySpan<byte> message, ReadOnlySpan<byte> reservedSyncId)
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
                reader.Skip();
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

        return new FrameInfo(kind, dataStart, dataLength, requestId, null, null);
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
}
