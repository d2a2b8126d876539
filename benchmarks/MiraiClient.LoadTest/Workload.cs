using System.Globalization;
using MiraiClient.Workloads;

namespace MiraiClient.LoadTest;

/// <summary>The traffic every contestant sees. Events come from one seeded corpus
/// (<see cref="ChatCorpus"/>), rendered once per protocol; the server and every child process build it
/// from the same <see cref="WorkloadOptions"/> and compare digests, so all receive the same bytes.</summary>
internal static class Workload
{
    public const long GroupTarget = 987654321;
    public const string ReplyText = "pong 你好";

    private static Lazy<ChatCorpus> _corpus = new(() => ChatCorpus.Create(new WorkloadOptions()));
    private static Lazy<EventFrames> _mirai = new(() => MiraiFrames.Create(Corpus));
    private static Lazy<EventFrames> _oneBot = new(() => OneBotFrames.Create(Corpus));

    public static WorkloadOptions Options { get; private set; } = new();

    public static ChatCorpus Corpus => _corpus.Value;

    /// <summary>Gets the mirai-api-http GroupMessage frames.</summary>
    public static EventFrames Mirai => _mirai.Value;

    /// <summary>Gets the OneBot v11 group message event frames.</summary>
    public static EventFrames OneBot => _oneBot.Value;

    public static void Configure(WorkloadOptions options)
    {
        options.Validate();
        Options = options;
        _corpus = new(() => ChatCorpus.Create(options));
        _mirai = new(() => MiraiFrames.Create(Corpus));
        _oneBot = new(() => OneBotFrames.Create(Corpus));
    }

    /// <summary>One line saying what the corpus holds.</summary>
    public static string Describe()
    {
        var corpus = Corpus;
        var kinds = corpus.Messages.GroupBy(m => m.Kind).OrderBy(g => g.Key).Select(g => $"{g.Key.ToString().ToLowerInvariant()} {g.Count() * 100.0 / corpus.Messages.Length:0} %");
        var speakers = corpus.Messages.Select(m => m.Sender.Id).Distinct().Count();
        var names = corpus.Members.Select(m => m.Name).Distinct(StringComparer.Ordinal).Count();
        var cjk = corpus.Members.Count(m => m.Name.Any(c => c >= '\u3400' && c <= '\u9fff'));
        return string.Create(CultureInfo.InvariantCulture, $"seed {Options.Seed}; {corpus.Messages.Length} distinct messages from {speakers} senders ({names} distinct member names, {cjk} with CJK) in {corpus.Groups.Length} groups; mix: {string.Join(", ", kinds)}");
    }

    // mirai-api-http: the session handshake, and the two requests the contestants send.
    public static byte[] Handshake { get; } = """{"syncId":"","data":{"code":0,"session":"LoadTestSession"}}"""u8.ToArray();

    public static string Request(long id) =>
        "{\"syncId\":\"" + id.ToString(CultureInfo.InvariantCulture) + "\",\"command\":\"sendGroupMessage\",\"subCommand\":null,\"content\":{\"target\":987654321,\"messageChain\":[{\"type\":\"Plain\",\"text\":\"pong 你好\"}]}}";

    public static string AboutRequest(long id) =>
        "{\"syncId\":\"" + id.ToString(CultureInfo.InvariantCulture) + "\",\"command\":\"about\",\"subCommand\":null,\"content\":null}";

    // OneBot v11: the lifecycle event every implementation sends on connect, and the actions the contestants send.
    public static byte[] OneBotGreeting { get; } = """{"time":1767225600,"self_id":10001000,"post_type":"meta_event","meta_event_type":"lifecycle","sub_type":"connect"}"""u8.ToArray();

    public static string OneBotRequest(long id) =>
        "{\"action\":\"send_group_msg\",\"params\":{\"group_id\":987654321,\"message\":[{\"type\":\"text\",\"data\":{\"text\":\"pong 你好\"}}]},\"echo\":\"" + id.ToString(CultureInfo.InvariantCulture) + "\"}";

    /// <summary>Starts a stream (the server lets <c>get_login_info</c>, the SDK's handshake, pass).</summary>
    public static string OneBotStatusRequest(long id) =>
        "{\"action\":\"get_status\",\"echo\":\"" + id.ToString(CultureInfo.InvariantCulture) + "\"}";
}
