using System.Buffers;
using System.Net.WebSockets;
using Microsoft.Extensions.Logging;

namespace MiraiClient.Internal;

/// <summary>How one session ended.</summary>
internal sealed record SessionEnd(DisconnectReason Reason, Exception? Error, string Detail);

/// <summary>A frame waiting for the socket, and the command it carries, if any (probes carry none).</summary>
internal readonly record struct Outgoing(RequestFrame Frame, PendingRequest? Request, string? Command);

/// <summary>A request waiting for its reply; it is the reply's completion source itself, one object fewer per command.</summary>
internal sealed class PendingRequest(long sentAt, long deadline) : TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously)
{

    public long SentAt { get; } = sentAt;

    public long Deadline { get; } = deadline;
}

/// <summary>
/// One WebSocket and everything that lives and dies with it: the receive loop, the heartbeat, the
/// outbox and the requests waiting for replies. A <see cref="ClientWebSocket"/> is single-use, so
/// every connection attempt gets a new session; the first failure of any part ends them all.
/// </summary>
internal sealed class Session : IAsyncDisposable
{
    private const int InitialReceiveBuffer = 16 * 1024;

    /// <summary>Events are handed to subscribers in batches of at most this many; a smaller batch goes
    /// as soon as the socket has nothing more to read, so an event waits only while more are already
    /// buffered (at most this many decodes, a few milliseconds). Each hand-over may wake a reader,
    /// which costs far more than decoding an event, so at full rate the batch size sets the hand-over's
    /// share of the CPU (benchmarks/RESULTS.md compares sizes).</summary>
    private const int MaxEventBatch = 2048;

    /// <summary>The most frames a command's caller writes for others before the rest move to the pool.</summary>
    private const int MaxInlineWrites = 64;

    private readonly ConnectionSettings _settings;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly EventBroadcaster _events;
    private readonly Func<long> _nextRequestId;
    private readonly Action<Session> _ended;
    private readonly byte[] _reservedSyncId;
    private readonly byte[]? _eventFramePrefix;
    private readonly DecodeCache _decodeCache = new();
    private readonly MiraiEvent[] _eventBatch;
    private int _eventBatchCount;
    private readonly ClientWebSocket _socket = new();
    private readonly CancellationTokenSource _cts = new();
    private readonly TaskCompletionSource _handshake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<SessionEnd> _end = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly object _outboxGate = new();
    private readonly Queue<Outgoing> _outbox = new();
    private bool _writing;
    private bool _outboxClosed;
    private readonly Dictionary<long, PendingRequest> _pending = [];
    private bool _pendingClosed;
    private long _lastInbound;
    private long _probeId = -1;
    private Task _receiveLoop = Task.CompletedTask;
    private Task _heartbeatLoop = Task.CompletedTask;

    public Session(ConnectionSettings settings, ILogger logger, TimeProvider time, EventBroadcaster events, Func<long> nextRequestId, Action<Session> ended)
    {
        _ended = ended;
        _settings = settings;
        _logger = logger;
        _time = time;
        _events = events;
        _nextRequestId = nextRequestId;
        _reservedSyncId = System.Text.Encoding.UTF8.GetBytes(settings.ReservedSyncId);
        _eventFramePrefix = MessageEventReader.EventFramePrefix(settings.ReservedSyncId);

        // A batch never exceeds a quarter of a subscriber's buffer, so a burst a prompt reader could keep
        // up with is not dropped only because it was handed over at once.
        _eventBatch = new MiraiEvent[Math.Clamp(settings.EventBufferCapacity / 4, 1, MaxEventBatch)];
    }

    /// <summary>Gets a task that completes with the cause when the session ends. It never faults.</summary>
    public Task<SessionEnd> Completion => _end.Task;

    /// <summary>Gets when the handshake succeeded (monotonic timestamp).</summary>
    public long ConnectedAt { get; private set; }

    /// <summary>Gets the server-assigned session key. Held only in memory; never logged.</summary>
    public string? SessionKey { get; private set; }

