using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using MiraiClient.OneBot;

namespace MiraiClient.Testing.OneBot;

/// <summary>How an implementation shapes the events it writes.</summary>
/// <param name="Format">How message events carry their message.</param>
/// <param name="ReportsMessageFormat">Whether message events say <c>message_format</c> when the event does not.</param>
/// <param name="OmitsNullAnonymous">Whether a group message without an anonymous identity leaves the key out (NTQQ) rather than writing <c>null</c>.</param>
internal readonly record struct EventShape(FakeOneBotMessageFormat Format, bool ReportsMessageFormat, bool OmitsNullAnonymous);

/// <summary>Writes OneBot wire JSON from the OneBot package's models, as an implementation writes it:
/// snake_case keys, absent optional fields left out, ids as JSON numbers (64-bit), a message as an array
/// of segments or a CQ string.</summary>
/// <remarks>The OneBot package reads these models but has no public writer, so the fake writes them
/// here; the tests prove every event of the vectors folder survives the trip through the package's
/// decoder. Written by hand, without reflection, so the Testing package stays trimmable.</remarks>
internal static class OneBotWire
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes one event as a frame.</summary>
    /// <exception cref="ArgumentException">The event is of a type this writer does not know.</exception>
    public static byte[] Event(OneBotEvent value, EventShape shape)
    {
        if (value is OneBotUnknownEvent unknown)
        {
            return System.Text.Encoding.UTF8.GetBytes(unknown.Json.GetRawText());
        }

        return Write(writer => WriteEvent(writer, value, shape));
    }

    /// <summary>Writes a message as an array of segments or as its CQ string.</summary>
    public static void WriteMessage(Utf8JsonWriter writer, OneBotMessage message, FakeOneBotMessageFormat format)
    {
        if (format == FakeOneBotMessageFormat.String)
        {
            writer.WriteStringValue(message.ToCqString());
            return;
        }

        writer.WriteStartArray();
        foreach (var segment in message)
        {
            writer.WriteStartObject();
            writer.WriteString("type", segment.Type);
            writer.WriteStartObject("data");
            foreach (var field in segment.Data)
            {
                writer.WritePropertyName(field.Key);
                if (field.IsJson)
                {
                    writer.WriteRawValue(field.Value);
                }
                else
                {
                    writer.WriteStringValue(field.Value);
                }
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    /// <summary>Writes a JSON document with the fake's writer settings.</summary>
    public static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            body(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the <c>status</c> object of a heartbeat or <c>get_status</c>.</summary>
    public static void WriteStatus(Utf8JsonWriter writer, OneBotStatus status)
    {
        writer.WriteStartObject();
        WriteNullableBool(writer, "app_initialized", status.AppInitialized, omitNull: true);
        WriteNullableBool(writer, "app_enabled", status.AppEnabled, omitNull: true);
        WriteNullableBool(writer, "app_good", status.AppGood, omitNull: true);
        WriteNullableBool(writer, "plugins_good", status.PluginsGood, omitNull: true);
        WriteNullableBool(writer, "online", status.Online, omitNull: false);
        writer.WriteBoolean("good", status.Good);
        if (status.Stat is { } stat)
        {
            writer.WriteStartObject("stat");
            writer.WriteNumber("packet_received", stat.PacketReceived);
            writer.WriteNumber("packet_sent", stat.PacketSent);
            writer.WriteNumber("packet_lost", stat.PacketLost);
            writer.WriteNumber("message_received", stat.MessageReceived);
            writer.WriteNumber("message_sent", stat.MessageSent);
            writer.WriteNumber("disconnect_times", stat.DisconnectTimes);
            writer.WriteNumber("lost_times", stat.LostTimes);
            writer.WriteNumber("last_message_time", stat.LastMessageTime);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void WriteEvent(Utf8JsonWriter writer, OneBotEvent value, EventShape shape)
    {
        writer.WriteStartObject();
        writer.WriteNumber("time", value.Time);
        writer.WriteNumber("self_id", value.SelfId);
        switch (value)
        {
            case OneBotMessageEvent message:
                WriteMessageEvent(writer, message, shape);
                break;
            case OneBotNoticeEvent notice:
                WriteNotice(writer, notice);
                break;
            case OneBotRequestEvent request:
                WriteRequest(writer, request);
                break;
            case LifecycleEvent lifecycle:
                writer.WriteString("post_type", PostType(value, "meta_event"));
                writer.WriteString("meta_event_type", lifecycle.MetaEventType);
                writer.WriteString("sub_type", lifecycle.SubType);
                break;
            case HeartbeatEvent heartbeat:
                writer.WriteString("post_type", PostType(value, "meta_event"));
                writer.WriteString("meta_event_type", heartbeat.MetaEventType);
                writer.WritePropertyName("status");
                WriteStatus(writer, heartbeat.Status);
                writer.WriteNumber("interval", heartbeat.Interval);
                break;
            default:
                throw new ArgumentException($"The fake cannot write a {value.GetType().Name}.", nameof(value));
        }

        writer.WriteEndObject();
    }

    private static string PostType(OneBotEvent value, string fallback) => value.PostType.Length > 0 ? value.PostType : fallback;

    private static void WriteMessageEvent(Utf8JsonWriter writer, OneBotMessageEvent message, EventShape shape)
    {
        writer.WriteString("post_type", PostType(message, "message"));
        writer.WriteString("message_type", message.MessageType);
        writer.WriteString("sub_type", message.SubType);
        writer.WriteNumber("message_id", message.MessageId);
        writer.WriteNumber("user_id", message.UserId);
        switch (message)
        {
            case GroupMessageEvent group:
                writer.WriteNumber("group_id", group.GroupId);
                break;
            case PrivateMessageEvent { GroupId: { } tempGroup }:
                writer.WriteNumber("group_id", tempGroup);
                break;
        }

        writer.WritePropertyName("message");
        WriteMessage(writer, message.Message, shape.Format);
        writer.WriteString("raw_message", message.RawMessage.Length > 0 || message.Message.Count == 0 ? message.RawMessage : message.Message.ToCqString());
        writer.WriteNumber("font", message.Font);
        WriteSender(writer, message.Sender);
        if (message is GroupMessageEvent groupMessage)
        {
            if (groupMessage.Anonymous is { } anonymous)
            {
                writer.WriteStartObject("anonymous");
                writer.WriteNumber("id", anonymous.Id);
                writer.WriteString("name", anonymous.Name);
                writer.WriteString("flag", anonymous.Flag);
                writer.WriteEndObject();
            }
            else if (!shape.OmitsNullAnonymous)
            {
                writer.WriteNull("anonymous");
            }

            WriteOptional(writer, "group_name", groupMessage.GroupName);
        }

        WriteOptional(writer, "target_id", message.TargetId);
        WriteOptional(writer, "message_seq", message.MessageSeq);
        WriteOptional(writer, "real_id", message.RealId);
        WriteOptional(writer, "real_seq", message.RealSeq);
        var format = message.MessageFormat ?? (shape.ReportsMessageFormat ? (shape.Format == FakeOneBotMessageFormat.String ? "string" : "array") : null);
        WriteOptional(writer, "message_format", format);
        WriteOptional(writer, "message_sent_type", message.MessageSentType);
        if (message is PrivateMessageEvent { TempSource: { } tempSource })
        {
            writer.WriteNumber("temp_source", tempSource);
        }
    }

    private static void WriteSender(Utf8JsonWriter writer, OneBotSender sender)
    {
        writer.WriteStartObject("sender");
        if (sender.UserId != 0)
        {
            writer.WriteNumber("user_id", sender.UserId);
        }

        writer.WriteString("nickname", sender.Nickname);
        WriteOptional(writer, "card", sender.Card);
        WriteOptional(writer, "sex", sender.Sex);
        if (sender.Age is { } age)
        {
            writer.WriteNumber("age", age);
        }

        WriteOptional(writer, "area", sender.Area);
        WriteOptional(writer, "level", sender.Level);
        WriteOptional(writer, "role", sender.Role);
        WriteOptional(writer, "title", sender.Title);
        writer.WriteEndObject();
    }

    private static void WriteNotice(Utf8JsonWriter writer, OneBotNoticeEvent notice)
    {
        var (noticeType, subType) = NoticeNames(notice);
        writer.WriteString("post_type", PostType(notice, "notice"));
        writer.WriteString("notice_type", noticeType);
        if (subType.Length > 0)
        {
            writer.WriteString("sub_type", subType);
        }

        switch (notice)
        {
            case GroupUploadNotice n:
                writer.WriteNumber("group_id", n.GroupId);
                writer.WriteNumber("user_id", n.UserId);
                writer.WriteStartObject("file");
                writer.WriteString("id", n.File.Id);
                writer.WriteString("name", n.File.Name);
                writer.WriteNumber("size", n.File.Size);
                writer.WriteNumber("busid", n.File.Busid);
                WriteOptional(writer, "url", n.File.Url);
                writer.WriteEndObject();
                break;
            case GroupAdminNotice n:
                writer.WriteNumber("group_id", n.GroupId);
                writer.WriteNumber("user_id", n.UserId);
                break;
            case GroupDecreaseNotice n:
                GroupOperatorUser(writer, n.GroupId, n.OperatorId, n.UserId);
                break;
            case GroupIncreaseNotice n:
                GroupOperatorUser(writer, n.GroupId, n.OperatorId, n.UserId);
                break;
            case GroupBanNotice n:
                GroupOperatorUser(writer, n.GroupId, n.OperatorId, n.UserId);
                writer.WriteNumber("duration", n.Duration);
                break;
            case FriendAddNotice n:
                writer.WriteNumber("user_id", n.UserId);
                break;
            case GroupRecallNotice n:
                writer.WriteNumber("group_id", n.GroupId);
                writer.WriteNumber("user_id", n.UserId);
                writer.WriteNumber("operator_id", n.OperatorId);
                writer.WriteNumber("message_id", n.MessageId);
                WriteOptional(writer, "tip", n.Tip);
                break;
            case FriendRecallNotice n:
                writer.WriteNumber("user_id", n.UserId);
                writer.WriteNumber("message_id", n.MessageId);
                break;
            case PokeNotice n:
                WriteOptional(writer, "group_id", n.GroupId);
                writer.WriteNumber("user_id", n.UserId);
                writer.WriteNumber("target_id", n.TargetId);
                WriteOptional(writer, "sender_id", n.SenderId);
                WriteOptional(writer, "raw_info", n.RawInfo);
                WriteOptional(writer, "action", n.Action);
                WriteOptional(writer, "suffix", n.Suffix);
                WriteOptional(writer, "action_img_url", n.ActionImageUrl);
                break;
            case LuckyKingNotice n:
                writer.WriteNumber("group_id", n.GroupId);
                writer.WriteNumber("user_id", n.UserId);
                writer.WriteNumber("target_id", n.TargetId);
                break;
            case HonorNotice n:
                writer.WriteNumber("group_id", n.GroupId);
                writer.WriteString("honor_type", n.HonorType);
                writer.WriteNumber("user_id", n.UserId);
                break;
            case TitleNotice n:
                writer.WriteNumber("group_id", n.GroupId);
                writer.WriteNumber("user_id", n.UserId);
                writer.WriteString("title", n.Title);
                break;
            case GroupNameNotice n:
                writer.WriteNumber("group_id", n.GroupId);
                writer.WriteNumber("user_id", n.UserId);
                writer.WriteString("name_new", n.NewName);
                break;
            case InputStatusNotice n:
                writer.WriteNumber("user_id", n.UserId);
                writer.WriteNumber("group_id", n.GroupId);
                writer.WriteNumber("event_type", n.EventType);
                writer.WriteString("status_text", n.StatusText);
                break;
            case ProfileLikeNotice n:
                writer.WriteNumber("operator_id", n.OperatorId);
                writer.WriteString("operator_nick", n.OperatorNick);
                writer.WriteNumber("times", n.Times);
                break;
            case GrayTipNotice n:
                writer.WriteNumber("group_id", n.GroupId);
                writer.WriteNumber("user_id", n.UserId);
                writer.WriteNumber("message_id", n.MessageId);
                WriteOptional(writer, "busi_id", n.BusiId);
                WriteOptional(writer, "content", n.Content);
                WriteOptional(writer, "raw_info", n.RawInfo);
                break;
            case GroupCardNotice n:
                writer.WriteNumber("group_id", n.GroupId);
                writer.WriteNumber("user_id", n.UserId);
                writer.WriteString("card_new", n.NewCard);
                writer.WriteString("card_old", n.OldCard);
                break;
            case EssenceNotice n:
                writer.WriteNumber("group_id", n.GroupId);
                writer.WriteNumber("sender_id", n.SenderId);
                writer.WriteNumber("operator_id", n.OperatorId);
                writer.WriteNumber("message_id", n.MessageId);
                break;
            case GroupMessageEmojiLikeNotice n:
                writer.WriteNumber("group_id", n.GroupId);
                writer.WriteNumber("user_id", n.UserId);
                writer.WriteNumber("message_id", n.MessageId);
                writer.WriteStartArray("likes");
                foreach (var like in n.Likes)
                {
                    writer.WriteStartObject();
                    writer.WriteString("emoji_id", like.EmojiId);
                    writer.WriteNumber("count", like.Count);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                if (n.IsAdd is { } isAdd)
                {
                    writer.WriteBoolean("is_add", isAdd);
                }

                break;
            case ReactionNotice n:
                writer.WriteNumber("group_id", n.GroupId);
                writer.WriteNumber("message_id", n.MessageId);
                writer.WriteNumber("operator_id", n.OperatorId);
                writer.WriteString("code", n.Code);
                writer.WriteNumber("count", n.Count);
                break;
            case BotOfflineNotice n:
                writer.WriteNumber("user_id", n.UserId);
                writer.WriteString("tag", n.Tag);
                writer.WriteString("message", n.Message);
                break;
            case OfflineFileNotice n:
                writer.WriteNumber("user_id", n.UserId);
                writer.WriteStartObject("file");
                writer.WriteString("name", n.File.Name);
                writer.WriteNumber("size", n.File.Size);
                WriteOptional(writer, "url", n.File.Url);
                writer.WriteEndObject();
                break;
            case ClientStatusNotice n:
                writer.WriteStartObject("client");
                writer.WriteNumber("app_id", n.Client.AppId);
                writer.WriteString("device_name", n.Client.DeviceName);
                writer.WriteString("device_kind", n.Client.DeviceKind);
                writer.WriteEndObject();
                writer.WriteBoolean("online", n.Online);
                break;
            case GroupDismissNotice n:
                writer.WriteNumber("group_id", n.GroupId);
                writer.WriteNumber("user_id", n.UserId);
                break;
            case FlashFileNotice n:
                writer.WriteString("title", n.Title);
                writer.WriteString("share_link", n.ShareLink);
                writer.WriteString("file_set_id", n.FileSetId);
                writer.WriteStartArray("files");
                foreach (var file in n.Files)
                {
                    writer.WriteStartObject();
                    writer.WriteString("name", file.Name);
                    writer.WriteNumber("size", file.Size);
                    WriteOptional(writer, "path", file.Path);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                WriteOptional(writer, "downloaded_size", n.DownloadedSize);
                WriteOptional(writer, "uploaded_size", n.UploadedSize);
                WriteOptional(writer, "total_size", n.TotalSize);
                if (n.Speed is { } speed)
                {
                    writer.WriteNumber("speed", speed);
                }

                if (n.RemainSeconds is { } remain)
                {
                    writer.WriteNumber("remain_seconds", remain);
                }

                break;
            case OnlineFileNotice n:
                writer.WriteNumber("peer_id", n.PeerId);
                break;
            default:
                throw new ArgumentException($"The fake cannot write a {notice.GetType().Name}.", nameof(notice));
        }
    }

    /// <summary>The notice and sub-type names; a notice built without them gets the names its type stands for.</summary>
    private static (string NoticeType, string SubType) NoticeNames(OneBotNoticeEvent notice)
    {
        var (noticeType, subType) = notice switch
        {
            GroupUploadNotice => ("group_upload", ""),
            GroupAdminNotice => ("group_admin", ""),
            GroupDecreaseNotice => ("group_decrease", ""),
            GroupIncreaseNotice => ("group_increase", ""),
            GroupBanNotice => ("group_ban", ""),
            FriendAddNotice => ("friend_add", ""),
            GroupRecallNotice => ("group_recall", ""),
            FriendRecallNotice => ("friend_recall", ""),
            PokeNotice => ("notify", "poke"),
            LuckyKingNotice => ("notify", "lucky_king"),
            HonorNotice => ("notify", "honor"),
            TitleNotice => ("notify", "title"),
            GroupNameNotice => ("notify", "group_name"),
            InputStatusNotice => ("notify", "input_status"),
            ProfileLikeNotice => ("notify", "profile_like"),
            GrayTipNotice => ("notify", "gray_tip"),
            GroupCardNotice => ("group_card", ""),
            EssenceNotice => ("essence", ""),
            GroupMessageEmojiLikeNotice => ("group_msg_emoji_like", ""),
            ReactionNotice => ("reaction", ""),
            BotOfflineNotice => ("bot_offline", ""),
            OfflineFileNotice => ("offline_file", ""),
            ClientStatusNotice => ("client_status", ""),
            GroupDismissNotice => ("group_dismiss", ""),
            FlashFileNotice => ("flash_file", ""),
            OnlineFileNotice => ("online_file_send", ""),
            _ => ("", ""),
        };
        return (notice.NoticeType.Length > 0 ? notice.NoticeType : noticeType, notice.SubType.Length > 0 ? notice.SubType : subType);
    }

    private static void WriteRequest(Utf8JsonWriter writer, OneBotRequestEvent request)
    {
        writer.WriteString("post_type", PostType(request, "request"));
        writer.WriteString("request_type", request.RequestType);
        if (request is GroupRequestEvent group)
        {
            writer.WriteString("sub_type", group.SubType);
            writer.WriteNumber("group_id", group.GroupId);
        }

        writer.WriteNumber("user_id", request.UserId);
        writer.WriteString("comment", request.Comment);
        writer.WriteString("flag", request.Flag);
        if (request is GroupRequestEvent { InvitorId: { } invitor })
        {
            writer.WriteNumber("invitor_id", invitor);
        }
    }

    private static void GroupOperatorUser(Utf8JsonWriter writer, long groupId, long operatorId, long userId)
    {
        writer.WriteNumber("group_id", groupId);
        writer.WriteNumber("operator_id", operatorId);
        writer.WriteNumber("user_id", userId);
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, JsonElement? value)
    {
        if (value is { } element && element.ValueKind != JsonValueKind.Undefined)
        {
            writer.WritePropertyName(name);
            element.WriteTo(writer);
        }
    }

    private static void WriteNullableBool(Utf8JsonWriter writer, string name, bool? value, bool omitNull)
    {
        if (value is { } flag)
        {
            writer.WriteBoolean(name, flag);
        }
        else if (!omitNull)
        {
            writer.WriteNull(name);
        }
    }
}
