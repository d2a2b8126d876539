using System.Globalization;
using System.Text;

namespace MiraiClient.Workloads;

/// <summary>The corpus as a OneBot v11 implementation pushes it on a forward WebSocket: group message
/// events in array format, with NapCat's fields and key order (<c>post_type</c> near the end), and the
/// CQ-code <c>raw_message</c> beside the segment array.</summary>
internal static class OneBotFrames
{
    public static EventFrames Create(ChatCorpus corpus)
    {
        var frames = new byte[corpus.Messages.Length][];
        var prints = new long[frames.Length];
        var canonical = new string[frames.Length];
        for (var i = 0; i < frames.Length; i++)
        {
            var message = corpus.Messages[i];
            var raw = RawMessage(message);
            frames[i] = Encoding.UTF8.GetBytes(Frame(message, raw));
            prints[i] = Print(message, raw);
            canonical[i] = Canonical(message);
        }

        return new EventFrames(frames, prints, canonical);
    }

    public static string Role(ChatRole role) => role switch
    {
        ChatRole.Owner => "owner",
        ChatRole.Administrator => "admin",
        _ => "member",
    };

    public static string Card(ChatMember member) => member.HasCard ? member.Name : "";

    public static string ImageFile(ImagePart image) => image.Hex + ".jpg";

    public static string ImageUrl(ImagePart image) => "https://multimedia.nt.qq.com.cn/download?appid=1407&fileid=" + image.Token[..88] + "&rkey=" + image.Token[88..];

    /// <summary>The fingerprint of one event, from the values a decoder reads.</summary>
    public static long Print(long messageId, long userId, long groupId, string nickname, string card, string groupName, string rawMessage, int segments, long segmentSum) =>
        Fingerprint.Event(messageId, userId, groupId, nickname.Length + (3 * card.Length), groupName.Length, segments, segmentSum + (37L * rawMessage.Length));

    private static string Frame(ChatMessage m, string raw)
    {
        var sender = m.Sender;
        var b = new StringBuilder(1536);
        b.Append("{\"self_id\":").Number(ChatCorpus.SelfId).Append(",\"user_id\":").Number(sender.Id).Append(",\"time\":").Number(m.Time)
            .Append(",\"message_id\":").Number(m.MessageId).Append(",\"message_seq\":").Number(m.MessageId).Append(",\"real_id\":").Number(m.MessageId)
            .Append(",\"real_seq\":\"").Number(80000 + m.Index).Append("\",\"message_type\":\"group\",\"sender\":{\"user_id\":").Number(sender.Id)
            .Append(",\"nickname\":").Quoted(sender.Nickname).Append(",\"card\":").Quoted(Card(sender)).Append(",\"role\":\"").Append(Role(sender.Role)).Append("\"}")
            .Append(",\"raw_message\":").Quoted(raw).Append(",\"font\":14,\"sub_type\":\"normal\",\"message\":[");
        for (var i = 0; i < m.Parts.Length; i++)
        {
            if (i > 0)
            {
                b.Append(',');
            }

            switch (m.Parts[i])
            {
                case TextPart text:
                    b.Append("{\"type\":\"text\",\"data\":{\"text\":").Quoted(text.Text).Append("}}");
                    break;
                case AtPart at:
                    b.Append("{\"type\":\"at\",\"data\":{\"qq\":\"").Number(at.Target).Append("\"}}");
                    break;
                case FacePart face:
                    b.Append("{\"type\":\"face\",\"data\":{\"id\":\"").Number(face.Id).Append("\",\"raw\":{\"faceIndex\":").Number(face.Id)
                        .Append(",\"faceText\":").Quoted("/" + face.Name).Append(",\"faceType\":1},\"resultId\":null,\"chainCount\":null}}");
                    break;
                case ImagePart image:
                    b.Append("{\"type\":\"image\",\"data\":{\"summary\":\"[图片]\",\"file\":").Quoted(ImageFile(image)).Append(",\"sub_type\":0,\"url\":").Quoted(ImageUrl(image))
                        .Append(",\"file_size\":\"").Number(image.Size).Append("\"}}");
                    break;
                case QuotePart quote:
                    b.Append("{\"type\":\"reply\",\"data\":{\"id\":\"").Number(quote.Id).Append("\"}}");
                    break;
            }
        }

        b.Append("],\"message_format\":\"array\",\"post_type\":\"message\",\"group_id\":").Number(sender.Group.Id).Append(",\"group_name\":").Quoted(sender.Group.Name).Append('}');
        return b.ToString();
    }

