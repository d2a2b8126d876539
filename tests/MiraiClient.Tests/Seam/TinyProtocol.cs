using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using MiraiClient.Internal;

namespace MiraiClient.Tests.Seam;

/// <summary>The event of the test-only protocol.</summary>
public sealed record TinyEvent(string Name);

/// <summary>
/// A second wire protocol that exists only in the tests, to prove the seam: the engine (lifecycle,
/// sessions, outbox, pending requests, heartbeat, backoff, telemetry, disposal) runs it unchanged. Frames:
/// the server's <c>{"welcome":true|false}</c> handshake, <c>{"event":"name"}</c> events,
/// <c>{"reply":id,"value":"…"}</c> replies; the client's <c>{"call":id,"arg":"…"}</c> requests and
/// <c>{"ping":id}</c> probes.
/// </summary>
internal sealed class TinyProtocol(string key) : WireProtocol<TinyEvent>(TinyTelemetry)
{
    public static readonly ProtocolTelemetry TinyTelemetry = new("tiny", "call", "tiny.id");

    public override bool AwaitsHandshakeFrame => true;

    public override void ConfigureClientSocket(ClientWebSocketOptions options) => options.SetRequestHeader("x-tiny-key", key);

    public override FrameHandler<TinyEvent> CreateFrameHandler(IFrameSink<TinyEvent> sink) => new Handler(sink);

    public override RequestFrame EncodeProbe(long id) => Frame($"{{\"ping\":{id}}}");

    public override string EventTag(TinyEvent item) => "event";

    public override bool IsFatal(SessionEnd end) => end.Reason == DisconnectReason.HandshakeRejected;

    public static RequestFrame Frame(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var rented = ArrayPool<byte>.Shared.Rent(bytes.Length);
        bytes.CopyTo(rented, 0);
        return new RequestFrame(rented, bytes.Length);
    }

    private sealed class Handler(IFrameSink<TinyEvent> sink) : FrameHandler<TinyEvent>
    {
        public override void Handle(ReadOnlySpan<byte> message, bool isCheckedUtf8)
        {
            using var document = JsonDocument.Parse(message.ToArray());
            var root = document.RootElement;
            if (root.TryGetProperty("welcome", out var welcome))
            {
                if (welcome.GetBoolean())
                {
                    sink.AcceptHandshake();
                }
                else
                {
                    sink.RejectHandshake(new MiraiConnectionException(DisconnectReason.HandshakeRejected, "The tiny server refused the key."));
                }
            }
            else if (root.TryGetProperty("event", out var name))
            {
                sink.Deliver(new TinyEvent(name.GetString()!));
            }
            else if (root.TryGetProperty("reply", out var id))
            {
                sink.Reply(id.GetInt64(), message);
            }
        }
    }
}

/// <summary>The test-only protocol's one request: echo a text.</summary>
internal readonly struct TinyEcho(string arg) : IRequest
{
    public string Name => "echo";

    public RequestFrame Encode(long id) => TinyProtocol.Frame(JsonSerializer.Serialize(new Dictionary<string, object> { ["call"] = id, ["arg"] = arg }));
}

/// <summary>The reply of an echo: its <c>value</c>.</summary>
internal sealed class TinyEchoReply : ReplyShape<string>
{
    public static readonly TinyEchoReply Instance = new();

    public override string Decode(string name, byte[] reply)
    {
        using var document = JsonDocument.Parse(reply);
        return document.RootElement.GetProperty("value").GetString()!;
    }
}

/// <summary>The options of the test-only protocol's connection: the engine's own, nothing more.</summary>
internal sealed class TinyOptions : IConnectionOptions
{
    public ReconnectOptions Reconnect { get; set; } = new() { FirstRetryMaxDelay = TimeSpan.FromMilliseconds(20), BaseDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromMilliseconds(200) };

    public HeartbeatOptions Heartbeat { get; set; } = new();

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan DisposeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public int MaxMessageSize { get; set; } = 1024 * 1024;

    public int EventBufferCapacity { get; set; } = 1024;

    public EventOverflowPolicy EventOverflowPolicy { get; set; }

    public bool WaitForConnection { get; set; } = true;

    public Action<ClientWebSocketOptions>? ConfigureWebSocket { get; set; }

    public bool UseWebSocketPings { get; set; }

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    public SendRateLimitOptions SendRateLimit { get; set; } = new();
}

/// <summary>A connection speaking the test-only protocol: a thin facade over the engine, as a real protocol's would be.</summary>
internal sealed class TinyConnection : IAsyncDisposable
{
    public TinyConnection(Uri endpoint, string key, TinyOptions options, Microsoft.Extensions.Logging.ILogger logger)
    {
        var settings = ConnectionSettings.Create(options, endpoint, new OptionCheck(nameof(TinyOptions)));
        Core = new ConnectionCore<TinyEvent>(settings, new TinyProtocol(key), logger, random: null, owner: this, publicType: typeof(TinyConnection));
        Invoker = new CommandInvoker<TinyEvent>(Core);
    }

    public ConnectionCore<TinyEvent> Core { get; }

    public CommandInvoker<TinyEvent> Invoker { get; }

    public Task<string> EchoAsync(string text, CancellationToken cancellationToken = default) =>
        Invoker.SendAsync(new TinyEcho(text), TinyEchoReply.Instance, cancellationToken);

    public ValueTask DisposeAsync() => Core.DisposeAsync();
}
