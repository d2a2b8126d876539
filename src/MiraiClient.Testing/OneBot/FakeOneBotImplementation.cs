using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using MiraiClient.OneBot;

namespace MiraiClient.Testing.OneBot;

/// <summary>
/// An in-process fake OneBot v11 implementation on 127.0.0.1 (real WebSockets), standing in for NapCat,
/// LLBot, Lagrange.OneBot or go-cqhttp, which need a QQ login and cannot run in tests.
/// </summary>
/// <remarks>
/// <para><b>Forward WebSocket</b> (the client dials <see cref="Uri"/>): <c>/</c> carries events and
/// actions, <c>/api</c> actions only (no lifecycle, no heartbeats, no events), <c>/event</c> events;
/// <c>/api/</c> and <c>/event/</c> are the same paths, and frames sent to <c>/event</c> and unknown paths
/// are treated the way <see cref="FakeOneBotOptions.Profile"/> treats them (NapCat runs actions sent to
/// <c>/event</c>; LLBot accepts unknown paths and then does nothing on them; go-cqhttp never reads
/// <c>/event</c> and routes <c>/api/</c>, <c>/event/</c> and unknown paths to <c>/</c>). Every event path
/// gets the lifecycle <c>connect</c> frame first. A missing or wrong access token is refused as the profile
/// refuses it (HTTP 401/403 before the upgrade, or an in-band <c>retcode</c> 1403 frame and a close).</para>
/// <para><b>Reverse WebSocket</b>: <see cref="DialAsync"/> makes the fake dial a server with the profile's
/// headers and then behave on that socket exactly as on a forward one; it redials at a fixed interval.</para>
/// <para>Script it from a test: <see cref="PushEventAsync{TEvent}"/> sends typed events (built with
/// <see cref="FakeOneBotEvents"/>, written in the profile's wire shape), <c>Handle</c> replaces the
/// built-in answer of an action (<see cref="ActionReply"/>: results, failures, delays for out-of-order
/// replies, stream frames, silence), <see cref="ActionCursor()"/> and <see cref="ReceivedActions"/> show
/// what arrived (<see cref="ReceivedAction.Send"/> reads a send as a message), heartbeats run on their own
/// and can be stopped, and the fault methods (<see cref="Freeze"/>, <see cref="AbortConnections"/>,
/// <see cref="CloseConnectionsAsync"/>, <see cref="RestartAsync"/>, <see cref="StopListening"/>,
/// <see cref="SendRawAsync(string)"/>, <see cref="SendRawAsync(byte[], System.Net.WebSockets.WebSocketMessageType)"/>) break things.</para>
/// <para>A push made before any event client has connected waits for one (up to
/// <see cref="FakeOneBotOptions.ClientWaitTimeout"/>), then fails with the likely cause; once clients have
/// been connected, a push while none is (a reconnect gap) is lost, as with a real implementation, and
/// counted in <see cref="DroppedPushCount"/>.</para>
/// </remarks>
public sealed partial class FakeOneBotImplementation : IAsyncDisposable
{
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(10);
    private readonly OneBotProfileRules _rules;
    private readonly EventShape _shape;
    private readonly TimeSpan _heartbeat;
    private readonly string _nickname;
    private readonly string? _token;
    private readonly bool _millisecondTimes;
    private readonly TimeSpan _clientWait;
    private readonly System.Net.IPAddress _address;
    private readonly RestartableListener _listening;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly ConcurrentDictionary<int, OneBotLink> _links = new();
    private readonly ConcurrentDictionary<Task, byte> _tasks = new();
    private readonly ConcurrentDictionary<string, Func<ReceivedAction, Task<ActionReply>>> _handlers = new(StringComparer.Ordinal);
    private readonly List<ReceivedAction> _received = [];
    private readonly List<string> _rejections = [];
    private readonly List<string> _unexpected = [];
    private readonly List<FakeOneBotReverseClient> _dialers = [];
    private readonly SemaphoreSlim _pushGate = new(1, 1);
    private readonly ChangeSignal _signal = new();
    private readonly object _gate = new();
    private readonly long _startedUnixSeconds = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    private readonly long _startedAt = Stopwatch.GetTimestamp();
    private TaskCompletionSource _thawed = Background.OpenGate();
    private TaskCompletionSource _up = Background.OpenGate();
    private TaskCompletionSource _reading = Background.OpenGate();
    private Task _acceptLoop = Task.CompletedTask;
    private int _nextLinkId;
    private int _accepts;
    private int _dropped;
    private long _nextSequence;
    private bool? _online = true;
    private volatile bool _awaitingClient = true;
    private volatile bool _heartbeatsStopped;

