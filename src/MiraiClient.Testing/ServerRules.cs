namespace MiraiClient.Testing;

/// <summary>How the imitated server version and profile change what a client sees: one table per
/// kind of difference, each row naming the version it comes from (PROTOCOL.md §8, REAL-SERVERS.md §5
/// and §6).</summary>
/// <remarks>Not modelled, because a client cannot tell them apart cheaply or the fake has no matching
/// feature: the session leak before 2.9.1 (server side only), duplicate pushes before 2.4 (they need two
/// sockets on one session key, which the fake does not support), HTTP calls without Content-Type
/// (2.10; the fake serves only multipart uploads), and the single-mode quirks of 2.3.2/2.3.3/2.9.1.</remarks>
internal sealed class ServerRules
{
    private static readonly Version V2_1 = new(2, 1, 0);
    private static readonly Version V2_3 = new(2, 3, 0);
    private static readonly Version V2_6 = new(2, 6, 0);
    private static readonly Version V2_8 = new(2, 8, 0);
    private static readonly Version V2_10 = new(2, 10, 0);

    /// <summary>Commands that did not exist over WebSocket before the given version (they answer code 6 there).</summary>
    private static readonly Dictionary<string, Version> CommandSince = new(StringComparer.Ordinal)
    {
        ["memberAdmin"] = V2_3,
        ["anno_list"] = new(2, 5, 0),
        ["anno_publish"] = new(2, 5, 0),
        ["anno_delete"] = new(2, 5, 0),
        ["userProfile"] = new(2, 5, 0),
        ["sessionInfo"] = new(2, 5, 0),
        ["botList"] = V2_6,
        ["roamingMessages"] = V2_6,
        ["latestMemberList"] = V2_8,
    };

    /// <summary>Events first sent in the given version.</summary>
    private static readonly Dictionary<string, Version> EventSince = new(StringComparer.Ordinal)
    {
        ["FriendSyncMessage"] = new(2, 5, 0),
        ["GroupSyncMessage"] = new(2, 5, 0),
        ["TempSyncMessage"] = new(2, 5, 0),
        ["StrangerSyncMessage"] = new(2, 5, 0),
        ["BotLeaveEventDisband"] = V2_6,
        ["FriendAddEvent"] = V2_10,
        ["FriendDeleteEvent"] = V2_10,
    };

    /// <summary>Events last sent before the given version.</summary>
    private static readonly Dictionary<string, Version> EventUntil = new(StringComparer.Ordinal)
    {
        ["GroupEntranceAnnouncementChangeEvent"] = V2_10,
    };

    /// <summary>Events Overflow never produces (REAL-SERVERS.md §6, Overflow's progress document).</summary>
    /// <remarks>Overflow's source after 2025-07 sends <c>BotOfflineEventActive</c>/<c>Dropped</c> when its
    /// OneBot link closes, and <c>GroupSyncMessage</c>; the fake follows the documented list, which is what
    /// a client must not rely on either way.</remarks>
    private static readonly HashSet<string> OverflowNeverSends = new(StringComparer.Ordinal)
    {
        "BotOfflineEventForce", "BotOfflineEventActive", "BotOfflineEventDropped", "BotReloginEvent",
        "FriendAddEvent", "FriendDeleteEvent", "FriendInputStatusChangedEvent", "FriendNickChangedEvent",
        "OtherClientMessage", "OtherClientOnlineEvent", "OtherClientOfflineEvent",
        "FriendSyncMessage", "GroupSyncMessage", "TempSyncMessage", "StrangerSyncMessage",
        "BotLeaveEventDisband", "GroupAllowAnonymousChatEvent", "GroupAllowConfessTalkEvent", "GroupAllowMemberInviteEvent",
    };

    private static readonly HashSet<string> MessagePackets = new(StringComparer.Ordinal)
    {
        "FriendMessage", "GroupMessage", "TempMessage", "StrangerMessage", "OtherClientMessage",
        "FriendSyncMessage", "GroupSyncMessage", "TempSyncMessage", "StrangerSyncMessage",
    };

    private readonly Version _version;

    public ServerRules(Version version, FakeServerProfile profile)
    {
        ArgumentNullException.ThrowIfNull(version);
        _version = new Version(version.Major, version.Minor, Math.Max(version.Build, 0));
        Profile = profile;
        VersionText = _version.ToString(3);
    }

    /// <summary>Gets the profile.</summary>
    public FakeServerProfile Profile { get; }

    /// <summary>Gets whether this is mirai-api-http on Overflow.</summary>
    public bool IsOverflow => Profile == FakeServerProfile.Overflow;

    /// <summary>Gets the version <c>about</c> reports, for example <c>2.10.0</c> (no leading v).</summary>
    public string VersionText { get; }

    /// <summary>Gets whether a failed handshake is wrapped in <c>{syncId, data}</c> (2.3.0+, MAH#446).</summary>
    public bool WrapsHandshakeFailure => _version >= V2_3;

    /// <summary>Gets whether a failed command is answered inside the envelope with its sync id
    /// (2.1.0+, MAH#383); before, the bare <c>{"code":…,"msg":…}</c> came back.</summary>
    public bool WrapsCommandFailure => _version >= V2_1;

    /// <summary>Gets whether file objects carry <c>isDirectory</c> besides the misspelt
    /// <c>isDictionary</c> (2.1.0+; 2.0.x has only <c>isDictionary</c>).</summary>
    public bool WritesIsDirectory => _version >= V2_1;

    /// <summary>Gets whether a Forward element without <c>display</c> is refused with 400 (2.8 to 2.9;
    /// SinoAHpx/Mirai.Net PR#70). Before 2.8 the key did not exist; 2.10 made it optional.</summary>
    public bool RequiresForwardDisplay => _version >= V2_8 && _version < V2_10;

    /// <summary>Gets whether <c>messageFromId</c>, <c>recall</c> and <c>setEssence</c> take the pre-2.6
    /// content (<c>{id}</c>, <c>{target: messageId}</c>).</summary>
    public bool UsesOldMessageIdContent => _version < V2_6;

    /// <summary>Whether a push of this type is a message packet (sent on <c>/message</c> and <c>/all</c>);
    /// everything else goes to <c>/event</c> and <c>/all</c>.</summary>
    /// <param name="type">The event type.</param>
    /// <returns><see langword="true"/> for the nine message packets.</returns>
    public static bool IsMessagePacket(string? type) => type is not null && MessagePackets.Contains(type);

    /// <summary>Whether this server version knows a WebSocket command word.</summary>
    /// <param name="command">The command word.</param>
    /// <returns><see langword="false"/> when the word came later (it answers code 6 here).</returns>
    public bool Knows(string command) => !CommandSince.TryGetValue(command, out var since) || _version >= since;

    /// <summary>Whether this server would ever send an event of the type.</summary>
    /// <param name="type">The event type (unknown types are sent as pushed).</param>
    /// <returns><see langword="false"/> when the version or the profile never produces it.</returns>
    public bool Sends(string? type)
    {
        if (type is null)
        {
            return true;
        }

        if (IsOverflow && OverflowNeverSends.Contains(type))
        {
            return false;
        }

        if (EventSince.TryGetValue(type, out var since) && _version < since)
        {
            return false;
        }

        return !EventUntil.TryGetValue(type, out var until) || _version < until;
    }
}
