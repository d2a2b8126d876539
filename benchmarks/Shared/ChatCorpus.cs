using System.Globalization;
using System.Text;

namespace MiraiClient.Workloads;

// Shared by the load test and the micro-benchmarks: one seeded, protocol-neutral stream of group chat
// messages, rendered into each protocol's frames elsewhere. Every process that builds a corpus from the
// same options gets the same messages, so all contestants can be fed, and can check, the same bytes.

/// <summary>What the corpus is built from; every process derives the same frames from the same options.</summary>
internal sealed record WorkloadOptions(int Seed = WorkloadOptions.DefaultSeed, int Senders = 256, int Groups = 8, int Variants = 4096)
{
    public const int DefaultSeed = 20261201;

    /// <summary>One token for a command line: seed,senders,groups,variants.</summary>
    public string Encode() => string.Create(CultureInfo.InvariantCulture, $"{Seed},{Senders},{Groups},{Variants}");

    public static WorkloadOptions Decode(string text)
    {
        var parts = text.Split(',');
        if (parts.Length != 4)
        {
            throw new FormatException($"workload '{text}' is not seed,senders,groups,variants");
        }

        return new WorkloadOptions(int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture), int.Parse(parts[2], CultureInfo.InvariantCulture), int.Parse(parts[3], CultureInfo.InvariantCulture));
    }

    public void Validate()
    {
        if (Groups < 1 || Senders < Groups || Variants < Senders)
        {
            throw new ArgumentException($"the workload needs 1 <= groups <= senders <= variants (got {Groups} groups, {Senders} senders, {Variants} variants)");
        }
    }
}

internal enum ChatRole
{
    Member,
    Administrator,
    Owner,
}

/// <summary>The shape of a message; the mix of shapes is what makes frame sizes realistic.</summary>
internal enum ChatKind
{
    /// <summary>A short chat line: one text.</summary>
    Short,

    /// <summary>An @mention followed by a line, sometimes a face.</summary>
    Mention,

    /// <summary>A picture with a caption, sometimes an @mention and a face.</summary>
    Picture,

    /// <summary>A paragraph of a few hundred characters.</summary>
    Paragraph,

    /// <summary>A reply quoting an earlier message, with an @mention of its author.</summary>
    Reply,

    /// <summary>A long text of one to four KB with line breaks (a log, an announcement).</summary>
    Long,
}

/// <param name="BotPermission">The bot's own permission in the group (mirai-api-http reports it with every sender).</param>
internal sealed record ChatGroup(long Id, string Name, ChatRole BotPermission);

/// <param name="Name">The name shown in the group (mirai's memberName; OneBot's card, or the nickname when the card is empty).</param>
/// <param name="Nickname">The account's own nickname (OneBot's sender.nickname).</param>
/// <param name="HasCard">Whether the member set a group card (OneBot's sender.card is empty otherwise).</param>
internal sealed record ChatMember(long Id, string Name, string Nickname, bool HasCard, string Title, ChatRole Role, long JoinTimestamp, ChatGroup Group);

internal abstract record ChatPart;

internal sealed record TextPart(string Text) : ChatPart;

internal sealed record AtPart(long Target) : ChatPart;

internal sealed record FacePart(int Id, string Name) : ChatPart;

/// <param name="Hex">32 hex digits naming the file.</param>
/// <param name="Token">Opaque URL characters (OneBot implementations put a file id and a key in the URL).</param>
internal sealed record ImagePart(string Hex, int Width, int Height, long Size, string Token) : ChatPart;

internal sealed record QuotePart(int Id, long SenderId, string OriginText) : ChatPart;

internal sealed record ChatMessage(int Index, int MessageId, long Time, ChatMember Sender, ChatKind Kind, ChatPart[] Parts);

