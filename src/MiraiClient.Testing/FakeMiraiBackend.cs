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
/// <para>It behaves as the 2.10 server does where a client can tell: the upgrade always answers 101,
/// on exactly <c>/all</c>, <c>/message</c> and <c>/event</c> (anything else gets 404); the verify key
/// and <c>qq</c> are checked afterwards and a failure is reported in a handshake frame followed by
/// Close 1000; <c>/message</c> gets only chat messages and <c>/event</c> everything else; events carry
/// the reserved sync id; replies echo the request's sync id as a string; an undecodable request gets a
/// bare <c>{"code":400}</c> with no sync id; unknown commands get code 6; commands on one connection are
/// handled one at a time; an empty message is refused with 500 <c>message is empty</c>. Older server
/// versions and mirai-api-http on Overflow are imitated through <see cref="FakeMiraiBackendOptions"/>.</para>
/// <para>Its bot accounts are <see cref="FakeMiraiBackendOptions.Bots"/> (default: 10001); a client must
/// connect with one of them. <see cref="ReloginAsync"/> logs an account out and in again, which leaves
/// the sessions opened before stale, as on the real server (see <see cref="ClosedBotSignature"/>).</para>
/// <para>Script it from a test: <c>PushEventAsync</c> sends events (typed ones built with
/// <see cref="FakeEvents"/>, or raw JSON), <c>Handle</c> sets replies, <see cref="CommandCursor()"/>
/// and <see cref="ReceivedCommands"/> show what arrived (<see cref="ReceivedCommand.SentMessage"/> reads
/// a send as a message), and the fault methods (<see cref="AbortConnections"/>,
/// <see cref="CloseConnectionsAsync"/>, <see cref="Freeze"/>, <see cref="StopListening"/>,
/// <see cref="RestartAsync"/>, <see cref="SendHandshake"/>) break things.</para>
/// <para>A push made before any client has connected waits for one (up to
/// <see cref="FakeMiraiBackendOptions.ClientWaitTimeout"/>), then fails with the likely cause; once
/// clients have been connected, a push while none is (a reconnect gap) is lost, as on the real server,
/// and counted in <see cref="DroppedPushCount"/>.</para>
/// </remarks>
public sealed partial class FakeMiraiBackend : IAsyncDisposable
{
    private readonly FakeMiraiBackendOptions _options;
    private readonly ServerRules _rules;
    private readonly BotAccounts _accounts;
    private readonly SemaphoreSlim _pushGate = new(1, 1);
    private readonly List<string> _rejections = [];
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
    private int _rejectedHandshakes;
    private int _droppedPushes;
    private long _nextSequence;
    private volatile bool _awaitingClient = true;

    private FakeMiraiBackend(FakeMiraiBackendOptions options)
    {
        _options = options;
        _rules = new ServerRules(options.ServerVersion, options.Profile);
        _accounts = new BotAccounts(options.Bots);
        _listening = new RestartableListener(options.Address, options.Port);
    }

    /// <summary>Gets the port the backend listens on.</summary>
    public int Port => _listening.Port;

    /// <summary>Gets the address to give a client, for example <c>ws://127.0.0.1:12345</c> (with the
    /// <see cref="FakeMiraiBackendOptions.PathPrefix"/>, if any); the client appends <c>/all</c>.</summary>
    public Uri Uri => new($"{(_options.Certificate is null ? "ws" : "wss")}://{_options.Address}:{Port}{_options.PathPrefix.TrimEnd('/')}");

    /// <summary>Gets the number of open, authenticated connections (stale sessions included).</summary>
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

    /// <summary>Gets the number of pushes that reached no client because none had a live session at the
    /// time (after clients had been connected: a reconnect gap, as on the real server).</summary>
    public int DroppedPushCount => Volatile.Read(ref _droppedPushes);

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

    /// <summary>Sets how one command is answered, replacing the built-in answer (undo it with
    /// <see cref="RestoreBuiltInReply"/>). Unknown commands, missing required keys and stale sessions
    /// are answered before any handler, as the server decides them before it runs the command.</summary>
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

    /// <summary>Removes a handler set with <c>Handle</c>, so the command gets the built-in answer again.</summary>
    /// <param name="command">The command word or <c>command.sub</c>, as given to <c>Handle</c>.</param>
    /// <returns><see langword="true"/> when a handler was removed.</returns>
    public bool RestoreBuiltInReply(string command)
    {
        ArgumentNullException.ThrowIfNull(command);
        return _handlers.TryRemove(command, out _);
    }

