using Microsoft.Extensions.Logging;
using MiraiClient.Internal;

namespace MiraiClient;

/// <summary>A resilient connection to one bot account on one mirai-api-http v2 server over WebSocket.</summary>
/// <remarks>
/// <para>Start it with <see cref="ConnectAsync"/> or <see cref="RunAsync"/>. It then stays connected by
/// itself: the first connection is retried while the server is not up yet, a dropped connection is
/// re-established with exponential backoff and jitter (<see cref="ReconnectOptions"/>), and a dead,
/// half-open or frozen peer is noticed by the heartbeat (<see cref="HeartbeatOptions"/>). Only a
/// configuration the server rejects (wrong verify key, no bot account) stops it for good, in
/// <see cref="ConnectionState.Faulted"/>.</para>
/// <para>Commands: each call waits for the connection (if <see cref="MiraiConnectionOptions.WaitForConnection"/>),
/// sends one request and waits for its reply, all within <see cref="MiraiConnectionOptions.CommandTimeout"/>.
/// A call in flight when the connection drops fails at once with <see cref="MiraiConnectionLostException"/>;
/// nothing is ever resent automatically. A cancelled token abandons the wait; a request already
/// written to the socket may still be carried out by the server.</para>
/// <para><see cref="DisposeAsync"/> finishes within <see cref="MiraiConnectionOptions.DisposeTimeout"/>
/// in every state, may be called from an event or state handler, and may be called more than once. A
/// connection that is never disposed does not keep the process alive, and once its owner lets go of it,
/// it is collected and its background work shuts down.</para>
/// </remarks>
public sealed class MiraiConnection : IMiraiConnection, IDisposable
{
    private readonly ConnectionCore _core;

    /// <summary>Initializes a new instance of the <see cref="MiraiConnection"/> class. Nothing
    /// happens on the network until <see cref="ConnectAsync"/> or <see cref="RunAsync"/>.</summary>
    /// <param name="options">The options; validated and copied.</param>
    /// <param name="loggerFactory">Where to log (default: nowhere).</param>
    /// <exception cref="ArgumentException">An option is invalid; the message says which and why.</exception>
    public MiraiConnection(MiraiConnectionOptions options, ILoggerFactory? loggerFactory = null)
        : this(options, loggerFactory, random: null)
    {
    }

    internal MiraiConnection(MiraiConnectionOptions options, ILoggerFactory? loggerFactory, Func<double>? random)
    {
        try
        {
            _core = new ConnectionCore(options, loggerFactory, random, this);
        }
        catch
        {
            // A constructor that throws still leaves an object to finalize; there is nothing to shut down.
            GC.SuppressFinalize(this);
            throw;
        }

        Messages = new MiraiMessageCommands(_core);
        Contacts = new MiraiContactCommands(_core);
        Groups = new MiraiGroupCommands(_core);
        Files = new MiraiFileCommands(_core);
        Announcements = new MiraiAnnouncementCommands(_core);
        Requests = new MiraiRequestCommands(_core);
        Console = new MiraiConsoleCommands(_core);
    }

    /// <summary>Finalizes an instance of the <see cref="MiraiConnection"/> class: a connection its owner
    /// dropped without disposing shuts its background work down (without waiting).</summary>
    ~MiraiConnection() => _core?.Dispose();

    /// <inheritdoc/>
    public event EventHandler<ConnectionStateChangedEventArgs>? StateChanged
    {
        add => _core.StateChanged += value;
        remove => _core.StateChanged -= value;
    }

    /// <inheritdoc/>
    public MiraiMessageCommands Messages { get; }

    /// <inheritdoc/>
    public MiraiContactCommands Contacts { get; }

    /// <inheritdoc/>
    public MiraiGroupCommands Groups { get; }

    /// <inheritdoc/>
    public MiraiFileCommands Files { get; }

    /// <inheritdoc/>
    public MiraiAnnouncementCommands Announcements { get; }

    /// <inheritdoc/>
    public MiraiRequestCommands Requests { get; }

    /// <inheritdoc/>
    public MiraiConsoleCommands Console { get; }

