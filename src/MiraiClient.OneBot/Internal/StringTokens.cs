using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace MiraiClient.OneBot.Internal;

/// <summary>Turns UTF-8 string tokens into strings with one transcoding pass over their bytes.</summary>
/// <remarks>Replaces <see cref="Utf8JsonReader.GetString"/> and <see cref="Encoding.GetString(ReadOnlySpan{byte})"/>
/// on the one-pass reader's path. Both first count the UTF-16 length (a validating pass over every byte)
/// and then transcode (a second pass); this transcodes once into scratch space and copies the result, which
/// for CJK text costs far less than the counting pass. Same strings and the same exceptions as the calls
/// it replaces.
/// <para>Measured on 2026-12-02 over the load test's OneBot mix (4096 frames) together with <see cref="Utf8Spans"/>,
/// <see cref="SenderJsonCache"/>, the byte-wise text/<c>raw_message</c> comparison in <see cref="SegmentReader"/> and
/// <see cref="RecentStrings"/>' word-wise hash, on a shared, loaded 2-core machine. Same-process A/B against the
/// previous reader (minimum of 60 interleaved rounds): 5,312–5,513 → 4,389–4,625 ns per frame (0.83–0.84 of the
/// time), 0.80–0.86 → 0.66–0.72 of the STJ source-generated baseline run in that process. BDN
/// <c>OneBotDecodeBenchmarks</c> (ShortRun, in-process, ratio of OneBotFrameReader.Read to the STJ baseline in the
/// same run): before 0.76 ± 0.13 (7.6 µs vs 10.2 µs per frame; an earlier run gave 0.58 with a ± 46 µs error),
/// after 0.66 ± 0.03 (6.9 vs 10.6 µs) and 0.58 ± 0.05 (6.2 vs 10.7 µs); 1,740 → 1,699 B per frame.</para></remarks>
internal static class StringTokens
{
    private const int StackChars = 256;

    /// <summary>Reads the current string token as <see cref="Utf8JsonReader.GetString"/> does (escapes
    /// resolved, invalid UTF-8 an <see cref="InvalidOperationException"/>).</summary>
    public static string GetString(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String || reader.HasValueSequence)
        {
            return reader.GetString()!;
        }

        // Unescaping only shortens, and UTF-8 never takes fewer bytes than UTF-16 units: the token's length bounds the result.
        var length = reader.ValueSpan.Length;
        if (length == 0)
        {
            return "";
        }

        if (length <= StackChars)
        {
            Span<char> buffer = stackalloc char[StackChars];
            return new string(buffer[..reader.CopyString(buffer)]);
        }

        var rented = ArrayPool<char>.Shared.Rent(length);
        try
        {
            return new string(rented, 0, reader.CopyString(rented));
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    /// <summary>Decodes UTF-8 as <see cref="Encoding.UTF8"/> does (invalid sequences become U+FFFD).</summary>
    public static string Decode(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return "";
        }

        if (utf8.Length > StackChars)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        Span<char> buffer = stackalloc char[StackChars];
        Utf8.ToUtf16(utf8, buffer, out _, out var written, replaceInvalidSequences: true);
        return new string(buffer[..written]);
    }
}