    /// <summary>Starts a cursor at the current end of the received commands: its
    /// <see cref="MiraiClient.Testing.CommandCursor.NextAsync(string)"/> sees only what arrives
    /// from now on, one match at a time.</summary>
    /// <returns>The cursor.</returns>
    public CommandCursor CommandCursor() => new(this, Interlocked.Read(ref _nextSequence));

    /// <summary>Logs a bot account out and in again, as mirai does after a forced offline or a console
    /// <c>logout</c>/<c>login</c>, or drops its network and lets it log in again by itself.</summary>
    /// <param name="script">What happens (default: a <see cref="FakeReloginKind.NewBotInstance"/> relogin
    /// of the first bot, announced with <c>BotOfflineEventForce</c>, with no offline window).</param>
    /// <param name="cancellationToken">Ends the offline window early; the account is back either way.</param>
    /// <returns>A task that completes when the account is back.</returns>
    /// <remarks>
    /// <para>For <see cref="FakeReloginKind.NewBotInstance"/>: if announced, the offline event is pushed
    /// to the account's sessions; then every session opened so far is stale: it stays open, <c>about</c>
    /// and <c>botList</c> keep answering, but it receives no event again and its bot-dependent commands
    /// fail as <see cref="FakeRelogin.StaleSignature"/> describes. During the offline window
    /// <c>botList</c> leaves the account out and a handshake with its QQ gets code 2 (in single mode the
    /// socket is dropped after the upgrade without a frame, as the real server fails). Sessions opened
    /// after the window work normally.</para>
    /// <para>For <see cref="FakeReloginKind.SameBotInstance"/>: if announced, <c>BotOfflineEventDropped</c>
    /// is pushed, bot-dependent commands wait during the window, then <c>BotReloginEvent</c> is pushed;
    /// sessions stay valid throughout. Run one relogin per account at a time.</para>
    /// </remarks>
    /// <exception cref="ArgumentException">The script names a QQ that is not one of the fake's bots.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled during the window.</exception>
    public Task ReloginAsync(FakeRelogin? script = null, CancellationToken cancellationToken = default) =>
        RunReloginAsync(script ?? new FakeRelogin(), cancellationToken);

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
    /// <paramref name="downtime"/>, then listens on the same port again. Pushes made before a client is
    /// back wait for it, as after the start.</summary>
    /// <param name="downtime">How long the backend is down.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the backend listens again.</returns>
    public async Task RestartAsync(TimeSpan downtime = default, CancellationToken cancellationToken = default)
    {
        StopListening();
        AbortConnections();
        _awaitingClient = true;
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

    /// <summary>Pushes an event, wrapped in the event envelope, to every live session whose endpoint carries
    /// it (<c>/all</c>, and <c>/message</c> or <c>/event</c> by type).</summary>
    /// <param name="eventJson">The event object, for example <c>{"type":"BotOnlineEvent","qq":1}</c>.</param>
    /// <returns>A task that completes when the event was written to every session.</returns>
    /// <remarks>An event type the imitated version or profile never sends is not delivered. Stale sessions
    /// (see <see cref="ReloginAsync"/>) never get events.</remarks>
    /// <exception cref="InvalidOperationException">No client has connected yet and none did within
    /// <see cref="FakeMiraiBackendOptions.ClientWaitTimeout"/>; the message names the likely cause.</exception>
    public Task PushEventAsync(string eventJson)
    {
        ArgumentNullException.ThrowIfNull(eventJson);
        return PushAsync(eventJson, bot: null, waitForClient: true);
    }

    /// <summary>Pushes a typed event, written as the server writes it (with <see cref="MiraiJson"/>), to
    /// every live session whose endpoint carries it.</summary>
    /// <param name="value">The event; <see cref="FakeEvents"/> builds the common ones.</param>
    /// <param name="bot">Only the sessions of this bot account (default: every session).</param>
    /// <returns>A task that completes when the event was written to every session.</returns>
    /// <remarks>On <see cref="FakeServerProfile.Overflow"/> received media get URL-shaped ids and dice
    /// are left out, as Overflow delivers them.</remarks>
    /// <exception cref="InvalidOperationException">No client has connected yet and none did within
    /// <see cref="FakeMiraiBackendOptions.ClientWaitTimeout"/>; the message names the likely cause.</exception>
    public Task PushEventAsync(MiraiEvent value, long? bot = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        return PushAsync(MiraiJson.Serialize(AsDelivered(value)), bot, waitForClient: true);
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

    /// <summary>Pushes a group message with the given chain (a <c>Source</c> element is put first).</summary>
    /// <param name="group">The group number.</param>
    /// <param name="sender">The sender's QQ number.</param>
    /// <param name="chain">The content, for example built with <see cref="MessageChainBuilder"/>.</param>
    /// <returns>The event as pushed (its <c>MessageChain.MessageId</c> is the new message's id).</returns>
    public async Task<GroupMessage> PushGroupMessageAsync(long group, long sender, MessageChain chain)
    {
        var message = FakeEvents.GroupMessage(group, sender, chain, Interlocked.Increment(ref _nextMessageId));
        await PushEventAsync(message).ConfigureAwait(false);
        return message;
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

    /// <summary>Pushes a friend message with the given chain (a <c>Source</c> element is put first).</summary>
    /// <param name="friend">The friend's QQ number.</param>
    /// <param name="chain">The content.</param>
    /// <returns>The event as pushed.</returns>
    public async Task<FriendMessage> PushFriendMessageAsync(long friend, MessageChain chain)
    {
        var message = FakeEvents.FriendMessage(friend, chain, Interlocked.Increment(ref _nextMessageId));
        await PushEventAsync(message).ConfigureAwait(false);
        return message;
    }

    /// <summary>Pushes a temporary-chat message with the given chain (a <c>Source</c> element is put first).</summary>
    /// <param name="group">The group the chat started from.</param>
    /// <param name="sender">The sender's QQ number.</param>
    /// <param name="chain">The content.</param>
    /// <returns>The event as pushed.</returns>
    public async Task<TempMessage> PushTempMessageAsync(long group, long sender, MessageChain chain)
    {
        var message = FakeEvents.TempMessage(group, sender, chain, Interlocked.Increment(ref _nextMessageId));
        await PushEventAsync(message).ConfigureAwait(false);
        return message;
    }

    /// <summary>Sends a text frame as is to every live session (for malformed-frame tests); stale
    /// sessions get nothing.</summary>
    /// <param name="text">The frame text.</param>
    /// <returns>A task that completes when it was written to every connection.</returns>
    public Task SendRawAsync(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = Encoding.UTF8.GetBytes(text);
        return Task.WhenAll(LiveConnections(bot: null).Select(c => c.SendAsync(bytes)));
    }

    /// <summary>Waits until a request matching <paramref name="predicate"/> has arrived.</summary>
    /// <param name="predicate">The condition.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>The first matching request.</returns>
    /// <exception cref="TimeoutException">None arrived in time.</exception>
    public Task<ReceivedCommand> WaitForCommandAsync(Func<ReceivedCommand, bool> predicate, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return WaitUntilAsync(() => ReceivedCommands.FirstOrDefault(predicate), timeout, () => DescribeMissing("a matching command", timeout));
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
        WaitForCommandAsync(command, TimeSpan.FromSeconds(10));

    /// <summary>Waits until a request with the given command word has arrived (the first one ever; a
    /// <see cref="CommandCursor()"/> waits for the next one instead).</summary>
    /// <param name="command">The command word.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>The first such request.</returns>
    /// <exception cref="TimeoutException">None arrived in time; the message lists what did arrive.</exception>
    public Task<ReceivedCommand> WaitForCommandAsync(string command, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(command);
        return WaitUntilAsync(() => ReceivedCommands.FirstOrDefault(c => c.Command == command), timeout, () => DescribeMissing($"a '{command}' command", timeout));
    }

    /// <summary>Waits until at least <paramref name="count"/> handshakes have succeeded in total.</summary>
    /// <param name="count">The number of handshakes.</param>
    /// <param name="timeout">How long to wait (default: 10 s).</param>
    /// <returns>A task that completes when reached.</returns>
    public Task WaitForHandshakesAsync(int count, TimeSpan? timeout = null) =>
        WaitUntilAsync(() => HandshakeCount >= count ? (object)true : null, timeout ?? DefaultWait, () => $"The fake backend did not see {count} handshakes within {(timeout ?? DefaultWait).TotalSeconds:0.###} s (it saw {HandshakeCount}). {DescribeClients()}");

    /// <summary>Waits until exactly <paramref name="count"/> authenticated connections are open.</summary>
    /// <param name="count">The number of connections.</param>
    /// <param name="timeout">How long to wait (default: 10 s).</param>
    /// <returns>A task that completes when reached.</returns>
    public Task WaitForConnectionCountAsync(int count, TimeSpan? timeout = null) =>
        WaitUntilAsync(() => ConnectionCount == count ? (object)true : null, timeout ?? DefaultWait, () => $"The fake backend did not see {count} open connections within {(timeout ?? DefaultWait).TotalSeconds:0.###} s (it has {ConnectionCount}). {DescribeClients()}");

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
