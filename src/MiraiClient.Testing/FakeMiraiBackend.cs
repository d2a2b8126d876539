using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace MiraiClient.Testing;

/// <summary>
/// An in-process fake mirai-api-http v2 WebSocket server on 127.0.0.1, for testing bots without a
/// real server or QQ account.
/// </summary>
/// <remarks>
/// <para>It behaves as the 2.10 server does where a client can tell: the upgrade always answers 101;
/// the verify key and <c>qq</c> are checked afterwards and a failure is reported in a handshake
/// frame followed by Close 1000; events carry the reserved sync id; replies echo the request's sync
/// id as a string; an undecodable request gets a bare <c>{"code":400}</c> with no sync id; unknown
/// commands get code 6; commands on one connection are handled one at a time.</para>
/// <para>Script it from a test: <see cref="PushEventAsync"/> sends events, <c>Handle</c>
/// sets replies, <see cref="ReceivedCommands"/> shows what arrived, and the fault methods
/// (<see cref="AbortConnections"/>, <see cref="CloseConnectionsAsync"/>, <see cref="Freeze"/>,
/// <see cref="StopListening"/>, <see cref="RestartAsync"/>, <see cref="SendHandshake"/>) break things.</para>
/// </remarks>
public sealed partial class FakeMiraiBackend : IAsyncDisposable
{
    private readonly FakeMiraiBackendOptions _options;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly ConcurrentDictionary<int, FakeConnection> _connections = new();
    private readonly ConcurrentDictionary<Task, byte> _tasks = new();
    private readonly ConcurrentDictionary<string, Func<ReceivedCommand, Task<CommandReply>>> _handlers = new(StringComparer.Ordinal);
    private readonly List<ReceivedCommand> _received = [];
    private readonly List<TimeSpan> _acceptTimes = [];
    private readonly List<ReceivedUpload> _uploads = [];
    private readonly object _gate = new();
    private readonly long _startedAt = System.Diagnostics.Stopwatch.GetTimestamp();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _thawed = Background.OpenGate();
    private readonly RestartableListener _listening;
    private Task _acceptLoop = Task.CompletedTask;
    private int _nextConnectionId;
    private int _nextMessageId;
    private int _handshakes;

    private FakeMiraiBackend(FakeMiraiBackendOptions options)
    {
        _options = options;
        _listening = new RestartableListener(options.Address, options.Port);
    }

    /// <summary>Gets the port the backend listens on.</summary>
    public int Port => _listening.Port;

    /// <summary>Gets the address to give a client, for example <c>ws://127.0.0.1:12345</c>.</summary>
    public Uri Uri => new($"{(_options.Certificate is null ? "ws" : "wss")}://{_options.Address}:{Port}");

    /// <summary>Gets the number of open, authenticated connections.</summary>
    public int ConnectionCount => _connections.Values.Count(c => c.Authenticated);

    /// <summary>Gets the number of TCP connections accepted so far.</summary>
    public int AcceptCount
    {
        get
        {
            lock (_gate)
            {
                return _acceptTimes.Count;
            }
        }
    }

    /// <summary>Gets the number of successful handshakes so far.</summary>
    public int HandshakeCount => Volatile.Read(ref _handshakes);

    /// <summary>Gets when each TCP connection was accepted, measured from the backend's start.</summary>
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

    /// <summary>Gets every request received so far, in arrival order.</summary>
    public IReadOnlyList<ReceivedCommand> ReceivedCommands
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>Gets or sets whether the backend sends the handshake frame after authenticating
    /// (default: <see langword="true"/>). <see langword="false"/> imitates a server that upgrades
    /// the socket and then says nothing.</summary>
    public bool SendHandshake { get; set; } = true;

    /// <summary>Gets or sets a delay applied before every reply (default: none).</summary>
    public TimeSpan ReplyDelay { get; set; }

