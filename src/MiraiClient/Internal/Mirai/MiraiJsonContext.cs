using System.Text.Json;
using System.Text.Json.Serialization;

namespace MiraiClient.Internal;

/// <summary>Source-generated serialization for every wire type; nothing in the SDK uses reflection-based JSON.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(FriendMessage))]
[JsonSerializable(typeof(GroupMessage))]
[JsonSerializable(typeof(TempMessage))]
[JsonSerializable(typeof(StrangerMessage))]
[JsonSerializable(typeof(OtherClientMessage))]
[JsonSerializable(typeof(FriendSyncMessage))]
[JsonSerializable(typeof(GroupSyncMessage))]
[JsonSerializable(typeof(TempSyncMessage))]
[JsonSerializable(typeof(StrangerSyncMessage))]
[JsonSerializable(typeof(BotOnlineEvent))]
[JsonSerializable(typeof(BotOfflineEventActive))]
[JsonSerializable(typeof(BotOfflineEventForce))]
[JsonSerializable(typeof(BotOfflineEventDropped))]
[JsonSerializable(typeof(BotReloginEvent))]
[JsonSerializable(typeof(FriendInputStatusChangedEvent))]
[JsonSerializable(typeof(FriendNickChangedEvent))]
[JsonSerializable(typeof(FriendAddEvent))]
[JsonSerializable(typeof(FriendDeleteEvent))]
[JsonSerializable(typeof(FriendRecallEvent))]
[JsonSerializable(typeof(BotGroupPermissionChangeEvent))]
[JsonSerializable(typeof(BotMuteEvent))]
[JsonSerializable(typeof(BotUnmuteEvent))]
[JsonSerializable(typeof(BotJoinGroupEvent))]
[JsonSerializable(typeof(BotLeaveEventActive))]
[JsonSerializable(typeof(BotLeaveEventKick))]
[JsonSerializable(typeof(BotLeaveEventDisband))]
[JsonSerializable(typeof(GroupRecallEvent))]
[JsonSerializable(typeof(NudgeEvent))]
[JsonSerializable(typeof(GroupNameChangeEvent))]
[JsonSerializable(typeof(GroupMuteAllEvent))]
[JsonSerializable(typeof(GroupAllowAnonymousChatEvent))]
[JsonSerializable(typeof(GroupAllowConfessTalkEvent))]
[JsonSerializable(typeof(GroupAllowMemberInviteEvent))]
[JsonSerializable(typeof(MemberJoinEvent))]
[JsonSerializable(typeof(MemberLeaveEventKick))]
[JsonSerializable(typeof(MemberLeaveEventQuit))]
[JsonSerializable(typeof(MemberCardChangeEvent))]
[JsonSerializable(typeof(MemberSpecialTitleChangeEvent))]
[JsonSerializable(typeof(MemberPermissionChangeEvent))]
[JsonSerializable(typeof(MemberMuteEvent))]
[JsonSerializable(typeof(MemberUnmuteEvent))]
[JsonSerializable(typeof(MemberHonorChangeEvent))]
[JsonSerializable(typeof(NewFriendRequestEvent))]
[JsonSerializable(typeof(MemberJoinRequestEvent))]
[JsonSerializable(typeof(BotInvitedJoinGroupRequestEvent))]
[JsonSerializable(typeof(OtherClientOnlineEvent))]
[JsonSerializable(typeof(OtherClientOfflineEvent))]
[JsonSerializable(typeof(CommandExecutedEvent))]
[JsonSerializable(typeof(SourceElement))]
[JsonSerializable(typeof(QuoteElement))]
[JsonSerializable(typeof(AtElement))]
[JsonSerializable(typeof(AtAllElement))]
[JsonSerializable(typeof(FaceElement))]
[JsonSerializable(typeof(PlainElement))]
[JsonSerializable(typeof(ImageElement))]
[JsonSerializable(typeof(FlashImageElement))]
[JsonSerializable(typeof(VoiceElement))]
[JsonSerializable(typeof(XmlServiceElement))]
[JsonSerializable(typeof(JsonServiceElement))]
[JsonSerializable(typeof(AppElement))]
[JsonSerializable(typeof(PokeElement))]
[JsonSerializable(typeof(DiceElement))]
[JsonSerializable(typeof(MarketFaceElement))]
[JsonSerializable(typeof(MusicShareElement))]
[JsonSerializable(typeof(ForwardElement))]
[JsonSerializable(typeof(FileElement))]
[JsonSerializable(typeof(ShortVideoElement))]
[JsonSerializable(typeof(MiraiCodeElement))]
[JsonSerializable(typeof(MessageChain))]
[JsonSerializable(typeof(SendMessageContent))]
[JsonSerializable(typeof(SendTempMessageContent))]
[JsonSerializable(typeof(SendImageContent))]
[JsonSerializable(typeof(RecallContent))]
[JsonSerializable(typeof(SendNudgeContent))]
[JsonSerializable(typeof(TargetContent))]
[JsonSerializable(typeof(MessageIdContent))]
[JsonSerializable(typeof(MemberContent))]
[JsonSerializable(typeof(LatestMemberListContent))]
[JsonSerializable(typeof(RoamingMessagesContent))]
[JsonSerializable(typeof(MuteContent))]
[JsonSerializable(typeof(KickContent))]
[JsonSerializable(typeof(GroupConfigUpdateContent))]
[JsonSerializable(typeof(MemberInfoUpdateContent))]
[JsonSerializable(typeof(MemberAdminContent))]
[JsonSerializable(typeof(FileListContent))]
[JsonSerializable(typeof(FileInfoContent))]
[JsonSerializable(typeof(FileMkdirContent))]
[JsonSerializable(typeof(FileContent))]
[JsonSerializable(typeof(FileMoveContent))]
[JsonSerializable(typeof(FileRenameContent))]
[JsonSerializable(typeof(AnnouncementListContent))]
[JsonSerializable(typeof(AnnouncementPublishContent))]
[JsonSerializable(typeof(AnnouncementDeleteContent))]
[JsonSerializable(typeof(RequestAnswerContent))]
[JsonSerializable(typeof(CommandExecuteContent))]
[JsonSerializable(typeof(CommandRegisterContent))]
[JsonSerializable(typeof(EmptyContent))]
[JsonSerializable(typeof(SendMessageReply))]
[JsonSerializable(typeof(AboutInfo))]
[JsonSerializable(typeof(SessionInfo))]
[JsonSerializable(typeof(Profile))]
[JsonSerializable(typeof(GroupConfig))]
[JsonSerializable(typeof(Member))]
[JsonSerializable(typeof(RemoteFile))]
[JsonSerializable(typeof(Announcement))]
[JsonSerializable(typeof(ImageUploadResult))]
[JsonSerializable(typeof(VoiceUploadResult))]
[JsonSerializable(typeof(ShortVideoUploadResult))]
[JsonSerializable(typeof(Friend[]))]
[JsonSerializable(typeof(Group[]))]
[JsonSerializable(typeof(Member[]))]
[JsonSerializable(typeof(RemoteFile[]))]
[JsonSerializable(typeof(Announcement[]))]
[JsonSerializable(typeof(long[]))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class MiraiJsonContext : JsonSerializerContext
{
}

/// <summary>Reads the server's role names without failing on a name this SDK does not know.</summary>
internal sealed class GroupPermissionConverter : JsonConverter<GroupPermission>
{
    public override GroupPermission Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException("A group permission must be a string.");
        }

        if (reader.ValueTextEquals("MEMBER"u8))
        {
            return GroupPermission.Member;
        }

        if (reader.ValueTextEquals("ADMINISTRATOR"u8))
        {
            return GroupPermission.Administrator;
        }

        return reader.ValueTextEquals("OWNER"u8) ? GroupPermission.Owner : GroupPermission.Unknown;
    }

    public override void Write(Utf8JsonWriter writer, GroupPermission value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value switch
        {
            GroupPermission.Member => "MEMBER",
            GroupPermission.Administrator => "ADMINISTRATOR",
            GroupPermission.Owner => "OWNER",
            _ => "UNKNOWN",
        });
}

