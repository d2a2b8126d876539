using System.Text.Unicode;

namespace MiraiClient.OneBot.Internal;

/// <summary>Up to two string tokens of a frame that were already transcoded with validation, so the
/// frame's UTF-8 check can skip them: the check runs on the bytes around them instead of the whole frame.</summary>
/// <remarks>Replaces a <see cref="Utf8.IsValid"/> over the whole frame before the pass, which read
/// <c>raw_message</c> and a plain-text message's text a third time (validated, then transcoded, then
/// compared). A token's bytes lie between two ASCII quotes, and no multi-byte sequence spans an ASCII
/// byte, so checking the pieces around tokens that are known valid decides exactly what checking the whole
/// frame decides. Part of the gain measured for <see cref="StringTokens"/>.</remarks>
internal struct Utf8Spans
{
    // Shorter tokens are not worth splitting the check for.
    private const int MinLength = 32;

    private int _start1;
    private int _length1;
    private int _start2;
    private int _length2;

    /// <summary>Gets an empty set: the whole frame is checked.</summary>
    public static Utf8Spans None => new() { _start1 = -1, _start2 = -1 };

    /// <summary>Records a token value (its bytes between the quotes) that was transcoded with validation.</summary>
    /// <remarks>Kept only while the tokens come in frame order and do not overlap; anything else is simply checked again.</remarks>
    public void Add(int start, int length)
    {
        if (length < MinLength || start < 0)
        {
            return;
        }

        if (_start1 < 0)
        {
            _start1 = start;
            _length1 = length;
        }
        else if (_start2 < 0 && start >= _start1 + _length1)
        {
            _start2 = start;
            _length2 = length;
        }
    }

    /// <summary>Checks that every byte of the frame outside the recorded tokens is valid UTF-8.</summary>
    public readonly bool RestIsValid(ReadOnlySpan<byte> frame)
    {
        if (_start1 < 0)
        {
            return Utf8.IsValid(frame);
        }

        if (!Utf8.IsValid(frame[.._start1]))
        {
            return false;
        }

        var end = _start1 + _length1;
        if (_start2 >= 0)
        {
            if (!Utf8.IsValid(frame[end.._start2]))
            {
                return false;
            }

            end = _start2 + _length2;
        }

        return Utf8.IsValid(frame[end..]);
    }
}
