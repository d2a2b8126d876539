using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Reactive.Linq;
using System.Text;
using System.Text.Json;
using MiraiClient.Baselines;
using MiraiClient.Workloads;
using Newtonsoft.Json.Linq;
using Websocket.Client;

namespace MiraiClient.LoadTest;

/// <summary>What one contestant process runs: a warm-up connection, then the measured ones.</summary>
internal abstract class Contestant
{
    /// <summary>Round trips per warm-up batch, before each round-trip phase (<see cref="JitQuiet.WarmAsync"/>).</summary>
    private const int WarmBatch = 512;

    public const int InFlight = 64;

    /// <summary>Bounds every wait on the server, so a lost event fails the run instead of hanging it.</summary>
    protected static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(5);

    private static readonly Action<object?, CancellationToken> CancelWaiter = static (state, token) => ((TaskCompletionSource<int>)state!).TrySetCanceled(token);

    public abstract string Name { get; }

    /// <summary>Connects to a streaming server, starts the stream and consumes it; measured from the start request.</summary>
    public abstract Task<Sample> IngestAsync(Uri uri, long events);

    /// <summary>Connects to the echo server and returns a round-trip function, which honours the token it is given, plus a closer.</summary>
    /// <remarks>The round trip's task is a <see cref="Task{TResult}"/> of the message id (<see cref="int"/> or
    /// <see cref="long"/>, whatever the client returns, so no contestant pays for a wrapper); see <see cref="MessageId"/>.</remarks>
    public abstract Task<(Func<CancellationToken, Task> RoundTrip, Func<Task> Close)> ConnectEchoAsync(Uri uri);

    /// <summary>The message id a completed round trip returned (0 when it returned none).</summary>
    protected static long MessageId(Task completed) => completed switch
    {
        Task<int> id => id.Result,
        Task<long> id => id.Result,
        _ => 0,
    };

    public async Task<Sample[]> RoundTripsAsync(Uri uri, int sequential, int concurrent, TokenMode mode)
    {
        var (roundTrip, close) = await ConnectEchoAsync(uri);

        // The caller's long-lived source: the host's, whose token reaches every handler.
        using var lifetime = new CancellationTokenSource();
        var stop = lifetime.Token;
        try
        {
            var honoured = mode == TokenMode.None || await HonoursCancellationAsync(roundTrip);
            var note = mode == TokenMode.None ? "token none" : $"token {Tokens.Name(mode)}, {(honoured ? "a cancelled token is honoured" : "a cancelled token was IGNORED")}";

            // Latency: one request in flight, after round trips have stopped causing compilation.
            var latencies = new double[sequential];
            await JitQuiet.WarmAsync(() => SequentialAsync(roundTrip, mode, new double[WarmBatch], stop));
            var poolThreads = ThreadPool.ThreadCount;
            var poolItems = ThreadPool.CompletedWorkItemCount;
            var meter = Meter.Start();
            var ok = await SequentialAsync(roundTrip, mode, latencies, stop);

            // Thread-pool work items per round trip: each is a hand-over between threads (a reply's
            // continuation queued to the pool, a writer or loop moved there), which is what costs latency
            // when the cores are busy; unlike the latency itself, the count does not depend on the noise.
            var hops = (ThreadPool.CompletedWorkItemCount - poolItems) / (double)sequential;
            Array.Sort(latencies);
            var one = meter.Stop(Name, "rtt1", sequential, valid: honoured && ok == sequential, note: $"{note}, {hops:0.00} pool work items/request, {poolThreads} pool threads", p50: Percentile(latencies, 0.50), p99: Percentile(latencies, 0.99));

            // Throughput: 64 in flight, after round trips at 64 in flight have stopped causing compilation.
            var per = concurrent / InFlight;
            await JitQuiet.WarmAsync(() => ConcurrentAsync(roundTrip, mode, WarmBatch / 8, stop));
            poolThreads = ThreadPool.ThreadCount;
            poolItems = ThreadPool.CompletedWorkItemCount;
            meter = Meter.Start();
            ok = await ConcurrentAsync(roundTrip, mode, per, stop);
            hops = (ThreadPool.CompletedWorkItemCount - poolItems) / (double)(per * InFlight);
            var many = meter.Stop(Name, "rtt64", per * InFlight, valid: honoured && ok == per * InFlight, note: $"{note}, {hops:0.00} pool work items/request, {poolThreads} pool threads");
            return [one, many];
        }
        finally
        {
            await close();
        }
    }

