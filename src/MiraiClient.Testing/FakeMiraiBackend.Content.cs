using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace MiraiClient.Testing;

/// <summary>What the server does with message content: which sends it refuses, how Overflow changes
/// received media, and the file objects of the file commands.</summary>
public sealed partial class FakeMiraiBackend
{
    /// <summary>Server output is raw UTF-8, not <c>\u</c> escapes.</summary>
    private static readonly JsonWriterOptions ServerJson = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    /// <summary>The built-in answer to the four send commands.</summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item>A <c>messageChain</c> that is not an array of objects: 400 (the content does not decode).</item>
    /// <item>From 2.8 to 2.9, a Forward element without <c>display</c>: 400.</item>
    /// <item>Nothing with content left once the server drops what it cannot send (Source, Quote,
    /// MarketFace, File, media without a source, empty text): mirai refuses with
    /// <c>require(!message.isContentEmpty()) { "message is empty" }</c>, which mirai-api-http reports as
    /// code 500 <c>message is empty</c> (also reported in SinoAHpx/Mirai.Net#73).</item>
    /// <item>On Overflow, a MiraiCode element, media given only by a mirai id, or an empty message:
    /// not delivered, <c>messageId</c> -1 (see <see cref="FakeServerProfile.Overflow"/>).</item>
    /// </list>
    /// </remarks>
    private CommandReply SendReply(ReceivedCommand command)
    {
        if (!command.Content.TryGetProperty("messageChain", out var chain) || chain.ValueKind != JsonValueKind.Array
            || chain.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.Object))
        {
            return CommandReply.Status(400, "无效参数");
        }

        var elements = chain.EnumerateArray().ToList();
        if (_rules.RequiresForwardDisplay && elements.Any(e => TypeOf(e) == "Forward" && !(e.TryGetProperty("display", out var display) && display.ValueKind == JsonValueKind.Object)))
        {
            return CommandReply.Status(400, "无效参数");
        }

        if (_rules.IsOverflow && (elements.Any(OverflowCannotSend) || !elements.Any(HasContent)))
        {
            return Receipt(-1);
        }

        return elements.Any(HasContent) ? Receipt(Interlocked.Increment(ref _nextMessageId)) : CommandReply.Status(500, "message is empty");
    }

    private static CommandReply Receipt(int messageId) => CommandReply.Data($"{{\"code\":0,\"msg\":\"success\",\"messageId\":{messageId}}}");

    private static string? TypeOf(JsonElement element) =>
        element.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString() : null;

    private static bool HasText(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString()!.Length > 0;

    /// <summary>Whether an element still says something once the server dropped what it cannot send.</summary>
    private static bool HasContent(JsonElement element) => TypeOf(element) switch
    {
        "Source" or "Quote" or "MarketFace" or "File" => false,
        "Plain" => HasText(element, "text"),
        "Image" or "FlashImage" => HasText(element, "imageId") || HasText(element, "url") || HasText(element, "path") || HasText(element, "base64"),
        "Voice" => HasText(element, "voiceId") || HasText(element, "url") || HasText(element, "path") || HasText(element, "base64"),
        "MiraiCode" => HasText(element, "code"),
        _ => true,
    };

    /// <summary>Whether Overflow fails to send an element: MiraiCode is unsupported, and a mirai media id
    /// (the first source the server tries) means nothing to the OneBot side (Overflow#36).</summary>
    private static bool OverflowCannotSend(JsonElement element) => TypeOf(element) switch
    {
        "MiraiCode" => true,
        "Image" or "FlashImage" => HasText(element, "imageId") && !IsUrl(element.GetProperty("imageId").GetString()!),
        "Voice" => HasText(element, "voiceId") && !IsUrl(element.GetProperty("voiceId").GetString()!),
        _ => false,
    };

    private static bool IsUrl(string text) =>
        text.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    /// <summary>An event as this server delivers it: on Overflow, media ids become their download
    /// addresses (BillYang2016/entrylib#34) and dice are dropped (their value never arrives).</summary>
    private MiraiEvent AsDelivered(MiraiEvent value)
    {
        if (!_rules.IsOverflow || value is not MessageEvent message || !message.MessageChain.Any(e => e is ImageElement or VoiceElement or DiceElement))
        {
            return value;
        }

        var chain = new MessageChain(message.MessageChain.Where(e => e is not DiceElement).Select(e => e switch
        {
            ImageElement image => image with { ImageId = image.Url ?? OverflowMediaUrl(image.ImageId), Url = image.Url ?? OverflowMediaUrl(image.ImageId) },
            VoiceElement voice => voice with { VoiceId = voice.Url ?? OverflowMediaUrl(voice.VoiceId), Url = voice.Url ?? OverflowMediaUrl(voice.VoiceId) },
            _ => e,
        }));
        return message with { MessageChain = chain };
    }

    /// <summary>A QQNT-style download address standing in for a media id.</summary>
    private static string OverflowMediaUrl(string? id) =>
        $"https://multimedia.nt.qq.com.cn/download?appid=1407&fileid={Uri.EscapeDataString(id ?? Guid.NewGuid().ToString("N"))}";

    /// <summary>The built-in <c>file_info</c>: the named file (code 5 for the root, which is no file, or
    /// without a group).</summary>
    private CommandReply FileInfoReply(ReceivedCommand command)
    {
        var id = command.GetString("id") ?? "";
        var path = command.GetString("path");
        var group = command.GetInt64("target") ?? command.GetInt64("group");
        if (group is null || (id.Length == 0 && path is null))
        {
            return CommandReply.Status(5, ClosedBot.TargetNotFoundMessage);
        }

        var name = path is null ? $"file-{id.TrimStart('/')}" : path.Split('/', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? path;
        return CommandReply.Data($"{{\"code\":0,\"msg\":\"\",\"data\":{FileJson(name, id.Length > 0 ? id : "/" + name, path ?? "/" + name, isFile: true, group.Value, size: 0)}}}");
    }

    /// <summary>The built-in <c>file_mkdir</c>: the new folder (code 5 without a group).</summary>
    private CommandReply MakeDirectoryReply(ReceivedCommand command)
    {
        var group = command.GetInt64("target") ?? command.GetInt64("group");
        if (group is null)
        {
            return CommandReply.Status(5, ClosedBot.TargetNotFoundMessage);
        }

        var name = command.GetString("directoryName") ?? "folder";
        return CommandReply.Data($"{{\"code\":0,\"msg\":\"\",\"data\":{FileJson(name, "/" + Guid.NewGuid().ToString("N"), "/" + name, isFile: false, group.Value, size: 0)}}}");
    }

    /// <summary>A file object as the server writes one: <c>isDictionary</c> in every version (the
    /// misspelt original), <c>isDirectory</c> from 2.1.</summary>
    private string FileJson(string name, string id, string path, bool isFile, long group, long size)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, ServerJson))
        {
            writer.WriteStartObject();
            writer.WriteString("name", name);
            writer.WriteString("id", id);
            writer.WriteString("path", path);
            writer.WriteNull("parent");
            writer.WriteStartObject("contact");
            writer.WriteNumber("id", group);
            writer.WriteString("name", $"group{group}");
            writer.WriteString("permission", "MEMBER");
            writer.WriteEndObject();
            writer.WriteBoolean("isFile", isFile);
            writer.WriteBoolean("isDictionary", !isFile);
            if (_rules.WritesIsDirectory)
            {
                writer.WriteBoolean("isDirectory", !isFile);
            }

            writer.WriteNumber("size", size);
            writer.WriteNull("downloadInfo");
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
