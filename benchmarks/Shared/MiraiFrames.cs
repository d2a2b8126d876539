using System.Text;

namespace MiraiClient.Workloads;

/// <summary>The corpus as mirai-api-http 2.10 writes it over WebSocket: GroupMessage event frames
/// (<c>syncId</c> "-1"), with the key order of the real server.</summary>
internal static class MiraiFrames
{
    public static EventFrames Create(ChatCorpus corpus)
    {
        var frames = new byte[corpus.Messages.Length][];
        var prints = new long[frames.Length];
        var canonical = new string[frames.Length];
        for (var i = 0; i < frames.Length; i++)
        {
            var message = corpus.Messages[i];
            frames[i] = Encoding.UTF8.GetBytes(Frame(message));
            prints[i] = Print(message);
            canonical[i] = Canonical(message);
        }

        return new EventFrames(frames, prints, canonical);
    }

    public static string Permission(ChatRole role) => role switch
    {
        ChatRole.Owner => "OWNER",
        ChatRole.Administrator => "ADMINISTRATOR",
        _ => "MEMBER",
    };

    public static string ImageId(ImagePart image) => "{" + image.Hex[..8] + "-" + image.Hex[8..12] + "-" + image.Hex[12..16] + "-" + image.Hex[16..20] + "-" + image.Hex[20..] + "}.jpg";

    /// <summary>The URL shape of current servers (a file id and an rkey), which replaced the short gchatpic_new one.</summary>
    public static string ImageUrl(ImagePart image) => "https://multimedia.nt.qq.com.cn/download?appid=1407&fileid=" + image.Token[..88] + "&spec=0&rkey=" + image.Token[88..];

    private static string Frame(ChatMessage m)
    {
        var sender = m.Sender;
        var b = new StringBuilder(1024);
        b.Append("{\"syncId\":\"-1\",\"data\":{\"type\":\"GroupMessage\",\"messageChain\":[");
        b.Append("{\"type\":\"Source\",\"id\":").Number(m.MessageId).Append(",\"time\":").Number(m.Time).Append('}');
        foreach (var part in m.Parts)
        {
            b.Append(',');
            switch (part)
            {
                case TextPart text:
                    b.Append("{\"type\":\"Plain\",\"text\":").Quoted(text.Text).Append('}');
                    break;
                case AtPart at:
                    b.Append("{\"type\":\"At\",\"target\":").Number(at.Target).Append(",\"display\":\"\"}");
                    break;
                case FacePart face:
                    b.Append("{\"type\":\"Face\",\"faceId\":").Number(face.Id).Append(",\"name\":").Quoted(face.Name).Append(",\"isSuperFace\":false}");
                    break;
                case ImagePart image:
                    b.Append("{\"type\":\"Image\",\"imageId\":").Quoted(ImageId(image)).Append(",\"url\":").Quoted(ImageUrl(image))
                        .Append(",\"path\":null,\"base64\":null,\"width\":").Number(image.Width).Append(",\"height\":").Number(image.Height)
                        .Append(",\"size\":").Number(image.Size).Append(",\"imageType\":\"JPG\",\"isEmoji\":false}");
                    break;
                case QuotePart quote:
                    b.Append("{\"type\":\"Quote\",\"id\":").Number(quote.Id).Append(",\"groupId\":").Number(sender.Group.Id).Append(",\"senderId\":").Number(quote.SenderId)
                        .Append(",\"targetId\":").Number(sender.Group.Id).Append(",\"origin\":[{\"type\":\"Plain\",\"text\":").Quoted(quote.OriginText).Append("}]}");
                    break;
            }
        }

        b.Append("],\"sender\":{\"id\":").Number(sender.Id).Append(",\"memberName\":").Quoted(sender.Name).Append(",\"specialTitle\":").Quoted(sender.Title)
            .Append(",\"permission\":\"").Append(Permission(sender.Role)).Append("\",\"joinTimestamp\":").Number(sender.JoinTimestamp)
            .Append(",\"lastSpeakTimestamp\":").Number(m.Time).Append(",\"muteTimeRemaining\":0,\"group\":{\"id\":").Number(sender.Group.Id)
            .Append(",\"name\":").Quoted(sender.Group.Name).Append(",\"permission\":\"").Append(Permission(sender.Group.BotPermission)).Append("\"},\"active\":null}}}");
        return b.ToString();
    }

    private static long Print(ChatMessage m)
    {
        var sum = Fingerprint.Source(m.MessageId);
        foreach (var part in m.Parts)
        {
            sum += part switch
            {
                TextPart text => Fingerprint.Text(text.Text.Length),
                AtPart at => Fingerprint.At(at.Target),
                FacePart face => Fingerprint.Face(face.Id),
                ImagePart image => Fingerprint.Image(image.Width, image.Size),
                QuotePart quote => Fingerprint.Quote(quote.Id, 1),
                _ => 0,
            };
        }

        return Fingerprint.Event(m.MessageId, m.Sender.Id, m.Sender.Group.Id, m.Sender.Name.Length, m.Sender.Group.Name.Length, m.Parts.Length + 1, sum);
    }

    private static string Canonical(ChatMessage m)
    {
        var sender = m.Sender;
        var b = MiraiCanonical.Start(sender.Name, sender.Title, Permission(sender.Role), sender.Group.Name, Permission(sender.Group.BotPermission)).Source(m.MessageId);
        foreach (var part in m.Parts)
        {
            _ = part switch
            {
                TextPart text => b.Plain(text.Text),
                AtPart at => b.At(at.Target),
                FacePart face => b.Face(face.Id, face.Name),
                ImagePart image => b.Image(ImageId(image), ImageUrl(image)),
                QuotePart quote => b.Quote(quote.Id, quote.SenderId, quote.OriginText),
                _ => b,
            };
        }

        return b.ToString();
    }
}

/// <summary>The text a spot check compares: everything of an event a bot would read, in one string.
/// The expected side and every contestant build it through these same methods.</summary>
internal sealed class MiraiCanonical
{
    private readonly StringBuilder _b = new(256);

    public static MiraiCanonical Start(string memberName, string title, string permission, string groupName, string groupPermission)
    {
        var c = new MiraiCanonical();
        c._b.Append(memberName).Append('|').Append(title).Append('|').Append(permission).Append('|').Append(groupName).Append('|').Append(groupPermission);
        return c;
    }

    public MiraiCanonical Source(int id)
    {
        _b.Append("|Source:").Number(id);
        return this;
    }

    public MiraiCanonical Plain(string text)
    {
        _b.Append("|Plain:").Append(text);
        return this;
    }

    public MiraiCanonical At(long target)
    {
        _b.Append("|At:").Number(target);
        return this;
    }

    public MiraiCanonical Face(int id, string? name)
    {
        _b.Append("|Face:").Number(id).Append(':').Append(name);
        return this;
    }

    public MiraiCanonical Image(string? imageId, string? url)
    {
        _b.Append("|Image:").Append(imageId).Append(':').Append(url);
        return this;
    }

    public MiraiCanonical Quote(int id, long senderId, string originText)
    {
        _b.Append("|Quote:").Number(id).Append(':').Number(senderId).Append(':').Append(originText);
        return this;
    }

    public MiraiCanonical Other(string type)
    {
        _b.Append('|').Append(type);
        return this;
    }

    public override string ToString() => _b.ToString();
}