    /// <summary>Round trips at <see cref="InFlight"/> in flight: that many workers, each making <paramref name="per"/> in turn.</summary>
    /// <returns>How many returned a message id.</returns>
    private static async Task<int> ConcurrentAsync(Func<CancellationToken, Task> roundTrip, TokenMode mode, int per, CancellationToken stop)
    {
        var ok = 0;
        var workers = new Task[InFlight];
        for (var w = 0; w < InFlight; w++)
        {
            workers[w] = Task.Run(async () =>
            {
                for (var i = 0; i < per; i++)
                {
                    long messageId;
                    if (mode <= TokenMode.Shared)
                    {
                        var call = roundTrip(mode == TokenMode.None ? CancellationToken.None : stop);
                        await call;
                        messageId = MessageId(call);
                    }
                    else
                    {
                        using var source = Tokens.PerCall(mode, stop);
                        var call = roundTrip(source.Token);
                        await call;
                        messageId = MessageId(call);
                    }

                    if (messageId > 0)
                    {
                        Interlocked.Increment(ref ok);
                    }
                }
            }, CancellationToken.None);
        }

        await Task.WhenAll(workers);
        return ok;
    }

    /// <summary>Round trips one at a time, as the latency phase makes them; each one's latency in µs goes into
    /// <paramref name="latencies"/>, whose length is the count.</summary>
    /// <returns>How many returned a message id.</returns>
    private static async Task<int> SequentialAsync(Func<CancellationToken, Task> roundTrip, TokenMode mode, double[] latencies, CancellationToken stop)
    {
        var ok = 0;
        for (var i = 0; i < latencies.Length; i++)
        {
            // The call is written out here and in the 64-in-flight workers rather than shared: a helper would be
            // one more async layer inside every measured round trip.
            var started = Stopwatch.GetTimestamp();
            long messageId;
            if (mode <= TokenMode.Shared)
            {
                var call = roundTrip(mode == TokenMode.None ? CancellationToken.None : stop);
                await call;
                messageId = MessageId(call);
            }
            else
            {
                using var source = Tokens.PerCall(mode, stop);
                var call = roundTrip(source.Token);
                await call;
                messageId = MessageId(call);
            }

            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            ok += messageId > 0 ? 1 : 0;
        }

        return ok;
    }

    /// <summary>Latency in turns: connects, warms up, says <c>READY</c>, then for each <c>BLOCK n</c> line on
    /// <paramref name="commands"/> makes a few unmeasured round trips (the threads may have slept while other
    /// contestants took their turn) and <c>n</c> measured ones, and answers <c>BLOCK &lt;p50 µs&gt; &lt;ok&gt;</c>;
    /// <c>END</c> closes.</summary>
    /// <remarks>The parent runs every contestant's child this way at once and lets them take turns in short
    /// blocks, so each block's p50 is compared with the other contestants' blocks of the same round, measured
    /// within a second of it, rather than with a phase measured a minute earlier on a machine whose speed drifts.</remarks>
    public async Task PairedAsync(Uri uri, TokenMode mode, int warmup, TextReader commands, TextWriter answers)
    {
        const int Wake = 32;
        var (roundTrip, close) = await ConnectEchoAsync(uri);
        using var lifetime = new CancellationTokenSource();
        try
        {
            await SequentialAsync(roundTrip, mode, new double[warmup], lifetime.Token);
            await JitQuiet.WarmAsync(() => SequentialAsync(roundTrip, mode, new double[WarmBatch], lifetime.Token));
            answers.WriteLine("READY");
            answers.Flush();
            while (await commands.ReadLineAsync() is { } line && line.Split(' ') is ["BLOCK", var count])
            {
                await SequentialAsync(roundTrip, mode, new double[Wake], lifetime.Token);
                var latencies = new double[int.Parse(count, System.Globalization.CultureInfo.InvariantCulture)];
                var ok = await SequentialAsync(roundTrip, mode, latencies, lifetime.Token);
                Array.Sort(latencies);
                answers.WriteLine(System.FormattableString.Invariant($"BLOCK {Percentile(latencies, 0.50):0.00} {ok}"));
                answers.Flush();
            }
        }
        finally
        {
            await close();
        }
    }

