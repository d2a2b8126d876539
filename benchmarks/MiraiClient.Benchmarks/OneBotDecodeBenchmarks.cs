using System.Text.Json;
using BenchmarkDotNet.Attributes;
using MiraiClient.Baselines;
using MiraiClient.OneBot;
using MiraiClient.OneBot.Internal;
using MiraiClient.Workloads;

namespace MiraiClient.Benchmarks;

/// <summary>Decoding the load test's OneBot v11 frame mix (default seed): its 4096 group message events in
/// array format, NapCat's fields, short lines to long texts, 256 senders, one after another. Per frame.</summary>
[MemoryDiagnoser]
public class OneBotDecodeBenchmarks
{
    private static readonly byte[][] Mix = OneBotFrames.Create(ChatCorpus.Create(new WorkloadOptions())).Frames;

    /// <summary>Says how many frames the one-pass reader takes, once per run.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var onePass = Mix.Count(frame => OneBotFrameReader.TryReadMessageEvent(frame, out _));
        Console.WriteLine($"// OneBot mix: {Mix.Length} frames, {onePass} decoded by the one-pass reader, the rest through the serializer");

        // Exact bytes per frame (BDN rounds to 0.1 KB), after one warm pass fills the per-thread caches.
        OneBotReader();
        var before = GC.GetAllocatedBytesForCurrentThread();
        OneBotReader();
        Console.WriteLine($"// OneBotFrameReader.Read: {(GC.GetAllocatedBytesForCurrentThread() - before) / (double)Mix.Length:F0} B/frame");

        // What the mix holds: the strings unique to each message bound what any decoder must allocate.
        var events = Mix.Select(frame => (GroupMessageEvent)OneBotFrameReader.Read(frame).Event!).ToList();
        var types = events.SelectMany(e => e.Message).GroupBy(segment => segment.Type).Select(g => $"{g.Key} {g.Count() / (double)events.Count:F2}");
        Console.WriteLine($"// per frame: {Mix.Average(f => f.Length):F0} B of JSON, raw_message {events.Average(e => e.RawMessage.Length):F0} chars, "
            + $"text {events.Average(e => e.Message.OfType<TextSegment>().Sum(t => t.Text.Length)):F0} chars, plain text only {events.Count(e => e.Message.Count == 1 && e.Message[0] is TextSegment) / (double)events.Count:P0}, segments: {string.Join(", ", types)}");
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = 4096, Description = "STJ source-gen records (best practice)")]
    public int StjRecords()
    {
        var n = 0;
        foreach (var frame in Mix)
        {
            n += JsonSerializer.Deserialize(frame, ObJson.Default.ObGroupMessageEvent)!.Message.Length;
        }

        return n;
    }

    [Benchmark(OperationsPerInvoke = 4096, Description = "OneBotFrameReader.Read (as the receive loop does)")]
    public int OneBotReader()
    {
        var n = 0;
        foreach (var frame in Mix)
        {
            n += ((GroupMessageEvent)OneBotFrameReader.Read(frame).Event!).Message.Count;
        }

        return n;
    }

    [Benchmark(OperationsPerInvoke = 4096, Description = "OneBot serializer path (reference semantics)")]
    public int OneBotSerializer()
    {
        var n = 0;
        foreach (var frame in Mix)
        {
            n += OneBotEventDecoder.DecodeMessageWithSerializer(frame, isPrivate: false).Message.Count;
        }

        return n;
    }
}

/// <summary>The SDK's own share of one <c>send_group_msg</c> call: encoding the request frame (pooled) and
/// decoding the load test server's reply into the message id, as the call path does.</summary>
[MemoryDiagnoser]
public class OneBotCallBenchmarks
{
    private static readonly OneBotMessage Reply = "pong 你好";
    private static readonly byte[] ReplyFrame = """{"status":"ok","retcode":0,"data":{"message_id":1600000123},"message":"","wording":"","echo":"42"}"""u8.ToArray();
    private long _id;

    [Benchmark(Description = "encode send_group_msg (pooled frame)")]
    public int Encode()
    {
        var frame = OneBotRequestEncoder.Encode(++_id, "send_group_msg", new SendGroupMessageParams(987654321, Reply), OneBotJsonContext.Default.SendGroupMessageParams);
        frame.Return();
        return frame.Length;
    }

    [Benchmark(Description = "classify the reply (receive loop)")]
    public long Classify() => OneBotFrameReader.Read(ReplyFrame).Response.EchoId;

    [Benchmark(Description = "decode the reply (caller)")]
    public long Decode() => OneBotReplyShape.MessageId.Decode("send_group_msg", ReplyFrame);
}