    /// <summary>Starts a backend on 127.0.0.1.</summary>
    /// <param name="options">The configuration (default: no verify key, one bot 10001, ephemeral port).</param>
    /// <returns>The running backend.</returns>
    public static Task<FakeMiraiBackend> StartAsync(FakeMiraiBackendOptions? options = null)
    {
        var backend = new FakeMiraiBackend(options ?? new FakeMiraiBackendOptions());
        backend.StartListening();
        return Task.FromResult(backend);
    }

    /// <summary>Forgets the requests and uploads received so far (long-running tests keep memory flat this way).</summary>
    public void ClearReceived()
    {
        lock (_gate)
        {
            _received.Clear();
            _uploads.Clear();
        }
    }

    /// <summary>Sets how one command is answered, replacing the built-in answer.</summary>
    /// <param name="command">The command word; for commands with a sub-command, <c>command.sub</c> (for example <c>groupConfig.get</c>).</param>
    /// <param name="handler">Makes the reply from the request.</param>
    public void Handle(string command, Func<ReceivedCommand, CommandReply> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handlers[command] = c => Task.FromResult(handler(c));
    }

    /// <summary>Sets how one command is answered, with an asynchronous handler.</summary>
    /// <param name="command">The command word (or <c>command.sub</c>).</param>
    /// <param name="handler">Makes the reply from the request.</param>
    public void Handle(string command, Func<ReceivedCommand, Task<CommandReply>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handlers[command] = handler;
    }

    /// <summary>Starts accepting connections (again) on <see cref="Port"/>.</summary>
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

    /// <summary>Stops accepting connections; new ones are refused. Open connections stay open.</summary>
    public void StopListening() => _listening.Stop();

    /// <summary>Drops every connection with a TCP reset, as a crashed server does (clients see 1006).</summary>
    public void AbortConnections()
    {
        foreach (var connection in _connections.Values)
        {
            connection.Abort();
        }
    }

    /// <summary>Closes every connection with the given close status.</summary>
    /// <param name="status">The close status.</param>
    /// <param name="reason">The close reason.</param>
    /// <returns>A task that completes when the close frames were sent.</returns>
    public Task CloseConnectionsAsync(WebSocketCloseStatus status = WebSocketCloseStatus.NormalClosure, string reason = "")
    {
        return Task.WhenAll(_connections.Values.Select(c => c.CloseAsync(status, reason)));
    }

    /// <summary>Crashes and restarts: resets every connection, refuses connections for
    /// <paramref name="downtime"/>, then listens on the same port again.</summary>
    /// <param name="downtime">How long the backend is down.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the backend listens again.</returns>
    public async Task RestartAsync(TimeSpan downtime = default, CancellationToken cancellationToken = default)
    {
        StopListening();
        AbortConnections();
        if (downtime > TimeSpan.Zero)
        {
            await Task.Delay(downtime, cancellationToken).ConfigureAwait(false);
        }

        StartListening();
    }

    /// <summary>Freezes every connection, as a stopped process would be: nothing is read, written or
    /// answered (not even WebSocket pings) until <see cref="Thaw"/>. New connections are frozen too.</summary>
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

    /// <summary>Pushes an event to every authenticated connection, wrapped in the event envelope.</summary>
    /// <param name="eventJson">The event object, for example <c>{"type":"BotOnlineEvent","qq":1}</c>.</param>
    /// <returns>A task that completes when the event was written to every connection.</returns>
    public Task PushEventAsync(string eventJson)
    {
        ArgumentNullException.ThrowIfNull(eventJson);
        var frame = $"{{\"syncId\":{JsonSerializer.Serialize(_options.ReservedSyncId, TestingJsonContext.Default.String)},\"data\":{eventJson}}}";
        return SendRawAsync(frame);
    }

    /// <summary>Pushes a group message with one text element.</summary>
    /// <param name="group">The group number.</param>
    /// <param name="sender">The sender's QQ number.</param>
    /// <param name="text">The text.</param>
    /// <returns>The message id given to it.</returns>
    public async Task<int> PushGroupMessageAsync(long group, long sender, string text)
    {
        var id = Interlocked.Increment(ref _nextMessageId);
        await PushEventAsync(EventJson.GroupMessage(id, group, sender, text)).ConfigureAwait(false);
        return id;
    }

