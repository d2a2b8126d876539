using System.Text;
using System.Text.Json;

namespace MiraiClient.OneBot.Internal;

/// <summary>Small per-thread caches of recently decoded short strings (nicknames, cards, QQ numbers in
/// mentions, face ids) and of short compact JSON values (a face's <c>raw</c> object, small numbers), so a
/// busy group's repeated values are not transcoded and allocated per event.</summary>
/// <remarks>Direct-mapped and lossy: a slot holds the last string whose bytes hashed to it. A hit is
/// checked byte for byte, so a cache can only save work, never change a value. Replaces a fresh string
/// (and, on a miss, a fresh key array) per value: the JSON table replaces a new buffer and string for every
/// non-string segment value (a face's <c>raw</c>, <c>null</c> placeholders, <c>sub_type: 0</c>). Measured
/// with BDN <c>OneBotDecodeBenchmarks</c> over the load test's OneBot mix (4096 frames): with
/// <see cref="SenderCache"/> and the text shared with <c>raw_message</c>, 2,150 → 1,740 B per event
/// (best practice, STJ source-generated records: 3,060 B); the load test's figure went from 2,156 to 1,745 B.</remarks>
internal static class RecentStrings
{
    private const int MaxLength = 48;
    private const int Slots = 512;
    private const int MaxJsonLength = 128;
    private const int JsonSlots = 256;

    private static readonly string[] Digits = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    [ThreadStatic]
    private static Table? t_strings;

    [ThreadStatic]
    private static Table? t_json;

    /// <summary>Reads the current string token, from the cache when its bytes were seen recently.</summary>
    public static string GetString(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped || reader.HasValueSequence || reader.ValueSpan.Length > MaxLength)
        {
            return StringTokens.GetString(ref reader);
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

        return (t_strings ??= new Table(Slots, MaxLength)).Get(utf8);
    }

    /// <summary>Gets the string of some compact JSON text (a number, a literal, a small container), shared
    /// when the same bytes were seen recently; longer text is decoded directly.</summary>
    public static string GetJsonText(ReadOnlySpan<byte> utf8)
    {
        switch (utf8.Length)
        {
            case 0:
                return "";
            case 1 when utf8[0] is >= (byte)'0' and <= (byte)'9':
                return Digits[utf8[0] - '0'];
            case 4 when utf8.SequenceEqual("null"u8):
                return "null";
            case 4 when utf8.SequenceEqual("true"u8):
                return "true";
            case 5 when utf8.SequenceEqual("false"u8):
                return "false";
            case > MaxJsonLength:
                return Encoding.UTF8.GetString(utf8);
            default:
                return (t_json ??= new Table(JsonSlots, MaxJsonLength)).Get(utf8);
        }
    }

    /// <summary>A direct-mapped table whose keys live in one preallocated arena, so a miss allocates only
    /// the new string (not a copy of its bytes as well: most short values, unique texts among them, miss).</summary>
    private sealed class Table(int slots, int maxLength)
    {
        private readonly byte[] _keys = new byte[slots * maxLength];
        private readonly byte[] _lengths = new byte[slots];
        private readonly string?[] _values = new string?[slots];

        public string Get(ReadOnlySpan<byte> utf8)
        {
            var slot = (int)(Hash(utf8) & (uint)(slots - 1));
            var key = _keys.AsSpan(slot * maxLength, maxLength);
            if (_values[slot] is { } value && _lengths[slot] == utf8.Length && utf8.SequenceEqual(key[..utf8.Length]))
            {
                return value;
            }

            value = StringTokens.Decode(utf8);
            utf8.CopyTo(key);
            _lengths[slot] = (byte)utf8.Length;
            _values[slot] = value;
            return value;
        }

        private static uint Hash(ReadOnlySpan<byte> utf8)
        {
            var hash = ByteHash.Of(utf8);
            return (uint)(hash ^ (hash >> 15));
        }
    }
}
