using System.Text.Json;

namespace MiraiClient.Internal;

/// <summary>
/// Shares instances of the small values that repeat from event to event (names, titles, the group
/// objects themselves), so a busy group costs one string per name instead of one per message.
/// </summary>
/// <remarks>Not thread-safe: one instance per receive loop. Both tables are direct-mapped and bounded,
/// so a stream of distinct values only overwrites slots; memory stays constant.</remarks>
internal sealed class DecodeCache
{
    /// <summary>Longer strings are rarely repeated; decoding them directly avoids hashing them.</summary>
    private const int MaxCachedLength = 48;
    private const int StringSlots = 512;
    private const int GroupSlots = 64;

    private readonly StringEntry[] _strings = new StringEntry[StringSlots];
    private readonly Group?[] _groups = new Group?[GroupSlots];

    /// <summary>Gets the string value the reader stands on, shared when it was seen before.</summary>
    /// <param name="reader">A reader on a <see cref="JsonTokenType.String"/> token.</param>
    /// <returns>The string.</returns>
    public string GetString(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped || reader.HasValueSequence || reader.ValueSpan.Length > MaxCachedLength)
        {
            return reader.GetString()!;
        }

        var utf8 = reader.ValueSpan;
        if (utf8.IsEmpty)
        {
            return "";
        }

        var slot = (int)((uint)Hash(utf8) % StringSlots);
        ref var entry = ref _strings[slot];
        if (entry.Utf8 is { } known && utf8.SequenceEqual(known))
        {
            return entry.Value!;
        }

        // GetString validates the encoding, so nothing undecodable is ever cached.
        var value = reader.GetString()!;
        entry = new StringEntry(utf8.ToArray(), value);
        return value;
    }

    /// <summary>Gets a group equal to the given values, shared when the same group was seen before.</summary>
    /// <param name="id">The group number.</param>
    /// <param name="name">The name.</param>
    /// <param name="permission">The bot's role.</param>
    /// <returns>The group.</returns>
    public Group GetGroup(long id, string name, GroupPermission permission)
    {
        ref var slot = ref _groups[(int)((ulong)id % GroupSlots)];
        if (slot is { } known && known.Id == id && known.Permission == permission && string.Equals(known.Name, name, StringComparison.Ordinal))
        {
            return known;
        }

        slot = new Group { Id = id, Name = name, Permission = permission };
        return slot;
    }

    private static int Hash(ReadOnlySpan<byte> utf8)
    {
        // FNV-1a: short keys, no allocation, good enough spread for a direct-mapped table.
        var hash = 2166136261u;
        foreach (var b in utf8)
        {
            hash = (hash ^ b) * 16777619u;
        }

        return (int)hash;
    }

    private readonly record struct StringEntry(byte[]? Utf8, string? Value);
}
