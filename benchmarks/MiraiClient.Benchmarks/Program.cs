using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using MiraiClient;
using MiraiClient.Baselines;
using MiraiClient.Benchmarks;
using MiraiClient.Internal;
using MiraiClient.Workloads;

// dotnet run -c Release --project benchmarks/MiraiClient.Benchmarks -- --filter "*"
// Smoke (CI): add --job Dry
BenchmarkSwitcher.FromAssembly(typeof(DecodeGroupMessage).Assembly).Run(args);

namespace MiraiClient.Benchmarks
{
    /// <summary>Decoding one ~870-byte GroupMessage frame from UTF-8 bytes into a typed event.</summary>
    [MemoryDiagnoser]
    public class DecodeGroupMessage
    {
        [Benchmark(Baseline = true, Description = "STJ source-gen records")]
        public string StjRecords()
        {
            var frame = JsonSerializer.Deserialize(Frames.GroupMessage, StjJson.Default.StjFrame)!;
            return frame.Data.Sender.MemberName;
        }

        private readonly DecodeCache _cache = new();

        [Benchmark(Description = "MiraiClient (one pass, as the receive loop does)")]
        public string MiraiClientDecoder()
        {
            var message = (GroupMessage)MiraiFrameDecoder.Decode(Frames.GroupMessage, "-1"u8, _cache).Event!;
            return message.Sender.MemberName;
        }

        [Benchmark(Description = "MiraiClient serializer path (envelope, then STJ)")]
        public string MiraiClientSerializerPath()
        {
            var message = (GroupMessage)MiraiFrameDecoder.Decode(Frames.GroupMessage, "-1"u8, null, fast: false).Event!;
            return message.Sender.MemberName;
        }

        [Benchmark(Description = "Newtonsoft JObject.Parse + ToObject (peer stack)")]
        public string NewtonsoftJObject()
        {
            var root = Newtonsoft.Json.Linq.JObject.Parse(System.Text.Encoding.UTF8.GetString(Frames.GroupMessage));
            var message = root["data"]!.ToObject<PeerGroupMessage>()!;
            return message.Sender!.MemberName!;
        }
    }

    /// <summary>Decoding the load test's mixed workload (default seed): its 4096 GroupMessage frames, short
    /// lines to 4.9 KB texts with quotes and escapes, 256 senders, one after another. Per frame.</summary>
    [MemoryDiagnoser]
    public class DecodeWorkloadMix
    {
        private static readonly byte[][] Mix = MiraiFrames.Create(ChatCorpus.Create(new WorkloadOptions())).Frames;
        private readonly DecodeCache _cache = new();

        /// <summary>Says how many frames the one-pass reader takes, once per run.</summary>
        [GlobalSetup]
        public void Setup()
        {
            var onePass = Mix.Count(TakesTheOnePassReader);
            Console.WriteLine($"// workload mix: {Mix.Length} frames, {onePass} decoded by the one-pass reader, the rest through the serializer path");
        }

        private static bool TakesTheOnePassReader(byte[] frame)
        {
            var info = MiraiFrameDecoder.Decode(frame, "-1"u8);
            var reader = new Utf8JsonReader(frame.AsSpan(info.DataStart, info.DataLength));
            reader.Read();
            return MessageEventReader.TryRead(ref reader, null, out _);
        }

        [Benchmark(Baseline = true, OperationsPerInvoke = 4096, Description = "STJ source-gen records")]
        public int StjRecords()
        {
            var n = 0;
            foreach (var frame in Mix)
            {
                n += JsonSerializer.Deserialize(frame, StjJson.Default.StjFrame)!.Data.MessageChain.Length;
            }

            return n;
        }

        [Benchmark(OperationsPerInvoke = 4096, Description = "MiraiClient (as the receive loop does: one pass, else the serializer path)")]
        public int MiraiClientDecoder()
        {
            var n = 0;
            foreach (var frame in Mix)
            {
                n += ((GroupMessage)MiraiFrameDecoder.Decode(frame, "-1"u8, _cache).Event!).MessageChain.Count;
            }

            return n;
        }

        [Benchmark(OperationsPerInvoke = 4096, Description = "Newtonsoft JObject.Parse + ToObject (peer stack)")]
        public int NewtonsoftJObject()
        {
            var n = 0;
            foreach (var frame in Mix)
            {
                var root = Newtonsoft.Json.Linq.JObject.Parse(System.Text.Encoding.UTF8.GetString(frame));
                n += root["data"]!.ToObject<PeerGroupMessage>()!.MessageChain!.Count;
            }

            return n;
        }
    }

    /// <summary>Classifying a frame by its envelope (the first step of every inbound message).</summary>
    [MemoryDiagnoser]
    public class ClassifyFrame
    {
        private static readonly byte[] Reply = """{"syncId":"42","data":{"code":0,"msg":"success","messageId":7}}"""u8.ToArray();

        [Benchmark(Baseline = true, Description = "MiraiClient decode of an event frame (envelope and event, one pass)")]
        public int Event() => (int)MiraiFrameDecoder.Decode(Frames.GroupMessage, "-1"u8).Kind;

        [Benchmark(Description = "MiraiClient envelope of a reply")]
        public int Response() => (int)MiraiFrameDecoder.Decode(Reply, "-1"u8).Kind;

        [Benchmark(Description = "JsonDocument.Parse (general-purpose)")]
        public bool JsonDocumentParse()
        {
            using var document = JsonDocument.Parse(Frames.GroupMessage);
            return document.RootElement.TryGetProperty("syncId", out _);
        }
    }

    /// <summary>Encoding a sendGroupMessage request frame.</summary>
    [MemoryDiagnoser]
    public class EncodeSendGroupMessage
    {
        private static readonly MessageChain Chain = MessageChain.FromText("pong 你好");
        private long _id;

        [Benchmark(Baseline = true, Description = "STJ source-gen records")]
        public byte[] StjRecords() =>
            JsonSerializer.SerializeToUtf8Bytes(new StjRequest((++_id).ToString(System.Globalization.CultureInfo.InvariantCulture), "sendGroupMessage", null, new StjSendContent(987654321, null, [new StjPlain("Plain", "pong 你好")])), StjJson.Default.StjRequest);

        [Benchmark(Description = "MiraiClient RequestEncoder (pooled frame)")]
        public int MiraiClientEncoder()
        {
            var frame = RequestEncoder.Encode(++_id, "sendGroupMessage", null, MiraiJsonContext.Default.SendMessageContent, new SendMessageContent(987654321, null, Chain));
            frame.Return();
            return frame.Length;
        }
    }
}
