using System.Net.WebSockets;
using System.Text;
using BenchmarkDotNet.Attributes;
using MiraiClient.Internal;

namespace MiraiClient.Benchmarks;

/// <summary>
/// What the send limiter costs when it is on but does not limit, against what a message send costs: the
/// limiter's acquire path alone, and a whole <c>SendGroupMessageAsync</c> round trip on loopback with pacing
/// on (allowances no round trip can spend, as the load test's <c>mirai-paced</c>) and off, in one run so the
/// ratios compare like with like.
/// </summary>
/// <remarks>
/// <para>Every round trip is called as a hosted handler calls it: with the token of a source linked to a
/// long-lived one, created and disposed around each call (the load test's <c>--token linked</c>), so the
/// allocation column matches the load test's bytes per request. The responder (<see cref="LoopbackResponder"/>)
/// allocates nothing per reply; the raw <see cref="ClientWebSocket"/> row shows what a round trip costs
/// without the SDK, and that the responder adds nothing to the allocation column.</para>
/// <para>The acquire rows send to 264 conversations (8 groups and 256 friends) in a fixed shuffled order, each
/// with a cancellable (never cancelled) caller token. With the default options the clock advances 250 ms per
/// send, so neither limit is reached and every conversation's bucket has refilled (and is recycled) before it
/// is used again: a bot that answers 4 messages a second. With generous options the real clock runs.</para>
/// <para>Run: <c>dotnet run -c Release --project benchmarks/MiraiClient.Benchmarks -- --filter "*SendLimiterBenchmarks*"</c>
/// (the figures in the summaries came from <c>--inProcess --launchCount 1 --warmupCount 3 --iterationCount 10</c>
/// on a loaded 2-core machine: allocations are exact, times only rank within one run).</para>
/// </remarks>
[MemoryDiagnoser]
public class SendLimiterBenchmarks
{
    private const int RoundTrips = 64;
    private const int Acquires = 4096;

    private static readonly Conversation[] Conversations = CreateConversations();
    private static readonly byte[] RawRequest = Encoding.UTF8.GetBytes("{\"syncId\":\"1\",\"command\":\"sendGroupMessage\",\"subCommand\":null,\"content\":{\"target\":987654321,\"messageChain\":[{\"type\":\"Plain\",\"text\":\"pong 你好\"}]}}");

    private readonly CancellationTokenSource _lifetime = new();
    private readonly MessageChain _chain = MessageChain.FromText("pong 你好");
    private readonly byte[] _rawBuffer = new byte[4096];
    private LoopbackResponder _responder = null!;
    private MiraiConnection _unpaced = null!;
    private MiraiConnection _paced = null!;
    private ClientWebSocket _raw = null!;
    private SendLimiter _defaults = null!;
    private SendLimiter _generous = null!;
    private int _next;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _responder = new LoopbackResponder();
        _unpaced = new MiraiConnection(Options(_responder.Uri, paced: false));
        _paced = new MiraiConnection(Options(_responder.Uri, paced: true));
        await _unpaced.ConnectAsync();
        await _paced.ConnectAsync();
        _raw = new ClientWebSocket();
        await _raw.ConnectAsync(_responder.Uri, CancellationToken.None);
        await _raw.ReceiveAsync(_rawBuffer.AsMemory(), CancellationToken.None); // the greeting

        _defaults = new SendLimiter(new SendRateLimitOptions().Freeze(), new SteppingClock(TimeSpan.FromMilliseconds(250)));
        _generous = new SendLimiter(Generous().Freeze(), TimeProvider.System);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _unpaced.DisposeAsync();
        await _paced.DisposeAsync();
        await _raw.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        _raw.Dispose();
        await _responder.DisposeAsync();
        _lifetime.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = RoundTrips, Description = "round trip, pacing off")]
    public Task<int> RoundTripUnpaced() => RoundTripsAsync(_unpaced);

    [Benchmark(OperationsPerInvoke = RoundTrips, Description = "round trip, pacing on (not limiting)")]
    public Task<int> RoundTripPaced() => RoundTripsAsync(_paced);

    [Benchmark(OperationsPerInvoke = RoundTrips, Description = "round trip, raw ClientWebSocket (no SDK)")]
    public async Task<int> RoundTripRaw()
    {
        var n = 0;
        for (var i = 0; i < RoundTrips; i++)
        {
            using var call = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token);
            await _raw.SendAsync(RawRequest.AsMemory(), WebSocketMessageType.Text, true, call.Token);
            ValueWebSocketReceiveResult result;
            do
            {
                result = await _raw.ReceiveAsync(_rawBuffer.AsMemory(), call.Token);
                n += result.Count;
            }
            while (!result.EndOfMessage);
        }

        return n;
    }

    [Benchmark(OperationsPerInvoke = Acquires, Description = "acquire, default options, 264 conversations")]
    public long AcquireDefaults() => Acquire(_defaults);

    [Benchmark(OperationsPerInvoke = Acquires, Description = "acquire, generous options, 264 conversations")]
    public long AcquireGenerous() => Acquire(_generous);

    private long Acquire(SendLimiter limiter)
    {
        var token = _lifetime.Token;
        var next = _next;
        long held = 0;
        for (var i = 0; i < Acquires; i++)
        {
            var acquired = limiter.AcquireAsync(Conversations[next], Timeout.InfiniteTimeSpan, token);
            if (!acquired.IsCompletedSuccessfully)
            {
                throw new InvalidOperationException("The limiter held a send back: the benchmark must not limit.");
            }

            held += acquired.Result.Ticks;
            next = next + 1 == Conversations.Length ? 0 : next + 1;
        }

        _next = next;
        return held;
    }

    private async Task<int> RoundTripsAsync(MiraiConnection connection)
    {
        var n = 0;
        for (var i = 0; i < RoundTrips; i++)
        {
            using var call = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token);
            n += await connection.SendGroupMessageAsync(987654321, _chain, null, call.Token);
        }

        return n;
    }

    private static MiraiConnectionOptions Options(Uri uri, bool paced) => new()
    {
        Uri = uri,
        VerifyKey = "benchmark",
        QQ = 10001,
        SendRateLimit = paced ? Generous() : new SendRateLimitOptions { Enabled = false },
    };

    /// <summary>Allowances no benchmark can spend (10,000 at once, refilled every 100 ns), as the load test's <c>mirai-paced</c>.</summary>
    private static SendRateLimitOptions Generous() => new()
    {
        Enabled = true,
        AccountBurst = 10_000,
        AccountInterval = TimeSpan.FromTicks(1),
        ConversationBurst = 10_000,
        ConversationInterval = TimeSpan.FromTicks(1),
    };

    private static Conversation[] CreateConversations()
    {
        var all = new Conversation[264];
        for (var i = 0; i < 8; i++)
        {
            all[i] = Conversation.Group(900_000_000 + i);
        }

        for (var i = 0; i < 256; i++)
        {
            all[8 + i] = Conversation.Friend(3_000_000_000 + (i * 7919));
        }

        new Random(20261201).Shuffle(all);
        return all;
    }

    /// <summary>A clock that moves a fixed step each time it is read: the limiter reads it once per send.</summary>
    private sealed class SteppingClock(TimeSpan step) : TimeProvider
    {
        private readonly long _step = step.Ticks * 100; // timestamps at 1 GHz
        private long _now = 1_000_000_000;

        public override long TimestampFrequency => 1_000_000_000;

        public override long GetTimestamp() => _now += _step;
    }
}