    /// <summary>A call with an already cancelled token must end in <see cref="OperationCanceledException"/>, promptly.</summary>
    private static async Task<bool> HonoursCancellationAsync(Func<CancellationToken, Task> roundTrip)
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        try
        {
            await roundTrip(cancelled.Token).WaitAsync(TimeSpan.FromSeconds(30));
            return false;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    protected static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    protected static ClientWebSocket NewSocket()
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("verifyKey", "load-test");
        socket.Options.SetRequestHeader("qq", "10001");
        socket.Options.SetRequestHeader("Authorization", "Bearer load-test");
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        return socket;
    }

    internal static async Task<int> ReceiveAsync(WebSocket socket, byte[] buffer)
    {
        var count = 0;
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return -1;
            }

            count += result.Count;
            if (result.EndOfMessage)
            {
                return count;
            }
        }
    }

    /// <summary>A request frame: pooled (return it after sending) or not.</summary>
    internal readonly record struct Encoded(byte[] Buffer, int Length, bool Pooled)
    {
        public static Encoded Rent(string text)
        {
            var rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
            return new Encoded(rented, Encoding.UTF8.GetBytes(text, rented), true);
        }

        public void Return()
        {
            if (Pooled)
            {
                ArrayPool<byte>.Shared.Return(Buffer);
            }
        }
    }

    /// <summary>Reads the correlation id and message id of a reply; an id below 0 means "not a reply to us".</summary>
    internal delegate (long Id, int MessageId) ReplyReader(ReadOnlySpan<byte> frame);

    /// <summary>The request-reply plumbing a careful hand-written client has on a bare <see cref="ClientWebSocket"/>:
    /// a pending table by correlation id, one writer at a time, one receive loop. The caller's token cancels
    /// the wait for the writer and for the reply; it is not passed to the socket's send, which would abort
    /// the connection every caller shares.</summary>
    protected static (Func<CancellationToken, Task<int>> RoundTrip, Func<Task> Close) Correlate(ClientWebSocket socket, Func<long, Encoded> encode, ReplyReader read)
    {
        var buffer = new byte[64 * 1024];
        var pending = new ConcurrentDictionary<long, TaskCompletionSource<int>>();
        var sendLock = new SemaphoreSlim(1, 1);
        long lastId = 0;
        var receiving = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    var count = await ReceiveAsync(socket, buffer);
                    if (count < 0)
                    {
                        return;
                    }

                    var (id, messageId) = read(buffer.AsSpan(0, count));
                    if (id >= 0 && pending.TryRemove(id, out var waiter))
                    {
                        waiter.TrySetResult(messageId);
                    }
                }
            }
            catch (WebSocketException)
            {
            }
        });

        async Task<int> RoundTrip(CancellationToken ct)
        {
            ct.ThrowIfCancellationRequested();
            var id = Interlocked.Increment(ref lastId);
            var waiter = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            pending[id] = waiter;
            var registration = ct.CanBeCanceled ? ct.UnsafeRegister(CancelWaiter, waiter) : default;
            try
            {
                await sendLock.WaitAsync(ct);
                try
                {
                    var frame = encode(id);
                    await socket.SendAsync(frame.Buffer.AsMemory(0, frame.Length), WebSocketMessageType.Text, true, CancellationToken.None);
                    frame.Return();
                }
                finally
                {
                    sendLock.Release();
                }

                return await waiter.Task;
            }
            finally
            {
                registration.Dispose();
                if (!waiter.Task.IsCompletedSuccessfully)
                {
                    pending.TryRemove(id, out _);
                }
            }
        }

        async Task Close()
        {
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            await receiving;
            socket.Dispose();
        }

        return (RoundTrip, Close);
    }

    /// <summary>Registers <paramref name="token"/> to cancel <paramref name="waiter"/>; for contestants with their own plumbing.</summary>
    protected static CancellationTokenRegistration CancelOnToken(TaskCompletionSource<int> waiter, CancellationToken token) =>
        token.CanBeCanceled ? token.UnsafeRegister(CancelWaiter, waiter) : default;
}

