using System.Collections.Frozen;
using System.Text;
using System.Text.Json.Serialization.Metadata;

namespace MiraiClient.Internal;

/// <summary>Who a message event is from (or, for the sync kinds, to): which reader reads its party.</summary>
internal enum MessageParty
{
    /// <summary>A <see cref="MiraiClient.Friend"/> (friends and strangers).</summary>
    Friend,

    /// <summary>A <see cref="MiraiClient.Member"/> of a group.</summary>
    Member,

    /// <summary>A <see cref="MiraiClient.Group"/>.</summary>
    Group,

    /// <summary>An <see cref="MiraiClient.OtherClient"/> of the bot's account.</summary>
    OtherClient,
}

/// <summary>
/// The wire vocabulary of mirai-api-http 2.10 in one table: the 48 event type names and the 20 message
/// element type names, each with its source-generated metadata, and for the nine message events the party
/// and the constructor the one-pass reader uses. Every other list (the decoder's lookup, the element
/// writer, the known-type list, the one-pass reader's kinds) is derived from here.
/// </summary>
/// <remarks>The <c>[JsonSerializable]</c> attributes on <see cref="MiraiJsonContext"/> must name the same types
/// (the source generator needs them at compile time); a test checks that every public event and element record
/// is in this table, and that each record's <c>Type</c> is the name it is listed under.</remarks>
internal static class MiraiTypes
{
    private static MiraiJsonContext Context => MiraiJsonContext.Default;

    /// <summary>Gets every event type, in the protocol document's order.</summary>
    public static EventType[] Events { get; } =
    [
        Message<FriendMessage, Friend>("FriendMessage"u8, Context.FriendMessage, MessageParty.Friend, "sender"u8, static (chain, party) => new FriendMessage { MessageChain = chain, Sender = party }),
        Message<GroupMessage, Member>("GroupMessage"u8, Context.GroupMessage, MessageParty.Member, "sender"u8, static (chain, party) => new GroupMessage { MessageChain = chain, Sender = party }),
        Message<TempMessage, Member>("TempMessage"u8, Context.TempMessage, MessageParty.Member, "sender"u8, static (chain, party) => new TempMessage { MessageChain = chain, Sender = party }),
        Message<StrangerMessage, Friend>("StrangerMessage"u8, Context.StrangerMessage, MessageParty.Friend, "sender"u8, static (chain, party) => new StrangerMessage { MessageChain = chain, Sender = party }),
        Message<OtherClientMessage, OtherClient>("OtherClientMessage"u8, Context.OtherClientMessage, MessageParty.OtherClient, "sender"u8, static (chain, party) => new OtherClientMessage { MessageChain = chain, Sender = party }),
        Message<FriendSyncMessage, Friend>("FriendSyncMessage"u8, Context.FriendSyncMessage, MessageParty.Friend, "subject"u8, static (chain, party) => new FriendSyncMessage { MessageChain = chain, Subject = party }),
        Message<GroupSyncMessage, Group>("GroupSyncMessage"u8, Context.GroupSyncMessage, MessageParty.Group, "subject"u8, static (chain, party) => new GroupSyncMessage { MessageChain = chain, Subject = party }),
        Message<TempSyncMessage, Member>("TempSyncMessage"u8, Context.TempSyncMessage, MessageParty.Member, "subject"u8, static (chain, party) => new TempSyncMessage { MessageChain = chain, Subject = party }),
        Message<StrangerSyncMessage, Friend>("StrangerSyncMessage"u8, Context.StrangerSyncMessage, MessageParty.Friend, "subject"u8, static (chain, party) => new StrangerSyncMessage { MessageChain = chain, Subject = party }),
        Event("BotOnlineEvent", Context.BotOnlineEvent),
        Event("BotOfflineEventActive", Context.BotOfflineEventActive),
        Event("BotOfflineEventForce", Context.BotOfflineEventForce),
        Event("BotOfflineEventDropped", Context.BotOfflineEventDropped),
        Event("BotReloginEvent", Context.BotReloginEvent),
        Event("FriendInputStatusChangedEvent", Context.FriendInputStatusChangedEvent),
        Event("FriendNickChangedEvent", Context.FriendNickChangedEvent),
        Event("FriendAddEvent", Context.FriendAddEvent),
        Event("FriendDeleteEvent", Context.FriendDeleteEvent),
        Event("FriendRecallEvent", Context.FriendRecallEvent),
        Event("BotGroupPermissionChangeEvent", Context.BotGroupPermissionChangeEvent),
        Event("BotMuteEvent", Context.BotMuteEvent),
        Event("BotUnmuteEvent", Context.BotUnmuteEvent),
        Event("BotJoinGroupEvent", Context.BotJoinGroupEvent),
        Event("BotLeaveEventActive", Context.BotLeaveEventActive),
        Event("BotLeaveEventKick", Context.BotLeaveEventKick),
        Event("BotLeaveEventDisband", Context.BotLeaveEventDisband),
        Event("GroupRecallEvent", Context.GroupRecallEvent),
        Event("NudgeEvent", Context.NudgeEvent),
        Event("GroupNameChangeEvent", Context.GroupNameChangeEvent),
        Event("GroupMuteAllEvent", Context.GroupMuteAllEvent),
        Event("GroupAllowAnonymousChatEvent", Context.GroupAllowAnonymousChatEvent),
        Event("GroupAllowConfessTalkEvent", Context.GroupAllowConfessTalkEvent),
        Event("GroupAllowMemberInviteEvent", Context.GroupAllowMemberInviteEvent),
        Event("MemberJoinEvent", Context.MemberJoinEvent),
        Event("MemberLeaveEventKick", Context.MemberLeaveEventKick),
        Event("MemberLeaveEventQuit", Context.MemberLeaveEventQuit),
        Event("MemberCardChangeEvent", Context.MemberCardChangeEvent),
        Event("MemberSpecialTitleChangeEvent", Context.MemberSpecialTitleChangeEvent),
        Event("MemberPermissionChangeEvent", Context.MemberPermissionChangeEvent),
        Event("MemberMuteEvent", Context.MemberMuteEvent),
        Event("MemberUnmuteEvent", Context.MemberUnmuteEvent),
        Event("MemberHonorChangeEvent", Context.MemberHonorChangeEvent),
        Event("NewFriendRequestEvent", Context.NewFriendRequestEvent),
        Event("MemberJoinRequestEvent", Context.MemberJoinRequestEvent),
        Event("BotInvitedJoinGroupRequestEvent", Context.BotInvitedJoinGroupRequestEvent),
        Event("OtherClientOnlineEvent", Context.OtherClientOnlineEvent),
        Event("OtherClientOfflineEvent", Context.OtherClientOfflineEvent),
        Event("CommandExecutedEvent", Context.CommandExecutedEvent),
    ];

