using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Reactive.Linq;
using System.Text;
using System.Text.Json;
using Newtonsoft.Json.Linq;
using MiraiClient.Baselines;
using Websocket.Client;

namespace MiraiClient.LoadTest;

/// <summary>What one contestant process runs: a warm-up connection, then the measured ones.</summary>
internal abstract class Contestant
{
    public const int InFlight = 64;

    /// <summary>Bounds every wait on the server, so a lost event fails the run instead of hanging it.</summary>
    protected static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(5);

    public abstract string Name { get; }

    public static Contestant Create(string name) => name switch
    {
        "raw" => new RawContestant(decode: false),
        "stj" => new RawContestant(decode: true),
        "peer" => new PeerContestant(),
        "mirai" => new MiraiContestant(),
        _ => throw new ArgumentException($"unknown contestant {name}"),
    };

    /// <summary>Connects to a streaming server, starts the stream and consumes it; measured from the start request.</summary>
    public abstract Task<Sample> IngestAsync(Uri uri, long events);

    /// <summary>Connects to the echo server and returns a round-trip function plus a closer.</summary>
    public abstract Task<(Func<Task<int>> RoundTrip, Func<Task> Close)> ConnectEchoAsync(Uri uri);

    public async Task<Sample[]> RoundTripsAsync(Uri uri, int sequential, int concurrent)
    {
        var (roundTrip, close) = await ConnectEchoAsync(uri);
        try
        {
            // Latency: one request in flight.
            var latencies = new double[sequential];
            var meter = Meter.Start();
            for (var i = 0; i < sequential; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await roundTrip();
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            }

            Array.Sort(latencies);
            var one = meter.Stop(Name, "rtt1", sequential, p50: Percentile(latencies, 0.50), p99: Percentile(latencies, 0.99));

            // Throughput: 64 in flight.
            var per = concurrent / InFlight;
            meter = Meter.Start();
            var workers = new Task[InFlight];
            var ok = 0;
            for (var w = 0; w < InFlight; w++)
            {
                workers[w] = Task.Run(async () =>
                {
                    for (var i = 0; i < per; i++)
                    {
                        if (await roundTrip() > 0)
                        {
                            Interlocked.Increment(ref ok);
                        }
                    }
                });
            }

            await Task.WhenAll(workers);
            var many = meter.Stop(Name, "rtt64", per * InFlight, valid: ok == per * InFlight);
            return [one, many];
        }
        finally
        {
            await close();
        }
    }

