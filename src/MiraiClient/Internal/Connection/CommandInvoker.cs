using System.Diagnostics;

namespace MiraiClient.Internal;

/// <summary>A request a protocol's command layer hands to the <see cref="CommandInvoker{TEvent}"/>: its name
/// (for telemetry and errors) and how to encode it for an id. Implemented by small structs, so a request
/// costs no allocation of its own.</summary>
internal interface IRequest
{
    /// <summary>Gets the request's name (the command word, the action name).</summary>
    string Name { get; }

    /// <summary>Encodes the request carrying <paramref name="id"/> into pooled memory.</summary>
    RequestFrame Encode(long id);
}

/// <summary>Turns a reply into a request's result, in one parse, or throws the reply's error.</summary>
/// <typeparam name="T">The result.</typeparam>
internal abstract class ReplyShape<T>
{
    /// <summary>Decodes a reply.</summary>
    /// <param name="name">The request's name, for errors.</param>
    /// <param name="reply">The reply, as the protocol's frame handler delivered it.</param>
    /// <returns>The result.</returns>
    /// <exception cref="MiraiException">The peer reported a failure (an <see cref="IPeerError"/>), or the reply has the wrong shape.</exception>
    public abstract T Decode(string name, byte[] reply);

    /// <summary>Gets whether <see cref="DecodeSpan"/> decodes without keeping the reply, so the reply can be
    /// handed over in a pooled array (see <see cref="PendingRequest.ReplyLength"/>).</summary>
    public virtual bool DecodesSpan => false;

    /// <summary>Decodes a reply held in memory the caller reuses afterwards; only when <see cref="DecodesSpan"/>.</summary>
    /// <param name="name">The request's name, for errors.</param>
    /// <param name="reply">The reply.</param>
    /// <returns>The result.</returns>
    /// <exception cref="MiraiException">As <see cref="Decode"/>.</exception>
    public virtual T DecodeSpan(string name, ReadOnlySpan<byte> reply) => Decode(name, reply.ToArray());
}

/// <summary>A failure the peer reported for a request, as the telemetry counts it.</summary>
internal interface IPeerError
{
    /// <summary>Gets the peer's status code.</summary>
    int Code { get; }

    /// <summary>Gets a low-cardinality class of the failure (for example <c>no_permission</c>).</summary>
    string FailureTag { get; }
}

