using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MiraiClient.Internal;
using MiraiClient.OneBot.Internal;

namespace MiraiClient.OneBot;

/// <summary>A resilient connection to one OneBot v11 implementation over its forward WebSocket (the SDK dials
/// it), on the same engine as <see cref="MiraiConnection"/>.</summary>
/// <remarks>
/// <para>Start it with <see cref="ConnectAsync"/> or <see cref="RunAsync"/>; it then stays connected by itself:
/// the first connection is retried while the implementation is not up, a dropped one is re-established with
/// backoff and jitter (<see cref="ReconnectOptions"/>), and a dead, half-open or frozen peer is noticed by the
/// heartbeat (<see cref="HeartbeatOptions"/>) whether or not the implementation sends heartbeat events. A
/// rejected access token (HTTP 401/403, or retcode 1403 in-band) stops it for good, in
/// <see cref="ConnectionState.Faulted"/>.</para>
/// <para>Actions are correlated by echo, so replies may come back in any order. An action in flight when the
/// connection drops fails at once with <see cref="MiraiConnectionLostException"/> and is never resent; a failed
/// one throws <see cref="OneBotApiException"/> with the implementation's status, retcode and message.</para>
/// <para><see cref="DisposeAsync"/> finishes within <see cref="OneBotConnectionOptions.DisposeTimeout"/> in every
/// state.</para>
/// </remarks>
public sealed class OneBotConnection : IOneBotConnection, IDisposable
{
    /// <summary>The category the connection logs under.</summary>
    internal const string LoggerCategory = "MiraiClient.OneBot.OneBotConnection";

    private readonly ConnectionCore<OneBotEvent> _core;
    private readonly OneBotProtocol _protocol;
    private readonly OneBotActions _actions;

    /// <summary>Initializes a new instance of the <see cref="OneBotConnection"/> class. Nothing happens on the
    /// network until <see cref="ConnectAsync"/> or <see cref="RunAsync"/>.</summary>
    /// <param name="options">The options; validated and copied.</param>
    /// <param name="loggerFactory">Where to log (default: nowhere).</param>
    /// <exception cref="ArgumentException">An option is invalid; the message says which and why.</exception>
    public OneBotConnection(OneBotConnectionOptions options, ILoggerFactory? loggerFactory = null)
    {
        OneBotSettings settings;
        try
        {
            settings = OneBotSettings.Create(options);
        }
        catch
        {
            GC.SuppressFinalize(this);
            throw;
        }

        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger(LoggerCategory);
        _protocol = new OneBotProtocol(settings);
        _core = new ConnectionCore<OneBotEvent>(settings.Connection, _protocol, logger, random: null, this, typeof(OneBotConnection));
        _actions = new OneBotActions(new OneBotInvoker(new CommandInvoker<OneBotEvent>(_core), settings));
    }

    /// <summary>Finalizes an instance of the <see cref="OneBotConnection"/> class: a connection its owner forgot
    /// to dispose shuts its background work down.</summary>
    ~OneBotConnection() => _core?.Dispose();

    /// <inheritdoc/>
    public event EventHandler<ConnectionStateChangedEventArgs>? StateChanged
    {
        add => _core.StateChanged += value;
        remove => _core.StateChanged -= value;
    }

    /// <inheritdoc/>
    public event EventHandler<BotStateChangedEventArgs>? BotStateChanged
    {
        add => _core.BotStateChanged += value;
        remove => _core.BotStateChanged -= value;
    }

    /// <inheritdoc/>
    public OneBotMessageActions Messages => _actions.Messages;

    /// <inheritdoc/>
    public OneBotGroupActions Groups => _actions.Groups;

    /// <inheritdoc/>
    public OneBotUserActions Users => _actions.Users;

    /// <inheritdoc/>
    public OneBotFileActions Files => _actions.Files;

    /// <inheritdoc/>
    public OneBotSystemActions System => _actions.System;

    /// <inheritdoc/>
    public ConnectionState State => _core.State;

    /// <inheritdoc/>
    public BotState BotState => _core.BotState;

    /// <inheritdoc/>
    public long SelfId => _protocol.SelfId;

    /// <inheritdoc/>
    public Exception? LastError => _core.LastError;

    /// <inheritdoc/>
    public long DroppedEventCount => _core.DroppedEventCount;

    /// <inheritdoc/>
    public Task ConnectAsync(CancellationToken cancellationToken = default) => _core.ConnectAsync(cancellationToken);

    /// <inheritdoc/>
    public Task RunAsync(CancellationToken cancellationToken) => _core.RunAsync(cancellationToken);

    /// <inheritdoc/>
    public IAsyncEnumerable<OneBotEvent> GetEventsAsync(CancellationToken cancellationToken = default) => _core.GetEventsAsync<OneBotEvent>(cancellationToken);

    /// <inheritdoc/>
    public IAsyncEnumerable<TEvent> GetEventsAsync<TEvent>(CancellationToken cancellationToken = default)
        where TEvent : OneBotEvent => _core.GetEventsAsync<TEvent>(cancellationToken);

    /// <inheritdoc/>
    public Task<System.Text.Json.JsonElement> CallAsync(string action, System.Text.Json.JsonElement? parameters = null, CancellationToken cancellationToken = default) =>
        _actions.CallAsync(action, parameters, cancellationToken);

    /// <summary>Starts the same shutdown as <see cref="DisposeAsync"/> without waiting for it. Never blocks.</summary>
    public void Dispose()
    {
        GC.SuppressFinalize(this);
        _core.Dispose();
    }

    /// <summary>Shuts the connection down: stops retrying, closes the socket politely (bounded), fails every
    /// waiting action and ends every subscription; safe to call more than once and from handlers.</summary>
    /// <returns>A task that completes when the connection is disposed.</returns>
    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return _core.DisposeAsync();
    }

    /// <summary>Gets the number of live event subscriptions.</summary>
    internal int SubscriberCount => _core.SubscriberCount;
}
