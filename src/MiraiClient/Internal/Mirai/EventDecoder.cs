using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace MiraiClient.Internal;

/// <summary>Turns the <c>data</c> object of an event frame into a typed event (second phase of decoding).</summary>
internal static class EventDecoder
{
    /// <summary>Decodes one event.</summary>
    /// <param name="data">The event object, UTF-8.</param>
    /// <param name="known">Whether the type was recognized (false: an <see cref="UnknownEvent"/> was made).</param>
    /// <returns>The event.</returns>
    /// <exception cref="MiraiProtocolException">The object is not a valid event of its type.</exception>
    public static MiraiEvent Decode(ReadOnlySpan<byte> data, out bool known) => Decode(data, null, out known);

    /// <summary>Decodes one event, sharing repeated small values through <paramref name="cache"/>.</summary>
    /// <param name="data">The event object, UTF-8.</param>
    /// <param name="cache">Shared small values, or <see langword="null"/>.</param>
    /// <param name="known">Whether the type was recognized (false: an <see cref="UnknownEvent"/> was made).</param>
    /// <returns>The event.</returns>
    /// <exception cref="MiraiProtocolException">The object is not a valid event of its type.</exception>
    public static MiraiEvent Decode(ReadOnlySpan<byte> data, DecodeCache? cache, out bool known)
    {
        if (MessageEventReader.TryRead(data, cache, out var message, out var consumed) && consumed == data.Length)
        {
            known = true;
            return message;
        }

        return DecodeWithSerializer(data, out known);
    }

    /// <summary>Decodes one event with the source-generated serializer alone: the reference semantics
    /// the fast reader must match, and the path for every shape it declines.</summary>
    /// <param name="data">The event object, UTF-8.</param>
    /// <param name="known">Whether the type was recognized.</param>
    /// <returns>The event.</returns>
    /// <exception cref="MiraiProtocolException">The object is not a valid event of its type.</exception>
    public static MiraiEvent DecodeWithSerializer(ReadOnlySpan<byte> data, out bool known)
    {
        try
        {
            var reader = new Utf8JsonReader(data);
            reader.Read();
            var type = JsonScan.FindTypeDiscriminator(reader, "type"u8)
                ?? throw new MiraiProtocolException("The event has no string 'type' field.");
            var info = Lookup(type);
            known = info is not null;
            if (info is null)
            {
                return new UnknownEvent(type, JsonElement.ParseValue(ref reader));
            }

            return (MiraiEvent?)JsonSerializer.Deserialize(data, info)
                ?? throw new MiraiProtocolException($"The {type} event was null.");
        }
        catch (JsonException ex)
        {
            throw new MiraiProtocolException($"The event could not be decoded: {ex.Message}", ex);
        }
        catch (NotSupportedException ex)
        {
            throw new MiraiProtocolException($"The event could not be decoded: {ex.Message}", ex);
        }
    }

    /// <summary>Gets the type names this SDK decodes (all 48 of mirai-api-http 2.10).</summary>
    public static IReadOnlyList<string> KnownTypes { get; } = ["FriendMessage", "GroupMessage", "TempMessage", "StrangerMessage", "OtherClientMessage", "FriendSyncMessage", "GroupSyncMessage", "TempSyncMessage", "StrangerSyncMessage", "BotOnlineEvent", "BotOfflineEventActive", "BotOfflineEventForce", "BotOfflineEventDropped", "BotReloginEvent", "FriendInputStatusChangedEvent", "FriendNickChangedEvent", "FriendAddEvent", "FriendDeleteEvent", "FriendRecallEvent", "BotGroupPermissionChangeEvent", "BotMuteEvent", "BotUnmuteEvent", "BotJoinGroupEvent", "BotLeaveEventActive", "BotLeaveEventKick", "BotLeaveEventDisband", "GroupRecallEvent", "NudgeEvent", "GroupNameChangeEvent", "GroupMuteAllEvent", "GroupAllowAnonymousChatEvent", "GroupAllowConfessTalkEvent", "GroupAllowMemberInviteEvent", "MemberJoinEvent", "MemberLeaveEventKick", "MemberLeaveEventQuit", "MemberCardChangeEvent", "MemberSpecialTitleChangeEvent", "MemberPermissionChangeEvent", "MemberMuteEvent", "MemberUnmuteEvent", "MemberHonorChangeEvent", "NewFriendRequestEvent", "MemberJoinRequestEvent", "BotInvitedJoinGroupRequestEvent", "OtherClientOnlineEvent", "OtherClientOfflineEvent", "CommandExecutedEvent"];

