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
/// it replaces. Measured with BDN <c>OneBotDecodeBenchmarks</c> (2026-12-02, one run), together with
/// <see cref="Utf8Spans"/> and the byte-wise text/raw_message comparison in <see cref="SegmentReader"/>:
/// OneBotFrameReader.Read went from 0.58 to 0.47 of the STJ source-generated baseline (ns per frame in the
/// same run; see CHANGELOG).</remarks>
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
