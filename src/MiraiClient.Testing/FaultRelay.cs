using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace MiraiClient.Testing;

/// <summary>Which way bytes flow through a <see cref="FaultRelay"/>.</summary>
[Flags]
public enum RelayDirection
{
    /// <summary>From the client to the server.</summary>
    ClientToServer = 1,

    /// <summary>From the server to the client.</summary>
    ServerToClient = 2,

    /// <summary>Both ways.</summary>
    Both = ClientToServer | ServerToClient,
}

/// <summary>One WebSocket frame seen by a <see cref="FaultRelay"/> rule.</summary>
public readonly struct RelayFrame
{
    internal RelayFrame(int opcode, bool final, byte[] payload)
    {
        Opcode = opcode;
        Final = final;
        Payload = payload;
    }

    /// <summary>Gets the opcode (1 text, 2 binary, 8 close, 9 ping, 10 pong).</summary>
    public int Opcode { get; }

    /// <summary>Gets whether this is the last frame of a message.</summary>
    public bool Final { get; }

    /// <summary>Gets the payload, unmasked.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>Gets whether this is a pong.</summary>
    public bool IsPong => Opcode == 10;

    /// <summary>Gets the payload as text (for text frames).</summary>
    public string Text => Encoding.UTF8.GetString(Payload.Span);
}

