using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace MiraiClient.Internal;

/// <summary>Decodes the four reply shapes (PROTOCOL §2.3): S status, R restful (<c>data.data</c>),
/// B bare object, M send receipt. Any shape with a non-zero integer <c>code</c> is an error.</summary>
internal static class Replies
{
    public static void Status(string command, ReadOnlySpan<byte> reply)
    {
        var (code, msg, _, _) = Envelope(command, reply);
        ThrowIfError(command, code, msg);
    }

    /// <summary>Shape M: the id of a delivered message.</summary>
    /// <param name="command">The command word.</param>
    /// <param name="reply">The reply.</param>
    /// <param name="allowUndelivered">Return -1 for a send the server did not deliver, instead of throwing.</param>
    /// <exception cref="MiraiApiException">The send failed, or (unless allowed) was answered with message id -1,
    /// which means nothing was delivered (risk control or a dropped send).</exception>
    public static int SendReceipt(string command, ReadOnlySpan<byte> reply, bool allowUndelivered = false)
    {
        // The usual success receipt is read in place; anything else takes the serializer's path.
        if (!TryReadSuccessReceipt(reply, out var messageId))
        {
            var receipt = Deserialize(command, reply, MiraiJsonContext.Default.SendMessageReply);
            ThrowIfError(command, receipt.Code, receipt.Msg);
            messageId = receipt.MessageId;
            if (messageId == -1 && !allowUndelivered)
            {
                throw MiraiApiException.NotDelivered(command, receipt.Code ?? 0, receipt.Msg);
            }

            return messageId;
        }

        return messageId == -1 && !allowUndelivered ? throw MiraiApiException.NotDelivered(command, 0, null) : messageId;
    }

    /// <summary>Shape R: the payload is under <c>data</c>, next to <c>code</c> and <c>msg</c>.</summary>
    public static T Restful<T>(string command, byte[] reply, JsonTypeInfo<T> info)
    {
        var data = RestfulData(command, reply);
        if (data.IsEmpty || data.SequenceEqual("null"u8))
        {
            throw new MiraiProtocolException($"The reply to '{command}' has no data.");
        }

        return Deserialize(command, data, info);
    }

    /// <summary>Shape R whose payload should be one object; an array of objects (as some docs show) yields its first.</summary>
    public static T RestfulOne<T>(string command, byte[] reply, JsonTypeInfo<T> info)
        where T : class
    {
        var data = RestfulData(command, reply);
        if (!data.IsEmpty && data[0] == (byte)'[')
        {
            try
            {
                var reader = new Utf8JsonReader(data);
                reader.Read();
                if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                {
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    data = data[start..(int)reader.BytesConsumed];
                }
            }
            catch (JsonException ex)
            {
                throw new MiraiProtocolException($"The reply to '{command}' has the wrong shape: {ex.Message}", ex);
            }
        }

        return Deserialize(command, data, info);
    }

    /// <summary>Shape R whose payload is a message packet or null.</summary>
    public static MessageEvent? RestfulMessage(string command, byte[] reply)
    {
        var data = RestfulData(command, reply);
        return data.IsEmpty || data.SequenceEqual("null"u8) ? null : DecodeMessage(command, data);
    }

    /// <summary>Shape R whose payload is an array of message packets.</summary>
    public static IReadOnlyList<MessageEvent> RestfulMessages(string command, byte[] reply)
    {
        var data = RestfulData(command, reply);
        var result = new List<MessageEvent>();
        try
        {
            var reader = new Utf8JsonReader(data);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                throw new MiraiProtocolException($"The reply to '{command}' has no array of messages.");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                result.Add(DecodeMessage(command, data[start..(int)reader.BytesConsumed]));
            }
        }
        catch (JsonException ex)
        {
            throw new MiraiProtocolException($"The reply to '{command}' has the wrong shape: {ex.Message}", ex);
        }

