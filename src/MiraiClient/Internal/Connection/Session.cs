using System.Net.WebSockets;
using Microsoft.Extensions.Logging;

namespace MiraiClient.Internal;

/// <summary>
/// One WebSocket and everything that lives and dies with it: the receive loop (<c>Session.Receive.cs</c>),
/// the heartbeat (<c>Session.Heartbeat.cs</c>), the <see cref="Outbox"/>, the <see cref="PendingRequests"/>
/// and the protocol's supervisor. The first part that fails ends them all.
/// </summary>
/// <typeparam name="TEvent">The protocol's event base type.</typeparam>
/// <remarks>
/// <para>Invariants: a session is used for one socket only (a <see cref="ClientWebSocket"/> is single-use, and
/// an accepted socket is one peer's); <see cref="End(SessionEnd)"/> is the only way it ends, the first cause wins, and
/// ending fails every waiting request, closes the outbox, cancels the loops and aborts the socket;
/// <see cref="Completion"/> never faults. The owner learns of the end only by awaiting
/// <see cref="Completion"/>; the session never calls its owner.</para>
/// <para>Synchronization: the pending map and the outbox lock themselves; the handshake and the end are
/// completion sources; the last-inbound timestamp is written by the receive loop and read by the heartbeat
/// with <see cref="Volatile"/>. Nothing else is shared between the loops.</para>
/// </remarks>
internal sealed partial class Session<TEvent> : IFrameSink<TEvent>, IAsyncDisposable
    where TEvent : class
{
    private readonly ConnectionSettings _settings;
    private readonly WireProtocol<TEvent> _protocol;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly RequestIds _requestIds;
    private readonly IAccountObserver _account;
    private readonly CancellationTokenSource _cts = new();
    private readonly TaskCompletionSource _handshake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<SessionEnd> _end = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebSocket? _socket;
    private Outbox? _outbox;
    private Task _supervisor = Task.CompletedTask;

    public Session(ConnectionSettings settings, WireProtocol<TEvent> protocol, ILogger logger, EventBroadcaster<TEvent> events, RequestIds requestIds, IAccountObserver account)
    {
        _account = account;
        _settings = settings;
        _protocol = protocol;
        _logger = logger;
        _time = settings.TimeProvider;
        _events = events;
        _requestIds = requestIds;
        Requests = new PendingRequests(protocol.RepliesInOrder);
        Handler = protocol.CreateFrameHandler(this);

        // A batch never exceeds a quarter of a subscriber's buffer, so a burst a prompt reader could keep
        // up with is not dropped only because it was handed over at once.
        _eventBatch = new TEvent[Math.Clamp(settings.EventBufferCapacity / 4, 1, MaxEventBatch)];
    }

    /// <summary>Gets a task that completes with the cause when the session ends. It never faults.</summary>
    public Task<SessionEnd> Completion => _end.Task;

    /// <summary>Gets when the session became connected (monotonic timestamp), or 0.</summary>
    public long ConnectedAt { get; private set; }

    /// <summary>Gets the requests waiting for replies on this socket.</summary>
    public PendingRequests Requests { get; }

    /// <summary>Gets the protocol's handler of this socket's inbound frames (it holds the protocol's session state).</summary>
    public FrameHandler<TEvent> Handler { get; }

    /// <summary>Gets the session's logger.</summary>
    public ILogger Logger => _logger;

    /// <summary>Gets a token cancelled when the session ends.</summary>
    public CancellationToken Ending => _cts.Token;

    /// <summary>Gets whether the handshake completed, either way.</summary>
    public bool HandshakeCompleted => _handshake.Task.IsCompleted;

    /// <summary>Opens a client socket to the configured endpoint, then runs the session on it.</summary>
    /// <param name="lifetime">The connection's lifetime token.</param>
    /// <returns>A task that completes once connected.</returns>
    /// <exception cref="MiraiConnectionException">The attempt failed; <see cref="MiraiConnectionException.Reason"/> says how.</exception>
    /// <exception cref="OperationCanceledException">The lifetime token was cancelled.</exception>
    public async Task ConnectAsync(CancellationToken lifetime)
    {
        var socket = await SocketTransport.ConnectAsync(_settings, _protocol.ConnectUri(_settings.Endpoint), _protocol.ConfigureClientSocket, lifetime).ConfigureAwait(false);
        await AttachAsync(socket, lifetime).ConfigureAwait(false);
    }

    /// <summary>Runs the session on a socket that is already open (dialled, or accepted by a server), and
    /// waits for the protocol's handshake, bounded by the handshake timeout.</summary>
    /// <param name="socket">The open socket; the session owns it from now on.</param>
    /// <param name="lifetime">The connection's lifetime token.</param>
    /// <returns>A task that completes once connected.</returns>
    public async Task AttachAsync(WebSocket socket, CancellationToken lifetime)
    {
        _socket = socket;
        _outbox = new Outbox(socket, OnWriteFailed, _protocol.Telemetry.RecordSent, _cts.Token);
        if (_end.Task.IsCompleted)
        {
            // Ended while connecting (disposal): the socket is ours to abort.
            socket.Abort();
            throw _end.Task.Result.Error ?? new MiraiConnectionException(DisconnectReason.Stopped, "The session was stopped while connecting.");
        }

        Volatile.Write(ref _lastInbound, _time.GetTimestamp());
        if (!_protocol.AwaitsHandshakeFrame)
        {
            _handshake.TrySetResult();
        }

        _receiveLoop = ReceiveLoopAsync();
        var handshakeId = _requestIds.Next();
        if (_protocol.EncodeHandshakeRequest(handshakeId) is { } handshake)
        {
            Handler.HandshakeRequestId = handshakeId;
            Post(handshake, request: null, name: null);
        }

        try
        {
            await _handshake.Task.WaitAsync(_settings.HandshakeTimeout, _time, lifetime).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Log.HandshakeTimeout(_logger, _settings.HandshakeTimeout.TotalMilliseconds);
            var end = SessionEnd.Classify(SessionStage.Handshake, null, new SessionSignals(TimedOut: true, Description: $"The server upgraded the socket but sent no handshake frame within {_settings.HandshakeTimeout.TotalSeconds:0.###} s."))!;
            End(end);
            throw end.Error!;
        }

        ConnectedAt = _time.GetTimestamp();
        if (_settings.Heartbeat.Enabled)
        {
            _heartbeatLoop = HeartbeatLoopAsync();
        }

        _supervisor = SuperviseAsync();
    }

    /// <summary>Queues a frame for the socket and takes ownership of it (see <see cref="Outbox.Post"/>).</summary>
    public void Post(RequestFrame frame, PendingRequest? request, string? name)
    {
        if (_outbox is { } outbox)
        {
            outbox.Post(frame, request, name);
        }
        else
        {
            frame.Return();
        }
    }

    /// <summary>Closes the socket politely, each half bounded by the close timeout, then ends the session.</summary>
    /// <param name="status">The close status sent (a server going away sends 1001, a refusal 1008).</param>
    /// <param name="description">The close description sent (never a secret).</param>
    /// <returns>A task that completes when the session has ended.</returns>
    public async Task CloseAsync(WebSocketCloseStatus status = WebSocketCloseStatus.NormalClosure, string? description = null)
    {
        if (_socket is { State: WebSocketState.Open } && _outbox is { } outbox && !_end.Task.IsCompleted)
        {
            try
            {
                if (await outbox.CloseOutputAsync(_settings.CloseTimeout, _time, status, description).ConfigureAwait(false))
                {
                    await _receiveLoop.WaitAsync(_settings.CloseTimeout, _time).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or TimeoutException or WebSocketException or ObjectDisposedException or IOException)
            {
                Log.CloseFailed(_logger, ex);
            }
        }

        End(SessionStage.Client, null, new SessionSignals(Description: "closed by the client"));
    }

    /// <summary>Ends the session with what a stage observed (see <see cref="SessionEnd.Classify"/>).</summary>
    public void End(SessionStage stage, Exception? error, in SessionSignals signals) =>
        End(SessionEnd.Classify(stage, error, signals) ?? new SessionEnd(DisconnectReason.TransportError, error, error?.Message ?? stage.ToString(), Unexpected: true));

    /// <summary>Ends the session: the first cause wins; every pending request fails; the socket is aborted.</summary>
    /// <param name="end">How it ended.</param>
    public void End(SessionEnd end)
    {
        if (!_end.TrySetResult(end))
        {
            return;
        }

        if (end.Unexpected)
        {
            Log.BackgroundTaskFailed(_logger, end.Detail, end.Error ?? new InvalidOperationException(end.Detail));
        }

        // Nobody may be waiting for this any more; mark it observed so it never surfaces as unobserved.
        // Typed, so a socket that fails during the handshake ends the attempt and not the connection's life.
        if (_handshake.TrySetException(end.Error as MiraiConnectionException ?? new MiraiConnectionException(end.Reason, $"The connection ended before the handshake: {end.Detail}.", end.Error)))
        {
            _ = _handshake.Task.Exception;
        }

        Requests.Close(_ => end.LostRequestError());
        _outbox?.Close();
        _cts.Cancel();
        _socket?.Abort();
    }

    public async ValueTask DisposeAsync()
    {
        End(SessionStage.Client, null, new SessionSignals(Description: "disposed"));
        try
        {
            // Every loop ends promptly once the socket is aborted; the bound guards against the unexpected.
            await Task.WhenAll(_receiveLoop, _heartbeatLoop, _supervisor).WaitAsync(_settings.CloseTimeout, _time).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            Log.BackgroundTaskFailed(_logger, "session shutdown", ex);
        }

        try
        {
            _socket?.Dispose();
        }
        catch (ObjectDisposedException)
        {
            // An accepted socket whose server request already ended: nothing is left to release.
        }
        finally
        {
            _cts.Dispose();
            _disposed.TrySetResult();
        }
    }

    /// <summary>Gets a task that completes once the session is disposed and no longer touches its socket (a
    /// server holds the socket's request open until then). It never faults.</summary>
    public Task Disposal => _disposed.Task;

    /// <summary>Sends a request on this session only (never on a later one), for the protocol's supervisor.</summary>
    /// <param name="frameFor">Encodes the request frame for an id.</param>
    /// <param name="name">The request's name for telemetry and errors.</param>
    /// <param name="timeout">How long to wait for the reply.</param>
    /// <returns>The reply, or <see langword="null"/> when none came in time.</returns>
    /// <exception cref="MiraiConnectionLostException">The session ended first.</exception>
    public async Task<byte[]?> RequestAsync(Func<long, RequestFrame> frameFor, string name, TimeSpan timeout)
    {
        var id = _requestIds.Next();
        var now = _time.GetTimestamp();
        using var pending = Requests.TryRegister(id, now, now + (long)(timeout.TotalSeconds * _time.TimestampFrequency))
            ?? throw (_end.Task.IsCompleted ? _end.Task.Result.LostRequestError() : new MiraiConnectionLostException(DisconnectReason.Stopped, "The session ended."));
        Post(frameFor(id), pending, name);
        try
        {
            return await pending.WaitAsync().AsTask().WaitAsync(timeout, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    void IFrameSink<TEvent>.AcceptHandshake() => _handshake.TrySetResult();

    void IFrameSink<TEvent>.RejectHandshake(MiraiConnectionException error)
    {
        // The connect attempt may have stopped waiting (disposal) before the frame arrived; mark the error
        // observed so it never surfaces as an unobserved task exception. A waiter still gets it.
        if (_handshake.TrySetException(error))
        {
            _ = _handshake.Task.Exception;
        }
    }

    void IFrameSink<TEvent>.Reply(long requestId, ReadOnlySpan<byte> reply)
    {
        var claimed = Requests.TryClaim(requestId, reply);
        if (claimed is not null)
        {
            // On the receive loop, the caller's continuation waits for the loop's next receive (see
            // Session.Receive.cs); a reply from anywhere else completes at once, on the pool.
            if (_handlingFrame)
            {
                DeferReply(claimed);
            }
            else
            {
                claimed.CompleteClaimed();
            }
        }
        else if (requestId != Volatile.Read(ref _probeId) || requestId < 0)
        {
            Log.UnmatchedReply(_logger, requestId);
        }
    }

    bool IFrameSink<TEvent>.ReplyToOldest(ReadOnlySpan<byte> reply) => Requests.TryCompleteOldest(reply);

    private void OnWriteFailed(Exception error) =>
        End(SessionStage.Write, error, new SessionSignals(AbortedElsewhere: _socket?.State == WebSocketState.Aborted && !_cts.IsCancellationRequested));

    private async Task SuperviseAsync()
    {
        try
        {
            if (await _protocol.SuperviseAsync(this, _account, _cts.Token).ConfigureAwait(false) is { } end)
            {
                End(end);
            }
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            End(new SessionEnd(DisconnectReason.TransportError, ex, "the protocol's supervisor failed", Unexpected: true));
        }
    }
}

/// <summary>The request ids of one connection, shared by its sessions: ids never repeat within a connection,
/// so a late reply to an old session can never complete a request of a new one.</summary>
internal sealed class RequestIds
{
    private long _last;

    /// <summary>Gets the next id (positive, increasing).</summary>
    public long Next() => Interlocked.Increment(ref _last);
}
