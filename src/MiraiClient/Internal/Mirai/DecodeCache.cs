using System.Buffers.Binary;
using System.Numerics;
using System.Text.Json;

namespace MiraiClient.Internal;

/// <summary>
/// Shares instances of the small values that repeat from event to event (names, titles, the group
/// objects themselves), so a busy group costs one string per name instead of one per message.
/// </summary>
/// <remarks>
/// <para>Not thread-safe: one instance per receive loop. Both tables are bounded, so a stream of distinct
/// values only overwrites slots; memory stays constant.</para>
/// <para><b>Strings</b>: 1,024 sets of two entries, the most recently used first, keyed by a hash of the
/// length and at most three 8-byte words. <b>Replaces</b> a direct-mapped table of 512 slots keyed by
/// FNV-1a over every byte. <b>Why</b>: CPU per event on the load test's widened mix (256 senders with
/// distinct names in 8 groups): in the direct-mapped table strings that share a slot evict each other
/// each time either is seen, and every miss pays a transcode and two allocations. Of 300 distinct short
/// names seen twice in turn, the old table shared 153 on the second sighting, this one 287
/// (<c>PooledReplyTests.DecodeCache_SharesNearlyEveryName_WhenHundredsOfDistinctNamesInterleave</c>); the
/// hash costs the same for any length. On the load test's mix (<c>DecodeWorkloadMix</c>, 2026-12-01, one run
/// before and one after, a 2-core machine under a load average near 30): 914 → 887 B allocated per frame;
/// time against the source-generated baseline 0.54× → 0.48× (means; that machine's spread is wider than the
/// change, so the time figure only says it is not slower).</para>
/// </remarks>
internal sealed class DecodeCache
{
    /// <summary>Longer strings are rarely repeated; decoding them directly avoids hashing them.</summary>
    private const int MaxCachedLength = 48;
    private const int StringSets = 1024;
    private const int GroupSlots = 64;

    private readonly StringEntry[] _strings = new StringEntry[StringSets * 2];
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

        var set = (int)(Hash(utf8) & (StringSets - 1)) * 2;
        ref var first = ref _strings[set];
        if (first.Utf8 is { } known && utf8.SequenceEqual(known))
        {
            return first.Value!;
        }

        ref var second = ref _strings[set + 1];
        if (second.Utf8 is { } older && utf8.SequenceEqual(older))
        {
            // Most recently used first: a miss evicts the entry used less recently.
            (first, second) = (second, first);
            return first.Value!;
        }

        // GetString validates the encoding, so nothing undecodable is ever cached.
        var value = reader.GetString()!;
        second = first;
        first = new StringEntry(utf8.ToArray(), value);
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

    private static uint Hash(ReadOnlySpan<byte> utf8)
    {
        // The length and the first, middle and last 8 bytes (all of them up to 16; the bytes themselves
        // below 8), then a full 64-bit finalizer: constant time, and every input bit reaches the set index
        // (names that differ only in a few digits must not crowd into a few sets). The table compares the
        // whole key anyway.
        ulong head = 0, middle = 0, tail = 0;
        if (utf8.Length >= 8)
        {
            head = BinaryPrimitives.ReadUInt64LittleEndian(utf8);
            tail = BinaryPrimitives.ReadUInt64LittleEndian(utf8[^8..]);
            if (utf8.Length > 16)
            {
                middle = BinaryPrimitives.ReadUInt64LittleEndian(utf8[((utf8.Length / 2) - 4)..]);
            }
        }
        else
        {
            foreach (var b in utf8)
            {
                head = (head << 8) | b;
            }
        }

        var x = BitOperations.RotateLeft(head * 0x9E3779B97F4A7C15UL, 31) ^ middle;
        x = BitOperations.RotateLeft(x * 0xD6E8FEB86659FD93UL, 29) ^ tail ^ (ulong)utf8.Length;
        x ^= x >> 33;
        x *= 0xFF51AFD7ED558CCDUL;
        x ^= x >> 33;
        x *= 0xC4CEB9FE1A85EC53UL;
        x ^= x >> 33;
        return (uint)x;
    }

    private readonly record struct StringEntry(byte[]? Utf8, string? Value);
}
