using System.Diagnostics.Metrics;

namespace MiraiClient.Internal.Pacing;

/// <summary>The send limiter's instruments. Tags carry the limit and the conversation kind only, never
/// a conversation's number.</summary>
internal sealed class SendPacingMetrics
{
    private static readonly KeyValuePair<string, object?> AccountTag = new("mirai.pacing.limit", "account");
    private static readonly KeyValuePair<string, object?> ConversationTag = new("mirai.pacing.limit", "conversation");
    private static readonly KeyValuePair<string, object?>[] KindTags =
    [
        new("mirai.conversation.kind", "friend"),
        new("mirai.conversation.kind", "group"),
        new("mirai.conversation.kind", "temp"),
    ];

    /// <summary>Initializes a new instance of the <see cref="SendPacingMetrics"/> class.</summary>
    /// <param name="meter">The meter to create the instruments on.</param>
    public SendPacingMetrics(Meter meter)
    {
        Waits = meter.CreateHistogram<double>("mirai.send.pacing.wait", "s", "How long messages the send rate limit held back waited, by the limit that held them and conversation kind.");
        Rejections = meter.CreateCounter<long>("mirai.send.pacing.rejections", "{message}", "Messages not sent because the send rate limit would have held them back longer than allowed, by limit and conversation kind.");
    }

    /// <summary>Gets the instruments every connection shares, on the SDK's meter name.</summary>
    // MiraiTelemetry keeps its meter private; a second meter of the same name reaches every listener
    // that selects meters by name. Moving these two instruments there would make it one meter.
    public static SendPacingMetrics Shared { get; } = new(new Meter(MiraiTelemetry.Name, typeof(MiraiTelemetry).Assembly.GetName().Version?.ToString(3)));

    /// <summary>Gets the histogram of waits, in seconds; sends that went at once are not recorded.</summary>
    public Histogram<double> Waits { get; }

    /// <summary>Gets the counter of refused sends.</summary>
    public Counter<long> Rejections { get; }

    /// <summary>Records a send that waited.</summary>
    /// <param name="seconds">The wait.</param>
    /// <param name="scope">The limit that held it.</param>
    /// <param name="kind">The conversation kind.</param>
    public void RecordWait(double seconds, SendRateLimitScope scope, ConversationKind kind)
    {
        if (Waits.Enabled)
        {
            Waits.Record(seconds, Tag(scope), KindTag(kind));
        }
    }

    /// <summary>Records a refused send.</summary>
    /// <param name="scope">The limit that refused it.</param>
    /// <param name="kind">The conversation kind.</param>
    public void RecordRejection(SendRateLimitScope scope, ConversationKind kind)
    {
        if (Rejections.Enabled)
        {
            Rejections.Add(1, Tag(scope), KindTag(kind));
        }
    }

    private static KeyValuePair<string, object?> Tag(SendRateLimitScope scope) => scope == SendRateLimitScope.Account ? AccountTag : ConversationTag;

    private static KeyValuePair<string, object?> KindTag(ConversationKind kind) => KindTags[Math.Clamp((int)kind, 0, KindTags.Length - 1)];
}