/// <summary>
/// The request/response primitive every typed command of every protocol is built on; it reads as the
/// outbound path: encode, register (disposed on every exit), post, await the reply, decode once.
/// </summary>
/// <typeparam name="TEvent">The protocol's event base type.</typeparam>
/// <remarks>
/// <para>Nothing is ever resent: a request in flight when its session ends fails with
/// <see cref="MiraiConnectionLostException"/>. A request issued while the connection is between sessions waits
/// for the next one within its timeout (unless <c>WaitForConnection</c> is off). A request whose caller gives
/// up before its frame's turn is never written.</para>
/// <para><b>Bytes per request</b>: a reply whose shape decodes from a span (the send receipt, the status) is
/// read from a pooled array (<see cref="PendingRequest"/>) instead of a fresh copy, the message chain is
/// written by index instead of through a boxed enumerator (<c>MessageChainConverter</c>), and the telemetry
/// and name are read where used rather than kept in the state machine. <b>Replaces</b> a fresh reply array,
/// an enumerator and two fields of the call's state machine box per request. <b>Why</b>: bytes per
/// <c>SendGroupMessageAsync</c> with a per-call linked caller token, measured on loopback with
/// <c>SendLimiterBenchmarks</c> ([MemoryDiagnoser], 2026-12-01): 841 → 731 B per request with pacing off,
/// 848 → 728 B with pacing on; an allocation listener over 100,000 calls: 844 → 697 B; the load test
/// (<c>--token linked</c>, one request in flight): 849 → 737 B (64 in flight: 744 B; the hand-written
/// <c>ClientWebSocket</c> client in the same run: 1,008 B). The caller's own linked source (64 B) and its
/// registration (about 145 B) are in every figure.</para>
/// </remarks>
internal sealed class CommandInvoker<TEvent>
    where TEvent : class
{
    private readonly ConnectionCore<TEvent> _core;
    private readonly TimeProvider _time;
    private readonly DeadlinePool _deadlines;
    private readonly SendLimiter _pacing;

    public CommandInvoker(ConnectionCore<TEvent> core)
    {
        _core = core;
        _time = core.Settings.TimeProvider;
        _deadlines = new DeadlinePool(_time);
        _pacing = new SendLimiter(core.Settings.SendRateLimit, _time, core.Protocol.Telemetry.Pacing);
    }

    /// <summary>Gets the connection this invoker sends on.</summary>
    public ConnectionCore<TEvent> Core => _core;

    /// <summary>Sends a request and waits for its reply, within the command timeout.</summary>
    public Task<T> SendAsync<TRequest, T>(TRequest request, ReplyShape<T> shape, CancellationToken cancellationToken)
        where TRequest : IRequest =>
        SendAsync(request, shape, _core.Settings.CommandTimeout, null, cancellationToken);

    /// <summary>Sends a request that delivers something to a conversation, paced when pacing is on, and waits
    /// for its reply within the command timeout.</summary>
    public Task<T> SendAsync<TRequest, T>(TRequest request, ReplyShape<T> shape, Conversation? conversation, CancellationToken cancellationToken)
        where TRequest : IRequest =>
        SendAsync(request, shape, _core.Settings.CommandTimeout, conversation, cancellationToken);

    /// <summary>Sends a request and waits for its reply.</summary>
    /// <param name="request">The request.</param>
    /// <param name="shape">How to decode the reply.</param>
    /// <param name="timeout">How long the whole call may take, waiting for a connection included.</param>
    /// <param name="conversation">The conversation a message send goes to, for pacing; <see langword="null"/> for other requests.</param>
    /// <param name="cancellationToken">Abandons the call.</param>
    /// <returns>The decoded result.</returns>
    public async Task<T> SendAsync<TRequest, T>(TRequest request, ReplyShape<T> shape, TimeSpan timeout, Conversation? conversation, CancellationToken cancellationToken)
        where TRequest : IRequest
    {
        _core.ThrowIfDisposed();
        cancellationToken.ThrowIfCancellationRequested();

        // The telemetry and the name are read where used, not kept in locals: every local that lives across
        // an await is a field of the state machine box this call allocates.
        var id = _core.RequestIds.Next();
        using var activity = Telemetry.StartRequest(request.Name, id);
        var started = _time.GetTimestamp();
        var outcome = "error";

        // Encoded first: content that cannot be serialized fails here, before anything needs returning.
        RequestFrame? unsent = request.Encode(id);
        if (unsent.Value.Length > _core.Settings.MaxMessageSize)
        {
            var length = unsent.Value.Length;
            unsent.Value.Return();
            throw new ArgumentException($"Command '{request.Name}' encodes to {length} bytes, more than MaxMessageSize ({_core.Settings.MaxMessageSize} bytes); it was not sent.", nameof(request));
        }

        var deadline = _deadlines.Rent(timeout);
        try
        {
            if (conversation is { } to && _pacing.Enabled)
            {
                // Paced once, before the first attempt: the wait counts toward the timeout, and a send that
                // would wait longer fails at once (MiraiRateLimitedException), unsent.
                var pacing = _pacing.AcquireAsync(to, timeout - _time.GetElapsedTime(started), cancellationToken);
                var held = pacing.IsCompleted ? pacing.Result : await pacing.AsTask().WaitAsync(_core.Lifetime).ConfigureAwait(false);
                if (held > TimeSpan.Zero)
                {
                    activity?.SetTag("mirai.pacing.wait_ms", held.TotalMilliseconds);
                }
            }

            while (true)
            {
                var session = await _core.GetSessionAsync(deadline.Token, cancellationToken).ConfigureAwait(false);

                // A session that ended before the request was registered was never written to, so the
                // request can wait for the next one without any risk of a duplicate.
                var now = _time.GetTimestamp();
                using var pending = session.Requests.TryRegister(id, now, now + (long)(timeout.TotalSeconds * _time.TimestampFrequency), shape.DecodesSpan);
                if (pending is null)
                {
                    // The ending session is about to step down; let it.
                    await Task.Yield();
                    continue;
                }

                byte[] reply;

                // Registrations on the two tokens cost less than a linked source or a wrapper task per request.
                // They are made before posting, so a request cancelled by then is skipped, never written.
                using (deadline.Token.UnsafeRegister(CancelPending, pending))
                using (cancellationToken.UnsafeRegister(CancelPending, pending))
                {
                    // A write failure ends the session, which fails the pending request: the reply is the only thing to wait for.
                    var frame = unsent.Value;
                    unsent = null;
                    session.Post(frame, pending, request.Name);
                    reply = await pending.WaitAsync().ConfigureAwait(false);
                }

                try
                {
                    var result = shape.DecodesSpan ? shape.DecodeSpan(request.Name, reply.AsSpan(0, pending.ReplyLength)) : shape.Decode(request.Name, reply);
                    Telemetry.RequestSucceeded(activity);
                    outcome = "ok";
                    return result;
                }
                catch (MiraiException ex) when (ex is IPeerError peer)
                {
                    Telemetry.RequestFailed(request.Name, peer.Code, peer.FailureTag, activity);
                    outcome = "server_error";
                    _core.Protocol.OnPeerError(session, ex);
                    throw;
                }
                finally
                {
                    pending.ReturnReply(reply);
                }
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            outcome = "timeout";
            throw new MiraiTimeoutException(request.Name, timeout);
        }
        catch (Exception ex) when (_core.Lifetime.IsCancellationRequested
            && (ex is MiraiConnectionException or ObjectDisposedException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)))
        {
            throw new MiraiConnectionException(DisconnectReason.Stopped, $"The connection was disposed while command '{request.Name}' was waiting.", ex);
        }
        finally
        {
            unsent?.Return();
            _deadlines.Return(deadline);
            Telemetry.RequestFinished(request.Name, outcome, _time.GetElapsedTime(started), activity);
        }
    }

    private ProtocolTelemetry Telemetry => _core.Protocol.Telemetry;

    private static void CancelPending(object? state, CancellationToken fired) => ((PendingRequest)state!).TrySetCanceled(fired);
}

