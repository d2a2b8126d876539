using System.Globalization;
using System.Text;

namespace MiraiClient.LoadTest;

/// <summary>The traffic every contestant sees: pre-encoded GroupMessage frames of about 870 bytes in
/// the 2.10 server's shape, and the sendGroupMessage request and reply.</summary>
internal static class Workload
{
    public const int Variants = 256;
    public const long GroupTarget = 987654321;
    public const string ReplyText = "pong 你好";

    private static readonly string[] Names = ["小明同学", "阿强", "Alice", "夜猫子", "Bob the Builder", "路人甲", "小红", "管理员"];
    private static readonly string[] Titles = ["活跃成员", "", "群主", "潜水员"];
    private static readonly string[] Groups = ["Mirai 技术交流群", "机器人测试群", "Weather Fans", "读书会"];
    private static readonly string[] Texts =
    [
        " 今天的天气怎么样？ how is the weather today 🌤",
        " 明天下午三点开会，请大家准时参加 thanks!!",
        " 这个机器人可以查天气吗？ can it check weather",
        " 周末一起去爬山吧 anyone up for hiking 🏔",
    ];

    /// <summary>Gets the event frames, indexed by variant.</summary>
    public static byte[][] EventFrames { get; } = Enumerable.Range(0, Variants).Select(i => Encoding.UTF8.GetBytes(Frame(i))).ToArray();

    /// <summary>Gets the message id carried by a variant's Source element.</summary>
    public static int MessageId(int variant) => 1_000_000 + (variant * 7919);

    /// <summary>The checksum a client must compute over the first <paramref name="count"/> events.</summary>
    public static long Checksum(long count)
    {
        long sum = 0;
        for (long i = 0; i < count; i++)
        {
            sum += MessageId((int)(i % Variants));
        }

        return sum;
    }

    public static byte[] Handshake { get; } = """{"syncId":"","data":{"code":0,"session":"LoadTestSession"}}"""u8.ToArray();

    public static string Request(long id) =>
        "{\"syncId\":\"" + id.ToString(CultureInfo.InvariantCulture) + "\",\"command\":\"sendGroupMessage\",\"subCommand\":null,\"content\":{\"target\":987654321,\"messageChain\":[{\"type\":\"Plain\",\"text\":\"pong 你好\"}]}}";

    public static string AboutRequest(long id) =>
        "{\"syncId\":\"" + id.ToString(CultureInfo.InvariantCulture) + "\",\"command\":\"about\",\"subCommand\":null,\"content\":null}";

    private static string Frame(int i)
    {
        var name = Names[i % Names.Length];
        var title = Titles[i % Titles.Length];
        var group = i % Groups.Length;
        var hex = (0x01E9451B70EDEAE3UL + ((ulong)i * 0x9E3779B97F4A7C15UL)).ToString("X16", CultureInfo.InvariantCulture);
        var text = Texts[i % Texts.Length] + " #" + i.ToString(CultureInfo.InvariantCulture);
        return "{\"syncId\":\"-1\",\"data\":{\"type\":\"GroupMessage\",\"messageChain\":["
            + "{\"type\":\"Source\",\"id\":" + MessageId(i).ToString(CultureInfo.InvariantCulture) + ",\"time\":" + (1700000000 + i).ToString(CultureInfo.InvariantCulture) + "},"
            + "{\"type\":\"At\",\"target\":" + (3000000001L + (i % 5)).ToString(CultureInfo.InvariantCulture) + ",\"display\":\"\"},"
            + "{\"type\":\"Plain\",\"text\":\"" + text + "\"},"
            + "{\"type\":\"Face\",\"faceId\":" + (i % 200).ToString(CultureInfo.InvariantCulture) + ",\"name\":\"微笑\",\"isSuperFace\":false},"
            + "{\"type\":\"Image\",\"imageId\":\"{" + hex[..8] + "-" + hex[8..12] + "-" + hex[12..16] + "-B37C-101F1EEBF5B5}.jpg\",\"url\":\"https://gchat.qpic.cn/gchatpic_new/3000000001/123456789-2534335053-" + hex + "B37C101F1EEBF5B5/0?term=2\",\"path\":null,\"base64\":null,\"width\":" + (320 + i).ToString(CultureInfo.InvariantCulture) + ",\"height\":480,\"size\":" + (48213 + i).ToString(CultureInfo.InvariantCulture) + ",\"imageType\":\"JPG\",\"isEmoji\":false}],"
            + "\"sender\":{\"id\":" + (3000000002L + (i % 64)).ToString(CultureInfo.InvariantCulture) + ",\"memberName\":\"" + name + "\",\"specialTitle\":\"" + title + "\",\"permission\":\"MEMBER\",\"joinTimestamp\":1600000000,\"lastSpeakTimestamp\":" + (1700000000 + i).ToString(CultureInfo.InvariantCulture) + ",\"muteTimeRemaining\":0,"
            + "\"group\":{\"id\":" + (987654321L + group).ToString(CultureInfo.InvariantCulture) + ",\"name\":\"" + Groups[group] + "\",\"permission\":\"ADMINISTRATOR\"},\"active\":null}}}";
    }
}