    /// <summary>Pushes a friend message with one text element.</summary>
    /// <param name="friend">The friend's QQ number.</param>
    /// <param name="text">The text.</param>
    /// <returns>The message id given to it.</returns>
    public async Task<int> PushFriendMessageAsync(long friend, string text)
    {
        var id = Interlocked.Increment(ref _nextMessageId);
        await PushEventAsync(EventJson.FriendMessage(id, friend, text)).ConfigureAwait(false);
        return id;
    }

    /// <summary>Sends a text frame as is to every authenticated connection (for malformed-frame tests).</summary>
    /// <param name="text">The frame text.</param>
    /// <returns>A task that completes when it was written to every connection.</returns>
    public Task SendRawAsync(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = Encoding.UTF8.GetBytes(text);
        return Task.WhenAll(_connections.Values.Where(c => c.Authenticated).Select(c => c.SendAsync(bytes)));
    }

    /// <summary>Waits until a request matching <paramref name="predicate"/> has arrived.</summary>
    /// <param name="predicate">The condition.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>The first matching request.</returns>
    /// <exception cref="TimeoutException">None arrived in time.</exception>
    public Task<ReceivedCommand> WaitForCommandAsync(Func<ReceivedCommand, bool> predicate, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return WaitUntilAsync(() => ReceivedCommands.FirstOrDefault(predicate), timeout, "a matching command");
    }

    /// <summary>Waits up to 10 s until a request matching <paramref name="predicate"/> has arrived.</summary>
    /// <param name="predicate">The condition.</param>
    /// <returns>The first matching request.</returns>
    /// <exception cref="TimeoutException">None arrived in time.</exception>
    public Task<ReceivedCommand> WaitForCommandAsync(Func<ReceivedCommand, bool> predicate) =>
        WaitForCommandAsync(predicate, TimeSpan.FromSeconds(10));

    /// <summary>Waits up to 10 s until a request with the given command word has arrived.</summary>
    /// <param name="command">The command word.</param>
    /// <returns>The first such request.</returns>
    /// <exception cref="TimeoutException">None arrived in time.</exception>
    public Task<ReceivedCommand> WaitForCommandAsync(string command) =>
        WaitForCommandAsync(c => c.Command == command, TimeSpan.FromSeconds(10));

    /// <summary>Waits until at least <paramref name="count"/> handshakes have succeeded in total.</summary>
    /// <param name="count">The number of handshakes.</param>
    /// <param name="timeout">How long to wait (default: 10 s).</param>
    /// <returns>A task that completes when reached.</returns>
    public Task WaitForHandshakesAsync(int count, TimeSpan? timeout = null) =>
        WaitUntilAsync(() => HandshakeCount >= count ? (object)true : null, timeout, $"{count} handshakes");

    /// <summary>Waits until exactly <paramref name="count"/> authenticated connections are open.</summary>
    /// <param name="count">The number of connections.</param>
    /// <param name="timeout">How long to wait (default: 10 s).</param>
    /// <returns>A task that completes when reached.</returns>
    public Task WaitForConnectionCountAsync(int count, TimeSpan? timeout = null) =>
        WaitUntilAsync(() => ConnectionCount == count ? (object)true : null, timeout, $"{count} open connections");

    /// <summary>Stops the backend and drops every connection.</summary>
    /// <returns>A task that completes when every connection task has ended.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_lifetime.IsCancellationRequested)
        {
            return;
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        StopListening();
        Thaw();
        AbortConnections();
        await Background.WaitBoundedAsync(_tasks.Keys).ConfigureAwait(false);

        _lifetime.Dispose();
    }

    /// <summary>Gets every HTTP upload received so far.</summary>
    public IReadOnlyList<ReceivedUpload> ReceivedUploads
    {
        get
        {
            lock (_gate)
            {
                return [.. _uploads];
            }
        }
    }
}