/// <summary>
/// Reusable timers for request deadlines: a <see cref="CancellationTokenSource"/> per request, taken from a
/// small pool and reset after use.
/// </summary>
/// <remarks>
/// <para><b>Replaces</b> <c>Task.WaitAsync(timeout, token)</c> (a wrapper task and a timer per request) or
/// a new <c>CancellationTokenSource(timeout)</c> per request.</para>
/// <para><b>Why</b>: allocation per request. It was one of four changes that together took a round trip
/// from about 2.9 KB to about 590 B (CHANGELOG, 0.1.0 performance work; benchmarks/RESULTS.md, "allocated
/// B/request").</para>
/// <para><b>Contract</b>: a rented source fires after its timeout; one that fired cannot be reset and is
/// dropped instead of pooled; at most <see cref="MaxPooled"/> wait in the pool. Thread-safe.</para>
/// </remarks>
internal sealed class DeadlinePool(TimeProvider time)
{
    private const int MaxPooled = 128;
    private readonly Stack<CancellationTokenSource> _pool = new();

    public CancellationTokenSource Rent(TimeSpan timeout)
    {
        CancellationTokenSource? source;
        lock (_pool)
        {
            _pool.TryPop(out source);
        }

        source ??= new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        source.CancelAfter(timeout);
        return source;
    }

    public void Return(CancellationTokenSource source)
    {
        if (!source.TryReset())
        {
            source.Dispose();
            return;
        }

        lock (_pool)
        {
            if (_pool.Count < MaxPooled)
            {
                _pool.Push(source);
                return;
            }
        }

        source.Dispose();
    }
}
