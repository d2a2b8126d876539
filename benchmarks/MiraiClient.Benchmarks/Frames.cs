using System.Text;

namespace MiraiClient.Benchmarks;

/// <summary>A realistic GroupMessage frame of about 870 bytes: Source, At, Plain (~40 chars, CJK included),
/// Face, Image with a URL, and full sender and group objects, in the order the 2.10 server writes them.</summary>
internal static class Frames
{
    public static readonly byte[] GroupMessage = Encoding.UTF8.GetBytes(
        """{"syncId":"-1","data":{"type":"GroupMessage","messageChain":[{"type":"Source","id":1234567,"time":1700000000},{"type":"At","target":3000000001,"display":""},{"type":"Plain","text":" 今天的天气怎么样？ how is the weather today 🌤"},{"type":"Face","faceId":14,"name":"微笑","isSuperFace":false},{"type":"Image","imageId":"{01E9451B-70ED-EAE3-B37C-101F1EEBF5B5}.jpg","url":"https://gchat.qpic.cn/gchatpic_new/3000000001/123456789-2534335053-01E9451B70EDEAE3B37C101F1EEBF5B5/0?term=2","path":null,"base64":null,"width":640,"height":480,"size":48213,"imageType":"JPG","isEmoji":false}],"sender":{"id":3000000002,"memberName":"小明同学","specialTitle":"活跃成员","permission":"MEMBER","joinTimestamp":1600000000,"lastSpeakTimestamp":1700000000,"muteTimeRemaining":0,"group":{"id":987654321,"name":"Mirai 技术交流群","permission":"ADMINISTRATOR"},"active":null}}}""");

    public static readonly int DataStart = Encoding.UTF8.GetString(GroupMessage).IndexOf("{\"type\"", StringComparison.Ordinal);

    public static ReadOnlySpan<byte> Data => GroupMessage.AsSpan(DataStart, GroupMessage.Length - DataStart - 1);
}