    /// <inheritdoc/>
    public MiraiUploadCommands Uploads => _core.Uploads;

    /// <inheritdoc/>
    public ConnectionState State => _core.State;

    /// <inheritdoc/>
    public Exception? LastError => _core.LastError;

    /// <inheritdoc/>
    public long DroppedEventCount => _core.DroppedEventCount;

    /// <summary>Gets the current session's key, for tests of secret handling only.</summary>
    internal string? SessionKey => _core.SessionKey;

    /// <summary>Gets the number of live event subscriptions.</summary>
    internal int SubscriberCount => _core.SubscriberCount;

    /// <inheritdoc/>
    public Task ConnectAsync(CancellationToken cancellationToken = default) => _core.ConnectAsync(cancellationToken);

    /// <inheritdoc/>
    public Task RunAsync(CancellationToken cancellationToken) => _core.RunAsync(cancellationToken);

    /// <inheritdoc/>
    public IAsyncEnumerable<MiraiEvent> GetEventsAsync(CancellationToken cancellationToken = default) => _core.GetEventsAsync(cancellationToken);

    /// <inheritdoc/>
    public IAsyncEnumerable<TEvent> GetEventsAsync<TEvent>(CancellationToken cancellationToken = default)
        where TEvent : MiraiEvent => _core.GetEventsAsync<TEvent>(cancellationToken);

    /// <inheritdoc/>
    public Task<int> SendFriendMessageAsync(long target, MessageChain messageChain, int? quote = null, CancellationToken cancellationToken = default) =>
        _core.SendFriendMessageAsync(target, messageChain, quote, cancellationToken);

    /// <inheritdoc/>
    public Task<int> SendGroupMessageAsync(long target, MessageChain messageChain, int? quote = null, CancellationToken cancellationToken = default) =>
        _core.SendGroupMessageAsync(target, messageChain, quote, cancellationToken);

    /// <inheritdoc/>
    public Task<int> SendTempMessageAsync(long qq, long group, MessageChain messageChain, int? quote = null, CancellationToken cancellationToken = default) =>
        _core.SendTempMessageAsync(qq, group, messageChain, quote, cancellationToken);

    /// <inheritdoc/>
    public Task RecallAsync(long target, int messageId, CancellationToken cancellationToken = default) =>
        _core.RecallAsync(target, messageId, cancellationToken);

    /// <inheritdoc/>
    public Task SendNudgeAsync(long target, long subject, NudgeKind kind, CancellationToken cancellationToken = default) =>
        _core.SendNudgeAsync(target, subject, kind, cancellationToken);

    /// <inheritdoc/>
    public Task<AboutInfo> AboutAsync(CancellationToken cancellationToken = default) => _core.AboutAsync(cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<long>> GetBotListAsync(CancellationToken cancellationToken = default) => _core.GetBotListAsync(cancellationToken);

    /// <inheritdoc/>
    public Task<SessionInfo> GetSessionInfoAsync(CancellationToken cancellationToken = default) => _core.GetSessionInfoAsync(cancellationToken);

    /// <summary>Starts the same shutdown as <see cref="DisposeAsync"/> without waiting for it (for
    /// containers and callers that can only dispose synchronously). Never blocks.</summary>
    public void Dispose()
    {
        GC.SuppressFinalize(this);
        _core.Dispose();
    }

    /// <summary>Shuts the connection down: stops retrying, closes the socket politely (bounded), fails
    /// every waiting command and ends every subscription. Completes within
    /// <see cref="MiraiConnectionOptions.DisposeTimeout"/>; safe to call more than once and from handlers.</summary>
    /// <returns>A task that completes when the connection is disposed.</returns>
    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return _core.DisposeAsync();
    }

    /// <summary>The request/response primitive every command is built on.</summary>
    internal Task<byte[]> SendCommandAsync(string command, string? subCommand, System.Text.Json.Serialization.Metadata.JsonTypeInfo? contentType, object? content, CancellationToken cancellationToken) =>
        _core.SendCommandAsync(command, subCommand, contentType, content, cancellationToken);
}
