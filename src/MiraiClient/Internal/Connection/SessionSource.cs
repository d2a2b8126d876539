using System.Net.WebSockets;
using System.Threading.Channels;

namespace MiraiClient.Internal;

/// <summary>Where a connection's sessions get their sockets: dialled by the connection (a client), or accepted
/// by a server and handed over (server mode, where the peer dials in).</summary>
/// <typeparam name="TEvent">The protocol's event base type.</typeparam>
internal abstract class SessionSource<TEvent>
    where TEvent : class
{
    /// <summary>Gets whether the connection waits its backoff delay between sessions: a dialler does, so a
    /// peer that is down is not hammered; a server does not, since the peer dials at its own pace.</summary>
    public abstract bool BacksOff { get; }

    /// <summary>Gets the close status sent when the connection is disposed: a client leaving says 1000, a server
    /// shutting down says 1001 (going away) so the peer redials when it is back.</summary>
    public virtual WebSocketCloseStatus ShutdownStatus => WebSocketCloseStatus.NormalClosure;

    /// <summary>Opens a session: dials, or waits for the next accepted socket; then runs the session on it
    /// until its handshake is done.</summary>
    /// <exception cref="MiraiConnectionException">The attempt failed.</exception>
    /// <exception cref="OperationCanceledException">The lifetime token was cancelled.</exception>
    public abstract Task OpenAsync(Session<TEvent> session, CancellationToken lifetime);
}

/// <summary>Sessions dialled by the connection itself (<see cref="Session{TEvent}.ConnectAsync"/>).</summary>
internal sealed class DialingSource<TEvent> : SessionSource<TEvent>
    where TEvent : class
{
    public static readonly DialingSource<TEvent> Instance = new();

    public override bool BacksOff => true;

    public override Task OpenAsync(Session<TEvent> session, CancellationToken lifetime) => session.ConnectAsync(lifetime);
}

/// <summary>
/// Sessions on sockets a server accepted from the peer (server mode). The newest socket wins: one offered
/// while a session runs ends that session (<see cref="DisconnectReason.Replaced"/>, its pending requests
/// fail) and the connection continues on the new socket; one offered while another waits unattached
/// replaces that one, which is closed.
/// </summary>
/// <typeparam name="TEvent">The protocol's event base type.</typeparam>
internal sealed class AcceptedSockets<TEvent> : SessionSource<TEvent>
    where TEvent : class
{
    private readonly Channel<Offer> _offers;
    private readonly object _gate = new();
    private ConnectionCore<TEvent>? _core;
    private Session<TEvent>? _latest;

    public AcceptedSockets()
    {
        _offers = Channel.CreateBounded<Offer>(
            new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            static dropped => dropped.Decline("a newer connection from the same peer arrived before this one was used"));
    }

    public override bool BacksOff => false;

    public override WebSocketCloseStatus ShutdownStatus => WebSocketCloseStatus.EndpointUnavailable;

    /// <summary>Gets or sets the close status sent when the peer's handshake rejected the session (a wrong key):
    /// a server cannot refuse such a peer at the upgrade, so it closes the socket with this (default 1008).</summary>
    public WebSocketCloseStatus RejectionStatus { get; set; } = WebSocketCloseStatus.PolicyViolation;

    /// <summary>Binds the source to the connection it feeds (once).</summary>
    public void Bind(ConnectionCore<TEvent> core) => _core = core;

    /// <summary>Hands an accepted socket to the connection; the newest wins.</summary>
    /// <param name="socket">The socket, open; the connection owns it from now on.</param>
    /// <returns>A task that completes with how the socket's session ended (the server holds the HTTP request
    /// open until then). It never faults.</returns>
    public Task<SessionEnd> OfferAsync(WebSocket socket)
    {
        var offer = new Offer(socket);
        Session<TEvent>? previous;
        lock (_gate)
        {
            // Taken together with the write: the session of the last socket taken is the one this socket
            // replaces, whether it is still in its handshake or already connected.
            if (_core is not { IsDisposed: false } || !_offers.Writer.TryWrite(offer))
            {
                previous = null;
                offer.Decline("the connection has stopped");
                return offer.Done.Task;
            }

            previous = _latest;
        }

        previous?.End(SessionStage.Protocol, null, new SessionSignals(Reason: DisconnectReason.Replaced, Description: "A newer connection from the same peer replaced this one."));
        return offer.Done.Task;
    }

    public override async Task OpenAsync(Session<TEvent> session, CancellationToken lifetime)
    {
        Offer? offer = null;
        while (offer is null)
        {
            try
            {
                if (!await _offers.Reader.WaitToReadAsync(lifetime).ConfigureAwait(false))
                {
                    throw new OperationCanceledException(lifetime);
                }
            }
            catch (ChannelClosedException)
            {
                throw new OperationCanceledException(lifetime);
            }

            lock (_gate)
            {
                if (_offers.Reader.TryRead(out offer))
                {
                    _latest = session;
                }
            }
        }

        // The server's request for this socket ends only once the session no longer touches the socket: disposing
        // a socket whose request has ended throws.
        _ = session.Disposal.ContinueWith(static (_, state) => Released(state!), (offer, session), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            await session.AttachAsync(offer.Socket, lifetime).ConfigureAwait(false);
        }
        catch (MiraiConnectionException ex) when (ex.Reason == DisconnectReason.HandshakeRejected)
        {
            // The peer dialled in and then rejected what this side sent (mirai-api-http's verify): close with a
            // status instead of dropping the socket, so the peer's log says why and its redial loop survives.
            await session.CloseAsync(RejectionStatus, "handshake rejected").ConfigureAwait(false);
            throw;
        }
    }

    private static void Released(object state)
    {
        var (offer, session) = ((Offer, Session<TEvent>))state;
        offer.Done.TrySetResult(session.Completion.IsCompleted ? session.Completion.Result : new SessionEnd(DisconnectReason.Stopped, null, "disposed"));
    }

    /// <summary>Declines every socket still waiting; called when the connection is disposed.</summary>
    public void Complete()
    {
        _offers.Writer.TryComplete();
        while (_offers.Reader.TryRead(out var offer))
        {
            offer.Decline("the connection has stopped");
        }
    }

    private sealed class Offer(WebSocket socket)
    {
        public WebSocket Socket { get; } = socket;

        public TaskCompletionSource<SessionEnd> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Decline(string why)
        {
            Socket.Abort();
            Socket.Dispose();
            Done.TrySetResult(new SessionEnd(DisconnectReason.Replaced, null, why));
        }
    }
}