    protected static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    protected static ClientWebSocket NewSocket()
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("verifyKey", "load-test");
        socket.Options.SetRequestHeader("qq", "10001");
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        return socket;
    }
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
        var meter = Meter.Start();
        await socket.SendAsync(Encoding.UTF8.GetBytes(Workload.AboutRequest(1)), WebSocketMessageType.Text, true, CancellationToken.None);
        long seen = 0, checksum = 0;
        while (seen < events)
        {
            var count = await ReceiveAsync(socket, buffer);
            var frame = buffer.AsSpan(0, count);
            if (!frame.StartsWith(EventPrefix))
            {
                continue;
            }

            seen++;
            if (decode)
            {
                var decoded = JsonSerializer.Deserialize(frame, StjJson.Default.StjFrame)!;
                checksum += decoded.Data.MessageChain[0].Id!.Value;
            }
        }

        var valid = !decode || checksum == Workload.Checksum(events);
        var sample = meter.Stop(Name, "ingest", events, valid, decode ? $"checksum {(valid ? "ok" : "WRONG")}" : "discarded");
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        return sample;
    }

    public override async Task<(Func<Task<int>> RoundTrip, Func<Task> Close)> ConnectEchoAsync(Uri uri)
    {
        var socket = NewSocket();
        await socket.ConnectAsync(new Uri(uri, "all"), CancellationToken.None);
        var buffer = new byte[64 * 1024];
        await ReceiveAsync(socket, buffer);
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

                    var (id, messageId) = decode ? ReadReplyStj(buffer.AsSpan(0, count)) : ReadReplyRaw(buffer.AsSpan(0, count));
                    if (pending.TryRemove(id, out var waiter))
                    {
                        waiter.TrySetResult(messageId);
                    }
                }
            }
            catch (WebSocketException)
            {
            }
        });

        async Task<int> RoundTrip()
        {
            var id = Interlocked.Increment(ref lastId);
            var waiter = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            pending[id] = waiter;
            await sendLock.WaitAsync();
            try
            {
                if (decode)
                {
                    var bytes = JsonSerializer.SerializeToUtf8Bytes(new StjRequest(id.ToString(System.Globalization.CultureInfo.InvariantCulture), "sendGroupMessage", null, new StjSendContent(Workload.GroupTarget, null, [new StjPlain("Plain", Workload.ReplyText)])), StjJson.Default.StjRequest);
                    await socket.SendAsync(bytes, WebSocketMessageType.Text, true, CancellationToken.None);
                }
                else
                {
                    var rented = ArrayPool<byte>.Shared.Rent(512);
                    var length = Encoding.UTF8.GetBytes(Workload.Request(id), rented);
                    await socket.SendAsync(rented.AsMemory(0, length), WebSocketMessageType.Text, true, CancellationToken.None);
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }
            finally
            {
                sendLock.Release();
            }

            return await waiter.Task;
        }

        async Task Close()
        {
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            await receiving;
            socket.Dispose();
        }

        return (RoundTrip, Close);
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
        long seen = 0, checksum = 0;
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
            checksum += (int)data.MessageChain![0]["id"]!;
            if (++seen == events)
            {
                done.TrySetResult();
            }
        });
        await client.Start();
        await handshake.Task.WaitAsync(StepTimeout);
        var meter = Meter.Start();
        client.Send(Workload.AboutRequest(1));
        await done.Task.WaitAsync(StepTimeout);
        var valid = checksum == Workload.Checksum(events);
        var sample = meter.Stop(Name, "ingest", events, valid, $"checksum {(valid ? "ok" : "WRONG")}");
        await client.Stop(WebSocketCloseStatus.NormalClosure, "");
        return sample;
    }

    public override async Task<(Func<Task<int>> RoundTrip, Func<Task> Close)> ConnectEchoAsync(Uri uri)
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

        Task<int> RoundTrip()
        {
            var id = Interlocked.Increment(ref lastId);
            var waiter = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
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

        async Task Close()
        {
            await client.Stop(WebSocketCloseStatus.NormalClosure, "");
            subscription.Dispose();
            client.Dispose();
        }

        return (RoundTrip, Close);
    }

    private static WebsocketClient NewClient(Uri uri) => new(new Uri(uri, "all"), () => NewSocket())
    {
        IsReconnectionEnabled = false,
        ReconnectTimeout = null,
        ErrorReconnectTimeout = null,
    };
}

/// <summary>The SDK as a bot uses it: <c>await foreach</c> over typed events, typed sends.</summary>
internal sealed class MiraiContestant : Contestant
{
    public override string Name => "mirai";

    /// <summary>Gets or sets the per-subscriber buffer (the load test's --capacity).</summary>
    public static int Capacity { get; set; } = new MiraiConnectionOptions().EventBufferCapacity;

    public static MiraiConnectionOptions Options(Uri uri) => new()
    {
        Uri = uri,
        VerifyKey = "load-test",
        QQ = 10001,
        EventBufferCapacity = Capacity,
    };

    public override async Task<Sample> IngestAsync(Uri uri, long events)
    {
        await using var connection = new MiraiConnection(Options(uri));
        var subscription = connection.GetEventsAsync<GroupMessage>();
        await connection.ConnectAsync();
        var meter = Meter.Start();
        long seen = 0, checksum = 0;
        var consuming = Task.Run(async () =>
        {
            await foreach (var message in subscription)
            {
                checksum += message.MessageChain.MessageId!.Value;
                if (++seen == events)
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
            if (Volatile.Read(ref seen) == lastSeen)
            {
                break;
            }

            lastSeen = Volatile.Read(ref seen);
        }

        var dropped = connection.DroppedEventCount;
        var complete = consuming.IsCompleted;
        var valid = complete && checksum == Workload.Checksum(events) && dropped == 0;
        var sample = meter.Stop(Name, "ingest", events, valid, $"checksum {(checksum == Workload.Checksum(events) ? "ok" : "WRONG")}, {dropped} dropped, buffer {Capacity}");
        if (!complete)
        {
            // The enumeration is still waiting; disposing the connection ends it.
            await connection.DisposeAsync();
            await consuming;
        }

        return sample;
    }

    public override async Task<(Func<Task<int>> RoundTrip, Func<Task> Close)> ConnectEchoAsync(Uri uri)
    {
        var connection = new MiraiConnection(Options(uri));
        await connection.ConnectAsync();
        MessageChain chain = Workload.ReplyText;
        return (() => connection.SendGroupMessageAsync(Workload.GroupTarget, chain), async () => await connection.DisposeAsync());
    }
}
