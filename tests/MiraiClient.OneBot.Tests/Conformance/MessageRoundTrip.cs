using System.Text.Json;
using MiraiClient.OneBot.Tests.Infrastructure;

namespace MiraiClient.OneBot.Tests.Conformance;

/// <summary>The round trips INDEX.md asks of <c>messages/</c> files: array → CQ must produce
/// <c>string</c>; CQ → array must produce <c>array</c>.</summary>
/// <remarks>
/// CQ parameters are strings, so parsing a CQ string yields string values: for <c>impl/</c> files,
/// whose arrays carry numbers and objects (NapCat's <c>sub_type</c> 0, a face's <c>raw</c> object),
/// CQ → array is compared by each value's text, where a non-string value's text is its compact JSON.
/// Lagrange writes only some keys into <c>raw_message</c>: there CQ → array yields those keys, in
/// order, and the array restricted to them formats back to the string. Every other file must match
/// exactly. Files without a CQ form (<c>"string": null</c>) must survive JSON → message → JSON exactly.
/// </remarks>
internal static class MessageRoundTrip
{
    public static void Check(string path, byte[] bytes)
    {
        using var json = JsonDocument.Parse(bytes);
        var array = json.RootElement.GetProperty("array");
        var cq = json.RootElement.GetProperty("string");
        var message = OneBotMessage.FromJson(array.GetRawText());
        Assert.False(message.IsCqString);
        Assert.Equal(array.GetArrayLength(), message.Count);
        foreach (var segment in message)
        {
            Assert.Equal(ExpectedClass(segment.Type), segment.GetType());
        }

        // Array form survives decode and encode exactly, values keeping their JSON kinds.
        JsonAssert.Equivalent(array.GetRawText(), message.ToJsonArray());

        if (cq.ValueKind == JsonValueKind.Null)
        {
            CheckWithoutCqForm(path, message);
            return;
        }

        var expected = cq.GetString()!;
        var parsed = OneBotMessage.FromCqString(expected);
        Assert.True(parsed.IsCqString);
        Assert.Equal(expected, parsed.ToCqString());
        Assert.Equal(message.Count, parsed.Count);
        var lossy = false;
        for (var i = 0; i < message.Count; i++)
        {
            Assert.Equal(message[i].Type, parsed[i].Type);
            Assert.Equal(message[i].GetType(), parsed[i].GetType());
            var full = message[i].Data;
            var fromCq = parsed[i].Data;
            Assert.All(fromCq, f => Assert.False(f.IsJson));
            if (fromCq.Count < full.Count)
            {
                // Only an implementation that leaves keys out of raw_message (Lagrange) may do this.
                Assert.StartsWith("messages/impl/lagrange.", path, StringComparison.Ordinal);
                lossy = true;
                var kept = full.Where(f => fromCq.Any(k => k.Key == f.Key)).ToArray();
                Assert.Equal(fromCq.Select(f => (f.Key, f.Value)), kept.Select(f => (f.Key, f.Value)));
                Assert.Equal(expected, OneBotSegment.Create(message[i].Type, kept).ToCqString());
                continue;
            }

            Assert.Equal(full.Select(f => f.Key), fromCq.Select(f => f.Key));
            if (path.StartsWith("messages/impl/", StringComparison.Ordinal))
            {
                Assert.Equal(full.Select(f => f.Value), fromCq.Select(f => f.Value));
            }
            else
            {
                Assert.Equal(full, fromCq);
            }
        }

        if (!lossy)
        {
            Assert.Equal(expected, message.ToCqString());
            if (!path.StartsWith("messages/impl/", StringComparison.Ordinal))
            {
                JsonAssert.Equivalent(array.GetRawText(), parsed.ToJsonArray());
            }
        }
    }

    private static void CheckWithoutCqForm(string path, OneBotMessage message)
    {
        // Still formats (non-string values as their JSON text) and parses back to the same keys and texts.
        var formatted = message.ToCqString();
        var back = OneBotMessage.FromCqString(formatted);
        Assert.Equal(message.Select(s => s.Type), back.Select(s => s.Type));
        for (var i = 0; i < message.Count; i++)
        {
            Assert.Equal(message[i].Data.Select(f => (f.Key, f.Value)), back[i].Data.Select(f => (f.Key, f.Value)));
        }

        switch (message[0])
        {
            case NodeSegment node when path.EndsWith("gocq.node.custom.json", StringComparison.Ordinal):
                Assert.Equal((10001000L, "某人"), (node.UserId!.Value, node.Nickname));
                Assert.Equal("hi", node.Content!.ToPlainText());
                break;
            case NodeSegment node:
                Assert.Equal((10001000L, "某人"), (node.UserId!.Value, node.Nickname));
                Assert.Equal(new[] { "face", "text" }, node.Content!.Select(s => s.Type));
                break;
            case MarketFaceSegment face:
                Assert.Equal(230431, face.EmojiPackageId);
                Assert.True(face.Data[0].IsJson);
                Assert.Equal("[贴贴]", face.Summary);
                break;
            case MarkdownSegment markdown:
                Assert.Equal("# 标题\n正文", markdown.Content);
                break;
            default:
                Assert.Fail($"No check written for {path}.");
                break;
        }
    }

    private static Type ExpectedClass(string type) => type switch
    {
        "text" => typeof(TextSegment),
        "face" => typeof(FaceSegment),
        "image" => typeof(ImageSegment),
        "record" => typeof(RecordSegment),
        "video" => typeof(VideoSegment),
        "at" => typeof(AtSegment),
        "rps" => typeof(RpsSegment),
        "dice" => typeof(DiceSegment),
        "shake" => typeof(ShakeSegment),
        "poke" => typeof(PokeSegment),
        "anonymous" => typeof(AnonymousSegment),
        "share" => typeof(ShareSegment),
        "contact" => typeof(ContactSegment),
        "location" => typeof(LocationSegment),
        "music" => typeof(MusicSegment),
        "reply" => typeof(ReplySegment),
        "forward" => typeof(ForwardSegment),
        "node" => typeof(NodeSegment),
        "xml" => typeof(XmlSegment),
        "json" => typeof(JsonSegment),
        "file" => typeof(FileSegment),
        "mface" => typeof(MarketFaceSegment),
        "markdown" => typeof(MarkdownSegment),
        _ => typeof(UnknownSegment),
    };
}