    private static JsonTypeInfo? Lookup(string type) => type switch
    {
        "FriendMessage" => MiraiJsonContext.Default.FriendMessage,
        "GroupMessage" => MiraiJsonContext.Default.GroupMessage,
        "TempMessage" => MiraiJsonContext.Default.TempMessage,
        "StrangerMessage" => MiraiJsonContext.Default.StrangerMessage,
        "OtherClientMessage" => MiraiJsonContext.Default.OtherClientMessage,
        "FriendSyncMessage" => MiraiJsonContext.Default.FriendSyncMessage,
        "GroupSyncMessage" => MiraiJsonContext.Default.GroupSyncMessage,
        "TempSyncMessage" => MiraiJsonContext.Default.TempSyncMessage,
        "StrangerSyncMessage" => MiraiJsonContext.Default.StrangerSyncMessage,
        "BotOnlineEvent" => MiraiJsonContext.Default.BotOnlineEvent,
        "BotOfflineEventActive" => MiraiJsonContext.Default.BotOfflineEventActive,
        "BotOfflineEventForce" => MiraiJsonContext.Default.BotOfflineEventForce,
        "BotOfflineEventDropped" => MiraiJsonContext.Default.BotOfflineEventDropped,
        "BotReloginEvent" => MiraiJsonContext.Default.BotReloginEvent,
        "FriendInputStatusChangedEvent" => MiraiJsonContext.Default.FriendInputStatusChangedEvent,
        "FriendNickChangedEvent" => MiraiJsonContext.Default.FriendNickChangedEvent,
        "FriendAddEvent" => MiraiJsonContext.Default.FriendAddEvent,
        "FriendDeleteEvent" => MiraiJsonContext.Default.FriendDeleteEvent,
        "FriendRecallEvent" => MiraiJsonContext.Default.FriendRecallEvent,
        "BotGroupPermissionChangeEvent" => MiraiJsonContext.Default.BotGroupPermissionChangeEvent,
        "BotMuteEvent" => MiraiJsonContext.Default.BotMuteEvent,
        "BotUnmuteEvent" => MiraiJsonContext.Default.BotUnmuteEvent,
        "BotJoinGroupEvent" => MiraiJsonContext.Default.BotJoinGroupEvent,
        "BotLeaveEventActive" => MiraiJsonContext.Default.BotLeaveEventActive,
        "BotLeaveEventKick" => MiraiJsonContext.Default.BotLeaveEventKick,
        "BotLeaveEventDisband" => MiraiJsonContext.Default.BotLeaveEventDisband,
        "GroupRecallEvent" => MiraiJsonContext.Default.GroupRecallEvent,
        "NudgeEvent" => MiraiJsonContext.Default.NudgeEvent,
        "GroupNameChangeEvent" => MiraiJsonContext.Default.GroupNameChangeEvent,
        "GroupMuteAllEvent" => MiraiJsonContext.Default.GroupMuteAllEvent,
        "GroupAllowAnonymousChatEvent" => MiraiJsonContext.Default.GroupAllowAnonymousChatEvent,
        "GroupAllowConfessTalkEvent" => MiraiJsonContext.Default.GroupAllowConfessTalkEvent,
        "GroupAllowMemberInviteEvent" => MiraiJsonContext.Default.GroupAllowMemberInviteEvent,
        "MemberJoinEvent" => MiraiJsonContext.Default.MemberJoinEvent,
        "MemberLeaveEventKick" => MiraiJsonContext.Default.MemberLeaveEventKick,
        "MemberLeaveEventQuit" => MiraiJsonContext.Default.MemberLeaveEventQuit,
        "MemberCardChangeEvent" => MiraiJsonContext.Default.MemberCardChangeEvent,
        "MemberSpecialTitleChangeEvent" => MiraiJsonContext.Default.MemberSpecialTitleChangeEvent,
        "MemberPermissionChangeEvent" => MiraiJsonContext.Default.MemberPermissionChangeEvent,
        "MemberMuteEvent" => MiraiJsonContext.Default.MemberMuteEvent,
        "MemberUnmuteEvent" => MiraiJsonContext.Default.MemberUnmuteEvent,
        "MemberHonorChangeEvent" => MiraiJsonContext.Default.MemberHonorChangeEvent,
        "NewFriendRequestEvent" => MiraiJsonContext.Default.NewFriendRequestEvent,
        "MemberJoinRequestEvent" => MiraiJsonContext.Default.MemberJoinRequestEvent,
        "BotInvitedJoinGroupRequestEvent" => MiraiJsonContext.Default.BotInvitedJoinGroupRequestEvent,
        "OtherClientOnlineEvent" => MiraiJsonContext.Default.OtherClientOnlineEvent,
        "OtherClientOfflineEvent" => MiraiJsonContext.Default.OtherClientOfflineEvent,
        "CommandExecutedEvent" => MiraiJsonContext.Default.CommandExecutedEvent,
        _ => null,
    };
}