        return result;
    }

    /// <summary>Shape B: the payload itself, unless it is an error status.</summary>
    public static T Bare<T>(string command, byte[] reply, JsonTypeInfo<T> info)
    {
        var (code, msg, _, _) = Envelope(command, reply);
        ThrowIfError(command, code, msg);
        return Deserialize(command, reply, info);
    }

    /// <summary>Reads <c>{"code":0,"msg":"…","messageId":n}</c> without allocating.</summary>
    private static bool TryReadSuccessReceipt(ReadOnlySpan<byte> reply, out int messageId)
    {
        messageId = 0;
        int? code = null;
        try
        {
            var reader = new Utf8JsonReader(reply);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("code"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var value))
                    {
                        return false;
                    }

                    code = value;
                }
                else if (reader.ValueTextEquals("messageId"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out messageId))
                    {
                        return false;
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            return code == 0 && reader.TokenType == JsonTokenType.EndObject && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static void ThrowIfError(string command, int? code, string? message)
    {
        if (code is { } value && value != 0)
        {
            throw new MiraiApiException(command, value, message);
        }
    }

    private static MessageEvent DecodeMessage(string command, ReadOnlySpan<byte> data) =>
        EventDecoder.Decode(data, out _) as MessageEvent
            ?? throw new MiraiProtocolException($"The reply to '{command}' holds something other than a message packet.");

    private static ReadOnlySpan<byte> RestfulData(string command, byte[] reply)
    {
        var (code, msg, start, length) = Envelope(command, reply);
        ThrowIfError(command, code, msg);
        if (start < 0)
        {
            return default;
        }

        var data = reply.AsSpan(start, length);

        // sessionInfo without content nests an error inside a success (code 0 outside, 400 inside).
        if (!data.IsEmpty && data[0] == (byte)'{')
        {
            var inner = Envelope(command, data);
            if (inner.Code is { } innerCode && innerCode != 0 && inner.DataStart < 0)
            {
                ThrowIfError(command, innerCode, inner.Msg);
            }
        }

        return data;
    }

    private static (int? Code, string? Msg, int DataStart, int DataLength) Envelope(string command, ReadOnlySpan<byte> reply)
    {
        try
        {
            var status = StatusObject.Read(reply);
            return (status.Code, status.Message, status.DataStart, status.DataLength);
        }
        catch (JsonException ex)
        {
            throw new MiraiProtocolException($"The reply to '{command}' is not valid JSON: {ex.Message}", ex);
        }
    }

    private static T Deserialize<T>(string command, ReadOnlySpan<byte> json, JsonTypeInfo<T> info)
    {
        try
        {
            return JsonSerializer.Deserialize(json, info) ?? throw new MiraiProtocolException($"The reply to '{command}' was null.");
        }
        catch (JsonException ex)
        {
            throw new MiraiProtocolException($"The reply to '{command}' has the wrong shape: {ex.Message}", ex);
        }
        catch (InvalidOperationException ex)
        {
            throw new MiraiProtocolException($"The reply to '{command}' has the wrong shape: {ex.Message}", ex);
        }
    }
}

/// <summary>What a status object says: mirai-api-http's <c>{"code":…,"msg":…,"data":…}</c> (replies) and
/// <c>{"code":…,"session":…,"msg":…}</c> (the handshake's data). The one reader of that shape.</summary>
/// <param name="Code">The integer <c>code</c>, if any.</param>
/// <param name="Message">The string <c>msg</c>, if any.</param>
/// <param name="Session">The string <c>session</c>, if any (a secret: held only in memory).</param>
/// <param name="DataStart">Where <c>data</c> starts, or -1.</param>
/// <param name="DataLength">The length of <c>data</c>.</param>
internal readonly record struct StatusObject(int? Code, string? Message, string? Session, int DataStart, int DataLength)
{
    /// <summary>Reads a status object; a value that is not an object (a bare array or scalar) has no status.</summary>
    /// <exception cref="JsonException">The bytes are not valid JSON.</exception>
    public static StatusObject Read(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return new StatusObject(null, null, null, -1, 0);
        }

        int? code = null;
        string? msg = null, session = null;
        int start = -1, length = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("code"u8))
            {
                reader.Read();
                code = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var c) ? c : null;
            }
            else if (reader.ValueTextEquals("msg"u8))
            {
                reader.Read();
                msg = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("session"u8))
            {
                reader.Read();
                session = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                start = (int)reader.TokenStartIndex;
                reader.Skip();
                length = (int)reader.BytesConsumed - start;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new StatusObject(code, msg, session, start, length);
    }
}