/// <summary>A small, fast, seeded generator (SplitMix64): the same seed gives the same stream in every process and runtime.</summary>
internal struct SeededRandom(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A value in [0, bound).</summary>
    public int Below(int bound) => (int)(Next() % (ulong)bound);

    /// <summary>A value in [low, high].</summary>
    public int Between(int low, int high) => low + Below(high - low + 1);

    public bool Chance(int percent) => Below(100) < percent;

    public T Pick<T>(T[] items) => items[Below(items.Length)];
}

/// <summary>A seeded group chat: groups, members with distinct names (CJK and ASCII), and a message
/// sequence mixing short lines, mentions, pictures, paragraphs, replies and a few KB-long texts.</summary>
internal sealed class ChatCorpus
{
    /// <summary>Percent of each kind, in <see cref="ChatKind"/> order; chosen so the median mirai-api-http
    /// frame lands near 870 bytes, as in the traffic the outside harness replayed.</summary>
    public static readonly int[] KindPercent = [16, 11, 52, 12, 5, 4];

    public const long SelfId = 10001000;

    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "范", "金", "石", "廖", "贾", "夏", "方", "白", "邹", "孟", "熊", "秦", "江", "尹", "薛", "段", "雷", "侯", "龙", "史", "陶", "黎", "顾", "毛", "邵", "钱", "严", "武", "戴", "孔", "汤"];
    private static readonly string[] Given = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "霞", "平", "刚", "英", "华", "玉", "兰", "萍", "鹏", "辉", "玲", "建", "红", "晶", "波", "宁", "欣", "悦", "然", "浩", "宇", "轩", "涵", "琪", "萱", "睿", "博", "文", "一", "诺", "晨", "阳", "婷"];
    private static readonly string[] Adjectives = ["快乐的", "安静的", "会飞的", "不睡觉的", "爱吃辣的", "迷路的", "努力的", "摸鱼的", "深夜", "咕咕", "无敌", "佛系"];
    private static readonly string[] Nouns = ["咸鱼", "猫咪", "土豆", "星星", "兔子", "柠檬", "程序员", "熊猫", "蘑菇", "月亮", "橘子", "企鹅", "小透明", "打工人"];
    private static readonly string[] Handles = ["nightowl", "Alice", "Bob", "skyline", "pixel", "neko", "Kevin", "Lucy", "shadow", "tofu", "ZeroCool", "mochi", "Jason", "river", "echo", "Luna", "Max", "sakura", "Oliver", "comet"];
    private static readonly string[] Surnames2 = ["Chen", "Wang", "Li", "Zhang", "Smith", "Tanaka", "Nguyen", "Kim", "Lopez", "Müller"];
    private static readonly string[] NameEmoji = ["🍋", "🐱", "🌙", "⭐", "🍑", "🐧"];
    private static readonly string[] Titles = ["活跃成员", "潜水员", "技术顾问", "Lv.5 话痨", "吃瓜群众", "资深摸鱼", "bug 制造机", "夜猫子"];
    private static readonly string[] GroupNames = ["Mirai 技术交流群", "机器人测试群", "Weather Fans", "读书会", "周末爬山小分队", "C# 开发者联盟", "摄影爱好者", "考研互助 2026", "原神萌新交流", "Linux 中文社区", "家长群（三年二班）", "Board Games & Beer"];
    private static readonly string[] Faces = ["微笑", "撇嘴", "色", "发呆", "得意", "流泪", "害羞", "闭嘴", "睡", "大哭", "尴尬", "发怒", "调皮", "呲牙", "惊讶", "难过", "酷", "冷汗", "抓狂", "吐"];
    private static readonly string[] CjkWords = ["今天", "明天", "天气", "怎么样", "开会", "吃饭了吗", "哈哈哈", "笑死", "好的", "收到", "谢谢", "有人吗", "这个机器人", "可以查天气吗", "周末", "一起去", "爬山", "打游戏", "下班了", "加班", "老板", "项目", "上线", "测试", "代码", "报错了", "重启一下", "试试", "没问题", "辛苦了", "晚安", "早上好", "太强了", "学到了", "求助", "有没有大佬", "怎么配置", "文档", "版本", "更新", "群里", "刚才", "那个", "我觉得", "其实", "应该", "不行", "可以", "真的吗", "离谱", "破防了", "蹲一个", "明白了", "服务器", "挂了", "恢复了"];
    private static readonly string[] AsciiWords = ["ok", "lol", "thanks", "how is the weather today", "deploy", "PR merged", "build failed", "see you", "brb", "LGTM", "nice", "any idea?", "v2.10", "NullReferenceException", "docker", "https://example.com/docs", "GG", "+1", "QAQ", "emmm", "WebSocket", "timeout", "C#", "Kotlin", "restart", "why"];
    private static readonly string[] Punctuation = ["，", "。", "！", "？", "~", "…", "!!", "?", "、", "：", "“", "”"];
    private static readonly string[] Emoji = ["🌤", "😂", "👍", "🎉", "🙏", "🤔", "😅", "🔥", "🐶"];
    private static readonly string[] LogLines = ["[INFO] connected to ws://127.0.0.1:8080/all", "[WARN] heartbeat late by 2300 ms", "at MiraiClient.Internal.ReceiveLoop.RunAsync()", "System.TimeoutException: The operation has timed out.", "\t--- end of stack trace ---", "\"retcode\": 1404, \"message\": \"unknown action\"", "C:\\bots\\mirai\\config\\setting.yml"];

    private ChatCorpus(WorkloadOptions options, ChatGroup[] groups, ChatMember[] members, ChatMessage[] messages)
    {
        Options = options;
        Groups = groups;
        Members = members;
        Messages = messages;
    }

    public WorkloadOptions Options { get; }

    public ChatGroup[] Groups { get; }

    public ChatMember[] Members { get; }

    public ChatMessage[] Messages { get; }

    public static ChatCorpus Create(WorkloadOptions options)
    {
        options.Validate();
        var random = new SeededRandom((ulong)options.Seed);
        var groups = MakeGroups(ref random, options.Groups);
        var members = MakeMembers(ref random, options.Senders, groups);
        var messages = new ChatMessage[options.Variants];
        var time = 1767225600L;
        var step = members.Length % 7919 == 0 ? 1L : 7919L;
        for (var i = 0; i < messages.Length; i++)
        {
            // Every member speaks at least once; then senders are drawn uniformly, so no small set of
            // senders dominates and per-sender caches see all of them.
            var sender = i < members.Length ? members[(int)((i * step) % members.Length)] : random.Pick(members);
            time += random.Between(0, 3);
            var kind = PickKind(ref random);
            messages[i] = new ChatMessage(i, MessageIdOf(i, ref random), time, sender, kind, MakeParts(ref random, kind, sender, members, messages, i));
        }

        return new ChatCorpus(options, groups, members, messages);
    }

    /// <summary>Positive int32 ids that look hashed, as the servers' are (nothing relies on them being distinct).</summary>
    private static int MessageIdOf(int index, ref SeededRandom random) => (int)((uint)(index + 1) * 2654435761U >> 1) ^ (random.Below(1 << 12) << 19);

    private static ChatKind PickKind(ref SeededRandom random)
    {
        var roll = random.Below(100);
        for (var k = 0; k < KindPercent.Length; k++)
        {
            if (roll < KindPercent[k])
            {
                return (ChatKind)k;
            }

            roll -= KindPercent[k];
        }

        return ChatKind.Short;
    }

    private static ChatGroup[] MakeGroups(ref SeededRandom random, int count)
    {
        var groups = new ChatGroup[count];
        var ids = new HashSet<long>();
        for (var g = 0; g < count; g++)
        {
            long id;
            do
            {
                id = 100_000_000L + (long)(random.Next() % 900_000_000UL);
            }
            while (!ids.Add(id));

            var name = g < GroupNames.Length ? GroupNames[g] : $"{GroupNames[g % GroupNames.Length]} {(g / GroupNames.Length) + 1}群";
            groups[g] = new ChatGroup(id, name, g % 3 == 0 ? ChatRole.Administrator : ChatRole.Member);
        }

        return groups;
    }

    private static ChatMember[] MakeMembers(ref SeededRandom random, int count, ChatGroup[] groups)
    {
        var members = new ChatMember[count];
        var names = new HashSet<string>(StringComparer.Ordinal);
        var ids = new HashSet<long>();
        for (var s = 0; s < count; s++)
        {
            var group = groups[s % groups.Length];
            long id;
            do
            {
                // QQ numbers: 9 to 10 digits, some above 2^31.
                id = random.Chance(40) ? 3_000_000_000L + (long)(random.Next() % 999_999_999UL) : 100_000_000L + (long)(random.Next() % 1_900_000_000UL);
            }
            while (!ids.Add(id));

            var name = MakeName(ref random);
            for (var attempt = 0; !names.Add(name); attempt++)
            {
                name = attempt < 8 ? MakeName(ref random) : name + random.Below(100).ToString(CultureInfo.InvariantCulture);
            }

            // The first member of each group owns it; a few are administrators.
            var role = s < groups.Length ? ChatRole.Owner : random.Chance(8) ? ChatRole.Administrator : ChatRole.Member;
            var hasCard = random.Chance(60);
            var nickname = hasCard ? MakeName(ref random) : name;
            var title = random.Chance(30) ? random.Pick(Titles) : "";
            members[s] = new ChatMember(id, name, nickname, hasCard, title, role, 1_500_000_000L + random.Below(250_000_000), group);
        }

        return members;
    }

    private static string MakeName(ref SeededRandom random) => random.Below(8) switch
    {
        0 or 1 => random.Pick(Surnames) + random.Pick(Given) + (random.Chance(60) ? random.Pick(Given) : ""),
        2 => random.Pick(["小", "阿", "老"]) + random.Pick(Given),
        3 => random.Pick(Adjectives) + random.Pick(Nouns),
        4 => random.Pick(Handles) + (random.Chance(70) ? "_" + random.Below(1000).ToString(CultureInfo.InvariantCulture) : ""),
        5 => random.Pick(Handles) + " " + random.Pick(Surnames2),
        6 => random.Pick(Handles) + random.Pick(Surnames) + random.Pick(Given),
        _ => random.Pick(Nouns) + random.Pick(NameEmoji),
    };

    private static ChatPart[] MakeParts(ref SeededRandom random, ChatKind kind, ChatMember sender, ChatMember[] members, ChatMessage[] earlier, int index)
    {
        var parts = new List<ChatPart>(5);
        switch (kind)
        {
            case ChatKind.Short:
                parts.Add(new TextPart(Line(ref random, 1, 4)));
                break;
            case ChatKind.Mention:
                parts.Add(new AtPart(random.Pick(members).Id));
                parts.Add(new TextPart(" " + Line(ref random, 2, 8)));
                if (random.Chance(40))
                {
                    parts.Add(Face(ref random));
                }

                break;
            case ChatKind.Picture:
                if (random.Chance(50))
                {
                    parts.Add(new AtPart(random.Pick(members).Id));
                }

                if (random.Chance(85))
                {
                    parts.Add(new TextPart(Line(ref random, 4, 11)));
                }

                if (random.Chance(50))
                {
                    parts.Add(Face(ref random));
                }

                parts.Add(Image(ref random));
                break;
            case ChatKind.Paragraph:
                parts.Add(new TextPart(Paragraph(ref random, random.Between(250, 650))));
                if (random.Chance(30))
                {
                    parts.Add(Face(ref random));
                }

                break;
            case ChatKind.Reply:
                var quoted = index > 0 ? earlier[random.Below(index)] : null;
                var originText = quoted?.Parts.OfType<TextPart>().FirstOrDefault()?.Text ?? Line(ref random, 1, 3);
                parts.Add(new QuotePart(quoted?.MessageId ?? 1, quoted?.Sender.Id ?? sender.Id, Clip(originText, 60)));
                parts.Add(new AtPart(quoted?.Sender.Id ?? sender.Id));
                parts.Add(new TextPart(" " + Line(ref random, 1, 6)));
                break;
            default:
                parts.Add(new TextPart(LongText(ref random, random.Between(1000, 4000))));
                if (random.Chance(20))
                {
                    parts.Add(Image(ref random));
                }

                break;
        }

        return [.. parts];
    }

    /// <summary>At most <paramref name="length"/> chars, never splitting a surrogate pair.</summary>
    private static string Clip(string text, int length) =>
        text.Length <= length ? text : text[..(char.IsHighSurrogate(text[length - 1]) ? length - 1 : length)];

    private static FacePart Face(ref SeededRandom random)
    {
        var id = random.Below(Faces.Length * 10);
        return new FacePart(id, Faces[id % Faces.Length]);
    }

    private static ImagePart Image(ref SeededRandom random)
    {
        var hex = string.Create(CultureInfo.InvariantCulture, $"{random.Next():X16}{random.Next():X16}");
        const string Url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        var token = new StringBuilder(120);
        for (var i = 0; i < 128; i++)
        {
            token.Append(Url[random.Below(Url.Length)]);
        }

        return new ImagePart(hex, random.Between(120, 1920), random.Between(120, 1920), random.Between(4_000, 2_000_000), token.ToString());
    }

    /// <summary>A chat line of a few words, CJK and ASCII mixed, sometimes with punctuation and emoji.</summary>
    private static string Line(ref SeededRandom random, int minWords, int maxWords)
    {
        var b = new StringBuilder();
        var words = random.Between(minWords, maxWords);
        for (var w = 0; w < words; w++)
        {
            if (random.Chance(70))
            {
                b.Append(random.Pick(CjkWords));
            }
            else
            {
                if (b.Length > 0)
                {
                    b.Append(' ');
                }

                b.Append(random.Pick(AsciiWords));
                b.Append(' ');
            }

            if (random.Chance(25))
            {
                b.Append(random.Pick(Punctuation));
            }
        }

        if (random.Chance(20))
        {
            b.Append(random.Below(100).ToString(CultureInfo.InvariantCulture));
        }

        if (random.Chance(20))
        {
            b.Append(random.Pick(Emoji));
        }

        return b.ToString().Trim();
    }

    private static string Paragraph(ref SeededRandom random, int utf8Bytes)
    {
        var b = new StringBuilder();
        while (Encoding.UTF8.GetByteCount(b.ToString()) < utf8Bytes)
        {
            b.Append(Line(ref random, 3, 8)).Append(random.Pick(["。", "，", "！", "? ", ". "]));
        }

        return b.ToString();
    }

    /// <summary>Several lines: paragraphs, log lines (with quotes, backslashes and tabs to escape), list items.</summary>
    private static string LongText(ref SeededRandom random, int utf8Bytes)
    {
        var b = new StringBuilder();
        var line = 0;
        while (Encoding.UTF8.GetByteCount(b.ToString()) < utf8Bytes)
        {
            if (line++ > 0)
            {
                b.Append('\n');
            }

            switch (random.Below(4))
            {
                case 0:
                    b.Append(random.Pick(LogLines));
                    break;
                case 1:
                    b.Append(line.ToString(CultureInfo.InvariantCulture)).Append(". ").Append(Line(ref random, 2, 6));
                    break;
                default:
                    b.Append(Paragraph(ref random, random.Between(60, 240)));
                    break;
            }
        }

        return b.ToString();
    }
}