/// <summary>ClientWebSocket with nothing on top: discard (the physical limit) or STJ source-generated
/// records decoded inline (the best-practice limit).</summary>
internal sealed class RawContestant(bool decode) : Contestant
{
    private static readonly byte[] EventPrefix = "{\"syncId\":\"-1\""u8.ToArray();

    public override string Name => decode ? "stj" : "raw";

    public override async Task<Sample> IngestAsync(Uri uri, long events)
    {
        using var socket = NewSocket();
        await socket.ConnectAsync(new Uri(uri, "all"), CancellationToken.None);
        var buffer = new byte[64 * 1024];
        await ReceiveAsync(socket, buffer);
        var check = new EventCheck(Workload.Mirai, bytesOnly: !decode);
        var meter = Meter.Start();
        await socket.SendAsync(Encoding.UTF8.GetBytes(Workload.AboutRequest(1)), WebSocketMessageType.Text, true, CancellationToken.None);
        while (check.Seen < events)
        {
            var count = await ReceiveAsync(socket, buffer);
            var frame = buffer.AsSpan(0, count);
            if (!frame.StartsWith(EventPrefix))
            {
                continue;
            }

            if (decode)
            {
                var decoded = JsonSerializer.Deserialize(frame, StjJson.Default.StjFrame)!.Data;
                if (check.SpotDue)
                {
                    check.Spot(Canonical(decoded));
                }

                check.Add(Print(decoded));
            }
            else
            {
                // The physical limit only receives; it proves it received the frames sent, byte for byte.
                if (check.SpotDue)
                {
                    check.SpotBytes(frame);
                }

                check.Add(count);
            }
        }

        var sample = meter.Stop(Name, "ingest", events, check.Valid(events), check.Note(events));
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        return sample;
    }

    public override async Task<(Func<CancellationToken, Task> RoundTrip, Func<Task> Close)> ConnectEchoAsync(Uri uri)
    {
        var socket = NewSocket();
        await socket.ConnectAsync(new Uri(uri, "all"), CancellationToken.None);
        await ReceiveAsync(socket, new byte[4096]);
        return decode
            ? Correlate(socket, EncodeStj, ReadReplyStj)
            : Correlate(socket, id => Encoded.Rent(Workload.Request(id)), ReadReplyRaw);
    }

