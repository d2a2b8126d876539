using System.Text;
using System.Text.Json;

namespace MiraiClient.OneBot.Internal;

/// <summary>Shares the strings every event repeats (keys, segment types, sub-types, roles) instead of
/// allocating them per frame.</summary>
internal static class WireStrings
{
    private static readonly string[] Known =
    [
        // Segment types and data keys.
        "text", "face", "image", "record", "video", "at", "rps", "dice", "shake", "poke", "anonymous", "share",
        "contact", "location", "music", "reply", "forward", "node", "xml", "json", "file", "mface", "markdown",
        "qq", "id", "url", "summary", "sub_type", "subType", "file_size", "file_id", "filename", "name", "type",
        "data", "content", "title", "magic", "raw", "result", "user_id", "nickname", "uin", "key", "emoji_id",
        "emoji_package_id", "path", "lat", "lon", "audio", "cache", "proxy", "timeout", "resultId", "chainCount",
        "all", "flash", "0", "1", "[图片]", "[动画表情]",

        // Event vocabulary.
        "message", "message_sent", "notice", "request", "meta_event", "private", "group", "friend", "normal",
        "other", "array", "string", "self", "member", "admin", "owner", "unknown", "male", "female",

        // Response statuses.
        "ok", "failed", "async",
    ];

    // Buckets by UTF-8 length, then a linear scan: a handful of candidates, each compared vectorized.
    private static readonly (byte[] Utf8, string Value)[][] Buckets = Build();

    /// <summary>Reads the current string token, sharing known values.</summary>
    public static string GetString(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence && Find(reader.ValueSpan) is { } known)
        {
            return known;
        }

        return reader.GetString()!;
    }

    /// <summary>Finds the shared string for these UTF-8 bytes.</summary>
    public static string? Find(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length >= Buckets.Length)
        {
            return null;
        }

        foreach (var (bytes, value) in Buckets[utf8.Length])
        {
            if (utf8.SequenceEqual(bytes))
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>Finds the shared string equal to these characters (CQ types and keys).</summary>
    public static string? Find(ReadOnlySpan<char> chars)
    {
        if (chars.Length >= Buckets.Length)
        {
            return null;
        }

        foreach (var (_, value) in Buckets[chars.Length])
        {
            if (chars.SequenceEqual(value))
            {
                return value;
            }
        }

        return null;
    }

    private static (byte[], string)[][] Build()
    {
        var encoded = Known.Select(k => (Utf8: Encoding.UTF8.GetBytes(k), Value: k)).ToArray();
        var max = encoded.Max(e => e.Utf8.Length);
        var buckets = new (byte[], string)[max + 1][];
        for (var length = 0; length <= max; length++)
        {
            buckets[length] = encoded.Where(e => e.Utf8.Length == length).Select(e => (e.Utf8, e.Value)).ToArray();
        }

        return buckets;
    }
}
