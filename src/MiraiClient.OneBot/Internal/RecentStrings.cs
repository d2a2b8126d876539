using System.Text;
using System.Text.Json;

namespace MiraiClient.OneBot.Internal;

/// <summary>A small per-thread cache of recently decoded short strings (nicknames, cards, QQ numbers in
/// mentions, face ids), so a busy group's repeated values are not transcoded and allocated per event.</summary>
/// <remarks>Direct-mapped and lossy: a slot holds the last string whose bytes hashed to it. A hit is
/// checked byte for byte, so the cache can only save work, never change a value.</remarks>
internal static class RecentStrings
{
    private const int MaxLength = 32;
    private const int Slots = 512;

    [ThreadStatic]
    private static Entry[]? t_entries;

    /// <summary>Reads the current string token, from the cache when its bytes were seen recently.</summary>
    public static string GetString(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped || reader.HasValueSequence || reader.ValueSpan.Length > MaxLength)
        {
            return reader.GetString()!;
        }

        var utf8 = reader.ValueSpan;
        if (utf8.IsEmpty)
        {
            return "";
        }

        if (WireStrings.Find(utf8) is { } known)
        {
            return known;
        }

        var entries = t_entries ??= new Entry[Slots];
        ref var entry = ref entries[Hash(utf8) & (Slots - 1)];
        if (entry.Value is not null && utf8.SequenceEqual(entry.Key))
        {
            return entry.Value;
        }

        var value = Encoding.UTF8.GetString(utf8);
        entry = new Entry(utf8.ToArray(), value);
        return value;
    }

    private static uint Hash(ReadOnlySpan<byte> utf8)
    {
        // FNV-1a: short keys, no seed needed (a collision only costs a miss).
        var hash = 2166136261u;
        foreach (var b in utf8)
        {
            hash = (hash ^ b) * 16777619u;
        }

        return hash ^ (hash >> 15);
    }

    private readonly record struct Entry(byte[] Key, string Value);
}
