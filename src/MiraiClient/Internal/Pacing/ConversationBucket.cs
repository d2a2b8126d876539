namespace MiraiClient.Internal.Pacing;

/// <summary>One conversation's bucket, kept in the limiter's map and in its least-recently-used list.</summary>
internal sealed class ConversationBucket : PacingBucket
{
    /// <summary>Gets or sets the conversation.</summary>
    public Conversation Key { get; set; }

    /// <summary>Gets or sets how many times this object was reused for another conversation, so a
    /// waiter that outlived its conversation's bucket does not touch the next one.</summary>
    public int Generation { get; set; }

    /// <summary>Gets or sets the neighbour used more recently (in the list) or the next free bucket (in the pool).</summary>
    public ConversationBucket? Newer { get; set; }

    /// <summary>Gets or sets the neighbour used less recently.</summary>
    public ConversationBucket? Older { get; set; }
}
