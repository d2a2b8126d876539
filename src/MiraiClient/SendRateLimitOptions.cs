using System.Globalization;
using MiraiClient.Internal.Pacing;

namespace MiraiClient;

/// <summary>How fast messages may be sent: a limit on the whole bot account and one on each
/// conversation (a group, a friend, or a member reached through a group).</summary>
/// <remarks>
/// <para>Sending fast is what triggers the server's risk control (messages silently dropped, the
/// account muted or frozen), and bursts into one group are what gets flagged first. No safe rate is
/// published, so the defaults are chosen to stop runaway loops and floods while never slowing a bot
/// that answers people: a conversation may take <see cref="ConversationBurst"/> messages at once (a
/// reply that comes as a few messages), then one per <see cref="ConversationInterval"/>, a pace no
/// conversation with people sustains; the account may take <see cref="AccountBurst"/> at once, then one
/// per <see cref="AccountInterval"/>. A loop that sends as fast as the server answers is slowed to
/// those rates instead of sending hundreds of messages a second.</para>
/// <para>Each limit is a token bucket: it holds up to its burst, spends one per message and refills one
/// per interval. A message is sent at the first moment both its conversation and the account have
/// room, and waits until then; a message that would wait longer than <see cref="MaxWait"/> (or than the
/// command's remaining timeout) is not sent and fails at once with
/// <see cref="MiraiRateLimitedException"/>, which says how long it would have needed. Waiting messages
/// go in the order they were sent: one that waits is never overtaken by a later one to the same
/// conversation, and a later message never delays it; a message whose wait is cancelled gives its
/// place back and uses none of the allowance. A message to a quiet conversation goes at once even while
/// another conversation is held back, unless the account limit is reached too.</para>
/// <para>Only messages are limited (friend, group and temporary chat sends); other commands are not.
/// The wait is part of the command's timeout. To limit only the account, set the conversation burst
/// and interval equal to the account's.</para>
/// </remarks>
public sealed class SendRateLimitOptions
{
    /// <summary>Gets or sets whether sends are limited at all (default: <see langword="true"/>). When
    /// <see langword="false"/>, messages go out as fast as they are sent, which risks the account.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets how many messages the account may send at once before the account limit
    /// applies (default: 20).</summary>
    /// <remarks>Twenty lets replies in many conversations that happen to come together, or a short
    /// announcement to a handful of groups, go out at once.</remarks>
    public int AccountBurst { get; set; } = 20;

    /// <summary>Gets or sets how often the account's allowance regains one message: the sustained
    /// account rate is one message per interval (default: 200 ms, that is 5 a second or 300 a minute).</summary>
    /// <remarks>That is more than a bot answering people in hundreds of groups needs, and far below
    /// the hundreds a second of a runaway loop. A bot that legitimately sends more can shorten it.</remarks>
    public TimeSpan AccountInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Gets or sets how many messages one conversation may receive at once before its limit
    /// applies (default: 5).</summary>
    /// <remarks>Five covers a reply that comes as several messages (text, an image, a follow-up).</remarks>
    public int ConversationBurst { get; set; } = 5;

    /// <summary>Gets or sets how often a conversation's allowance regains one message: the sustained
    /// rate into one conversation is one message per interval (default: 1 s, that is 60 a minute).</summary>
    /// <remarks>No conversation with people sustains a bot message every second; a loop replying to
    /// itself, or spam into one group, does, and bursts into one group are what risk control flags.</remarks>
    public TimeSpan ConversationInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest a message may wait for the limits before it fails with
    /// <see cref="MiraiRateLimitedException"/> (default: 10 s). <see cref="TimeSpan.Zero"/> means never
    /// wait: a message that cannot go at once fails at once.</summary>
    /// <remarks>The wait is also bounded by the time left before the command's timeout. Whether a message
    /// would wait too long is decided when it is sent, from what is already queued, so it fails at once
    /// instead of after waiting. Ten seconds lets a burst of a few dozen queued sends drain at the
    /// default account rate, keeps most of the default 30 s command timeout for the server's answer, and
    /// turns a flood into errors instead of an ever-growing queue.</remarks>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Checks every value and describes each invalid one.</summary>
    /// <param name="prefix">How the options are named in messages, for example <c>SendRateLimit</c>.</param>
    /// <returns>One message per invalid value, each naming it; empty when all are valid.</returns>
    internal IEnumerable<string> Validate(string prefix)
    {
        foreach (var (burst, name) in new[] { (AccountBurst, nameof(AccountBurst)), (ConversationBurst, nameof(ConversationBurst)) })
        {
            if (burst is < 1 or > PacingMath.MaxBurst)
            {
                yield return string.Create(CultureInfo.InvariantCulture, $"{prefix}.{name} must be between 1 and {PacingMath.MaxBurst}; got {burst}.");
            }
        }

        foreach (var (interval, name) in new[] { (AccountInterval, nameof(AccountInterval)), (ConversationInterval, nameof(ConversationInterval)) })
        {
            if (interval <= TimeSpan.Zero || interval > PacingMath.MaxSpan)
            {
                yield return string.Create(CultureInfo.InvariantCulture, $"{prefix}.{name} must be positive and at most one day; got {interval}.");
            }
        }

        if (MaxWait < TimeSpan.Zero || MaxWait > PacingMath.MaxSpan)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"{prefix}.{nameof(MaxWait)} must be between zero and one day; got {MaxWait}.");
        }
    }

    /// <summary>Copies the values; call <see cref="Validate"/> first.</summary>
    /// <returns>The frozen settings.</returns>
    internal SendRateLimitSettings Freeze() =>
        new(Enabled, AccountBurst, AccountInterval, ConversationBurst, ConversationInterval, MaxWait);
}