/// <summary>Reads and writes message chains, choosing each element's type by its <c>type</c> field
/// wherever it stands in the object.</summary>
internal sealed class MessageChainConverter : JsonConverter<MessageChain>
{
    public override MessageChain Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("A message chain must be a JSON array.");
        }

        var elements = new List<MessageElement>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            elements.Add(ReadElement(ref reader));
        }

        return MessageChain.FromOwnedArray(elements.ToArray());
    }

    public override void Write(Utf8JsonWriter writer, MessageChain value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var element in value)
        {
            switch (element)
            {
                case FlashImageElement item:
                    JsonSerializer.Serialize(writer, item, MiraiJsonContext.Default.FlashImageElement);
                    break;
                case SourceElement item:
                    JsonSerializer.Serialize(writer, item, MiraiJsonContext.Default.SourceElement);
                    break;
                case QuoteElement item:
                    JsonSerializer.Serialize(writer, item, MiraiJsonContext.Default.QuoteElement);
                    break;
                case AtElement item:
                    JsonSerializer.Serialize(writer, item, MiraiJsonContext.Default.AtElement);
                    break;
                case AtAllElement item:
                    JsonSerializer.Serialize(writer, item, MiraiJsonContext.Default.AtAllElement);
                    break;
                case FaceElement item:
                    JsonSerializer.Serialize(writer, item, MiraiJsonContext.Default.FaceElement);
                    break;
                case PlainElement item:
                    JsonSerializer.Serialize(writer, item, MiraiJsonContext.Default.PlainElement);
                    break;
                case ImageElement item:
                    JsonSerializer.Serialize(writer, item, MiraiJsonContext.Default.ImageElement);
                    break;
                case VoiceElement item:
                    JsonSerializer.Serialize(writer, item, MiraiJsonContext.Default.VoiceElement);
                    break;
                case XmlServiceElement item:
                    JsonSerializer.Serialize(writer, item, MiraiJsonContext.Default.XmlServiceElement);
                    break;
                case JsonServiceElement item:
                    JsonSerializer.Serialize(writer, item, MiraiJsonContext.Default.JsonServiceElement);
                    break;
                case AppElement item:
                    JsonSerializer.Serialize(writer, item, MiraiJsonContext.Default.AppElement);
                    break;
                case PokeElement item:
                    JsonSerializer.Serialize(writer, item, MiraiJsonContext.Default.PokeElement);
                    break;
                case DiceElement item:
                    JsonSerializer.Serialize(writer, item, MiraiJsonContext.Default.DiceElement);
                    break;
                case MarketFaceElement item:
                    JsonSerializer.Serialize(writer, item, MiraiJsonContext.Default.MarketFaceElement);
                    break;
                case MusicShareElement item:
                    JsonSerializer.Serialize(writer, item, MiraiJsonContext.Default.MusicShareElement);
                    break;
                case ForwardElement item:
                    JsonSerializer.Serialize(writer, item, MiraiJsonContext.Default.ForwardElement);
                    break;
                case FileElement item:
                    JsonSerializer.Serialize(writer, item, MiraiJsonContext.Default.FileElement);
                    break;
                case ShortVideoElement item:
                    JsonSerializer.Serialize(writer, item, MiraiJsonContext.Default.ShortVideoElement);
                    break;
                case MiraiCodeElement item:
                    JsonSerializer.Serialize(writer, item, MiraiJsonContext.Default.MiraiCodeElement);
                    break;
                case UnknownElement unknown:
                    unknown.Json.WriteTo(writer);
                    break;
                default:
                    throw new NotSupportedException($"Message element type '{element.GetType().Name}' cannot be serialized.");
            }
        }

        writer.WriteEndArray();
    }

    internal static MessageElement ReadElement(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A message element must be a JSON object.");
        }

        var type = JsonScan.FindTypeDiscriminator(reader, "type"u8);
        return type switch
        {
            "Source" => (MessageElement?)JsonSerializer.Deserialize(ref reader, MiraiJsonContext.Default.SourceElement),
            "Quote" => JsonSerializer.Deserialize(ref reader, MiraiJsonContext.Default.QuoteElement),
            "At" => JsonSerializer.Deserialize(ref reader, MiraiJsonContext.Default.AtElement),
            "AtAll" => JsonSerializer.Deserialize(ref reader, MiraiJsonContext.Default.AtAllElement),
            "Face" => JsonSerializer.Deserialize(ref reader, MiraiJsonContext.Default.FaceElement),
            "Plain" => JsonSerializer.Deserialize(ref reader, MiraiJsonContext.Default.PlainElement),
            "Image" => JsonSerializer.Deserialize(ref reader, MiraiJsonContext.Default.ImageElement),
            "FlashImage" => JsonSerializer.Deserialize(ref reader, MiraiJsonContext.Default.FlashImageElement),
            "Voice" => JsonSerializer.Deserialize(ref reader, MiraiJsonContext.Default.VoiceElement),
            "Xml" => JsonSerializer.Deserialize(ref reader, MiraiJsonContext.Default.XmlServiceElement),
            "Json" => JsonSerializer.Deserialize(ref reader, MiraiJsonContext.Default.JsonServiceElement),
            "App" => JsonSerializer.Deserialize(ref reader, MiraiJsonContext.Default.AppElement),
            "Poke" => JsonSerializer.Deserialize(ref reader, MiraiJsonContext.Default.PokeElement),
            "Dice" => JsonSerializer.Deserialize(ref reader, MiraiJsonContext.Default.DiceElement),
            "MarketFace" => JsonSerializer.Deserialize(ref reader, MiraiJsonContext.Default.MarketFaceElement),
            "MusicShare" => JsonSerializer.Deserialize(ref reader, MiraiJsonContext.Default.MusicShareElement),
            "Forward" => JsonSerializer.Deserialize(ref reader, MiraiJsonContext.Default.ForwardElement),
            "File" => JsonSerializer.Deserialize(ref reader, MiraiJsonContext.Default.FileElement),
            "ShortVideo" => JsonSerializer.Deserialize(ref reader, MiraiJsonContext.Default.ShortVideoElement),
            "MiraiCode" => JsonSerializer.Deserialize(ref reader, MiraiJsonContext.Default.MiraiCodeElement),
            null => throw new JsonException("A message element has no string 'type' field."),
            _ => new UnknownElement(type, JsonElement.ParseValue(ref reader)),
        } ?? throw new JsonException("A message element was null.");
    }
}

/// <summary>Small scanning helpers over <see cref="Utf8JsonReader"/>.</summary>
internal static class JsonScan
{
    /// <summary>Finds a string property of the object the reader stands on, without moving the caller's reader.</summary>
    /// <param name="reader">A reader positioned on <see cref="JsonTokenType.StartObject"/> (passed by value: a copy).</param>
    /// <param name="name">The property name.</param>
    /// <returns>The string value, or <see langword="null"/> when absent or not a string.</returns>
    public static string? FindTypeDiscriminator(Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        var depth = reader.CurrentDepth;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth)
            {
                return null;
            }

            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == depth + 1)
            {
                var match = reader.ValueTextEquals(name);
                reader.Read();
                if (match && reader.TokenType == JsonTokenType.String)
                {
                    return reader.GetString();
                }

                reader.Skip();
            }
        }

        return null;
    }
}