    /// <summary>Opens the socket and waits for the server's handshake, each bounded by its timeout.</summary>
    /// <param name="lifetime">The connection's lifetime token.</param>
    /// <returns>A task that completes once connected.</returns>
    /// <exception cref="MiraiConnectionException">The attempt failed; <see cref="MiraiConnectionException.Reason"/> says how.</exception>
    /// <exception cref="OperationCanceledException">The lifetime token was cancelled.</exception>
    public async Task ConnectAsync(CancellationToken lifetime)
    {
        var invoker = ConfigureSocket();
        using (var timeout = new CancellationTokenSource(_settings.ConnectTimeout, _time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(lifetime, timeout.Token))
        {
            try
            {
                var connecting = invoker is null
                    ? _socket.ConnectAsync(_settings.Endpoint, linked.Token)
                    : _socket.ConnectAsync(_settings.Endpoint, invoker, linked.Token);
                await connecting.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (lifetime.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (timeout.IsCancellationRequested)
            {
                throw new MiraiConnectionException(DisconnectReason.ConnectTimeout, $"Connecting to {_settings.Endpoint} did not finish within {_settings.ConnectTimeout.TotalSeconds:0.###} s.", ex);
            }
            catch (Exception ex) when (ex is WebSocketException or HttpRequestException or IOException or System.Net.Sockets.SocketException)
            {
                var tls = FindInner<System.Security.Authentication.AuthenticationException>(ex);
                var detail = tls is null ? ex.Message : $"the TLS handshake failed ({tls.Message}); check the server certificate or MiraiConnectionOptions.ConfigureWebSocket's RemoteCertificateValidationCallback";
                throw new MiraiConnectionException(DisconnectReason.ConnectFailed, $"Could not connect to {_settings.Endpoint}: {detail}", ex);
            }
        }

        Volatile.Write(ref _lastInbound, _time.GetTimestamp());
        _receiveLoop = ReceiveLoopAsync();
        try
        {
            await _handshake.Task.WaitAsync(_settings.HandshakeTimeout, _time, lifetime).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Log.HandshakeTimeout(_logger, _settings.HandshakeTimeout.TotalMilliseconds);
            var error = new MiraiConnectionException(DisconnectReason.HandshakeTimeout, $"The server upgraded the socket but sent no handshake frame within {_settings.HandshakeTimeout.TotalSeconds:0.###} s.");
            End(DisconnectReason.HandshakeTimeout, error, "no handshake frame");
            throw error;
        }

        ConnectedAt = _time.GetTimestamp();
        if (_settings.Heartbeat.Enabled)
        {
            _heartbeatLoop = HeartbeatLoopAsync();
        }
    }

    /// <summary>Registers a request before it is sent, so its reply cannot be missed.</summary>
    /// <param name="id">The request id.</param>
    /// <param name="timeout">The caller's timeout, used by the heartbeat to tell a busy server from a dead one.</param>
    /// <returns>The pending entry.</returns>
    /// <returns>The pending entry, or <see langword="null"/> when the session already ended (nothing was sent).</returns>
    public PendingRequest? TryRegister(long id, TimeSpan timeout)
    {
        var now = _time.GetTimestamp();
        var pending = new PendingRequest(now, now + (long)(timeout.TotalSeconds * _time.TimestampFrequency));
        lock (_pending)
        {
            if (_pendingClosed)
            {
                return null;
            }

            _pending.Add(id, pending);
        }

        return pending;
    }

    public void Unregister(long id)
    {
        lock (_pending)
        {
            _pending.Remove(id);
        }
    }

    /// <summary>Queues a frame for the socket and takes ownership of it; the frame goes back to the pool
    /// once written, skipped or dropped. Frames go out in the order they were posted. A caller that finds
    /// no write in progress writes, inline, everything queued until the queue is empty; the others return
    /// at once. So a burst of commands costs no lock hand-over per frame, and nobody waits for a write:
    /// a failed write ends the session, which fails every request still waiting.</summary>
    /// <param name="frame">The frame.</param>
    /// <param name="request">The request the frame carries; once it has completed (cancelled or timed
    /// out) before its turn, the frame is not written at all.</param>
    /// <param name="command">The command word, counted as sent once written; <see langword="null"/> for probes.</param>
    /// <remarks>After the session ended, the frame goes straight back to the pool; the session's end
    /// fails its request.</remarks>
    public void Post(RequestFrame frame, PendingRequest? request, string? command)
    {
        bool startWriter;
        lock (_outboxGate)
        {
            if (_outboxClosed)
            {
                frame.Return();
                return;
            }

            _outbox.Enqueue(new Outgoing(frame, request, command));
            startWriter = !_writing;
            _writing = true;
        }

        if (startWriter)
        {
            // Never faults: a failed write ends the session with its cause.
            _ = WriteOutboxAsync();
        }
    }

    /// <summary>Closes the socket politely, each half bounded by the close timeout, then ends the session.</summary>
    /// <returns>A task that completes when the session has ended.</returns>
    public async Task CloseAsync()
    {
        if (_socket.State == WebSocketState.Open && !_end.Task.IsCompleted)
        {
            try
            {
                // The socket allows one writer: wait for a running write, but not for long.
                if (await _writeLock.WaitAsync(_settings.CloseTimeout).ConfigureAwait(false))
                {
                    try
                    {
                        using var timeout = new CancellationTokenSource(_settings.CloseTimeout, _time);
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token).ConfigureAwait(false);
                    }
                    finally
                    {
                        _writeLock.Release();
                    }

                    await _receiveLoop.WaitAsync(_settings.CloseTimeout, _time).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or TimeoutException or WebSocketException or ObjectDisposedException or IOException)
            {
                Log.CloseFailed(_logger, ex);
            }
        }

        End(DisconnectReason.Stopped, null, "closed by the client");
    }

    /// <summary>Ends the session: the first caller's cause wins; every pending request fails; the socket is aborted.</summary>
    /// <param name="reason">Why.</param>
    /// <param name="error">The error, if any.</param>
    /// <param name="detail">A short description for logs.</param>
    public void End(DisconnectReason reason, Exception? error, string detail)
    {
        if (!_end.TrySetResult(new SessionEnd(reason, error, detail)))
        {
            return;
        }

        // Nobody may be waiting for these any more; mark them observed so they never surface as unobserved exceptions.
        if (_handshake.TrySetException(error ?? new MiraiConnectionException(reason, $"The connection ended before the handshake: {detail}.")))
        {
            _ = _handshake.Task.Exception;
        }

        List<PendingRequest> orphans;
        lock (_pending)
        {
            _pendingClosed = true;
            orphans = [.. _pending.Values];
            _pending.Clear();
        }

        lock (_outboxGate)
        {
            // Frames nobody started writing go back to the pool; the writer returns the one it holds.
            _outboxClosed = true;
            while (_outbox.TryDequeue(out var unsent))
            {
                unsent.Frame.Return();
            }
        }

        foreach (var pending in orphans)
        {
            if (pending.TrySetException(new MiraiConnectionLostException(reason, $"The connection dropped while the command was in flight ({reason}: {detail}); it was not resent.", error)))
            {
                _ = pending.Task.Exception;
            }
        }

        _cts.Cancel();
        _socket.Abort();

        // Tell the owner at once, so no new command is handed this dead session.
        _ended(this);
    }

    public async ValueTask DisposeAsync()
    {
        End(DisconnectReason.Stopped, null, "disposed");
        try
        {
            // Both loops end promptly once the socket is aborted; the bound guards against the unexpected.
            await Task.WhenAll(_receiveLoop, _heartbeatLoop).WaitAsync(_settings.CloseTimeout, _time).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            Log.BackgroundTaskFailed(_logger, "session shutdown", ex);
        }

        _socket.Dispose();
    }

    private static T? FindInner<T>(Exception? ex)
        where T : Exception
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is T match)
            {
                return match;
            }
        }

        return null;
    }

