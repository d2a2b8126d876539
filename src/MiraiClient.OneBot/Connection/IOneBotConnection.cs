namespace MiraiClient.OneBot;

/// <summary>A resilient connection to one OneBot v11 implementation (NapCat, LLBot, Lagrange, go-cqhttp), the
/// interface of <see cref="OneBotConnection"/>, so bots can be tested with a substitute.</summary>
/// <remarks>The action groups are substitutable too: their classes have protected constructors and virtual
/// members.</remarks>
public interface IOneBotConnection : IAsyncDisposable
{
    /// <summary>Raised on every state change, on a dispatcher thread, one handler at a time.</summary>
    event EventHandler<ConnectionStateChangedEventArgs>? StateChanged;

    /// <summary>Raised when <see cref="BotState"/> changes, on a dispatcher thread.</summary>
    event EventHandler<BotStateChangedEventArgs>? BotStateChanged;

    /// <summary>Gets the message actions (send, delete, get, forward, history).</summary>
    OneBotMessageActions Messages { get; }

    /// <summary>Gets the group actions (members, bans, admins, requests, …).</summary>
    OneBotGroupActions Groups { get; }

    /// <summary>Gets the user actions (friends, strangers, likes, requests).</summary>
    OneBotUserActions Users { get; }

    /// <summary>Gets the file actions (uploads, downloads, group files).</summary>
    OneBotFileActions Files { get; }

    /// <summary>Gets the system actions (login info, status, version, credentials).</summary>
    OneBotSystemActions System { get; }

    /// <summary>Gets the current state.</summary>
    ConnectionState State { get; }

    /// <summary>Gets whether the account is online, as far as the connection can tell (from the handshake, the
    /// implementation's heartbeats and its <c>bot_offline</c> notice).</summary>
    BotState BotState { get; }

    /// <summary>Gets the account the implementation speaks for (learned with <c>get_login_info</c> on every
    /// connect), or 0 before the first connection.</summary>
    long SelfId { get; }

    /// <summary>Gets the most recent connection error, or <see langword="null"/>.</summary>
    Exception? LastError { get; }

    /// <summary>Gets how many events slow subscribers lost, across all subscriptions.</summary>
    long DroppedEventCount { get; }

    /// <summary>Starts the connection (if it is not running) and waits until it is connected.</summary>
    /// <param name="cancellationToken">Abandons the wait (the connection keeps trying).</param>
    /// <returns>A task that completes once connected.</returns>
    Task ConnectAsync(CancellationToken cancellationToken = default);

    /// <summary>Runs the connection until the token is cancelled, then disposes it.</summary>
    /// <param name="cancellationToken">Stops the connection.</param>
    /// <returns>A task that completes when the connection has stopped.</returns>
    Task RunAsync(CancellationToken cancellationToken);

    /// <summary>Subscribes to every event, from this call on.</summary>
    /// <param name="cancellationToken">Ends the subscription.</param>
    /// <returns>The events, in arrival order.</returns>
    IAsyncEnumerable<OneBotEvent> GetEventsAsync(CancellationToken cancellationToken = default);

    /// <summary>Subscribes to the events of one type, from this call on; others are not buffered.</summary>
    /// <typeparam name="TEvent">The event type.</typeparam>
    /// <param name="cancellationToken">Ends the subscription.</param>
    /// <returns>The events, in arrival order.</returns>
    IAsyncEnumerable<TEvent> GetEventsAsync<TEvent>(CancellationToken cancellationToken = default)
        where TEvent : OneBotEvent;

    /// <summary>Calls an action the SDK does not type, by name.</summary>
    /// <param name="action">The action name, sent as given (a suffix such as <c>_async</c> included).</param>
    /// <param name="parameters">The parameters object, or <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The response's <c>data</c>.</returns>
    Task<System.Text.Json.JsonElement> CallAsync(string action, System.Text.Json.JsonElement? parameters = null, CancellationToken cancellationToken = default);
}