    /// <summary>Gets every message element type.</summary>
    public static ElementType[] Elements { get; } =
    [
        Element("Source", Context.SourceElement),
        Element("Quote", Context.QuoteElement),
        Element("At", Context.AtElement),
        Element("AtAll", Context.AtAllElement),
        Element("Face", Context.FaceElement),
        Element("Plain", Context.PlainElement),
        Element("Image", Context.ImageElement),
        Element("FlashImage", Context.FlashImageElement),
        Element("Voice", Context.VoiceElement),
        Element("Xml", Context.XmlServiceElement),
        Element("Json", Context.JsonServiceElement),
        Element("App", Context.AppElement),
        Element("Poke", Context.PokeElement),
        Element("Dice", Context.DiceElement),
        Element("MarketFace", Context.MarketFaceElement),
        Element("MusicShare", Context.MusicShareElement),
        Element("Forward", Context.ForwardElement),
        Element("File", Context.FileElement),
        Element("ShortVideo", Context.ShortVideoElement),
        Element("MiraiCode", Context.MiraiCodeElement),
    ];

    /// <summary>Gets the nine message events, for the one-pass reader.</summary>
    public static MessageEventType[] MessageEvents { get; } = [.. Events.Select(e => e.Message).OfType<MessageEventType>()];

    /// <summary>Gets every event type name.</summary>
    public static IReadOnlyList<string> EventNames { get; } = [.. Events.Select(e => e.Name)];

    private static readonly FrozenDictionary<string, JsonTypeInfo> EventsByName = Events.ToFrozenDictionary(e => e.Name, e => e.Info, StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, JsonTypeInfo> ElementsByName = Elements.ToFrozenDictionary(e => e.Name, e => e.Info, StringComparer.Ordinal);

    private static readonly FrozenDictionary<Type, JsonTypeInfo> ElementsByType = Elements.ToFrozenDictionary(e => e.Info.Type, e => e.Info);

    /// <summary>Gets the metadata of an event type, or <see langword="null"/> for a name this SDK does not know.</summary>
    public static JsonTypeInfo? FindEvent(string name) => EventsByName.GetValueOrDefault(name);

    /// <summary>Gets the metadata of an element type, or <see langword="null"/> for a name this SDK does not know.</summary>
    public static JsonTypeInfo? FindElement(string name) => ElementsByName.GetValueOrDefault(name);

    /// <summary>Gets the metadata an element of this exact runtime type is written with.</summary>
    public static JsonTypeInfo? FindElement(Type type) => ElementsByType.GetValueOrDefault(type);

    private static EventType Event(string name, JsonTypeInfo info) => new(name, info, null);

    private static EventType Message<TEvent, TParty>(ReadOnlySpan<byte> name, JsonTypeInfo<TEvent> info, MessageParty party, ReadOnlySpan<byte> role, Func<MessageChain, TParty, TEvent> create)
        where TEvent : MessageEvent
        where TParty : class
    {
        var utf8 = name.ToArray();
        return new EventType(Encoding.UTF8.GetString(utf8), info, new MessageEventType(utf8, party, role.ToArray(), (chain, value) => create(chain, (TParty)value)));
    }

    private static ElementType Element(string name, JsonTypeInfo info) => new(name, info);
}

/// <summary>An event type: its wire name and metadata, and for a message event what the one-pass reader needs.</summary>
internal sealed record EventType(string Name, JsonTypeInfo Info, MessageEventType? Message);

/// <summary>A message event as the one-pass reader builds it: the UTF-8 name it matches, the party it reads and
/// the property that holds it (<c>sender</c>, or <c>subject</c> for the sync kinds), its constructor.</summary>
internal sealed record MessageEventType(byte[] Utf8Name, MessageParty Party, byte[] Utf8PartyProperty, Func<MessageChain, object, MessageEvent> Create);

/// <summary>A message element type: its wire name and metadata.</summary>
internal sealed record ElementType(string Name, JsonTypeInfo Info);
