using System.Diagnostics.Metrics;

namespace MiraiClient.Internal.Pacing;

/// <summary>The send limiter's instruments. Tags carry the limit and the conversation kind only, never
/// a conversation's number.</summary>
internal sealed class SendPacingMetrics
{
    private readonly KeyValuePair<string, object?> _accountTag;
    private readonly KeyValuePair<string, object?> _conversationTag;
    private readonly KeyValuePair<string, object?>[] _kindTags;

    /// <summary>Initializes a new instance of the <see cref="SendPacingMetrics"/> class.</summary>
    /// <param name="meter">The meter to create the instruments on.</param>
    /// <param name="prefix">The protocol's instrument prefix (<c>mirai</c>: <c>mirai.send.pacing.wait</c>).</param>
    public SendPacingMetrics(Meter meter, string prefix)
    {
        Waits = meter.CreateHistogram<double>($"{prefix}.send.pacing.wait", "s", "How long messages the send rate limit held back waited, by the limit that held them and conversation kind.");
        Rejections = meter.CreateCounter<long>($"{prefix}.send.pacing.rejections", "{message}", "Messages not sent because the send rate limit would have held them back longer than allowed, by limit and conversation kind.");
        _accountTag = new($"{prefix}.pacing.limit", "account");
        _conversationTag = new($"{prefix}.pacing.limit", "conversation");
        _kindTags =
        [
            new($"{prefix}.conversation.kind", "friend"),
            new($"{prefix}.conversation.kind", "group"),
            new($"{prefix}.conversation.kind", "temp"),
        ];
    }

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

    private KeyValuePair<string, object?> Tag(SendRateLimitScope scope) => scope == SendRateLimitScope.Account ? _accountTag : _conversationTag;

    private KeyValuePair<string, object?> KindTag(ConversationKind kind) => _kindTags[Math.Clamp((int)kind, 0, _kindTags.Length - 1)];
}
