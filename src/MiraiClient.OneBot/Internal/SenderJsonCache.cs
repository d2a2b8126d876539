namespace MiraiClient.OneBot.Internal;

/// <summary>Maps the exact bytes of a recently seen <c>sender</c> object to the <see cref="OneBotSender"/>
/// read from them, so a member who speaks again costs a byte comparison instead of reading the object's
/// fields and looking up each of its strings.</summary>
/// <remarks>Replaces reading every <c>sender</c> field (then <see cref="RecentStrings"/> per string and
/// <see cref="SenderCache"/>'s property comparison) on every message. Per-thread, direct-mapped by a hash of
/// the bytes and lossy; a hit requires the whole object to be byte-for-byte equal, and a sender is a function
/// of those bytes alone, so a hit is the sender a fresh read would give. Objects longer than
/// <see cref="MaxLength"/> bytes are not kept. Part of the gain measured for <see cref="StringTokens"/>.</remarks>
internal static class SenderJsonCache
{
    /// <summary>The longest object kept (NapCat's is about 100 bytes).</summary>
    public const int MaxLength = 512;

    private const int Slots = 512;

    [ThreadStatic]
    private static Entry[]? t_entries;

    /// <summary>Finds the sender read from exactly these bytes.</summary>
    public static OneBotSender? Find(ReadOnlySpan<byte> json)
    {
        if (json.Length > MaxLength || t_entries is not { } entries)
        {
            return null;
        }

        ref var entry = ref entries[Slot(json)];
        return entry.Json is { } known && json.SequenceEqual(known) ? entry.Sender : null;
    }

    /// <summary>Remembers the sender read from these bytes, replacing whatever shared its slot.</summary>
    public static void Add(ReadOnlySpan<byte> json, OneBotSender sender)
    {
        if (json.Length > MaxLength)
        {
            return;
        }

        var entries = t_entries ??= new Entry[Slots];
        ref var entry = ref entries[Slot(json)];
        var bytes = entry.Json is { } old && old.Length == json.Length ? old : new byte[json.Length];
        json.CopyTo(bytes);
        entry = new Entry(bytes, sender);
    }

    private static int Slot(ReadOnlySpan<byte> json) => (int)(ByteHash.Of(json) & (Slots - 1));

    private readonly record struct Entry(byte[]? Json, OneBotSender? Sender);
}