    /// <summary>The CQ-code string of the message (text escapes <c>&amp; [ ]</c>, parameter values also <c>,</c>).</summary>
    private static string RawMessage(ChatMessage m)
    {
        var b = new StringBuilder(512);
        foreach (var part in m.Parts)
        {
            switch (part)
            {
                case TextPart text:
                    b.Append(Escape(text.Text, parameter: false));
                    break;
                case AtPart at:
                    b.Append("[CQ:at,qq=").Number(at.Target).Append(']');
                    break;
                case FacePart face:
                    b.Append("[CQ:face,id=").Number(face.Id).Append(']');
                    break;
                case ImagePart image:
                    b.Append("[CQ:image,summary=&#91;图片&#93;,file=").Append(ImageFile(image)).Append(",sub_type=0,url=").Append(Escape(ImageUrl(image), parameter: true))
                        .Append(",file_size=").Number(image.Size).Append(']');
                    break;
                case QuotePart quote:
                    b.Append("[CQ:reply,id=").Number(quote.Id).Append(']');
                    break;
            }
        }

        return b.ToString();
    }

    private static string Escape(string value, bool parameter)
    {
        var escaped = value.Replace("&", "&amp;", StringComparison.Ordinal).Replace("[", "&#91;", StringComparison.Ordinal).Replace("]", "&#93;", StringComparison.Ordinal);
        return parameter ? escaped.Replace(",", "&#44;", StringComparison.Ordinal) : escaped;
    }

    private static long Print(ChatMessage m, string raw)
    {
        long sum = 0;
        foreach (var part in m.Parts)
        {
            sum += part switch
            {
                TextPart text => Fingerprint.Text(text.Text.Length),
                AtPart at => Fingerprint.At(at.Target),
                FacePart face => Fingerprint.Face(face.Id),
                ImagePart image => Fingerprint.Image(ImageUrl(image).Length, image.Size),
                QuotePart quote => Fingerprint.Quote(quote.Id, 0),
                _ => 0,
            };
        }

        return Print(m.MessageId, m.Sender.Id, m.Sender.Group.Id, m.Sender.Nickname, Card(m.Sender), m.Sender.Group.Name, raw, m.Parts.Length, sum);
    }

    private static string Canonical(ChatMessage m)
    {
        var b = OneBotCanonical.Start(m.Sender.Nickname, Card(m.Sender), Role(m.Sender.Role), m.Sender.Group.Name);
        foreach (var part in m.Parts)
        {
            _ = part switch
            {
                TextPart text => b.Text(text.Text),
                AtPart at => b.At(at.Target.ToString(CultureInfo.InvariantCulture)),
                FacePart face => b.Face(face.Id.ToString(CultureInfo.InvariantCulture)),
                ImagePart image => b.Image(ImageFile(image), ImageUrl(image)),
                QuotePart quote => b.Reply(quote.Id.ToString(CultureInfo.InvariantCulture)),
                _ => b,
            };
        }

        return b.ToString();
    }
}

/// <summary>The text a OneBot spot check compares; built the same way on both sides.</summary>
internal sealed class OneBotCanonical
{
    private readonly StringBuilder _b = new(256);

    public static OneBotCanonical Start(string? nickname, string? card, string? role, string? groupName)
    {
        var c = new OneBotCanonical();
        c._b.Append(nickname).Append('|').Append(card).Append('|').Append(role).Append('|').Append(groupName);
        return c;
    }

    public OneBotCanonical Text(string? text)
    {
        _b.Append("|text:").Append(text);
        return this;
    }

    public OneBotCanonical At(string? qq)
    {
        _b.Append("|at:").Append(qq);
        return this;
    }

    public OneBotCanonical Face(string? id)
    {
        _b.Append("|face:").Append(id);
        return this;
    }

    public OneBotCanonical Image(string? file, string? url)
    {
        _b.Append("|image:").Append(file).Append(':').Append(url);
        return this;
    }

    public OneBotCanonical Reply(string? id)
    {
        _b.Append("|reply:").Append(id);
        return this;
    }

    public OneBotCanonical Other(string? type)
    {
        _b.Append('|').Append(type);
        return this;
    }

    public override string ToString() => _b.ToString();
}
