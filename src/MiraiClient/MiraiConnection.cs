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
public sealed partial class MiraiConnection : IMiraiConnection, IDisposable
{
    private readonly ConnectionCore<MiraiEvent> _core;
    private readonly MiraiCommandSender _sender;

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
        MiraiSettings settings;
        try
        {
            settings = MiraiSettings.Create(options);
        }
        catch
        {
            // A constructor that throws still leaves an object to finalize; there is nothing to shut down.
            GC.SuppressFinalize(this);
            throw;
        }

        var logger = (loggerFactory ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance).CreateLogger(LoggerCategory);
        _core = new ConnectionCore<MiraiEvent>(settings.Connection, new MiraiProtocol(settings), logger, random, this, typeof(MiraiConnection));
        _sender = new MiraiCommandSender(new CommandInvoker<MiraiEvent>(_core), options.AllowUndeliveredSends);
        Messages = new MiraiMessageCommands(_sender);
        Contacts = new MiraiContactCommands(_sender);
        Groups = new MiraiGroupCommands(_sender);
        Files = new MiraiFileCommands(_sender);
        Announcements = new MiraiAnnouncementCommands(_sender);
        Requests = new MiraiRequestCommands(_sender);
        Console = new MiraiConsoleCommands(_sender);
        Uploads = new MiraiUploadCommands(_core, settings);
    }

    /// <summary>The category the connection logs under.</summary>
    internal const string LoggerCategory = "MiraiClient.MiraiConnection";

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
    public MiraiUploadCommands Uploads { get; }

    /// <inheritdoc/>
    public ConnectionState State => _core.State;

    /// <inheritdoc/>
    public BotState BotState => _core.BotState;

    /// <inheritdoc/>
    public event EventHandler<BotStateChangedEventArgs>? BotStateChanged
    {
        add => _core.BotStateChanged += value;
        remove => _core.BotStateChanged -= value;
    }

    /// <inheritdoc/>
    public Exception? LastError => _core.LastError;

    /// <inheritdoc/>
    public long DroppedEventCount => _core.DroppedEventCount;

    /// <summary>Gets the number of live event subscriptions.</summary>
    internal int SubscriberCount => _core.SubscriberCount;

    /// <inheritdoc/>
    public Task ConnectAsync(CancellationToken cancellationToken = default) => _core.ConnectAsync(cancellationToken);

    /// <inheritdoc/>
    public Task RunAsync(CancellationToken cancellationToken) => _core.RunAsync(cancellationToken);

    /// <inheritdoc/>
    public IAsyncEnumerable<MiraiEvent> GetEventsAsync(CancellationToken cancellationToken = default) => _core.GetEventsAsync<MiraiEvent>(cancellationToken);

    /// <inheritdoc/>
    public IAsyncEnumerable<TEvent> GetEventsAsync<TEvent>(CancellationToken cancellationToken = default)
        where TEvent : MiraiEvent => _core.GetEventsAsync<TEvent>(cancellationToken);

    /// <summary>Starts the same shutdown as <see cref="DisposeAsync"/> without waiting for it (for
    /// containers and callers that can only dispose synchronously). Never blocks.</summary>
    public void Dispose()
    {
        GC.SuppressFinalize(this);
        _core.Dispose();
        Uploads.Release();
    }

    /// <summary>Shuts the connection down: stops retrying, closes the socket politely (bounded), fails
    /// every waiting command and ends every subscription. Completes within
    /// <see cref="MiraiConnectionOptions.DisposeTimeout"/>; safe to call more than once and from handlers.</summary>
    /// <returns>A task that completes when the connection is disposed.</returns>
    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        await _core.DisposeAsync().ConfigureAwait(false);
        Uploads.Release();
    }
}
