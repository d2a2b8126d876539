using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MiraiClient.OneBot.Internal;

/// <summary>Readers for results whose shape differs between implementations.</summary>
internal static class ReplyReaders
{
    /// <summary><c>{"messages": [message objects]}</c> (history), each decoded like an event.</summary>
    public static IReadOnlyList<OneBotMessageEvent> MessageList(string action, ReadOnlySpan<byte> data)
    {
        var result = new List<OneBotMessageEvent>();
        try
        {
            var reader = new Utf8JsonReader(data);
            reader.Read();
            if (reader.TokenType == JsonTokenType.Null)
            {
                return result;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new MiraiProtocolException($"The response to '{action}' is not an object with 'messages'.");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isMessages = reader.ValueTextEquals("messages"u8);
                reader.Read();
                if (!isMessages || reader.TokenType == JsonTokenType.Null)
                {
                    reader.Skip();
                    continue;
                }

                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    throw new MiraiProtocolException($"The response to '{action}' has 'messages' that is not an array.");
                }

                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    var item = data[start..(int)reader.BytesConsumed];
                    result.Add(OneBotFrameReader.ReadEventObject(item) as OneBotMessageEvent
                        ?? throw new MiraiProtocolException($"The response to '{action}' holds something other than a message."));
                }
            }
        }
        catch (JsonException ex)
        {
            throw new MiraiProtocolException($"The response to '{action}' is not valid JSON: {ex.Message}", ex);
        }

        return result;
    }

    /// <summary>The content of a merged forward, in any of the three shapes: the spec's
    /// <c>{"message": [node segments]}</c>, go-cqhttp's <c>{"messages": [{content, sender, time}]}</c>,
    /// NapCat's <c>{"messages": [message objects]}</c>.</summary>
    public static IReadOnlyList<ForwardedMessage> ForwardContent(string action, ReadOnlySpan<byte> data)
    {
        JsonElement root;
        try
        {
            var reader = new Utf8JsonReader(data);
            root = JsonElement.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            throw new MiraiProtocolException($"The response to '{action}' is not valid JSON: {ex.Message}", ex);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new MiraiProtocolException($"The response to '{action}' is not an object.");
        }

        var list = root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array ? messages
            : root.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Array ? message
            : throw new MiraiProtocolException($"The response to '{action}' has neither 'messages' nor 'message'.");
        var result = new List<ForwardedMessage>();
        foreach (var item in list.EnumerateArray())
        {
            result.Add(ReadForwarded(action, item));
        }

        return result;
    }

    /// <summary>go-cqhttp's <c>{"clients": [...]}</c> or NapCat's bare array.</summary>
    public static IReadOnlyList<OneBotDevice> OnlineClients(string action, ReadOnlySpan<byte> data)
    {
        var trimmed = data.TrimStart(" \t\r\n"u8);
        if (!trimmed.IsEmpty && trimmed[0] == (byte)'[')
        {
            return OneBotReplyShape.Deserialize(action, data, OneBotJsonContext.Default.OneBotDeviceList) ?? [];
        }

        return OneBotReplyShape.Deserialize(action, data, OneBotJsonContext.Default.OnlineClientsWire)?.Clients ?? [];
    }

    /// <summary><c>{message_id, forward_id}</c>, or NapCat's <c>res_id</c>.</summary>
    public static ForwardMessageReceipt ForwardReceipt(string action, ReadOnlySpan<byte> data)
    {
        var wire = OneBotReplyShape.Deserialize(action, data, OneBotJsonContext.Default.ForwardReceiptWire)
            ?? throw new MiraiProtocolException($"The response to '{action}' has no data.");
        return new ForwardMessageReceipt { MessageId = wire.MessageId, ForwardId = wire.ForwardId ?? wire.ResId };
    }

    private static ForwardedMessage ReadForwarded(string action, JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw new MiraiProtocolException($"The response to '{action}' holds a forwarded message that is not an object.");
        }

        // The spec's form: a node segment.
        if (item.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && item.TryGetProperty("data", out var nodeData))
        {
            var node = SegmentReader.ParseMessage(Encoding.UTF8.GetBytes(item.GetRawText()));
            if (node.Count == 1 && node[0] is NodeSegment segment)
            {
                return new ForwardedMessage
                {
                    UserId = segment.UserId ?? 0,
                    Nickname = segment.Nickname ?? "",
                    Time = nodeData.ValueKind == JsonValueKind.Object ? Int64(nodeData, "time") : null,
                    Content = segment.Content ?? OneBotMessage.Empty,
                };
            }

            throw new MiraiProtocolException($"The response to '{action}' holds a '{type.GetString()}' segment where a node belongs.");
        }

        // go-cqhttp and NapCat: a sender object and content or message.
        var sender = item.TryGetProperty("sender", out var s) && s.ValueKind == JsonValueKind.Object ? s : default;
        var content = item.TryGetProperty("message", out var m) ? m : item.TryGetProperty("content", out var c) ? c : default;
        return new ForwardedMessage
        {
            UserId = (sender.ValueKind == JsonValueKind.Object ? Int64(sender, "user_id") : null) ?? Int64(item, "user_id") ?? 0,
            Nickname = (sender.ValueKind == JsonValueKind.Object ? String(sender, "nickname") : null) ?? "",
            Time = Int64(item, "time"),
            Content = content.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null
                ? OneBotMessage.Empty
                : SegmentReader.ParseMessage(Encoding.UTF8.GetBytes(content.GetRawText())),
        };
    }

    private static long? Int64(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number))
        {
            return number;
        }

        return value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number) ? number : null;
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