/// <summary>Pre-encoded frames of one protocol with what a decoder must find in each.</summary>
internal sealed class EventFrames
{
    /// <summary>Every this many events a decoding contestant compares its whole decoded event with the expected one.</summary>
    public const int SpotEvery = 1009;

    private readonly long[] _prints;
    private readonly string[] _canonical;
    private readonly long _printCycle;
    private readonly long _bytesCycle;

    public EventFrames(byte[][] frames, long[] prints, string[] canonical)
    {
        Frames = frames;
        _prints = prints;
        _canonical = canonical;
        foreach (var print in prints)
        {
            _printCycle += print;
        }

        foreach (var frame in frames)
        {
            _bytesCycle += frame.Length;
        }

        Digest = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(frames.SelectMany(f => f).ToArray()))[..16].ToLowerInvariant();
    }

    public byte[][] Frames { get; }

    public int Count => Frames.Length;

    /// <summary>Gets a hash of all frames, so processes can prove they generated the same bytes.</summary>
    public string Digest { get; }

    public byte[] Frame(long index) => Frames[index % Frames.Length];

    /// <summary>The sum of the fingerprints of the first <paramref name="count"/> events of the stream.</summary>
    public long Prints(long count)
    {
        var sum = (count / Count) * _printCycle;
        for (var i = 0; i < count % Count; i++)
        {
            sum += _prints[i];
        }

        return sum;
    }

    /// <summary>The bytes of the first <paramref name="count"/> event frames of the stream.</summary>
    public long Bytes(long count)
    {
        var sum = (count / Count) * _bytesCycle;
        for (var i = 0; i < count % Count; i++)
        {
            sum += Frames[i].Length;
        }

        return sum;
    }

    public string Canonical(long index) => _canonical[index % _canonical.Length];

    /// <summary>Frame sizes in bytes: percentiles, mean and a coarse histogram.</summary>
    public string Describe()
    {
        var sizes = Frames.Select(f => f.Length).Order().ToArray();
        int At(double p) => sizes[Math.Min(sizes.Length - 1, (int)(p * sizes.Length))];
        var buckets = new (int Below, string Label)[] { (512, "<512"), (768, "512–767"), (1024, "768–1023"), (2048, "1024–2047"), (int.MaxValue, "≥2048") };
        var counts = new int[buckets.Length];
        foreach (var size in sizes)
        {
            counts[Array.FindIndex(buckets, b => size < b.Below)]++;
        }

        var histogram = string.Join(", ", buckets.Select((b, i) => string.Create(CultureInfo.InvariantCulture, $"{b.Label} B {counts[i] * 100.0 / sizes.Length:0.0} %")));
        return string.Create(CultureInfo.InvariantCulture, $"frame bytes min {sizes[0]}, p10 {At(0.10)}, p25 {At(0.25)}, median {At(0.50)}, p75 {At(0.75)}, p90 {At(0.90)}, p99 {At(0.99)}, max {sizes[^1]}, mean {sizes.Average():0}; {histogram}");
    }
}

