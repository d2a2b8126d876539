using System.Text.Json;
using System.Text.Json.Serialization;

namespace MiraiClient.OneBot;

/// <summary>The base of every OneBot v11 event: a frame with a <c>post_type</c>.</summary>
/// <remarks>Events are immutable records. An event this version of the SDK does not model (an unknown
/// <c>post_type</c>, detail type or sub-type) arrives as <see cref="OneBotUnknownEvent"/> with its JSON kept.
/// Ids are 64-bit: QQ and group numbers exceed 2^31. A string the implementation leaves out reads as
/// empty, never null, unless the property is nullable.</remarks>
public abstract record OneBotEvent
{
    private protected OneBotEvent()
    {
    }

    /// <summary>Gets the event time as sent: Unix seconds, though NapCat falls back to milliseconds
    /// when it has no time; <see cref="Timestamp"/> reads both.</summary>
    public long Time { get; init; }

    /// <summary>Gets the QQ number of the bot that received the event.</summary>
    public long SelfId { get; init; }

    /// <summary>Gets the wire <c>post_type</c>: <c>message</c>, <c>message_sent</c>, <c>notice</c>, <c>request</c> or <c>meta_event</c>.</summary>
    public string PostType { get; init => field = value ?? ""; } = "";

    /// <summary>Gets <see cref="Time"/> as a point in time; values too large to be seconds are read as milliseconds.</summary>
    [JsonIgnore]
    public DateTimeOffset Timestamp => Time > MaxSeconds ? DateTimeOffset.FromUnixTimeMilliseconds(Math.Min(Time, MaxMilliseconds)) : DateTimeOffset.FromUnixTimeSeconds(Math.Max(Time, 0));

    // Seconds reach 10^11 only in the year 5138; milliseconds passed it in 1973.
    private const long MaxSeconds = 100_000_000_000;
    private const long MaxMilliseconds = 253_402_300_799_999;
}

/// <summary>An event this version of the SDK does not model, kept as received.</summary>
public sealed record OneBotUnknownEvent : OneBotEvent
{
    internal OneBotUnknownEvent(JsonElement json, string? detailType, string? subType)
    {
        Json = json;
        DetailType = detailType;
        SubType = subType;
    }

    /// <summary>Gets the value of the detail key for the post type (<c>message_type</c>,
    /// <c>notice_type</c>, <c>request_type</c> or <c>meta_event_type</c>), when present.</summary>
    public string? DetailType { get; }

    /// <summary>Gets the <c>sub_type</c>, when present.</summary>
    public string? SubType { get; }

    /// <summary>Gets the whole event object as received.</summary>
    public JsonElement Json { get; }
}
