namespace MiraiClient.OneBot.Internal;

/// <summary>Shares one <see cref="OneBotSender"/> per recently seen member across events, instead of
/// allocating an equal sender for every message (a busy group's senders repeat from message to message).</summary>
/// <remarks>Replaces a <c>new OneBotSender { … }</c> per message event in the one-pass reader. Per-thread,
/// direct-mapped by QQ number and lossy; a sender is shared only when every property equals the values just
/// read, so sharing never changes what an event says (senders are immutable records). Part of the
/// 2,150 → 1,740 B per event measured with BDN <c>OneBotDecodeBenchmarks</c> over the load test's mix
/// (256 senders; a sender record is about 90 B, saved on every repeat).</remarks>
internal static class SenderCache
{
    private const int Slots = 256;

    [ThreadStatic]
    private static OneBotSender?[]? t_senders;

    /// <summary>Gets a sender with exactly these properties, shared when one was built recently.</summary>
    public static OneBotSender Get(long userId, string nickname, string? card, string? sex, int? age, string? area, string? level, string? role, string? title)
    {
        var senders = t_senders ??= new OneBotSender?[Slots];
        ref var slot = ref senders[(int)((ulong)userId % Slots)];
        if (slot is { } known
            && known.UserId == userId
            && string.Equals(known.Nickname, nickname, StringComparison.Ordinal)
            && string.Equals(known.Card, card, StringComparison.Ordinal)
            && string.Equals(known.Sex, sex, StringComparison.Ordinal)
            && known.Age == age
            && string.Equals(known.Area, area, StringComparison.Ordinal)
            && string.Equals(known.Level, level, StringComparison.Ordinal)
            && string.Equals(known.Role, role, StringComparison.Ordinal)
            && string.Equals(known.Title, title, StringComparison.Ordinal))
        {
            return known;
        }

        var sender = new OneBotSender { UserId = userId, Nickname = nickname, Card = card, Sex = sex, Age = age, Area = area, Level = level, Role = role, Title = title };
        slot = sender;
        return sender;
    }

    /// <summary>The <see cref="OneBotSender"/> properties <see cref="Get"/> compares; the guard test requires every public one.</summary>
    internal static IReadOnlyList<string> ComparedProperties { get; } = ["UserId", "Nickname", "Card", "Sex", "Age", "Area", "Level", "Role", "Title"];
}
