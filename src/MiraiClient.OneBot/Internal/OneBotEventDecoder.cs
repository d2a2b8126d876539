using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace MiraiClient.OneBot.Internal;

/// <summary>Decodes events with the source-generated serializer: every non-message event, and message
/// events whose shape the one-pass reader declines.</summary>
internal static class OneBotEventDecoder
{
    /// <summary>Decodes a message event with the serializer alone: the reference semantics the one-pass reader must match.</summary>
    /// <exception cref="MiraiProtocolException">The object is not a valid message event.</exception>
    public static OneBotMessageEvent DecodeMessageWithSerializer(ReadOnlySpan<byte> json, bool isPrivate) =>
        isPrivate
            ? Deserialize(json, OneBotJsonContext.Default.PrivateMessageEvent, "private message")
            : Deserialize(json, OneBotJsonContext.Default.GroupMessageEvent, "group message");

    /// <summary>Decodes an event whose post type, detail type and sub-type are known; unknown combinations are kept raw.</summary>
    /// <exception cref="MiraiProtocolException">The object is not a valid event of its type.</exception>
    public static OneBotEvent DecodeWithSerializer(ReadOnlySpan<byte> json, string postType, string? detailType, string? subType)
    {
        var info = Lookup(postType, detailType, subType);
        if (info is null)
        {
            return Unknown(json, postType, detailType, subType);
        }

        return (OneBotEvent)Deserialize(json, info, $"{postType}/{detailType}/{subType}");
    }

    /// <summary>Decodes a whole event object with the serializer alone, finding its types first (the reference path).</summary>
    /// <exception cref="MiraiProtocolException">The object is not an event.</exception>
    public static OneBotEvent DecodeReference(ReadOnlySpan<byte> json)
    {
        string? post, detail, sub;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new MiraiProtocolException("The event is not a JSON object.");
            }

            post = detail = sub = null;
            string? messageType = null, noticeType = null, requestType = null, metaType = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                var value = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                reader.Skip();
                switch (name)
                {
                    case "post_type": post = value; break;
                    case "message_type": messageType = value; break;
                    case "notice_type": noticeType = value; break;
                    case "request_type": requestType = value; break;
                    case "meta_event_type": metaType = value; break;
                    case "sub_type": sub = value; break;
                }
            }

            if (post is null)
            {
                throw new MiraiProtocolException("The event has no string post_type.");
            }

            detail = post switch
            {
                "message" or "message_sent" => messageType,
                "notice" => noticeType,
                "request" => requestType,
                "meta_event" => metaType,
                _ => null,
            };
        }
        catch (JsonException ex)
        {
            throw new MiraiProtocolException($"The event is not valid JSON: {ex.Message}", ex);
        }

        return DecodeWithSerializer(json, post, detail, sub);
    }

    /// <summary>Gets the type for a (post type, detail type, sub-type) combination, or <see langword="null"/>.
    /// A detail type that defines sub-types accepts only those; one that defines none accepts any.</summary>
    public static JsonTypeInfo? Lookup(string postType, string? detailType, string? subType)
    {
        var c = OneBotJsonContext.Default;
        return postType switch
        {
            "message" or "message_sent" => detailType switch
            {
                "private" => c.PrivateMessageEvent,
                "group" => c.GroupMessageEvent,
                _ => null,
            },
            "notice" => detailType switch
            {
                "group_upload" => c.GroupUploadNotice,
                "group_admin" => subType is "set" or "unset" ? c.GroupAdminNotice : null,
                "group_decrease" => subType is "leave" or "kick" or "kick_me" or "disband" ? c.GroupDecreaseNotice : null,
                "group_increase" => subType is "approve" or "invite" ? c.GroupIncreaseNotice : null,
                "group_ban" => subType is "ban" or "lift_ban" ? c.GroupBanNotice : null,
                "friend_add" => c.FriendAddNotice,
                "group_recall" => c.GroupRecallNotice,
                "friend_recall" => c.FriendRecallNotice,
                "notify" => subType switch
                {
                    "poke" => c.PokeNotice,
                    "lucky_king" => c.LuckyKingNotice,
                    "honor" => c.HonorNotice,
                    "title" => c.TitleNotice,
                    "group_name" => c.GroupNameNotice,
                    "input_status" => c.InputStatusNotice,
                    "profile_like" => c.ProfileLikeNotice,
                    "gray_tip" => c.GrayTipNotice,
                    _ => null,
                },
                "group_card" => c.GroupCardNotice,
                "essence" => subType is "add" or "delete" ? c.EssenceNotice : null,
                "group_msg_emoji_like" => c.GroupMessageEmojiLikeNotice,
                "reaction" => subType is "add" or "remove" ? c.ReactionNotice : null,
                "bot_offline" => c.BotOfflineNotice,
                "offline_file" => c.OfflineFileNotice,
                "client_status" => c.ClientStatusNotice,
                "group_dismiss" => c.GroupDismissNotice,
                "flash_file" => subType is "uploading" or "uploaded" or "downloading" or "downloaded" ? c.FlashFileNotice : null,
                "online_file_send" => subType is "receive" or "refuse" ? c.OnlineFileNotice : null,
                "online_file_receive" => subType is "cancel" ? c.OnlineFileNotice : null,
                _ => null,
            },
            "request" => detailType switch
            {
                "friend" => c.FriendRequestEvent,
                "group" => subType is "add" or "invite" ? c.GroupRequestEvent : null,
                _ => null,
            },
            "meta_event" => detailType switch
            {
                "lifecycle" => subType is "connect" or "enable" or "disable" ? c.LifecycleEvent : null,
                "heartbeat" => c.HeartbeatEvent,
                _ => null,
            },
            _ => null,
        };
    }

    private static OneBotUnknownEvent Unknown(ReadOnlySpan<byte> json, string postType, string? detailType, string? subType)
    {
        JsonElement element;
        try
        {
            var reader = new Utf8JsonReader(json);
            element = JsonElement.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            throw new MiraiProtocolException($"The event is not valid JSON: {ex.Message}", ex);
        }

        return new OneBotUnknownEvent(element, detailType, subType)
        {
            PostType = postType,
            Time = LenientInt64(element, "time"),
            SelfId = LenientInt64(element, "self_id"),
        };
    }

    private static long LenientInt64(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return 0;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number))
        {
            return number;
        }

        return value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number) ? number : 0;
    }

    private static object Deserialize(ReadOnlySpan<byte> json, JsonTypeInfo info, string what)
    {
        try
        {
            return JsonSerializer.Deserialize(json, info) ?? throw new MiraiProtocolException($"The {what} event was null.");
        }
        catch (JsonException ex)
        {
            throw new MiraiProtocolException($"The {what} event could not be decoded: {ex.Message}", ex);
        }
        catch (NotSupportedException ex)
        {
            throw new MiraiProtocolException($"The {what} event could not be decoded: {ex.Message}", ex);
        }
        catch (InvalidOperationException ex)
        {
            throw new MiraiProtocolException($"The {what} event could not be decoded: {ex.Message}", ex);
        }
    }

    private static T Deserialize<T>(ReadOnlySpan<byte> json, JsonTypeInfo<T> info, string what)
        where T : class =>
        (T)Deserialize(json, (JsonTypeInfo)info, what);
}
