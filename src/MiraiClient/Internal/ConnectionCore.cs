using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MiraiClient.Internal;

/// <summary>
/// Everything a connection's background work touches. It never holds the public <see cref="MiraiConnection"/>
/// strongly, so a connection its owner forgot to dispose can be collected; the facade's finalizer then
/// shuts this down.
/// </summary>
internal sealed class ConnectionCore : IDisposable
{
    private readonly WeakReference<MiraiConnection> _owner;
    private readonly ConnectionSettings _settings;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Func<double> _random;
    private readonly EventBroadcaster _events;
    private readonly CancellationTokenSource _lifetime = new();
    private const int MaxPooledDeadlines = 128;
    private readonly Stack<CancellationTokenSource> _deadlines = new();
    private readonly object _gate = new();
    private readonly Channel<ConnectionStateChangedEventArgs> _stateChanges = Channel.CreateUnbounded<ConnectionStateChangedEventArgs>(new UnboundedChannelOptions { SingleReader = true });
    private Task? _lifecycle;
    private Task? _stateDispatcher;
    private Task? _disposal;
    private Session? _current;
    private TaskCompletionSource<Session?> _connected = NewSignal();
    private ConnectionState _state;
    private Exception? _lastError;
    private long _lastRequestId;
    private readonly MiraiUploadCommands _uploads;

    public ConnectionCore(MiraiConnectionOptions options, ILoggerFactory? loggerFactory, Func<double>? random, MiraiConnection owner)
    {
        _owner = new WeakReference<MiraiConnection>(owner);
        _settings = ConnectionSettings.Create(options);
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("MiraiClient.MiraiConnection");
        _time = _settings.TimeProvider;
        _random = random ?? Random.Shared.NextDouble;
        _events = new EventBroadcaster(_settings.EventBufferCapacity, _settings.EventOverflowPolicy, _logger, _time);
        _uploads = new MiraiUploadCommands(this, _settings);
        MiraiTelemetry.Connections.Add(1, new KeyValuePair<string, object?>("mirai.state", MiraiTelemetry.StateName(ConnectionState.Disconnected)));
    }

    public event EventHandler<ConnectionStateChangedEventArgs>? StateChanged;

    public MiraiUploadCommands Uploads => _uploads;

    public ConnectionState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    public Exception? LastError => Volatile.Read(ref _lastError);

    public long DroppedEventCount => _events.DroppedCount;

    /// <summary>Gets the current session's key, for tests of secret handling only.</summary>
    public string? SessionKey => Volatile.Read(ref _current)?.SessionKey;

    /// <summary>Gets the number of live event subscriptions.</summary>
    public int SubscriberCount => _events.SubscriberCount;

    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        _ = EnsureStarted();
        while (true)
        {
            TaskCompletionSource<Session?> signal;
            lock (_gate)
            {
                if (_current is not null)
                {
                    return;
                }

                // The caller asked to connect: give them the error that stopped it, not a wrapper.
                if (_state == ConnectionState.Faulted && _lastError is { } error)
                {
                    ExceptionDispatchInfo.Throw(error);
                }

                ThrowIfStopped();
                signal = _connected;
            }

            await signal.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var lifecycle = EnsureStarted();
        try
        {
            await lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await DisposeAsync().ConfigureAwait(false);
            return;
        }

        lock (_gate)
        {
            if (_state == ConnectionState.Faulted && _lastError is { } error)
            {
                ExceptionDispatchInfo.Throw(error);
            }
        }
    }

    public IAsyncEnumerable<MiraiEvent> GetEventsAsync(CancellationToken cancellationToken = default) => GetEventsAsync<MiraiEvent>(cancellationToken);