    private FakeOneBotImplementation(FakeOneBotOptions options)
    {
        _rules = OneBotProfileRules.For(options.Profile);
        SelfId = options.SelfId;
        _nickname = options.Nickname ?? "";
        _token = string.IsNullOrEmpty(options.AccessToken) ? null : options.AccessToken;
        _heartbeat = options.HeartbeatInterval ?? _rules.DefaultHeartbeat;
        _shape = new EventShape(options.MessageFormat ?? _rules.PostFormat, _rules.ReportsMessageFormat, _rules.OmitsNullAnonymous);
        _millisecondTimes = options.StampTimeInMilliseconds;
        _clientWait = options.ClientWaitTimeout;
        _address = options.Address;
        _listening = new RestartableListener(options.Address, options.Port);
    }

    /// <summary>Gets the implementation imitated.</summary>
    public FakeOneBotProfile Profile => _rules.Profile;

    /// <summary>Gets the bot account (<c>self_id</c>).</summary>
    public long SelfId { get; }

    /// <summary>Gets the port forward clients connect to.</summary>
    public int Port => _listening.Port;

    /// <summary>Gets the forward WebSocket address of the Universal path, for example <c>ws://127.0.0.1:12345/</c>;
    /// <c>new Uri(fake.Uri, "api")</c> and <c>new Uri(fake.Uri, "event")</c> are the split paths.</summary>
    public Uri Uri => new($"ws://{(_address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{_address}]" : _address.ToString())}:{Port}/");

    /// <summary>Gets the number of open, authorized WebSockets (forward and reverse, every path).</summary>
    public int ConnectionCount => _links.Count;

    /// <summary>Gets the number of TCP connections forward clients opened so far.</summary>
    public int AcceptCount => Volatile.Read(ref _accepts);

    /// <summary>Gets the number of forward clients refused for a missing or wrong access token so far.</summary>
    public int RejectedCount
    {
        get
        {
            lock (_gate)
            {
                return _rejections.Count;
            }
        }
    }

    /// <summary>Gets the number of pushes that reached no client because none was connected on an event
    /// path at the time (after clients had been connected: a reconnect gap).</summary>
    public int DroppedPushCount => Volatile.Read(ref _dropped);

    /// <summary>Gets or sets whether the account is online, as heartbeats and <c>get_status</c> report it
    /// (default: <see langword="true"/>; <see langword="null"/>: unknown). The socket stays up either way, as
    /// when QQ kicks an account; Lagrange always reports <see langword="true"/> and NapCat reports unknown as true.</summary>
    public bool? Online
    {
        get
        {
            lock (_gate)
            {
                return _online;
            }
        }

        set
        {
            lock (_gate)
            {
                _online = value;
            }
        }
    }

    /// <summary>Gets every action received so far, in arrival order.</summary>
    public IReadOnlyList<ReceivedAction> ReceivedActions
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>Starts a fake implementation listening on 127.0.0.1 for forward clients.</summary>
    /// <param name="options">The configuration (default: NapCat, account 10001000, no token, ephemeral port).</param>
    /// <returns>The running fake.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The profile is not one of <see cref="FakeOneBotProfile"/>.</exception>
    public static Task<FakeOneBotImplementation> StartAsync(FakeOneBotOptions? options = null)
    {
        var fake = new FakeOneBotImplementation(options ?? new FakeOneBotOptions());
        fake.StartListening();
        fake.StartSharedHeartbeat();
        return Task.FromResult(fake);
    }

    /// <summary>Forgets the actions received so far (long-running tests keep memory flat this way).</summary>
    public void ClearReceived()
    {
        lock (_gate)
        {
            _received.Clear();
        }
    }

    /// <summary>Sets how one action is answered, replacing the built-in answer (undo it with
    /// <see cref="RestoreBuiltInReply"/>). A handled action is never "unknown"; for <c>send_msg</c> the handler
    /// also answers <c>send_msg_async</c> where the profile treats the suffix as an alias. A handler that
    /// throws gets <see cref="ActionReply.Error"/> with the exception's message.</summary>
    /// <param name="action">The action name.</param>
    /// <param name="handler">Makes the reply from the request.</param>
    public void Handle(string action, Func<ReceivedAction, ActionReply> handler)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(handler);
        _handlers[action] = a => Task.FromResult(handler(a));
    }

    /// <summary>Sets how one action is answered, with an asynchronous handler.</summary>
    /// <param name="action">The action name.</param>
    /// <param name="handler">Makes the reply from the request.</param>
    public void Handle(string action, Func<ReceivedAction, Task<ActionReply>> handler)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(handler);
        _handlers[action] = handler;
    }

    /// <summary>Removes a handler set with <c>Handle</c>, so the action gets the built-in answer again.</summary>
    /// <param name="action">The action name, as given to <c>Handle</c>.</param>
    /// <returns><see langword="true"/> when a handler was removed.</returns>
    public bool RestoreBuiltInReply(string action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return _handlers.TryRemove(action, out _);
    }

    /// <summary>Starts a cursor at the current end of the received actions: it sees only what arrives from
    /// now on, one match at a time.</summary>
    /// <returns>The cursor.</returns>
    public ActionCursor ActionCursor() => new(this, Interlocked.Read(ref _nextSequence));

    /// <summary>Waits until an action with the given name has arrived (the first one ever; a cursor waits
    /// for the next one instead).</summary>
    /// <param name="action">The action name, exactly as sent.</param>
    /// <param name="timeout">How long to wait (default: 10 s).</param>
    /// <returns>The first such action.</returns>
    /// <exception cref="TimeoutException">None arrived in time; the message lists what did arrive.</exception>
    public Task<ReceivedAction> WaitForActionAsync(string action, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(action);
        var limit = timeout ?? DefaultWait;
        return _signal.WaitUntilAsync(() => ReceivedActions.FirstOrDefault(a => a.Action == action), limit, () => DescribeMissing($"'{action}' action", ReceivedActions, limit) + " " + DescribeClients());
    }

    /// <summary>Waits until exactly <paramref name="count"/> WebSockets are open (forward and reverse).</summary>
    /// <param name="count">The number of connections.</param>
    /// <param name="timeout">How long to wait (default: 10 s).</param>
    /// <returns>A task that completes when reached.</returns>
    /// <exception cref="TimeoutException">Not reached in time; the message says who is connected and who was refused.</exception>
    public Task WaitForConnectionCountAsync(int count, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultWait;
        return _signal.WaitUntilAsync(() => ConnectionCount == count ? (object)true : null, limit, () => $"The fake OneBot implementation did not see {count} open connection(s) within {limit.TotalSeconds:0.###} s (it has {ConnectionCount}). {DescribeClients()}");
    }

    /// <summary>Stops sending heartbeats on every connection (they stay open), to imitate an implementation
    /// whose heartbeats stopped; <see cref="ResumeHeartbeats"/> starts them again.</summary>
    public void StopHeartbeats() => _heartbeatsStopped = true;

    /// <summary>Sends heartbeats again after <see cref="StopHeartbeats"/>.</summary>
    public void ResumeHeartbeats() => _heartbeatsStopped = false;

    /// <summary>Stops reading every connection (they stay open) while heartbeats and pushed events still go out:
    /// an implementation whose client-to-implementation direction is stalled, so no call is read or answered.
    /// <see cref="ResumeReading"/> reads again.</summary>
    public void StopReading()
    {
        lock (_gate)
        {
            if (_reading.Task.IsCompleted)
            {
                _reading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>Reads again after <see cref="StopReading"/>.</summary>
    public void ResumeReading()
    {
        lock (_gate)
        {
            _reading.TrySetResult();
        }
    }

    /// <summary>Starts accepting forward connections (again) on <see cref="Port"/>.</summary>
    public void StartListening()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_lifetime.IsCancellationRequested, this);
            if (_listening.Start(AcceptLoopAsync) is { } loop)
            {
                _acceptLoop = Track(loop);
            }
        }
    }

    /// <summary>Stops accepting forward connections; new ones are refused. Open connections stay open.</summary>
    public void StopListening() => _listening.Stop();

    /// <summary>Drops every connection, forward and reverse, with a TCP reset, as a crashed process does
    /// (clients see 1006). Reverse clients redial after their interval.</summary>
    public void AbortConnections()
    {
        foreach (var link in _links.Values)
        {
            // No push may pick a socket that is going away, and a socket nobody reads must notice too.
            link.Live = false;
            link.Transport.Abort();
            link.End();
        }
    }

    /// <summary>Closes every connection with the given close status (<see cref="WebSocketCloseStatus.Empty"/>
    /// sends a Close frame without a status, which the client reads as 1005).</summary>
    /// <param name="status">The close status.</param>
    /// <param name="reason">The close reason (must be empty for <see cref="WebSocketCloseStatus.Empty"/>).</param>
    /// <returns>A task that completes when the close frames were sent.</returns>
    public Task CloseConnectionsAsync(WebSocketCloseStatus status = WebSocketCloseStatus.NormalClosure, string reason = "")
    {
        var links = _links.Values.ToList();
        foreach (var link in links)
        {
            link.Live = false;
        }

        return Task.WhenAll(links.Select(l => l.CloseAsync(status, reason)));
    }

    /// <summary>Crashes and restarts: resets every connection, refuses forward connections and stops reverse
    /// dialling for <paramref name="downtime"/>, then listens and dials again. Pushes made before a client is
    /// back wait for it, as after the start.</summary>
    /// <param name="downtime">How long the implementation is down.</param>
    /// <param name="cancellationToken">Cancels the wait (the implementation comes back at once).</param>
    /// <returns>A task that completes when it is back.</returns>
    public async Task RestartAsync(TimeSpan downtime = default, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_up.Task.IsCompleted)
            {
                _up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        StopListening();
        AbortConnections();
        _awaitingClient = true;
        try
        {
            if (downtime > TimeSpan.Zero)
            {
                await Task.Delay(downtime, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (!_lifetime.IsCancellationRequested)
            {
                StartListening();
            }

            lock (_gate)
            {
                _up.TrySetResult();
            }
        }
    }

    /// <summary>Freezes the whole implementation, as a stopped process: nothing is read, written or answered
    /// (not even WebSocket pings), no heartbeat is sent and nothing is dialled until <see cref="Thaw"/>. New
    /// connections are frozen too.</summary>
    public void Freeze()
    {
        lock (_gate)
        {
            if (_thawed.Task.IsCompleted)
            {
                _thawed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>Ends a <see cref="Freeze"/>.</summary>
    public void Thaw()
    {
        lock (_gate)
        {
            _thawed.TrySetResult();
        }
    }

    /// <summary>Stops the fake: ends reverse dialling, drops every connection.</summary>
    /// <returns>A task that completes when every background task has ended (bounded).</returns>
    public async ValueTask DisposeAsync()
    {
        if (_lifetime.IsCancellationRequested)
        {
            return;
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        StopListening();
        Thaw();
        lock (_gate)
        {
            _up.TrySetResult();
        }

        FakeOneBotReverseClient[] dialers;
        lock (_gate)
        {
            dialers = [.. _dialers];
        }

        foreach (var dialer in dialers)
        {
            dialer.Cancel();
        }

        AbortConnections();
        await Background.WaitBoundedAsync(_tasks.Keys).ConfigureAwait(false);
        _lifetime.Dispose();
    }

    // ---- bookkeeping shared by the parts ----

    /// <summary>Waits for the freeze gate and the restart gate.</summary>
    private Task Gate()
    {
        lock (_gate)
        {
            return _thawed.Task;
        }
    }

    /// <summary>Waits until reading is allowed (<see cref="StopReading"/>).</summary>
    private Task ReadingGate()
    {
        lock (_gate)
        {
            return _reading.Task;
        }
    }

    private async Task UpAsync(CancellationToken cancellationToken)
    {
        Task up;
        lock (_gate)
        {
            up = _up.Task;
        }

        await up.WaitAsync(cancellationToken).ConfigureAwait(false);
        await Gate().WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private Task Track(Task task)
    {
        _tasks.TryAdd(task, 0);
        _ = task.ContinueWith(t => _tasks.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return task;
    }

    private long Now() => _millisecondTimes ? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() : DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private TimeSpan Elapsed => Stopwatch.GetElapsedTime(_startedAt);

    internal ChangeSignal Changes => _signal;

    internal void Signal() => _signal.Signal();

    /// <summary>Gets the actions received after the given sequence number, in arrival order.</summary>
    internal List<ReceivedAction> ReceivedAfter(long sequence)
    {
        lock (_gate)
        {
            return [.. _received.Where(a => a.Sequence > sequence)];
        }
    }

    /// <summary>Keeps an error no connection expected, so a test's timeout message shows it instead of it vanishing.</summary>
    private void RecordUnexpected(Exception error)
    {
        lock (_gate)
        {
            if (_unexpected.Count < 20)
            {
                _unexpected.Add($"{error.GetType().Name}: {error.Message}");
            }
        }

        Signal();
    }

    private void RecordRejection(string reason)
    {
        lock (_gate)
        {
            if (_rejections.Count < 1000)
            {
                _rejections.Add(reason);
            }
        }

        Signal();
    }

    /// <summary>Says who is connected and why others were not, for timeout and push errors. Never names a token.</summary>
    internal string DescribeClients()
    {
        var links = _links.Values.ToList();
        var eventLinks = links.Count(l => l.CarriesEvents);
        var text = links.Count == 0
            ? "No client is connected."
            : $"{links.Count} connection(s) open ({string.Join(", ", links.Select(l => l.Describe()))}){(eventLinks == 0 ? ", none of them on a path that carries events (/api carries none)" : "")}.";
        FakeOneBotReverseClient[] dialers;
        lock (_gate)
        {
            dialers = [.. _dialers];
            if (_rejections.Count > 0)
            {
                var reasons = _rejections.GroupBy(r => r, StringComparer.Ordinal).Select(g => g.Count() == 1 ? g.Key : $"{g.Key} (×{g.Count()})");
                text += $" {_rejections.Count} forward client(s) refused: {string.Join("; ", reasons)}.";
            }

            if (_unexpected.Count > 0)
            {
                text += $" The fake hit unexpected errors: {string.Join("; ", _unexpected)}.";
            }
        }

        if (AcceptCount == 0 && dialers.Length == 0)
        {
            text += $" No client has even opened a TCP connection: is it started, and pointed at {Uri}?";
        }

        foreach (var dialer in dialers)
        {
            text += " " + dialer.Describe();
        }

        return $"{text} (profile {_rules.Profile}, account {SelfId}.)";
    }

    internal static string DescribeMissing(string what, IReadOnlyList<ReceivedAction> arrivedSince, TimeSpan limit)
    {
        var arrived = arrivedSince.Count == 0
            ? "nothing"
            : string.Join(", ", arrivedSince.Take(20).Select(a => $"{a.Action} (connection {a.ConnectionId})")) + (arrivedSince.Count > 20 ? $" and {arrivedSince.Count - 20} more" : "");
        return $"No {what} arrived within {limit.TotalSeconds:0.###} s. Arrived: {arrived}.";
    }
}