    /// <summary>Applies the settings and the caller's configuration to the socket's options.</summary>
    /// <returns>The invoker to connect through, or <see langword="null"/> for the runtime's own.</returns>
    private System.Net.Http.HttpMessageInvoker? ConfigureSocket()
    {
        var options = _socket.Options;
        var defaultProxy = options.Proxy;
        if (_settings.VerifyKey is { } key)
        {
            options.SetRequestHeader("verifyKey", key);
        }

        if (_settings.QQ != 0)
        {
            options.SetRequestHeader("qq", _settings.QQ.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var heartbeat = _settings.Heartbeat;
        if (heartbeat.Enabled)
        {
            // An unsolicited pong keeps NAT mappings warm; where the runtime can, it also pings and
            // aborts the socket when no pong comes back, which the server answers even mid-command.
            options.KeepAliveInterval = heartbeat.Interval;
#if NET9_0_OR_GREATER
            if (_settings.UseWebSocketPings)
            {
                // The runtime judges a pong late when no pool thread has processed it yet, so under
                // starvation it misfires first; as the backstop (for slow commands) it gets more slack
                // than the probe, which stays the detector with the documented bound.
                options.KeepAliveTimeout = heartbeat.Interval + heartbeat.Timeout;
            }
#endif
        }
        else
        {
            options.KeepAliveInterval = TimeSpan.Zero;
        }

        _settings.ConfigureWebSocket?.Invoke(options);
        return SocketTransport.InvokerFor(options, defaultProxy);
    }

    private async Task WriteOutboxAsync()
    {
        // Uncontended unless the session is closing; then this waits for the close, whose abort makes the writes below fail fast.
        await _writeLock.WaitAsync().ConfigureAwait(false);
        var written = 0;
        try
        {
            while (true)
            {
                if (++written % MaxInlineWrites == 0)
                {
                    // The caller that started the writer gets its thread back; the pool writes the rest.
                    await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
                }

                Outgoing next;
                lock (_outboxGate)
                {
                    if (!_outbox.TryDequeue(out next))
                    {
                        _writing = false;
                        return;
                    }
                }

                try
                {
                    if (next.Request?.Task.IsCompleted == true)
                    {
                        // Its caller gave up before the frame's turn: the server never sees it.
                        continue;
                    }

                    await _socket.SendAsync(next.Frame.Memory, WebSocketMessageType.Text, endOfMessage: true, _cts.Token).ConfigureAwait(false);
                    if (next.Command is { } command)
                    {
                        MiraiTelemetry.CommandsSent.Add(1, new KeyValuePair<string, object?>("mirai.command", command));
                    }
                }
                finally
                {
                    next.Frame.Return();
                }
            }
        }
        catch (Exception ex)
        {
            if (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
            {
                // A socket aborted by someone other than this session was aborted by the runtime's
                // keep-alive: the peer stopped answering pings.
                var byKeepAlive = _socket.State == WebSocketState.Aborted && !_cts.IsCancellationRequested;
                End(byKeepAlive ? DisconnectReason.HeartbeatTimeout : DisconnectReason.TransportError, ex, byKeepAlive ? "the WebSocket keep-alive got no pong" : "a write failed");
            }
            else
            {
                Log.BackgroundTaskFailed(_logger, "writer", ex);
                End(DisconnectReason.TransportError, ex, "the writer failed");
            }

            // End closed the outbox, so no writer starts again and _writing is never read after this.
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(InitialReceiveBuffer);
        var end = new SessionEnd(DisconnectReason.Stopped, null, "receive loop stopped");
        try
        {
            while (true)
            {
                var count = 0;
                while (true)
                {
                    var limit = Math.Min(buffer.Length, _settings.MaxMessageSize);
                    if (count == limit)
                    {
                        if (limit >= _settings.MaxMessageSize)
                        {
                            throw new MiraiProtocolException($"An inbound message exceeded MaxMessageSize ({_settings.MaxMessageSize} bytes).");
                        }

                        var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, _settings.MaxMessageSize));
                        buffer.AsSpan(0, count).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                        limit = Math.Min(buffer.Length, _settings.MaxMessageSize);
                    }

                    // No token: ending the session aborts the socket, which ends a pending receive, and a
                    // token would cost a registration on every message.
                    var receive = _socket.ReceiveAsync(buffer.AsMemory(count, limit - count), CancellationToken.None);
                    if (!receive.IsCompleted)
                    {
                        // Nothing more to read yet: hand over what was decoded before waiting.
                        FlushEvents();
                    }

                    var result = await receive.ConfigureAwait(false);
                    Volatile.Write(ref _lastInbound, _time.GetTimestamp());
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        var status = _socket.CloseStatus;
                        var description = _socket.CloseStatusDescription;
                        end = new SessionEnd(
                            DisconnectReason.RemoteClosed,
                            new MiraiConnectionException(DisconnectReason.RemoteClosed, $"The server closed the connection with status {(int?)status} ({description})."),
                            $"server closed with {(int?)status}");
                        return;
                    }

                    count += result.Count;
                    if (result.EndOfMessage)
                    {
                        break;
                    }
                }

                HandleMessage(buffer.AsSpan(0, count));
            }
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
            // Ended from elsewhere; that cause is already recorded.
        }
        catch (MiraiProtocolException ex)
        {
            end = new SessionEnd(DisconnectReason.ProtocolError, ex, ex.Message);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // An OperationCanceledException we did not ask for is the runtime's keep-alive timeout aborting the socket.
            var reason = ex is OperationCanceledException ? DisconnectReason.HeartbeatTimeout : DisconnectReason.TransportError;
            end = new SessionEnd(reason, new MiraiConnectionException(reason, $"The connection failed: {ex.Message}", ex), ex.Message);
        }
        catch (Exception ex)
        {
            Log.BackgroundTaskFailed(_logger, "receive loop", ex);
            end = new SessionEnd(DisconnectReason.TransportError, ex, ex.Message);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            try
            {
                // Events that arrived before the end are delivered before the state changes.
                FlushEvents();
            }
            finally
            {
                End(end.Reason, end.Error, end.Detail);
            }
        }
    }

    private void EnqueueEvent(MiraiEvent item)
    {
        // Unknown type names come from the server: keep the tag's cardinality bounded.
        MiraiTelemetry.EventsReceived.Add(1, new KeyValuePair<string, object?>("mirai.event", item is UnknownEvent ? "Unknown" : item.Type));
        _eventBatch[_eventBatchCount++] = item;
        if (_eventBatchCount == _eventBatch.Length)
        {
            FlushEvents();
        }
    }

    private void FlushEvents()
    {
        if (_eventBatchCount == 0)
        {
            return;
        }

        try
        {
            _events.Publish(_eventBatch.AsSpan(0, _eventBatchCount));
        }
        finally
        {
            Array.Clear(_eventBatch, 0, _eventBatchCount);
            _eventBatchCount = 0;
        }
    }

    private void HandleMessage(ReadOnlySpan<byte> message)
    {
        // Nearly every frame is a message event in the server's exact envelope: decode it in one pass.
        if (_eventFramePrefix is not null && MessageEventReader.TryReadEventFrame(message, _eventFramePrefix, _decodeCache, out var fast))
        {
            _handshake.TrySetResult();
            LogUnknownElements(fast);
            EnqueueEvent(fast);
            return;
        }

        FrameInfo frame;
        try
        {
            frame = FrameReader.Read(message, _reservedSyncId);
        }
        catch (MiraiProtocolException ex)
        {
            Log.MalformedFrame(_logger, message.Length, ex.Message, ex);
            return;
        }

        var data = frame.DataStart >= 0 ? message.Slice(frame.DataStart, frame.DataLength) : default;
        switch (frame.Kind)
        {
            case FrameKind.Event:
                // An event before the handshake frame can only reach an authenticated socket.
                _handshake.TrySetResult();
                MiraiEvent item;
                try
                {
                    item = EventDecoder.Decode(data, _decodeCache, out var known);
                    if (!known)
                    {
                        Log.UnknownEvent(_logger, item.Type);
                    }
                    else if (item is MessageEvent packet)
                    {
                        LogUnknownElements(packet);
                    }
                }
                catch (MiraiProtocolException ex)
                {
                    Log.MalformedFrame(_logger, message.Length, ex.Message, ex);
                    return;
                }

                EnqueueEvent(item);
                break;
            case FrameKind.Response:
                PendingRequest? pending;
                lock (_pending)
                {
                    _pending.Remove(frame.RequestId, out pending);
                }

                if (pending is not null)
                {
                    pending.TrySetResult(data.ToArray());
                }
                else if (frame.RequestId != Volatile.Read(ref _probeId) || frame.RequestId < 0)
                {
                    Log.UnmatchedReply(_logger, frame.RequestId);
                }

                break;
            case FrameKind.Handshake:
                HandleHandshake(data, message.Length);
                break;
            case FrameKind.BareStatus:
                if (!_handshake.Task.IsCompleted)
                {
                    // Servers before 2.3.0 sent the handshake failure without an envelope.
                    _handshake.TrySetException(new MiraiHandshakeException(frame.Code!.Value, frame.Message));
                }
                else
                {
                    Log.BareErrorFrame(_logger, frame.Code!.Value, frame.Message);
                }

                break;
        }
    }

    private void LogUnknownElements(MessageEvent message)
    {
        // By index: the chain's enumerator is an object, and this runs for every event.
        var chain = message.MessageChain;
        for (var i = 0; i < chain.Count; i++)
        {
            if (chain[i] is UnknownElement unknown)
            {
                Log.UnknownElement(_logger, unknown.Type, message.Type);
            }
        }
    }

    private void HandleHandshake(ReadOnlySpan<byte> data, int length)
    {
        try
        {
            var (code, session, message) = FrameReader.ReadHandshake(data);
            if (code == 0)
            {
                SessionKey = session;
                _handshake.TrySetResult();
            }
            else
            {
                _handshake.TrySetException(new MiraiHandshakeException(code, message));
            }
        }
        catch (MiraiProtocolException ex)
        {
            Log.MalformedFrame(_logger, length, ex.Message, ex);
        }
    }

    private async Task HeartbeatLoopAsync()
    {
        var heartbeat = _settings.Heartbeat;
        using var timer = new PeriodicTimer(heartbeat.Tick, _time);
        var monitor = new HeartbeatMonitor(heartbeat, _time.GetTimestamp(), _time.TimestampFrequency);
        try
        {
            while (await timer.WaitForNextTickAsync(_cts.Token).ConfigureAwait(false))
            {
                var now = _time.GetTimestamp();
                var verdict = monitor.OnTick(now, Volatile.Read(ref _lastInbound));
                if (monitor.CreditedStall > TimeSpan.Zero)
                {
                    Log.HeartbeatStalled(_logger, monitor.CreditedStall.TotalMilliseconds);
                }

                if (verdict == HeartbeatVerdict.Probe)
                {
                    Log.HeartbeatProbe(_logger, monitor.Silent.TotalMilliseconds);
                    SendProbe();
                }
                else if (verdict == HeartbeatVerdict.Expired && !IsServerBusy(monitor.ProbeSentAt, now))
                {
                    Log.HeartbeatTimeout(_logger, monitor.Silent.TotalMilliseconds);
                    End(
                        DisconnectReason.HeartbeatTimeout,
                        new MiraiConnectionException(DisconnectReason.HeartbeatTimeout, $"Nothing was received for {monitor.Silent.TotalSeconds:0.#} s and the heartbeat probe went unanswered."),
                        "heartbeat timeout");
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Log.BackgroundTaskFailed(_logger, "heartbeat", ex);
            End(DisconnectReason.TransportError, ex, "heartbeat failed");
        }
    }

    /// <summary>Whether a command sent before the probe is still within its own deadline: the server runs
    /// commands one at a time, so the probe may just be queued behind it.</summary>
    private bool IsServerBusy(long probeSentAt, long now)
    {
        lock (_pending)
        {
            foreach (var pending in _pending.Values)
            {
                if (pending.SentAt <= probeSentAt && pending.Deadline > now)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Queues an <c>about</c> probe. Posting never waits for the socket, so a write stuck on a
    /// dead socket cannot stop the heartbeat from declaring it dead.</summary>
    private void SendProbe()
    {
        var id = _nextRequestId();
        Volatile.Write(ref _probeId, id);
        Post(RequestEncoder.Encode(id, "about", null, null, null), request: null, command: null);
    }
}
