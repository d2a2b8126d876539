using System.Buffers.Binary;

namespace MiraiClient.OneBot.Internal;

/// <summary>The hash of the OneBot reader's lossy byte-keyed caches (<see cref="RecentStrings"/>,
/// <see cref="SenderJsonCache"/>): it folds eight bytes at a time; a collision only costs a cache miss.</summary>
/// <remarks>Replaces FNV-1a byte by byte, which cost a multiply per byte of every value looked up (part of the
/// gain measured for <see cref="StringTokens"/>).</remarks>
internal static class ByteHash
{
    /// <summary>Hashes the bytes.</summary>
    public static ulong Of(ReadOnlySpan<byte> bytes)
    {
        var hash = (ulong)bytes.Length * 0x9E3779B97F4A7C15UL;
        var rest = bytes;
        while (rest.Length >= 8)
        {
            hash = (hash ^ BinaryPrimitives.ReadUInt64LittleEndian(rest)) * 0x100000001B3UL;
            hash ^= hash >> 29;
            rest = rest[8..];
        }

        foreach (var b in rest)
        {
            hash = (hash ^ b) * 0x100000001B3UL;
        }

        return hash ^ (hash >> 32);
    }
}
