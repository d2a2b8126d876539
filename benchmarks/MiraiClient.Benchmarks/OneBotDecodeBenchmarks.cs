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