    private static Encoded EncodeStj(long id)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new StjRequest(id.ToString(System.Globalization.CultureInfo.InvariantCulture), "sendGroupMessage", null, new StjSendContent(Workload.GroupTarget, null, [new StjPlain("Plain", Workload.ReplyText)])), StjJson.Default.StjRequest);
        return new Encoded(bytes, bytes.Length, Pooled: false);
    }

    private static long Print(StjGroupMessage message)
    {
        long sum = 0;
        var chain = message.MessageChain;
        var messageId = 0;
        for (var i = 0; i < chain.Length; i++)
        {
            var e = chain[i];
            switch (e.Type)
            {
                case "Source":
                    messageId = e.Id!.Value;
                    sum += Fingerprint.Source(messageId);
                    break;
                case "Plain":
                    sum += Fingerprint.Text(e.Text!.Length);
                    break;
                case "At":
                    sum += Fingerprint.At(e.Target!.Value);
                    break;
                case "Face":
                    sum += Fingerprint.Face(e.FaceId!.Value);
                    break;
                case "Image":
                    sum += Fingerprint.Image(e.Width!.Value, e.Size!.Value);
                    break;
                case "Quote":
                    sum += Fingerprint.Quote(e.Id!.Value, e.Origin!.Length);
                    break;
            }
        }

        var sender = message.Sender;
        return Fingerprint.Event(messageId, sender.Id, sender.Group.Id, sender.MemberName.Length, sender.Group.Name.Length, chain.Length, sum);
    }

    private static string Canonical(StjGroupMessage message)
    {
        var sender = message.Sender;
        var b = MiraiCanonical.Start(sender.MemberName, sender.SpecialTitle, sender.Permission, sender.Group.Name, sender.Group.Permission);
        foreach (var e in message.MessageChain)
        {
            _ = e.Type switch
            {
                "Source" => b.Source(e.Id!.Value),
                "Plain" => b.Plain(e.Text!),
                "At" => b.At(e.Target!.Value),
                "Face" => b.Face(e.FaceId!.Value, e.Name),
                "Image" => b.Image(e.ImageId, e.Url),
                "Quote" => b.Quote(e.Id!.Value, e.SenderId!.Value, e.Origin is [{ Type: "Plain", Text: { } text }] ? text : ""),
                _ => b.Other(e.Type),
            };
        }

        return b.ToString();
    }

    /// <summary>The least a client can do: the sync id and the message id, read with the reader.</summary>
    private static (long Id, int MessageId) ReadReplyRaw(ReadOnlySpan<byte> frame)
    {
        var reader = new Utf8JsonReader(frame);
        long id = -1;
        var messageId = 0;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("syncId"u8))
                {
                    reader.Read();
                    _ = System.Buffers.Text.Utf8Parser.TryParse(reader.ValueSpan, out id, out _);
                }
                else if (reader.ValueTextEquals("messageId"u8))
                {
                    reader.Read();
                    messageId = reader.GetInt32();
                }
            }
        }

        return (id, messageId);
    }

    private static (long Id, int MessageId) ReadReplyStj(ReadOnlySpan<byte> frame)
    {
        var reply = JsonSerializer.Deserialize(frame, StjJson.Default.StjReplyFrame)!;
        return (long.Parse(reply.SyncId, System.Globalization.CultureInfo.InvariantCulture), reply.Data?.MessageId ?? 0);
    }
}

/// <summary>The stack of the most used C# Mirai library: Websocket.Client with Newtonsoft JObject.Parse then ToObject.</summary>
internal sealed class PeerContestant : Contestant
{
    public override string Name => "peer";

    public override async Task<Sample> IngestAsync(Uri uri, long events)
    {
        var handshake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var check = new EventCheck(Workload.Mirai, bytesOnly: false);
        using var client = NewClient(uri);
        using var subscription = client.MessageReceived.Subscribe(message =>
        {
            var root = JObject.Parse(message.Text!);
            var syncId = (string?)root["syncId"];
            if (syncId == "")
            {
                handshake.TrySetResult();
                return;
            }

            if (syncId != "-1")
            {
                return;
            }

            var data = root["data"]!.ToObject<PeerGroupMessage>()!;
            if (check.SpotDue)
            {
                check.Spot(Canonical(data));
            }

            check.Add(Print(data));
            if (check.Seen == events)
            {
                done.TrySetResult();
            }
        });
        await client.Start();
        await handshake.Task.WaitAsync(StepTimeout);
        var meter = Meter.Start();
        client.Send(Workload.AboutRequest(1));
        await done.Task.WaitAsync(StepTimeout);
        var sample = meter.Stop(Name, "ingest", events, check.Valid(events), check.Note(events));
        await client.Stop(WebSocketCloseStatus.NormalClosure, "");
        return sample;
    }

