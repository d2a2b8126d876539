using System.Text.Json;
using System.Text.Json.Serialization;

namespace MiraiClient;

/// <summary>The base of every event pushed by the server.</summary>
/// <remarks>Events are immutable. An event type this version of the SDK does not know arrives as
/// <see cref="UnknownEvent"/> with its JSON kept.</remarks>
public abstract record MiraiEvent
{
    private protected MiraiEvent()
    {
    }

    /// <summary>Gets the wire type name (the <c>type</c> field).</summary>
    [JsonIgnore]
    public abstract string Type { get; }
}

/// <summary>An event of a type this version of the SDK does not model, kept as received.</summary>
public sealed record UnknownEvent : MiraiEvent
{
    internal UnknownEvent(string type, JsonElement json)
    {
        TypeName = type;
        Json = json;
    }

    /// <inheritdoc/>
    public override string Type => TypeName;

    /// <summary>Gets the event's JSON object, including its <c>type</c>.</summary>
    public JsonElement Json { get; }

    private string TypeName { get; }
}

/// <summary>The base of the message packets: something was said in a chat.</summary>
public abstract record MessageEvent : MiraiEvent
{
    private protected MessageEvent()
    {
    }

    /// <summary>Gets the message. A received chain starts with a <see cref="SourceElement"/>.</summary>
    public required MessageChain MessageChain { get; init; }
}

/// <summary>A message from a friend.</summary>
public sealed record FriendMessage : MessageEvent
{
    /// <inheritdoc/>
    public override string Type => "FriendMessage";

    /// <summary>Gets the friend who sent it.</summary>
    public required Friend Sender { get; init; }
}

/// <summary>A message in a group.</summary>
public sealed record GroupMessage : MessageEvent
{
    /// <inheritdoc/>
    public override string Type => "GroupMessage";

    /// <summary>Gets the member who sent it; the group is <c>Sender.Group</c>.</summary>
    public required Member Sender { get; init; }
}

/// <summary>A message in a temporary chat started through a group.</summary>
public sealed record TempMessage : MessageEvent
{
    /// <inheritdoc/>
    public override string Type => "TempMessage";

    /// <summary>Gets the member who sent it.</summary>
    public required Member Sender { get; init; }
}

/// <summary>The base of the bot's own account events.</summary>
public abstract record BotEvent : MiraiEvent
{
    private protected BotEvent()
    {
    }

    /// <summary>Gets the bot's QQ number.</summary>
    [JsonPropertyName("qq")]
    public required long QQ { get; init; }
}

/// <summary>The bot logged in.</summary>
public sealed record BotOnlineEvent : BotEvent
{
    /// <inheritdoc/>
    public override string Type => "BotOnlineEvent";
}

/// <summary>The bot logged out on purpose.</summary>
public sealed record BotOfflineEventActive : BotEvent
{
    /// <inheritdoc/>
    public override string Type => "BotOfflineEventActive";
}

/// <summary>The bot was forced offline, usually by a login elsewhere.</summary>
public sealed record BotOfflineEventForce : BotEvent
{
    /// <inheritdoc/>
    public override string Type => "BotOfflineEventForce";

    /// <summary>Gets the notice title, when the server sends one.</summary>
    public string? Title { get; init; }

    /// <summary>Gets the notice text, when the server sends one.</summary>
    public string? Message { get; init; }
}

/// <summary>The bot lost its connection to the QQ servers.</summary>
public sealed record BotOfflineEventDropped : BotEvent
{
    /// <inheritdoc/>
    public override string Type => "BotOfflineEventDropped";
}

/// <summary>The bot logged in again.</summary>
public sealed record BotReloginEvent : BotEvent
{
    /// <inheritdoc/>
    public override string Type => "BotReloginEvent";
}
