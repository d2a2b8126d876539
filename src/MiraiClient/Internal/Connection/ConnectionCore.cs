using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace MiraiClient.Internal;

/// <summary>
/// The life of one logical connection, whatever protocol it speaks: the one loop that connects, publishes,
/// awaits the session's end, classifies it, backs off and reconnects; the state and its dispatcher; the
/// event broadcaster; and disposal.
/// </summary>
/// <typeparam name="TEvent">The protocol's event base type.</typeparam>
/// <remarks>
/// It never holds the public connection strongly, so a connection its owner forgot to dispose can be
/// collected; the public type's finalizer then shuts this down. Every await in here observes the lifetime
/// token, and disposal waits for the loop with a hard bound.
/// </remarks>
internal sealed class ConnectionCore<TEvent> : IDisposable, IAccountObserver
    where TEvent : class
{
    private readonly WeakReference<object> _owner;
    private readonly Type _publicType;
    private readonly ConnectionSettings _settings;
    private readonly WireProtocol<TEvent> _protocol;
    private readonly SessionSource<TEvent> _source;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Func<double> _random;
    private readonly EventBroadcaster<TEvent> _events;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly object _gate = new();
    private readonly Channel<Action> _notifications = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });
    private Task? _lifecycle;
    private Task? _dispatcher;
    private Task? _disposal;
    private Session<TEvent>? _current;
    private TaskCompletionSource<Session<TEvent>?> _connected = NewSignal();
    private ConnectionState _state;
    private Exception? _lastError;
    private EventHandler<ConnectionStateChangedEventArgs>? _stateChanged;
    private EventHandler<BotStateChangedEventArgs>? _botStateChanged;
    private BotState _botState;

    /// <param name="settings">The engine's settings.</param>
    /// <param name="protocol">The protocol spoken.</param>
    /// <param name="logger">The connection's logger.</param>
    /// <param name="random">A uniform random source in [0, 1), for the backoff's jitter.</param>
    /// <param name="owner">The public connection (held weakly), the sender of <see cref="StateChanged"/>.</param>
    /// <param name="publicType">The public connection's type, named in errors.</param>
    /// <param name="source">Where sessions get their sockets (default: dialled).</param>
    public ConnectionCore(ConnectionSettings settings, WireProtocol<TEvent> protocol, ILogger logger, Func<double>? random, object owner, Type publicType, SessionSource<TEvent>? source = null)
    {
        _source = source ?? DialingSource<TEvent>.Instance;
        (_source as AcceptedSockets<TEvent>)?.Bind(this);
        _owner = new WeakReference<object>(owner);
        _publicType = publicType;
        _settings = settings;
        _protocol = protocol;
        _logger = logger;
        _time = settings.TimeProvider;
        _random = random ?? Random.Shared.NextDouble;
        _events = new EventBroadcaster<TEvent>(settings.EventBufferCapacity, settings.EventOverflowPolicy, logger, _time, protocol.Telemetry, protocol.EventTag);
        protocol.Telemetry.StateChanged(null, ConnectionState.NotStarted);
    }

    public event EventHandler<ConnectionStateChangedEventArgs>? StateChanged
    {
        add
        {
            ThrowIfDisposed();
            lock (_gate)
            {
                _stateChanged += value;
            }
        }

        remove
        {
            lock (_gate)
            {
                _stateChanged -= value;
            }
        }
    }

    /// <summary>Raised, on the dispatcher, when the account's state changes.</summary>
    public event EventHandler<BotStateChangedEventArgs>? BotStateChanged
    {
        add
        {
            ThrowIfDisposed();
            lock (_gate)
            {
                _botStateChanged += value;
            }
        }

        remove
        {
            lock (_gate)
            {
                _botStateChanged -= value;
            }
        }
    }

    /// <summary>Gets the account's state.</summary>
    public BotState BotState
    {
        get
        {
            lock (_gate)
            {
                return _botState;
            }
        }
    }

    public ConnectionSettings Settings => _settings;

    public WireProtocol<TEvent> Protocol => _protocol;

    public ILogger Logger => _logger;

    public RequestIds RequestIds { get; } = new();

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

    /// <summary>Gets the number of live event subscriptions.</summary>
    public int SubscriberCount => _events.SubscriberCount;

    /// <summary>Gets the current session, if connected.</summary>
    public Session<TEvent>? CurrentSession => Volatile.Read(ref _current);

    /// <summary>Gets a token cancelled when the connection is disposed.</summary>
    public CancellationToken Lifetime => _lifetime.Token;

    /// <summary>Gets whether disposal has begun.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposal) is not null;

    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        _ = EnsureStarted();
        while (true)
        {
            TaskCompletionSource<Session<TEvent>?> signal;
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

            // A session means this call's connect succeeded, even if a handler of the Connected state has
            // already disposed the connection (the state checks above would then say "disposed").
            if (await signal.Task.WaitAsync(cancellationToken).ConfigureAwait(false) is not null)
            {
                return;
            }
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

    public IAsyncEnumerable<T> GetEventsAsync<T>(CancellationToken cancellationToken = default)
        where T : class, TEvent
    {
        // Subscribe now, so events arriving before enumeration starts are kept; only events of the
        // requested type are buffered.
        ThrowIfDisposed();
        return _events.Subscribe<T>(cancellationToken);
    }

    /// <summary>Shuts the connection down: stops retrying, closes the socket politely (bounded), fails
    /// every waiting request and ends every subscription. Completes within the dispose timeout; safe to
    /// call more than once and from handlers.</summary>
    /// <returns>A task that completes when the connection is disposed.</returns>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return new ValueTask(_disposal!);
    }

    /// <summary>Starts the same shutdown as <see cref="DisposeAsync"/> without waiting for it. Never blocks.</summary>
    public void Dispose()
    {
        // The disposal task is kept and never faults, so nothing is left unobserved.
        lock (_gate)
        {
            _disposal ??= DisposeCoreAsync();
        }
    }

    /// <summary>Throws the error a call on a disposed connection gets.</summary>
    public void ThrowIfDisposed()
    {
        if (Volatile.Read(ref _disposal) is not null)
        {
            throw Disposed();
        }
    }

    /// <summary>Gets the connected session, waiting for one when the connection is between sessions.</summary>
    /// <exception cref="InvalidOperationException">The connection was never started.</exception>
    /// <exception cref="MiraiConnectionException">The connection stopped, or is not connected and must not wait.</exception>
    public ValueTask<Session<TEvent>> GetSessionAsync(CancellationToken cancellationToken)
    {
        // Connected: no wait and no allocation.
        return Volatile.Read(ref _current) is { } current ? new ValueTask<Session<TEvent>>(current) : new ValueTask<Session<TEvent>>(WaitForSessionAsync(cancellationToken));
    }

    /// <summary>Gets the connected session, waiting (until either token fires) when the connection is between sessions.</summary>
    public ValueTask<Session<TEvent>> GetSessionAsync(CancellationToken deadline, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _current) is { } current)
        {
            return new ValueTask<Session<TEvent>>(current);
        }

        return new ValueTask<Session<TEvent>>(cancellationToken.CanBeCanceled ? WaitForSessionAsync(deadline, cancellationToken) : WaitForSessionAsync(deadline));
    }

    /// <summary>Hands an event that arrived outside the sessions (a server's separate event socket) to the
    /// subscribers. Safe from any thread.</summary>
    /// <param name="item">The event.</param>
    public void Publish(TEvent item)
    {
        _protocol.Telemetry.RecordEvent(_protocol.EventTag(item));
        _events.Publish(new ReadOnlySpan<TEvent>(ref item));
    }

    /// <summary>Runs <paramref name="notify"/> on the dispatcher, after every earlier state change and
    /// notification, never on the connection's own loops.</summary>
    public void Notify(Action notify) => _notifications.Writer.TryWrite(notify);

    private ObjectDisposedException Disposed() =>
        new(_publicType.FullName, $"This {_publicType.Name} has been disposed: by DisposeAsync or Dispose, or by RunAsync when its token was cancelled (a hosted bot does this when the host stops). Commands, subscriptions and handlers need a connection that is not disposed.");

    private static TaskCompletionSource<Session<TEvent>?> NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Task EnsureStarted()
    {
        lock (_gate)
        {
            if (_disposal is not null)
            {
                throw Disposed();
            }

            if (_lifecycle is null)
            {
                _dispatcher = Task.Run(DispatchAsync);
                SetState(ConnectionState.Connecting, DisconnectReason.None, null, 0, null);
                _lifecycle = Task.Run(RunLifecycleAsync);
            }

            return _lifecycle;
        }
    }

    /// <summary>Must be called under <see cref="_gate"/>.</summary>
    private void ThrowIfStopped()
    {
        if (_state == ConnectionState.Disposed || _disposal is not null)
        {
            throw Disposed();
        }

        if (_state == ConnectionState.Faulted)
        {
            var error = _lastError;
            throw new MiraiConnectionException(
                (error as MiraiConnectionException)?.Reason ?? DisconnectReason.TransportError,
                $"The connection has stopped: {error?.Message}",
                error);
        }
    }

    private async Task<Session<TEvent>> WaitForSessionAsync(CancellationToken first, CancellationToken second)
    {
        // Only between sessions, so the linked source is rare.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(first, second);
        return await WaitForSessionAsync(linked.Token).ConfigureAwait(false);
    }

    private async Task<Session<TEvent>> WaitForSessionAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            TaskCompletionSource<Session<TEvent>?> signal;
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
        var telemetry = _protocol.Telemetry;
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
                var session = new Session<TEvent>(_settings, _protocol, _logger, _events, RequestIds, this);
                SessionEnd end;
                try
                {
                    await _source.OpenAsync(session, lifetime).ConfigureAwait(false);
                    telemetry.ConnectAttempt("connected");
                    if (droppedAt is { } since)
                    {
                        telemetry.ReconnectDuration(_time.GetElapsedTime(since));
                        droppedAt = null;
                    }

                    attemptsSinceConnected = 0;
                    everConnected = true;
                    var account = _protocol.AccountOf(session);
                    var connectMs = _time.GetElapsedTime(started).TotalMilliseconds;
                    Log.Connected(_logger, _settings.Endpoint, account, connectMs);
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
                    telemetry.ConnectAttempt(ex.Reason.ToString());
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
                        await session.CloseAsync(_source.ShutdownStatus).ConfigureAwait(false);
                    }

                    await session.DisposeAsync().ConfigureAwait(false);
                    if (session.ConnectedAt != 0 && !lifetime.IsCancellationRequested)
                    {
                        ((IAccountObserver)this).Report(BotState.Unknown, 0, "the connection ended");
                    }
                }

                if (lifetime.IsCancellationRequested)
                {
                    return;
                }

                Volatile.Write(ref _lastError, end.Error);

                // Network failures are expected here: one line for operators, the stack trace at Debug.
                Log.Disconnected(_logger, end.Reason, end.Detail);
                Log.DisconnectedDetail(_logger, end.Reason, end.Error);
                if (_protocol.IsFatal(end))
                {
                    Fault(_protocol.DescribeFatal(end) ?? new MiraiConnectionException(end.Reason, end.Detail), end.Reason);
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
                    telemetry.Reconnect(end.Reason);
                }

                // The schedule starts over only after a connection that stayed up; a crash-looping
                // server keeps climbing the schedule instead of being hit at the minimum forever.
                var stable = session.ConnectedAt != 0 && _time.GetElapsedTime(session.ConnectedAt) >= reconnect.StableAfter;
                failures = stable ? 1 : failures + 1;
                var delay = _source.BacksOff ? Backoff.GetDelay(failures, reconnect, _random()) : TimeSpan.Zero;
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

    private void Fault(Exception error, DisconnectReason reason)
    {
        Log.Fatal(_logger, error.Message, error);
        lock (_gate)
        {
            _lastError = error;
            SetState(ConnectionState.Faulted, reason, error, 0, null);
            _connected.TrySetResult(null);
        }

        // A stopped connection takes no more sockets: a server offering one gets it declined at once.
        (_source as AcceptedSockets<TEvent>)?.Complete();
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
        _protocol.Telemetry.StateChanged(previous, state == ConnectionState.Disposed ? null : state);
        Log.StateChanged(_logger, previous, state);
        var change = new ConnectionStateChangedEventArgs(previous, state, reason, error, attempt, delay);
        _notifications.Writer.TryWrite(() => RaiseStateChanged(change));
    }

    void IAccountObserver.Report(BotState state, long account, string reason)
    {
        BotStateChangedEventArgs change;
        lock (_gate)
        {
            // Once disposal starts only its own reset to Unknown gets through.
            if (_botState == state || (_disposal is not null && state != BotState.Unknown))
            {
                return;
            }

            change = new BotStateChangedEventArgs(_botState, state, account, reason);
            _botState = state;
        }

        _protocol.Telemetry.BotStateChanged(change.PreviousState, state);
        Log.BotStateChanged(_logger, account, state, change.PreviousState, reason);
        _notifications.Writer.TryWrite(() => Raise(Volatile.Read(ref _botStateChanged), change));
    }

    private void Raise<TArgs>(EventHandler<TArgs>? handlers, TArgs change)
    {
        if (handlers is null)
        {
            return;
        }

        // One handler at a time, so a throwing handler cannot keep the others from running.
        var sender = _owner.TryGetTarget(out var owner) ? owner : null;
        foreach (var handler in handlers.GetInvocationList())
        {
            try
            {
                ((EventHandler<TArgs>)handler)(sender, change);
            }
            catch (Exception ex)
            {
                Log.StateHandlerFailed(_logger, ex);
            }
        }
    }

    private void RaiseStateChanged(ConnectionStateChangedEventArgs change)
    {
        EventHandler<ConnectionStateChangedEventArgs>? handlers;
        lock (_gate)
        {
            handlers = _stateChanged;
        }

        Raise(handlers, change);
    }

    private async Task DispatchAsync()
    {
        await foreach (var notify in _notifications.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                notify();
            }
            catch (Exception ex)
            {
                Log.StateHandlerFailed(_logger, ex);
            }
        }
    }

    private async Task DisposeCoreAsync()
    {
        // Leave the caller's lock first; everything below may take a while.
        await Task.Yield();
        var started = _time.GetTimestamp();
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
                Log.DisposeTimedOut(_logger, _time.GetElapsedTime(started).TotalMilliseconds);
                Volatile.Read(ref _current)?.End(SessionStage.Client, null, new SessionSignals(Description: "disposal timed out"));
            }
        }

        lock (_gate)
        {
            _current = null;
            SetState(ConnectionState.Disposed, DisconnectReason.Stopped, null, 0, null);
            _connected.TrySetResult(null);
        }

        (_source as AcceptedSockets<TEvent>)?.Complete();
        // A disposed connection no longer knows its account, and the bots gauge must stop counting it.
        ((IAccountObserver)this).Report(BotState.Unknown, 0, "the connection was disposed");
        _events.Complete();
        _notifications.Writer.TryComplete();
    }
}
