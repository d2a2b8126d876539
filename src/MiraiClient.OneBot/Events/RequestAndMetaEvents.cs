using System.Text.Json.Serialization;

namespace MiraiClient.OneBot;

/// <summary>The base of requests (<c>post_type</c> <c>request</c>): someone asks the bot for something.
/// Answer with the <see cref="Flag"/>, passed back unchanged.</summary>
public abstract record OneBotRequestEvent : OneBotEvent
{
    private protected OneBotRequestEvent()
    {
    }

    /// <summary>Gets the wire <c>request_type</c>.</summary>
    [JsonIgnore]
    public abstract string RequestType { get; }

    /// <summary>Gets who asks.</summary>
    public long UserId { get; init; }

    /// <summary>Gets the verification message (empty when none; Lagrange may send null).</summary>
    public string Comment { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the opaque flag that identifies the request; never parse it.</summary>
    public string Flag { get; init => field = value ?? ""; } = "";
}

/// <summary>Someone asks to become the bot's friend (<c>request_type</c> <c>friend</c>).</summary>
/// <remarks>Answer with <c>Users.SetFriendAddRequestAsync(Flag, …)</c>.</remarks>
public sealed record FriendRequestEvent : OneBotRequestEvent
{
    /// <inheritdoc/>
    public override string RequestType => "friend";
}

/// <summary>Someone asks to join a group (<c>add</c>), or the bot is invited into one (<c>invite</c>).</summary>
/// <remarks>Answer with <c>Groups.SetGroupAddRequestAsync(Flag, SubType, …)</c>.</remarks>
public sealed record GroupRequestEvent : OneBotRequestEvent
{
    /// <inheritdoc/>
    public override string RequestType => "group";

    /// <summary>Gets the wire <c>sub_type</c>: <c>add</c> or <c>invite</c>.</summary>
    public string SubType { get; init => field = value ?? ""; } = "";

    /// <summary>Gets the group.</summary>
    public long GroupId { get; init; }

    /// <summary>Gets who invited (Lagrange's <c>invitor_id</c>).</summary>
    public long? InvitorId { get; init; }

    /// <summary>Gets whether the bot is the one invited.</summary>
    [JsonIgnore]
    public bool IsInvitation => SubType == "invite";
}

/// <summary>The base of meta events (<c>post_type</c> <c>meta_event</c>): about the connection, not the account.</summary>
public abstract record OneBotMetaEvent : OneBotEvent
{
    private protected OneBotMetaEvent()
    {
    }

    /// <summary>Gets the wire <c>meta_event_type</c>.</summary>
    [JsonIgnore]
    public abstract string MetaEventType { get; }
}

/// <summary>The implementation's lifecycle (<c>lifecycle</c>): <c>connect</c> is the first frame of every
/// WebSocket connection; <c>enable</c>/<c>disable</c> are rarely seen.</summary>
public sealed record LifecycleEvent : OneBotMetaEvent
{
    /// <inheritdoc/>
    public override string MetaEventType => "lifecycle";

    /// <summary>Gets the wire <c>sub_type</c>: <c>connect</c>, <c>enable</c> or <c>disable</c>.</summary>
    public string SubType { get; init => field = value ?? ""; } = "";
}

/// <summary>A heartbeat (<c>heartbeat</c>), sent every <see cref="Interval"/> milliseconds when enabled.</summary>
public sealed record HeartbeatEvent : OneBotMetaEvent
{
    /// <inheritdoc/>
    public override string MetaEventType => "heartbeat";

    /// <summary>Gets the milliseconds until the next heartbeat.</summary>
    public long Interval { get; init; }

    /// <summary>Gets the implementation's status, as <c>get_status</c> would report it.</summary>
    public OneBotStatus Status { get; init => field = value ?? new(); } = new();
}

/// <summary>The implementation's status (<c>get_status</c>, and every heartbeat).</summary>
public sealed record OneBotStatus
{
    /// <summary>Gets whether the account is online; <see langword="null"/> when unknown (Lagrange always says true).</summary>
    public bool? Online { get; init; }

    /// <summary>Gets whether the implementation is working normally.</summary>
    public bool Good { get; init; }

    /// <summary>Gets <c>app_initialized</c> (go-cqhttp, Lagrange).</summary>
    public bool? AppInitialized { get; init; }

    /// <summary>Gets <c>app_enabled</c> (go-cqhttp, Lagrange).</summary>
    public bool? AppEnabled { get; init; }

    /// <summary>Gets <c>app_good</c> (go-cqhttp, Lagrange).</summary>
    public bool? AppGood { get; init; }

    /// <summary>Gets <c>plugins_good</c> (go-cqhttp; null in practice).</summary>
    public bool? PluginsGood { get; init; }

    /// <summary>Gets go-cqhttp's counters.</summary>
    public OneBotStatistics? Stat { get; init; }
}

/// <summary>go-cqhttp's traffic counters (reset on restart).</summary>
public sealed record OneBotStatistics
{
    /// <summary>Gets the packets received.</summary>
    public long PacketReceived { get; init; }

    /// <summary>Gets the packets sent.</summary>
    public long PacketSent { get; init; }

    /// <summary>Gets the packets lost.</summary>
    public long PacketLost { get; init; }

    /// <summary>Gets the messages received.</summary>
    public long MessageReceived { get; init; }

    /// <summary>Gets the messages sent.</summary>
    public long MessageSent { get; init; }

    /// <summary>Gets how often the TCP connection dropped.</summary>
    public long DisconnectTimes { get; init; }

    /// <summary>Gets how often the account went offline.</summary>
    public long LostTimes { get; init; }

    /// <summary>Gets the time of the last message, in Unix seconds.</summary>
    public long LastMessageTime { get; init; }
}