    public IAsyncEnumerable<TEvent> GetEventsAsync<TEvent>(CancellationToken cancellationToken = default)
        where TEvent : MiraiEvent
    {
        // Subscribe now, so events arriving before enumeration starts are kept; only events of the
        // requested type are buffered.
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposal) is not null, typeof(MiraiConnection));
        return _events.Subscribe<TEvent>(cancellationToken);
    }

    public Task<int> SendFriendMessageAsync(long target, MessageChain messageChain, int? quote = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageChain);
        return SendCommandAsync("sendFriendMessage", null, MiraiJsonContext.Default.SendMessageContent, new SendMessageContent(target, quote, messageChain), static (command, reply) => Replies.SendReceipt(command, reply), cancellationToken);
    }

    public Task<int> SendGroupMessageAsync(long target, MessageChain messageChain, int? quote = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageChain);
        return SendCommandAsync("sendGroupMessage", null, MiraiJsonContext.Default.SendMessageContent, new SendMessageContent(target, quote, messageChain), static (command, reply) => Replies.SendReceipt(command, reply), cancellationToken);
    }

    public Task<int> SendTempMessageAsync(long qq, long group, MessageChain messageChain, int? quote = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageChain);
        return SendCommandAsync("sendTempMessage", null, MiraiJsonContext.Default.SendTempMessageContent, new SendTempMessageContent(qq, group, quote, messageChain), static (command, reply) => Replies.SendReceipt(command, reply), cancellationToken);
    }

    public async Task RecallAsync(long target, int messageId, CancellationToken cancellationToken = default)
    {
        var reply = await SendCommandAsync("recall", null, MiraiJsonContext.Default.RecallContent, new RecallContent(target, messageId), cancellationToken).ConfigureAwait(false);
        Replies.Status("recall", reply);
    }

    public async Task SendNudgeAsync(long target, long subject, NudgeKind kind, CancellationToken cancellationToken = default)
    {
        // The server silently ignores an unknown kind, so refuse it here instead.
        var kindName = kind switch
        {
            NudgeKind.Friend => "Friend",
            NudgeKind.Group => "Group",
            NudgeKind.Stranger => "Stranger",
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown nudge kind."),
        };
        var reply = await SendCommandAsync("sendNudge", null, MiraiJsonContext.Default.SendNudgeContent, new SendNudgeContent(target, subject, kindName), cancellationToken).ConfigureAwait(false);
        Replies.Status("sendNudge", reply);
    }

    public async Task<AboutInfo> AboutAsync(CancellationToken cancellationToken = default)
    {
        var reply = await SendCommandAsync("about", null, null, null, cancellationToken).ConfigureAwait(false);
        return Replies.Restful("about", reply, MiraiJsonContext.Default.AboutInfo);
    }

    public async Task<IReadOnlyList<long>> GetBotListAsync(CancellationToken cancellationToken = default)
    {
        var reply = await SendCommandAsync("botList", null, null, null, cancellationToken).ConfigureAwait(false);
        return Replies.Restful("botList", reply, MiraiJsonContext.Default.Int64Array);
    }

    public async Task<SessionInfo> GetSessionInfoAsync(CancellationToken cancellationToken = default)
    {
        // The server needs an object here; without one it nests a 400 inside a success.
        var reply = await SendCommandAsync("sessionInfo", null, MiraiJsonContext.Default.EmptyContent, new EmptyContent(), cancellationToken).ConfigureAwait(false);
        return Replies.Restful("sessionInfo", reply, MiraiJsonContext.Default.SessionInfo);
    }

    /// <summary>Shuts the connection down: stops retrying, closes the socket politely (bounded), fails
    /// every waiting command and ends every subscription. Completes within
    /// <see cref="MiraiConnectionOptions.DisposeTimeout"/>; safe to call more than once and from handlers.</summary>
    /// <returns>A task that completes when the connection is disposed.</returns>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return new ValueTask(_disposal!);
    }

    /// <summary>Starts the same shutdown as <see cref="DisposeAsync"/> without waiting for it (for
    /// containers and callers that can only dispose synchronously). Never blocks.</summary>
    public void Dispose()
    {
        // The disposal task is kept and never faults, so nothing is left unobserved.
        lock (_gate)
        {
            _disposal ??= DisposeCoreAsync();
        }
    }

    /// <summary>The request/response primitive every command is built on.</summary>
    /// <param name="command">The command word.</param>
    /// <param name="subCommand">The sub-command, if any.</param>
    /// <param name="contentType">How to serialize <paramref name="content"/>.</param>
    /// <param name="content">The content object, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The reply's <c>data</c> value, UTF-8.</returns>
    public Task<byte[]> SendCommandAsync(string command, string? subCommand, JsonTypeInfo? contentType, object? content, CancellationToken cancellationToken) =>
        SendCommandAsync(command, subCommand, contentType, content, static (_, reply) => reply, cancellationToken);

    /// <summary>The request/response primitive, with the reply decoded in the same call (one state machine fewer).</summary>
    /// <typeparam name="TResult">The decoded result.</typeparam>
    /// <param name="command">The command word.</param>
    /// <param name="subCommand">The sub-command, if any.</param>
    /// <param name="contentType">How to serialize <paramref name="content"/>.</param>
    /// <param name="content">The content object, or <see langword="null"/>.</param>
    /// <param name="decode">Turns the command and the reply's <c>data</c> into the result; may throw the reply's error.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The decoded reply.</returns>
    public async Task<TResult> SendCommandAsync<TResult>(string command, string? subCommand, JsonTypeInfo? contentType, object? content, Func<string, byte[], TResult> decode, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposal) is not null, typeof(MiraiConnection));
        var timeout = _settings.CommandTimeout;
        var id = Interlocked.Increment(ref _lastRequestId);
        using var activity = MiraiTelemetry.ActivitySource.StartActivity(command, ActivityKind.Client);
        activity?.SetTag("mirai.command", command);
        activity?.SetTag("mirai.sync_id", id);
        var started = _time.GetTimestamp();
        var outcome = "error";

        // The command's deadline comes from a pool (its timer is reused), and a linked source is made
        // only for a caller's token that can be cancelled; disposal needs no token here, because it
        // ends every session, which fails whatever still waits on one.
        // Encoded first: content that cannot be serialized fails here, before anything needs returning.
        RequestFrame? unsent = RequestEncoder.Encode(id, command, subCommand, contentType, content);
        var deadline = RentDeadline(timeout);
        var linked = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token) : null;
        var token = linked?.Token ?? deadline.Token;
        try
        {
            while (true)
            {
                var session = await GetSessionAsync(token).ConfigureAwait(false);

                // A session that ended before the command was registered was never written to, so the
                // command can wait for the next one without any risk of a duplicate.
                if (session.TryRegister(id, timeout) is not { } pending)
                {
                    // The ending session is about to step down; let it.
                    await Task.Yield();
                    continue;
                }

                try
                {
                    byte[] reply;

                    // A registration on the command's token costs less than a wrapper task per command.
                    // It is made before posting, so a command cancelled by then is skipped, never written.
                    using (token.UnsafeRegister(static (state, fired) => ((PendingRequest)state!).TrySetCanceled(fired), pending))
                    {
                        // A write failure ends the session, which fails the pending request: the reply is the only thing to wait for.
                        var frame = unsent.Value;
                        unsent = null;
                        session.Post(frame, pending, command);
                        reply = await pending.Task.ConfigureAwait(false);
                    }

                    outcome = RecordResultCode(command, reply, activity);
                    return decode(command, reply);
                }
                finally
                {
                    session.Unregister(id);
                }
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            outcome = "timeout";
            throw new MiraiTimeoutException(command, timeout);
        }
        catch (Exception ex) when (ex is MiraiConnectionException or ObjectDisposedException && _lifetime.IsCancellationRequested)
        {
            throw new MiraiConnectionException(DisconnectReason.Stopped, $"The connection was disposed while command '{command}' was waiting.", ex);
        }
        finally
        {
            unsent?.Return();
            linked?.Dispose();
            ReturnDeadline(deadline);
            activity?.SetTag("mirai.outcome", outcome);
            MiraiTelemetry.CommandDuration.Record(
                _time.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>("mirai.command", command),
                new KeyValuePair<string, object?>("mirai.outcome", outcome));
        }
    }

    private CancellationTokenSource RentDeadline(TimeSpan timeout)
    {
        CancellationTokenSource? source = null;
        lock (_deadlines)
        {
            _deadlines.TryPop(out source);
        }

        source ??= new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
        source.CancelAfter(timeout);
        return source;
    }

    private void ReturnDeadline(CancellationTokenSource source)
    {
        // A fired deadline cannot be reset; it is simply dropped.
        if (!source.TryReset())
        {
            source.Dispose();
            return;
        }

        lock (_deadlines)
        {
            if (_deadlines.Count < MaxPooledDeadlines)
            {
                _deadlines.Push(source);
                return;
            }
        }

        source.Dispose();
    }

    /// <summary>Reads the reply's status code for telemetry only; decoding and errors stay with the caller.</summary>
    private static string RecordResultCode(string command, byte[] reply, Activity? activity)
    {
        var code = Replies.PeekCode(reply);
        activity?.SetTag("mirai.result_code", code ?? 0);
        if (code is { } value && value != 0)
        {
            MiraiTelemetry.CommandErrors.Add(1, new KeyValuePair<string, object?>("mirai.command", command), new KeyValuePair<string, object?>("mirai.code", value));
            activity?.SetStatus(ActivityStatusCode.Error, $"code {value}");
            return "server_error";
        }

        return "ok";
    }

    /// <summary>Waits for the connection and gets the current session key, for the HTTP upload routes.</summary>
    public async Task<string> GetSessionKeyAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposal) is not null, typeof(MiraiConnection));
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
            var session = await GetSessionAsync(linked.Token).ConfigureAwait(false);
            return session.SessionKey ?? throw new MiraiProtocolException("The server's handshake carried no session key, which uploads need.");
        }
        catch (OperationCanceledException ex) when (_lifetime.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new MiraiConnectionException(DisconnectReason.Stopped, "The connection was disposed while an upload was waiting for it.", ex);
        }
    }

    private static TaskCompletionSource<Session?> NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Task EnsureStarted()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposal is not null, typeof(MiraiConnection));
            if (_lifecycle is null)
            {
                _stateDispatcher = Task.Run(DispatchStateChangesAsync);
                SetState(ConnectionState.Connecting, DisconnectReason.None, null, 0, null);
                _lifecycle = Task.Run(RunLifecycleAsync);
            }

            return _lifecycle;
        }
    }

    /// <summary>Must be called under <see cref="_gate"/>.</summary>
    private void ThrowIfStopped()
    {
        ObjectDisposedException.ThrowIf(_state == ConnectionState.Disposed || _disposal is not null, typeof(MiraiConnection));
        if (_state == ConnectionState.Faulted)
        {
            var error = _lastError;
            throw new MiraiConnectionException(
                (error as MiraiConnectionException)?.Reason ?? DisconnectReason.TransportError,
                $"The connection has stopped: {error?.Message}",
                error);
        }
    }

    /// <summary>Gets the connected session, waiting for one when the connection is between sessions.</summary>
    private ValueTask<Session> GetSessionAsync(CancellationToken cancellationToken)
    {
        // Connected: no wait and no allocation.
        return Volatile.Read(ref _current) is { } current ? new ValueTask<Session>(current) : new ValueTask<Session>(WaitForSessionAsync(cancellationToken));
    }

    private async Task<Session> WaitForSessionAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            TaskCompletionSource<Session?> signal;
            lock (_gate)
            {
                if (_current is { } session)
                {
                    return session;
                }

                ThrowIfStopped();
                if (_lifecycle is null)
                {
                    throw new InvalidOperationException("The connection has not been started; call ConnectAsync or RunAsync first.");
                }

                if (!_settings.WaitForConnection)
                {
                    throw new MiraiConnectionException(
                        (_lastError as MiraiConnectionException)?.Reason ?? DisconnectReason.None,
                        $"Not connected (state {_state}) and WaitForConnection is off.",
                        _lastError);
                }

                signal = _connected;
            }

            await signal.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The one loop that owns the connection's life: connect, run, classify the end, back off, repeat.</summary>
    private async Task RunLifecycleAsync()
    {
        var lifetime = _lifetime.Token;
        var reconnect = _settings.Reconnect;
        var failures = 0;
        var attemptsSinceConnected = 0;
        var everConnected = false;
        long? droppedAt = null;
        try
        {
            while (true)
            {
                attemptsSinceConnected++;
                Log.ConnectAttempt(_logger, _settings.Endpoint, attemptsSinceConnected);
                var started = _time.GetTimestamp();
                var session = new Session(_settings, _logger, _time, _events, () => Interlocked.Increment(ref _lastRequestId), OnSessionEnded);
                SessionEnd end;
                try
                {
                    await session.ConnectAsync(lifetime).ConfigureAwait(false);
                    MiraiTelemetry.ConnectAttempts.Add(1, new KeyValuePair<string, object?>("mirai.result", "connected"));
                    if (droppedAt is { } since)
                    {
                        MiraiTelemetry.ReconnectDuration.Record(_time.GetElapsedTime(since).TotalSeconds);
                        droppedAt = null;
                    }

                    attemptsSinceConnected = 0;
                    everConnected = true;
                    var connectMs = _time.GetElapsedTime(started).TotalMilliseconds;
                    Log.Connected(_logger, _settings.Endpoint, _settings.QQ, connectMs);
                    lock (_gate)
                    {
                        _current = session;
                        SetState(ConnectionState.Connected, DisconnectReason.None, null, 0, null);
                        _connected.TrySetResult(session);
                    }

                    end = await session.Completion.WaitAsync(lifetime).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (lifetime.IsCancellationRequested)
                {
                    end = new SessionEnd(DisconnectReason.Stopped, null, "stopped");
                }
                catch (MiraiConnectionException ex)
                {
                    end = new SessionEnd(ex.Reason, ex, ex.Message);
                    MiraiTelemetry.ConnectAttempts.Add(1, new KeyValuePair<string, object?>("mirai.result", ex.Reason.ToString()));
                }
                finally
                {
                    lock (_gate)
                    {
                        if (_current == session)
                        {
                            _current = null;
                            _connected = NewSignal();
                        }
                    }

                    if (lifetime.IsCancellationRequested)
                    {
                        await session.CloseAsync().ConfigureAwait(false);
                    }

                    await session.DisposeAsync().ConfigureAwait(false);
                }

                if (lifetime.IsCancellationRequested)
                {
                    return;
                }

                Volatile.Write(ref _lastError, end.Error);
                // Network failures are expected here: one line for operators, the stack trace at Debug.
                Log.Disconnected(_logger, end.Reason, end.Detail);
                Log.DisconnectedDetail(_logger, end.Reason, end.Error);
                if (end.Error is MiraiHandshakeException { IsRetryable: false } rejected)
                {
                    Fault(rejected, end.Reason);
                    return;
                }

                if (!reconnect.Enabled)
                {
                    Fault(new MiraiConnectionException(end.Reason, $"The connection ended ({end.Reason}: {end.Detail}) and reconnecting is disabled.", end.Error), end.Reason);
                    return;
                }

                if (reconnect.MaxAttempts is { } max && attemptsSinceConnected >= max)
                {
                    Fault(new MiraiConnectionException(end.Reason, $"Gave up after {attemptsSinceConnected} consecutive failed attempts; the last one ended with {end.Reason}: {end.Detail}.", end.Error), end.Reason);
                    return;
                }

                if (session.ConnectedAt != 0)
                {
                    droppedAt = _time.GetTimestamp();
                    MiraiTelemetry.Reconnects.Add(1, new KeyValuePair<string, object?>("mirai.cause", end.Reason.ToString()));
                }

                // The schedule starts over only after a connection that stayed up; a crash-looping
                // server keeps climbing the schedule instead of being hit at the minimum forever.
                var stable = session.ConnectedAt != 0 && _time.GetElapsedTime(session.ConnectedAt) >= reconnect.StableAfter;
                failures = stable ? 1 : failures + 1;
                var delay = Backoff.GetDelay(failures, reconnect, _random());
                Log.RetryScheduled(_logger, delay.TotalMilliseconds, failures);
                lock (_gate)
                {
                    SetState(everConnected ? ConnectionState.Reconnecting : ConnectionState.Connecting, end.Reason, end.Error, failures, delay);
                }

                await Task.Delay(delay, _time, lifetime).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (lifetime.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Log.BackgroundTaskFailed(_logger, "lifecycle", ex);
            Fault(ex, DisconnectReason.TransportError);
        }
    }

    /// <summary>Called by a session the moment it ends: it stops being the current one at once.</summary>
    private void OnSessionEnded(Session session)
    {
        lock (_gate)
        {
            if (_current == session)
            {
                _current = null;
                _connected = NewSignal();
            }
        }
    }

    private void Fault(Exception error, DisconnectReason reason)
    {
        Log.Fatal(_logger, error.Message, error);
        lock (_gate)
        {
            _lastError = error;
            SetState(ConnectionState.Faulted, reason, error, 0, null);
            _connected.TrySetResult(null);
        }
    }

    /// <summary>Must be called under <see cref="_gate"/>. Queues the change for the dispatcher so
    /// handlers never run on the connection's own loops.</summary>
    private void SetState(ConnectionState state, DisconnectReason reason, Exception? error, int attempt, TimeSpan? delay)
    {
        var previous = _state;
        if (previous == ConnectionState.Disposed || (previous == state && delay is null))
        {
            return;
        }

        _state = state;
        MiraiTelemetry.Connections.Add(-1, new KeyValuePair<string, object?>("mirai.state", MiraiTelemetry.StateName(previous)));
        if (state != ConnectionState.Disposed)
        {
            MiraiTelemetry.Connections.Add(1, new KeyValuePair<string, object?>("mirai.state", MiraiTelemetry.StateName(state)));
        }

        Log.StateChanged(_logger, previous, state);
        _stateChanges.Writer.TryWrite(new ConnectionStateChangedEventArgs(previous, state, reason, error, attempt, delay));
    }

    private async Task DispatchStateChangesAsync()
    {
        await foreach (var change in _stateChanges.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (StateChanged is not { } handlers)
            {
                continue;
            }

            // One handler at a time, so a throwing handler cannot keep the others from running.
            foreach (var handler in handlers.GetInvocationList())
            {
                try
                {
                    ((EventHandler<ConnectionStateChangedEventArgs>)handler)(_owner.TryGetTarget(out var owner) ? owner : null, change);
                }
                catch (Exception ex)
                {
                    Log.StateHandlerFailed(_logger, ex);
                }
            }
        }
    }

    private async Task DisposeCoreAsync()
    {
        // Leave the caller's lock first; everything below may take a while.
        await Task.Yield();
        var deadline = _time.GetTimestamp();
        await _lifetime.CancelAsync().ConfigureAwait(false);
        Task? lifecycle;
        lock (_gate)
        {
            lifecycle = _lifecycle;
        }

        if (lifecycle is not null)
        {
            try
            {
                await lifecycle.WaitAsync(_settings.DisposeTimeout, _time).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                Log.DisposeTimedOut(_logger, _time.GetElapsedTime(deadline).TotalMilliseconds);
                Volatile.Read(ref _current)?.End(DisconnectReason.Stopped, null, "disposal timed out");
            }
        }

        lock (_gate)
        {
            _current = null;
            SetState(ConnectionState.Disposed, DisconnectReason.Stopped, null, 0, null);
            _connected.TrySetResult(null);
        }

        _events.Complete();
        _stateChanges.Writer.TryComplete();
        _uploads.Dispose();
    }
}