    public override async Task<(Func<CancellationToken, Task> RoundTrip, Func<Task> Close)> ConnectEchoAsync(Uri uri)
    {
        var handshake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var pending = new ConcurrentDictionary<long, TaskCompletionSource<int>>();
        var client = NewClient(uri);
        var subscription = client.MessageReceived.Subscribe(message =>
        {
            var root = JObject.Parse(message.Text!);
            var syncId = (string?)root["syncId"];
            if (syncId == "")
            {
                handshake.TrySetResult();
                return;
            }

            var reply = root["data"]!.ToObject<PeerReply>()!;
            if (pending.TryRemove(long.Parse(syncId!, System.Globalization.CultureInfo.InvariantCulture), out var waiter))
            {
                waiter.TrySetResult(reply.MessageId);
            }
        });
        await client.Start();
        await handshake.Task.WaitAsync(StepTimeout);
        long lastId = 0;

        Task<int> Send(long id, TaskCompletionSource<int> waiter)
        {
            pending[id] = waiter;
            var request = new PeerRequest
            {
                SyncId = id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Command = "sendGroupMessage",
                Content = new PeerSendContent { Target = Workload.GroupTarget, MessageChain = [new PeerPlain { Type = "Plain", Text = Workload.ReplyText }] },
            };
            client.Send(Newtonsoft.Json.JsonConvert.SerializeObject(request, PeerJson.Settings));
            return waiter.Task;
        }

        // Websocket.Client's Send takes no token (it queues the text): the token cancels the wait for the reply.
        async Task<int> CancellableRoundTrip(CancellationToken ct)
        {
            ct.ThrowIfCancellationRequested();
            var id = Interlocked.Increment(ref lastId);
            var waiter = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            using var registration = CancelOnToken(waiter, ct);
            try
            {
                return await Send(id, waiter);
            }
            finally
            {
                if (!waiter.Task.IsCompletedSuccessfully)
                {
                    pending.TryRemove(id, out _);
                }
            }
        }

        Task<int> RoundTrip(CancellationToken ct) => ct.CanBeCanceled
            ? CancellableRoundTrip(ct)
            : Send(Interlocked.Increment(ref lastId), new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously));

        async Task Close()
        {
            await client.Stop(WebSocketCloseStatus.NormalClosure, "");
            subscription.Dispose();
            client.Dispose();
        }