/// <summary>
/// A TCP relay on 127.0.0.1 between a client and a server that injects network faults: latency with
/// jitter, a bandwidth limit, 1-byte slicing, freezing one or both directions, graceful close, reset,
/// refusing or holding new connections, and WebSocket-frame-aware drop rules. Randomness is seeded.
/// </summary>
/// <remarks>A frozen relay is a frozen peer, not packet loss: the relay's kernel still acknowledges
/// bytes, so only heartbeats notice it, not TCP.</remarks>
public sealed class FaultRelay : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly int _upstreamPort;
    private readonly Random _random;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly List<Link> _links = [];
    private readonly List<TimeSpan> _acceptTimes = [];
    private readonly List<Task> _tasks = [];
    private readonly long _startedAt = Stopwatch.GetTimestamp();
    private TaskCompletionSource _clientToServerThawed = Background.OpenGate();
    private TaskCompletionSource _serverToClientThawed = Background.OpenGate();
    private readonly RestartableListener _listening;

    private FaultRelay(int upstreamPort, int seed, int port)
    {
        _upstreamPort = upstreamPort;
        _random = new Random(seed);
        _listening = new RestartableListener(IPAddress.Loopback, port);
    }

    /// <summary>Gets the port the relay listens on.</summary>
    public int Port => _listening.Port;

    /// <summary>Gets the WebSocket address of the relay.</summary>
    public Uri Uri => new($"ws://127.0.0.1:{Port}");

    /// <summary>Gets or sets the one-way delay added to every byte (default: none).</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Gets or sets the random variation of <see cref="Latency"/>, ± (default: none). Order is kept.</summary>
    public TimeSpan Jitter { get; set; }

    /// <summary>Gets or sets the bandwidth per direction in bytes per second, or 0 for no limit (default: 0).</summary>
    public int BytesPerSecond { get; set; }

    /// <summary>Gets or sets whether bytes are written one at a time (default: <see langword="false"/>).</summary>
    public bool SliceBytes { get; set; }

    /// <summary>Gets or sets whether new connections are accepted and then held: never forwarded, never answered.</summary>
    public bool HoldNewConnections { get; set; }

    /// <summary>Gets or sets a rule that drops server-to-client WebSocket frames it returns <see langword="true"/> for.</summary>
    public Func<RelayFrame, bool>? DropServerFrame { get; set; }

    /// <summary>Gets or sets a rule that drops client-to-server WebSocket frames it returns <see langword="true"/> for.</summary>
    public Func<RelayFrame, bool>? DropClientFrame { get; set; }

    /// <summary>Gets when each connection was accepted, measured from the relay's start.</summary>
    public IReadOnlyList<TimeSpan> AcceptTimes
    {
        get
        {
            lock (_gate)
            {
                return [.. _acceptTimes];
            }
        }
    }

    /// <summary>Gets the number of open relayed connections.</summary>
    public int ConnectionCount
    {
        get
        {
            lock (_gate)
            {
                return _links.Count;
            }
        }
    }

    /// <summary>Starts a relay in front of a server on 127.0.0.1.</summary>
    /// <param name="upstreamPort">The server's port.</param>
    /// <param name="seed">The seed for jitter (default: 1).</param>
    /// <param name="port">The relay's port (default: 0, ephemeral).</param>
    /// <returns>The running relay.</returns>
    public static FaultRelay Start(int upstreamPort, int seed = 1, int port = 0)
    {
        var relay = new FaultRelay(upstreamPort, seed, port);
        relay.StartListening();
        return relay;
    }

    /// <summary>Starts (or resumes) accepting connections on <see cref="Port"/>.</summary>
    public void StartListening()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_lifetime.IsCancellationRequested, this);
            if (_listening.Start(AcceptLoopAsync) is { } loop)
            {
                _tasks.Add(loop);
            }
        }
    }

    /// <summary>Stops accepting; new connections are refused. Open ones go on.</summary>
    public void StopListening() => _listening.Stop();

    /// <summary>Stops forwarding in the given direction(s) and stops reading there, as a stopped process would.</summary>
    /// <param name="direction">Which way to freeze.</param>
    public void Freeze(RelayDirection direction = RelayDirection.Both)
    {
        lock (_gate)
        {
            if (direction.HasFlag(RelayDirection.ClientToServer) && _clientToServerThawed.Task.IsCompleted)
            {
                _clientToServerThawed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            if (direction.HasFlag(RelayDirection.ServerToClient) && _serverToClientThawed.Task.IsCompleted)
            {
                _serverToClientThawed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>Ends every <see cref="Freeze"/>.</summary>
    public void Thaw()
    {
        lock (_gate)
        {
            _clientToServerThawed.TrySetResult();
            _serverToClientThawed.TrySetResult();
        }
    }

    /// <summary>Resets every relayed connection on both sides (RST).</summary>
    public void ResetConnections() => ForEachLink(link => link.Close(reset: true));

    /// <summary>Closes every relayed connection gracefully on both sides (FIN).</summary>
    public void CloseConnections() => ForEachLink(link => link.Close(reset: false));

    /// <summary>Stops the relay and drops every connection.</summary>
    /// <returns>A task that completes when every pump has ended.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_lifetime.IsCancellationRequested)
        {
            return;
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        StopListening();
        Thaw();
        ResetConnections();
        Task[] tasks;
        lock (_gate)
        {
            tasks = [.. _tasks];
        }

        await Background.WaitBoundedAsync(tasks).ConfigureAwait(false);

        _lifetime.Dispose();
    }

    private void ForEachLink(Action<Link> action)
    {
        Link[] links;
        lock (_gate)
        {
            links = [.. _links];
        }

        foreach (var link in links)
        {
            action(link);
        }
    }

    private Task Gate(RelayDirection direction)
    {
        lock (_gate)
        {
            return direction == RelayDirection.ClientToServer ? _clientToServerThawed.Task : _serverToClientThawed.Task;
        }
    }

    private TimeSpan NextDelay()
    {
        var jitter = Jitter;
        if (jitter <= TimeSpan.Zero)
        {
            return Latency;
        }

        lock (_random)
        {
            return Latency + TimeSpan.FromTicks((long)((_random.NextDouble() * 2 - 1) * jitter.Ticks));
        }
    }

    private async Task AcceptLoopAsync(TcpListener listener)
    {
        while (!_lifetime.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(_lifetime.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException or OperationCanceledException or InvalidOperationException)
            {
                return;
            }

            lock (_gate)
            {
                _acceptTimes.Add(Stopwatch.GetElapsedTime(_startedAt));
                _tasks.RemoveAll(t => t.IsCompleted);
                _tasks.Add(RelayAsync(client));
            }
        }
    }

    private async Task RelayAsync(Socket client)
    {
        client.NoDelay = true;
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var link = new Link(client, server);
        lock (_gate)
        {
            _links.Add(link);
        }

        try
        {
            if (HoldNewConnections)
            {
                await Task.Delay(Timeout.Infinite, link.Closed).ConfigureAwait(false);
                return;
            }

            await server.ConnectAsync(IPAddress.Loopback, _upstreamPort, _lifetime.Token).ConfigureAwait(false);
            await Task.WhenAll(
                PumpAsync(link, client, server, RelayDirection.ClientToServer),
                PumpAsync(link, server, client, RelayDirection.ServerToClient)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException or IOException or ChannelClosedException)
        {
            // One side went away or the relay is stopping.
        }
        finally
        {
            link.Close(reset: true);
            lock (_gate)
            {
                _links.Remove(link);
            }
        }
    }

    private async Task PumpAsync(Link link, Socket from, Socket to, RelayDirection direction)
    {
        var chunks = Channel.CreateUnbounded<(byte[] Bytes, long Due)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var writer = WriteAsync(link, to, direction, chunks.Reader);
        var frames = new FrameFilter(direction == RelayDirection.ServerToClient ? () => DropServerFrame : () => DropClientFrame);
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                await Gate(direction).WaitAsync(link.Closed).ConfigureAwait(false);
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, link.Closed).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                var due = Stopwatch.GetTimestamp() + (long)(NextDelay().TotalSeconds * Stopwatch.Frequency);
                foreach (var piece in frames.Filter(buffer.AsSpan(0, read)))
                {
                    chunks.Writer.TryWrite((piece, due));
                }
            }
        }
        finally
        {
            chunks.Writer.TryComplete();
            await writer.ConfigureAwait(false);
            link.Close(reset: false);
        }
    }

    private async Task WriteAsync(Link link, Socket to, RelayDirection direction, ChannelReader<(byte[] Bytes, long Due)> chunks)
    {
        long lastDue = 0;
        var throttle = new Throttle();
        try
        {
            await foreach (var (bytes, due) in chunks.ReadAllAsync(link.Closed).ConfigureAwait(false))
            {
                // Keep order even when jitter would put a later chunk first.
                lastDue = Math.Max(lastDue, due);
                var wait = lastDue - Stopwatch.GetTimestamp();
                if (wait > 0)
                {
                    await Task.Delay(TimeSpan.FromSeconds(wait / (double)Stopwatch.Frequency), link.Closed).ConfigureAwait(false);
                }

                await Gate(direction).WaitAsync(link.Closed).ConfigureAwait(false);
                if (SliceBytes)
                {
                    for (var i = 0; i < bytes.Length; i++)
                    {
                        await to.SendAsync(bytes.AsMemory(i, 1), SocketFlags.None, link.Closed).ConfigureAwait(false);
                        await throttle.WaitAsync(1, BytesPerSecond, link.Closed).ConfigureAwait(false);
                    }
                }
                else
                {
                    await to.SendAsync(bytes, SocketFlags.None, link.Closed).ConfigureAwait(false);
                    await throttle.WaitAsync(bytes.Length, BytesPerSecond, link.Closed).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            link.Close(reset: true);
        }
    }

    /// <summary>A token bucket: sleeps only when the writer is ahead of its budget, so timer resolution
    /// does not lower the rate when bytes are written one at a time.</summary>
    private sealed class Throttle
    {
        private long _since = Stopwatch.GetTimestamp();
        private long _bytes;

        public Task WaitAsync(int bytes, int rate, CancellationToken cancellationToken)
        {
            if (rate <= 0)
            {
                _since = Stopwatch.GetTimestamp();
                _bytes = 0;
                return Task.CompletedTask;
            }

            _bytes += bytes;
            var ahead = TimeSpan.FromSeconds(_bytes / (double)rate) - Stopwatch.GetElapsedTime(_since);
            return ahead > TimeSpan.FromMilliseconds(5) ? Task.Delay(ahead, cancellationToken) : Task.CompletedTask;
        }
    }

    /// <summary>Both sockets of one relayed connection.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The token source is cancelled, never disposed: pumps may still observe its token after Close.")]
    private sealed class Link(Socket client, Socket server)
    {
        private readonly CancellationTokenSource _closed = new();
        private int _closing;

        public CancellationToken Closed => _closed.Token;

        public void Close(bool reset)
        {
            if (Interlocked.Exchange(ref _closing, 1) != 0)
            {
                return;
            }

            foreach (var socket in new[] { client, server })
            {
                try
                {
                    if (reset)
                    {
                        socket.LingerState = new LingerOption(true, 0);
                    }
                    else if (socket.Connected)
                    {
                        socket.Shutdown(SocketShutdown.Both);
                    }
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                    // Already gone.
                }

                socket.Dispose();
            }

            _closed.Cancel();
        }
    }

    /// <summary>Passes the HTTP upgrade through, then cuts the byte stream into WebSocket frames so a rule can drop whole frames.</summary>
    private sealed class FrameFilter(Func<Func<RelayFrame, bool>?> rule)
    {
        private readonly List<byte> _pending = [];
        private bool _upgraded;

        public List<byte[]> Filter(ReadOnlySpan<byte> bytes)
        {
            _pending.AddRange(bytes.ToArray());
            var output = new List<byte[]>();
            if (!_upgraded)
            {
                var head = IndexOf(_pending, "\r\n\r\n"u8.ToArray());
                if (head < 0)
                {
                    output.Add([.. _pending]);
                    _pending.Clear();
                    return output;
                }

                output.Add(_pending.GetRange(0, head + 4).ToArray());
                _pending.RemoveRange(0, head + 4);
                _upgraded = true;
            }

            while (TryTakeFrame(out var raw, out var frame))
            {
                if (rule() is { } drop && drop(frame))
                {
                    continue;
                }

                output.Add(raw);
            }

            return output;
        }

        private static int IndexOf(List<byte> haystack, byte[] needle)
        {
            for (var i = 0; i + needle.Length <= haystack.Count; i++)
            {
                var match = true;
                for (var j = 0; j < needle.Length && match; j++)
                {
                    match = haystack[i + j] == needle[j];
                }

                if (match)
                {
                    return i;
                }
            }

            return -1;
        }

        private bool TryTakeFrame(out byte[] raw, out RelayFrame frame)
        {
            raw = [];
            frame = default;
            if (_pending.Count < 2)
            {
                return false;
            }

            var masked = (_pending[1] & 0x80) != 0;
            long length = _pending[1] & 0x7F;
            var header = 2;
            if (length == 126)
            {
                if (_pending.Count < 4)
                {
                    return false;
                }

                length = (_pending[2] << 8) | _pending[3];
                header = 4;
            }
            else if (length == 127)
            {
                if (_pending.Count < 10)
                {
                    return false;
                }

                length = 0;
                for (var i = 2; i < 10; i++)
                {
                    length = (length << 8) | _pending[i];
                }

                header = 10;
            }

            var maskAt = header;
            if (masked)
            {
                header += 4;
            }

            if (_pending.Count < header + length)
            {
                return false;
            }

            raw = _pending.GetRange(0, header + (int)length).ToArray();
            var payload = raw.AsSpan(header).ToArray();
            if (masked)
            {
                for (var i = 0; i < payload.Length; i++)
                {
                    payload[i] ^= raw[maskAt + (i % 4)];
                }
            }

            frame = new RelayFrame(raw[0] & 0x0F, (raw[0] & 0x80) != 0, payload);
            _pending.RemoveRange(0, raw.Length);
            return true;
        }
    }
}
