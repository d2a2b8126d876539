using MiraiClient.Workloads;

namespace MiraiClient.LoadTest;

/// <summary>What a contestant proves about the events it consumed: how many, the sum of their
/// fingerprints (or, for a contestant that only receives, their bytes), and a full comparison of every
/// <see cref="EventFrames.SpotEvery"/>th event with the expected one.</summary>
internal sealed class EventCheck(EventFrames frames, bool bytesOnly)
{
    private long _seen;
    private long _sum;
    private int _spots;
    private int _failures;
    private string? _firstFailure;

    public long Seen => Volatile.Read(ref _seen);

    /// <summary>Gets whether the next event is one to compare in full.</summary>
    public bool SpotDue => _seen % EventFrames.SpotEvery == 0;

    /// <summary>Compares the next event, as the contestant decoded it, with the expected one.</summary>
    public void Spot(string actual)
    {
        _spots++;
        var expected = frames.Canonical(_seen);
        if (!string.Equals(actual, expected, StringComparison.Ordinal))
        {
            Fail($"event {_seen} decoded as '{Clip(actual)}', expected '{Clip(expected)}'");
        }
    }

    /// <summary>Compares the next event's bytes with the frame the server sent.</summary>
    public void SpotBytes(ReadOnlySpan<byte> frame)
    {
        _spots++;
        if (!frame.SequenceEqual(frames.Frame(_seen)))
        {
            Fail($"event {_seen}: {frame.Length} bytes differ from the {frames.Frame(_seen).Length}-byte frame sent");
        }
    }

    /// <summary>Counts the next event with its fingerprint (or its length in bytes).</summary>
    public void Add(long print)
    {
        _sum += print;
        Volatile.Write(ref _seen, _seen + 1);
    }

    /// <summary>Records a decoding failure (wrong event type, missing field).</summary>
    public void Fail(string reason)
    {
        if (_failures++ == 0)
        {
            _firstFailure = reason;
        }
    }

    public bool Valid(long events) => _seen == events && _failures == 0 && _sum == Expected(events);

    public string Note(long events)
    {
        var what = bytesOnly ? "bytes" : "fingerprints";
        var sum = _seen == events && _sum == Expected(events) ? $"{what} ok" : $"{what} WRONG ({_seen} of {events} events)";
        return _failures == 0 ? $"{sum}, {_spots} spot checks ok" : $"{sum}, {_failures} check(s) FAILED ({_spots} spot checks), first: {_firstFailure}";
    }

    private long Expected(long events) => bytesOnly ? frames.Bytes(events) : frames.Prints(events);

    private static string Clip(string text) => text.Length > 160 ? text[..160] + "…" : text;
}