        return (RoundTrip, Close);
    }

    private static long Print(PeerGroupMessage message)
    {
        long sum = 0;
        var chain = message.MessageChain!;
        var messageId = 0;
        for (var i = 0; i < chain.Count; i++)
        {
            var e = chain[i];
            switch ((string?)e["type"])
            {
                case "Source":
                    messageId = (int)e["id"]!;
                    sum += Fingerprint.Source(messageId);
                    break;
                case "Plain":
                    sum += Fingerprint.Text(((string)e["text"]!).Length);
                    break;
                case "At":
                    sum += Fingerprint.At((long)e["target"]!);
                    break;
                case "Face":
                    sum += Fingerprint.Face((int)e["faceId"]!);
                    break;
                case "Image":
                    sum += Fingerprint.Image((int)e["width"]!, (long)e["size"]!);
                    break;
                case "Quote":
                    sum += Fingerprint.Quote((int)e["id"]!, ((JArray)e["origin"]!).Count);
                    break;
            }
        }

        var sender = message.Sender!;
        return Fingerprint.Event(messageId, sender.Id, sender.Group!.Id, sender.MemberName!.Length, sender.Group.Name!.Length, chain.Count, sum);
    }

    private static string Canonical(PeerGroupMessage message)
    {
        var sender = message.Sender!;
        var b = MiraiCanonical.Start(sender.MemberName!, sender.SpecialTitle!, sender.Permission!, sender.Group!.Name!, sender.Group.Permission!);
        foreach (var e in message.MessageChain!)
        {
            var type = (string)e["type"]!;
            _ = type switch
            {
                "Source" => b.Source((int)e["id"]!),
                "Plain" => b.Plain((string)e["text"]!),
                "At" => b.At((long)e["target"]!),
                "Face" => b.Face((int)e["faceId"]!, (string?)e["name"]),
                "Image" => b.Image((string?)e["imageId"], (string?)e["url"]),
                "Quote" => b.Quote((int)e["id"]!, (long)e["senderId"]!, (string?)e["origin"]![0]!["text"] ?? ""),
                _ => b.Other(type),
            };
        }

        return b.ToString();
    }

    private static WebsocketClient NewClient(Uri uri) => new(new Uri(uri, "all"), () => NewSocket())
    {
        IsReconnectionEnabled = false,
        ReconnectTimeout = null,
        ErrorReconnectTimeout = null,
    };
}

/// <summary>The SDK as a bot uses it: <c>await foreach</c> over typed events, typed sends.</summary>
internal sealed class MiraiContestant(bool paced = false) : Contestant
{
    public override string Name => paced ? "mirai-paced" : "mirai";

    /// <summary>Gets or sets the per-subscriber buffer (the load test's --capacity).</summary>
    public static int Capacity { get; set; } = new MiraiConnectionOptions().EventBufferCapacity;

    public static MiraiConnectionOptions Options(Uri uri)
    {
        var options = new MiraiConnectionOptions { Uri = uri, VerifyKey = "load-test", QQ = 10001 };
        Tune(options);
        return options;
    }

    /// <summary>The load test's settings, for a dialling connection and for each account of server mode alike.</summary>
    public static void Tune(MiraiConnectionOptions options)
    {
        options.EventBufferCapacity = Capacity;

        // The engine is measured, not a server's flood control: the hand-written clients do not pace either.
        options.SendRateLimit = new() { Enabled = false };
    }

    /// <summary>Pacing on, with allowances no round trip of the load test can spend (10,000 at once, refilled
    /// every 100 ns): what the limiter costs when it does not limit.</summary>
    public static MiraiConnectionOptions PacedOptions(Uri uri)
    {
        var options = Options(uri);
        options.SendRateLimit = new()
        {
            Enabled = true,
            AccountBurst = 10_000,
            AccountInterval = TimeSpan.FromTicks(1),
            ConversationBurst = 10_000,
            ConversationInterval = TimeSpan.FromTicks(1),
        };
        return options;
    }

    private MiraiConnectionOptions OptionsFor(Uri uri) => paced ? PacedOptions(uri) : Options(uri);

    public override async Task<Sample> IngestAsync(Uri uri, long events)
    {
        await using var connection = new MiraiConnection(OptionsFor(uri));
        var subscription = connection.GetEventsAsync<GroupMessage>();
        await connection.ConnectAsync();
        return await IngestAsync(Name, connection, subscription, events, connection.DisposeAsync);
    }

