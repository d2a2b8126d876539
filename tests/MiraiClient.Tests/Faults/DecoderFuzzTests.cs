using System.Diagnostics;
using System.Text;
using System.Text.Json;
using MiraiClient.Internal;
using MiraiClient.Testing;
using MiraiClient.Tests.Infrastructure;

namespace MiraiClient.Tests.Faults;

/// <summary>
/// Mutation fuzzing of the whole inbound decode path (envelope, events, replies). Seeds are the protocol
/// vectors wrapped as server frames plus the fake backend's frames. Budget: <c>MIRAI_FUZZ_FRAMES</c>
/// (default 200 000 in the test run; <c>MIRAI_FUZZ_FRAMES=1000000</c> for the full run).
/// </summary>
// Its heap figure is the whole process's.
[Collection(RunsAlone.Name)]
public class DecoderFuzzTests(ITestOutputHelper output)
{
    private const string Structural = "{}[]\":,0\\-e";

    private static readonly string[] TypeNames = [.. EventDecoder.KnownTypes, "Plain", "At", "Source", "Image", "Forward", "Quote", "Nope", ""];

    private static List<byte[]> Seeds()
    {
        var seeds = new List<string>
        {
            $$"""{"syncId":"-1","data":{{EventJson.GroupMessage(1, 2, 3, "hello 你好")}}}""",
            $$"""{"syncId":"-1","data":{{EventJson.FriendMessage(-5, 4, "/ping")}}}""",
            """{"syncId":"","data":{"code":0,"session":"abcdefgh"}}""",
            """{"syncId":"7","data":{"code":0,"msg":"success","messageId":9}}""",
            """{"code":400,"msg":"无效参数"}""",
        };
        if (ProtocolVectors.Directory is { } root)
        {
            foreach (var file in Directory.EnumerateFiles(root, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var json = File.ReadAllText(file).Trim();
                var folder = Path.GetRelativePath(root, file);
                seeds.Add(json.StartsWith('{') && json.Contains("\"syncId\"", StringComparison.Ordinal) ? json
                    : folder.StartsWith("events", StringComparison.Ordinal) || folder.Contains("events", StringComparison.Ordinal) ? $$"""{"syncId":"-1","data":{{json}}}"""
                    : folder.StartsWith("elements", StringComparison.Ordinal) || folder.Contains("elements", StringComparison.Ordinal) ? "{\"syncId\":\"-1\",\"data\":{\"type\":\"FriendMessage\",\"messageChain\":[" + json + "],\"sender\":{\"id\":1,\"nickname\":\"\",\"remark\":\"\"}}}"
                    : $$"""{"syncId":"12","data":{{json}}}""");
            }
        }

        return seeds.Select(Encoding.UTF8.GetBytes).ToList();
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = seed.ToList();
        var rounds = random.Next(1, 4);
        for (var r = 0; r < rounds; r++)
        {
            switch (random.Next(11))
            {
                case 0: // bit flip
                    if (bytes.Count > 0)
                    {
                        var i = random.Next(bytes.Count);
                        bytes[i] ^= (byte)(1 << random.Next(8));
                    }

                    break;
                case 1: // truncation
                    var cut = random.Next(bytes.Count + 1);
                    bytes.RemoveRange(cut, bytes.Count - cut);
                    break;
                case 2: // type swap
                    Replace(bytes, "\"type\":\"", () => TypeNames[random.Next(TypeNames.Length)] + "\",\"x\":\"", random);
                    break;
                case 3: // deep nesting
                    var depth = random.Next(10, 3000);
                    Replace(bytes, ":", () => ":" + new string('[', depth) + "1" + new string(']', random.Next(2) == 0 ? depth : depth / 2) + ",\"y\":", random);
                    break;
                case 4: // huge numbers
                    Replace(bytes, ":1", () => random.Next(3) switch { 0 => ":1e400", 1 => ":99999999999999999999999999", _ => ":-1.5e-400" }, random);
                    break;
                case 5: // invalid UTF-8
                    bytes.InsertRange(random.Next(bytes.Count + 1), random.Next(3) switch { 0 => new byte[] { 0xC3, 0x28 }, 1 => new byte[] { 0xFF }, _ => new byte[] { 0xED, 0xA0, 0x80 } });
                    break;
                case 6: // duplicate keys
                    Replace(bytes, "{\"", () => "{\"type\":\"GroupMessage\",\"syncId\":\"-1\",\"", random);
                    break;
                case 7: // random byte insert
                    bytes.Insert(random.Next(bytes.Count + 1), (byte)Structural[random.Next(Structural.Length)]);
                    break;
                case 8: // delete a span
                    if (bytes.Count > 2)
                    {
                        var at = random.Next(bytes.Count - 1);
                        bytes.RemoveRange(at, Math.Min(random.Next(1, 20), bytes.Count - at));
                    }

                    break;
                case 9: // wrong value kinds
                    Replace(bytes, "\"id\":", () => random.Next(3) switch { 0 => "\"id\":\"x\",\"_\":", 1 => "\"id\":null,\"_\":", _ => "\"id\":{},\"_\":" }, random);
                    break;
                default: // splice two frames
                    var half = random.Next(bytes.Count + 1);
                    bytes.InsertRange(half, bytes.Take(random.Next(bytes.Count + 1)).ToList());
                    break;
            }
        }

        return [.. bytes];
    }

    private static void Replace(List<byte> bytes, string token, Func<string> replacement, Random random)
    {
        var text = Encoding.UTF8.GetBytes(token);
        var positions = new List<int>();
        for (var i = 0; i + text.Length <= bytes.Count; i++)
        {
            if (bytes.Skip(i).Take(text.Length).SequenceEqual(text))
            {
                positions.Add(i);
                if (positions.Count > 16)
                {
                    break;
                }
            }
        }

        if (positions.Count == 0)
        {
            return;
        }

        var at = positions[random.Next(positions.Count)];
        bytes.RemoveRange(at, text.Length);
        bytes.InsertRange(at, Encoding.UTF8.GetBytes(replacement()));
    }

    [ThreadStatic]
    private static DecodeCache? t_cache;

    private static long s_acceptedByOnePass;

    /// <summary>Everything the receive path does with one inbound message, and the reply decoders.</summary>
    private static void Decode(byte[] frame)
    {
        // The one-pass reader declines rather than throw, and whatever it takes must decode to the same event
        // as the serializer alone: the same frame decoded both ways gives the same event or the same typed error.
        var cache = t_cache ??= new DecodeCache();
        var reference = Outcome(() => MiraiFrameDecoder.Decode(frame, "-1"u8, null, fast: false));
        var actual = Outcome(() => MiraiFrameDecoder.Decode(frame, "-1"u8, cache, fast: true));
        Assert.True(reference.Text == actual.Text, $"The one-pass decoder disagrees with the serializer on {Encoding.UTF8.GetString(frame)}\nserializer: {reference.Text}\none pass:   {actual.Text}");
        if (actual.Frame is not { } info)
        {
            return;
        }

        var data = info.DataStart >= 0 ? frame.AsSpan(info.DataStart, info.DataLength) : default;
        switch (info.Kind)
        {
            case FrameKind.Event:
                if (FastPath.TryRead(data, null, out _, out _))
                {
                    Interlocked.Increment(ref s_acceptedByOnePass);
                }

                break;
            case FrameKind.Handshake:
                var handshake = data.ToArray();
                Try(() => MiraiFrameDecoder.ReadHandshake(handshake));
                break;
            case FrameKind.Response:
                var reply = data.ToArray();
                Try(() => Replies.Status("x", reply));
                Try(() => Replies.SendReceipt("x", reply));
                Try(() => Replies.Restful("x", reply, MiraiJsonContext.Default.MemberArray));
                Try(() => Replies.RestfulOne("x", reply, MiraiJsonContext.Default.Announcement));
                Try(() => Replies.RestfulMessages("x", reply));
                Try(() => Replies.RestfulMessage("x", reply));
                Try(() => Replies.Bare("x", reply, MiraiJsonContext.Default.Member));
                break;
        }
    }

    /// <summary>A decode's outcome as comparable text: the frame's kind and event, or the typed error.</summary>
    private static (string Text, FrameInfo? Frame) Outcome(Func<FrameInfo> decode)
    {
        try
        {
            var info = decode();
            var item = info.Event switch
            {
                UnknownEvent unknown => "UnknownEvent " + unknown.Json.GetRawText(),
                { } e => e.GetType().Name + " " + JsonSerializer.Serialize(e, e.GetType(), MiraiJsonContext.Default),
                null => info.EventError is null ? "" : "invalid event",
            };
            return ($"{info.Kind} {info.RequestId} {info.Code} {item}", info);
        }
        catch (MiraiProtocolException)
        {
            return ("error", null);
        }
    }

    private static void Try(Action action)
    {
        try
        {
            action();
        }
        catch (MiraiApiException)
        {
            // A well-formed error reply.
        }
        catch (MiraiProtocolException)
        {
        }
    }

    [Fact]
    public void MutatedAndGeneratedFrames_OnlyEverRaiseTheTypedProtocolError()
    {
        var budget = int.TryParse(Environment.GetEnvironmentVariable("MIRAI_FUZZ_FRAMES"), out var configured) ? configured : 200_000;
        var seeds = Seeds();
        var random = new Random(20261127);
        AssemblyMonitor.CollectGarbage();
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var clock = Stopwatch.StartNew();
        var longest = TimeSpan.Zero;
        for (var i = 0; i < budget; i++)
        {
            var frame = Mutate(seeds[random.Next(seeds.Count)], random);
            var started = clock.Elapsed;
            try
            {
                Decode(frame);
            }
            catch (Exception ex)
            {
                Assert.Fail($"Frame #{i} raised {ex.GetType().Name}: {ex.Message}\n{Convert.ToHexString(frame)}\n{Encoding.UTF8.GetString(frame)}");
            }

            var took = clock.Elapsed - started;
            if (took > longest)
            {
                longest = took;
            }
        }

        AssemblyMonitor.CollectGarbage();
        var heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        output.WriteLine($"{budget} frames from {seeds.Count} seeds in {clock.Elapsed.TotalSeconds:F1} s ({budget / clock.Elapsed.TotalSeconds:F0}/s); slowest frame {longest.TotalMilliseconds:F1} ms; heap {heapBefore / 1024} KiB → {heapAfter / 1024} KiB; {Interlocked.Read(ref s_acceptedByOnePass)} frames taken by the one-pass reader, each identical to the serializer's event");
        Assert.True(longest < TimeSpan.FromSeconds(1), $"a frame took {longest}");
        Assert.True(heapAfter - heapBefore < 16 * 1024 * 1024, "the decoder kept memory");
    }
}