/// <summary>What a decoding contestant computes from every event it decodes: a sum over the event's
/// ids, name lengths and elements, compared at the end with the expected sum.</summary>
internal static class Fingerprint
{
    public static long Event(long messageId, long senderId, long groupId, int nameLength, int groupNameLength, int elements, long elementSum) =>
        unchecked(messageId + senderId + (3 * groupId) + (5L * nameLength) + (7L * groupNameLength) + (11L * elements) + elementSum);

    public static long Text(int length) => 13L * length;

    public static long At(long target) => 17 * target;

    public static long Face(int id) => 19L * id;

    public static long Image(int width, long size) => (23L * width) + size;

    public static long Quote(int id, int originElements) => (29L * id) + originElements;

    public static long Source(int id) => 31L * id;
}

/// <summary>Shared pieces of JSON writing.</summary>
internal static class JsonText
{
    /// <summary>Appends a JSON string literal as a server writes it: non-ASCII raw, quotes, backslashes and controls escaped.</summary>
    public static StringBuilder Quoted(this StringBuilder b, string value)
    {
        b.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    b.Append("\\\"");
                    break;
                case '\\':
                    b.Append("\\\\");
                    break;
                case '\n':
                    b.Append("\\n");
                    break;
                case '\r':
                    b.Append("\\r");
                    break;
                case '\t':
                    b.Append("\\t");
                    break;
                case < ' ':
                    b.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    b.Append(c);
                    break;
            }
        }

        return b.Append('"');
    }

    public static StringBuilder Number(this StringBuilder b, long value) => b.Append(value.ToString(CultureInfo.InvariantCulture));
}