    /// <summary>Consumes a stream on a connected connection: measured from the <c>about</c> call that starts it.</summary>
    /// <param name="abandon">Ends the enumeration when events went missing; <see langword="null"/> leaves it to
    /// the connection's owner (server mode: the host's shutdown).</param>
    public static async Task<Sample> IngestAsync(string name, IMiraiConnection connection, IAsyncEnumerable<GroupMessage> subscription, long events, Func<ValueTask>? abandon)
    {
        var check = new EventCheck(Workload.Mirai, bytesOnly: false);
        var meter = Meter.Start();
        var consuming = Task.Run(async () =>
        {
            await foreach (var message in subscription)
            {
                if (check.SpotDue)
                {
                    check.Spot(Canonical(message));
                }

                check.Add(Print(message));
                if (check.Seen == events)
                {
                    break;
                }
            }
        });
        await connection.AboutAsync();

        // Dropped events never arrive: stop once the stream has been quiet for a while, and say so.
        long lastSeen = -1;
        while (!consuming.IsCompleted)
        {
            await Task.WhenAny(consuming, Task.Delay(2000));
            if (check.Seen == lastSeen)
            {
                break;
            }

            lastSeen = check.Seen;
        }

        var dropped = connection.DroppedEventCount;
        var complete = consuming.IsCompleted;
        var valid = complete && check.Valid(events) && dropped == 0;
        var sample = meter.Stop(name, "ingest", events, valid, $"{check.Note(events)}, {dropped} dropped, buffer {Capacity}");
        if (!complete && abandon is not null)
        {
            // The enumeration is still waiting; disposing the connection ends it.
            await abandon();
            await consuming;
        }

        return sample;
    }

    public override async Task<(Func<CancellationToken, Task> RoundTrip, Func<Task> Close)> ConnectEchoAsync(Uri uri)
    {
        var connection = new MiraiConnection(OptionsFor(uri));
        await connection.ConnectAsync();
        return (RoundTrip(connection), async () => await connection.DisposeAsync());
    }

    /// <summary>The measured call: a typed <c>sendGroupMessage</c>.</summary>
    public static Func<CancellationToken, Task> RoundTrip(IMiraiConnection connection)
    {
        MessageChain chain = Workload.ReplyText;
        return ct => connection.SendGroupMessageAsync(Workload.GroupTarget, chain, null, ct);
    }

    private static long Print(GroupMessage message)
    {
        long sum = 0;
        var chain = message.MessageChain;
        for (var i = 0; i < chain.Count; i++)
        {
            sum += chain[i] switch
            {
                SourceElement source => Fingerprint.Source(source.Id),
                PlainElement plain => Fingerprint.Text(plain.Text.Length),
                AtElement at => Fingerprint.At(at.Target),
                FaceElement face => Fingerprint.Face(face.FaceId ?? -1),
                ImageElement image => Fingerprint.Image(image.Width, image.Size),
                QuoteElement quote => Fingerprint.Quote(quote.Id, quote.Origin.Count),
                _ => 0,
            };
        }

        var sender = message.Sender;
        return Fingerprint.Event(chain.MessageId ?? 0, sender.Id, sender.Group.Id, sender.MemberName.Length, sender.Group.Name.Length, chain.Count, sum);
    }

    private static string Permission(GroupPermission permission) => permission switch
    {
        GroupPermission.Owner => "OWNER",
        GroupPermission.Administrator => "ADMINISTRATOR",
        GroupPermission.Member => "MEMBER",
        _ => permission.ToString(),
    };

    private static string Canonical(GroupMessage message)
    {
        var sender = message.Sender;
        var b = MiraiCanonical.Start(sender.MemberName, sender.SpecialTitle, Permission(sender.Permission), sender.Group.Name, Permission(sender.Group.Permission));
        foreach (var element in message.MessageChain)
        {
            _ = element switch
            {
                SourceElement source => b.Source(source.Id),
                PlainElement plain => b.Plain(plain.Text),
                AtElement at => b.At(at.Target),
                FaceElement face => b.Face(face.FaceId ?? -1, face.Name),
                ImageElement image => b.Image(image.ImageId, image.Url),
                QuoteElement quote => b.Quote(quote.Id, quote.SenderId, quote.Origin is [PlainElement origin] ? origin.Text : ""),
                _ => b.Other(element.Type),
            };
        }

        return b.ToString();
    }
}
