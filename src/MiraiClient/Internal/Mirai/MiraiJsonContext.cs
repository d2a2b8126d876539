using System.Text.Json;
using System.Text.Json.Serialization;

namespace MiraiClient.Internal;

/// <summary>Source-generated serialization for every wire type; nothing in the SDK uses reflection-based JSON.</summary>
[JsonSourceGenerationOptions(
    // As deep as the decoders read, so an event the SDK kept can be written back (sent on, logged as JSON).
    MaxDepth = JsonDepth.Max,
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
    public override GroupPermission Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String ? GroupPermissions.Read(ref reader) : throw new JsonException("A group permission must be a string.");

    public override void Write(Utf8JsonWriter writer, GroupPermission value, JsonSerializerOptions options) =>
        writer.WriteStringValue(GroupPermissions.WireName(value));
}

/// <summary>The server's role names, in one place for the serializer and the one-pass reader.</summary>
internal static class GroupPermissions
{
    /// <summary>Reads the role name the reader stands on (a string token); a name this SDK does not know is <see cref="GroupPermission.Unknown"/>.</summary>
    public static GroupPermission Read(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("MEMBER"u8) ? GroupPermission.Member
        : reader.ValueTextEquals("ADMINISTRATOR"u8) ? GroupPermission.Administrator
        : reader.ValueTextEquals("OWNER"u8) ? GroupPermission.Owner
        : GroupPermission.Unknown;

    /// <summary>Gets the wire name of a role.</summary>
    public static string WireName(GroupPermission value) => value switch
    {
        GroupPermission.Member => "MEMBER",
        GroupPermission.Administrator => "ADMINISTRATOR",
        GroupPermission.Owner => "OWNER",
        _ => "UNKNOWN",
    };
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

    public override void Write(Utf8JsonWriter writer, MessageChain value, JsonSerializerOptions options) => WriteChain(writer, value);

    /// <summary>Writes a chain as the serializer does, plain texts and mentions directly (<see cref="MessageSendWriter"/>).</summary>
    internal static void WriteChain(Utf8JsonWriter writer, MessageChain value)
    {
        writer.WriteStartArray();

        // By index: foreach over the chain's IEnumerable boxes an enumerator (32 B) on every send.
        for (var i = 0; i < value.Count; i++)
        {
            var element = value[i];
            if (element is UnknownElement unknown)
            {
                unknown.Json.WriteTo(writer);
            }
            else if (!MessageSendWriter.TryWriteElement(writer, element))
            {
                var info = MiraiTypes.FindElement(element.GetType())
                    ?? throw new NotSupportedException($"Message element type '{element.GetType().Name}' cannot be serialized.");
                JsonSerializer.Serialize(writer, element, info);
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

        var type = JsonScan.FindTypeDiscriminator(reader, "type"u8) ?? throw new JsonException("A message element has no string 'type' field.");
        if (MiraiTypes.FindElement(type) is not { } info)
        {
            return new UnknownElement(type, JsonElement.ParseValue(ref reader));
        }

        return JsonSerializer.Deserialize(ref reader, info) as MessageElement ?? throw new JsonException("A message element was null.");
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
