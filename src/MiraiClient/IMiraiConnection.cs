namespace MiraiClient;

/// <summary>A connection to one bot account on one mirai-api-http server: events in, commands out.</summary>
/// <remarks>Implemented by <see cref="MiraiConnection"/>; this interface exists so bots can be tested
/// with a substitute.</remarks>
public interface IMiraiConnection : IAsyncDisposable
{
    /// <summary>Raised after every state change, on a background task and never on the receive path.
    /// A handler that throws is logged and does not affect the connection.</summary>
    event EventHandler<ConnectionStateChangedEventArgs>? StateChanged;

    /// <summary>Gets message commands beyond the common sends: other clients, image URLs, cache, history.</summary>
    MiraiMessageCommands Messages { get; }

    /// <summary>Gets friend, group, member and profile commands.</summary>
    MiraiContactCommands Contacts { get; }

    /// <summary>Gets group administration commands.</summary>
    MiraiGroupCommands Groups { get; }

    /// <summary>Gets group file commands.</summary>
    MiraiFileCommands Files { get; }

    /// <summary>Gets group announcement commands.</summary>
    MiraiAnnouncementCommands Announcements { get; }

    /// <summary>Gets the commands that answer request events.</summary>
    MiraiRequestCommands Requests { get; }

    /// <summary>Gets Mirai console commands.</summary>
    MiraiConsoleCommands Console { get; }

    /// <summary>Gets the HTTP upload commands (images, voices, short videos, group files).</summary>
    MiraiUploadCommands Uploads { get; }

    /// <summary>Gets whether the bot account behind the connection is online, as far as the connection can tell
    /// (see <see cref="BotLivenessOptions"/>). Separate from <see cref="State"/>: the account can go offline, or be
    /// replaced by a relogin, while the socket stays up.</summary>
    /// <remarks>A substitute that does not override it reports <see cref="BotState.Unknown"/>.</remarks>
    BotState BotState => BotState.Unknown;

    /// <summary>Raised when <see cref="BotState"/> changes, on a dispatcher thread (never on the connection's own
    /// loops), one handler at a time; a throwing handler is logged and the others still run.</summary>
    /// <remarks>A substitute that does not override it never raises it.</remarks>
    event EventHandler<BotStateChangedEventArgs>? BotStateChanged
    {
        add
        {
        }

        remove
        {
        }
    }

    /// <summary>Gets the current state.</summary>
    ConnectionState State { get; }

    /// <summary>Gets the most recent connection error, or <see langword="null"/> if there was none.
    /// In <see cref="ConnectionState.Faulted"/> it is the error that stopped the connection.</summary>
    Exception? LastError { get; }

    /// <summary>Gets how many events subscribers have lost because their buffers were full.</summary>
    long DroppedEventCount { get; }

    /// <summary>Starts the connection if needed and waits until it is connected.</summary>
    /// <param name="cancellationToken">Stops waiting (the connection itself keeps trying until disposed).</param>
    /// <returns>A task that completes once connected.</returns>
    /// <exception cref="MiraiHandshakeException">The server rejected the configuration (wrong key, no account).</exception>
    /// <exception cref="MiraiConnectionException">Reconnecting is disabled or ran out of attempts.</exception>
    Task ConnectAsync(CancellationToken cancellationToken = default);

    /// <summary>Starts the connection if needed and runs it until <paramref name="cancellationToken"/>
    /// is cancelled, then shuts it down as <see cref="IAsyncDisposable.DisposeAsync"/> does.</summary>
    /// <param name="cancellationToken">Stops the connection.</param>
    /// <returns>A task that completes when the connection has been shut down after cancellation.</returns>
    /// <exception cref="MiraiHandshakeException">The server rejected the configuration (wrong key, no account).</exception>
    /// <exception cref="MiraiConnectionException">Reconnecting is disabled or ran out of attempts.</exception>
    Task RunAsync(CancellationToken cancellationToken);

    /// <summary>Subscribes to events. The subscription starts when this method returns, so no event
    /// that arrives afterwards is missed, and ends when <paramref name="cancellationToken"/> is
    /// cancelled, when enumeration stops, or when the connection is disposed.</summary>
    /// <param name="cancellationToken">Ends the subscription cleanly (the enumeration just finishes).</param>
    /// <returns>The events in arrival order; enumerable once.</returns>
    /// <remarks>Each subscriber has its own bounded buffer; a subscriber that falls behind loses events
    /// (see <see cref="MiraiConnectionOptions.EventOverflowPolicy"/>) but never slows the connection.
    /// Events that arrive while disconnected are lost on the server side; there is no replay.</remarks>
    IAsyncEnumerable<MiraiEvent> GetEventsAsync(CancellationToken cancellationToken = default);

    /// <summary>Subscribes to events of one type; see <see cref="GetEventsAsync(CancellationToken)"/>. Only
    /// matching events are buffered, so other traffic never crowds them out of the buffer.</summary>
    /// <typeparam name="TEvent">The event type, for example <see cref="GroupMessage"/> or <see cref="MessageEvent"/>.</typeparam>
    /// <param name="cancellationToken">Ends the subscription cleanly.</param>
    /// <returns>The matching events in arrival order.</returns>
    IAsyncEnumerable<TEvent> GetEventsAsync<TEvent>(CancellationToken cancellationToken = default)
        where TEvent : MiraiEvent;

    /// <summary>Sends a message to a friend (<c>sendFriendMessage</c>).</summary>
    /// <param name="target">The friend's QQ number.</param>
    /// <param name="messageChain">The message.</param>
    /// <param name="quote">The id of a message in the same chat to reply to, if any.</param>
    /// <param name="cancellationToken">Abandons the wait; see the remarks on <see cref="MiraiConnection"/>.</param>
    /// <returns>The id of the sent message (-1 if the server did not get one).</returns>
    Task<int> SendFriendMessageAsync(long target, MessageChain messageChain, int? quote = null, CancellationToken cancellationToken = default);

    /// <summary>Sends a message to a group (<c>sendGroupMessage</c>).</summary>
    /// <param name="target">The group number.</param>
    /// <param name="messageChain">The message.</param>
    /// <param name="quote">The id of a message in the same group to reply to, if any.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The id of the sent message (-1 if the server did not get one).</returns>
    Task<int> SendGroupMessageAsync(long target, MessageChain messageChain, int? quote = null, CancellationToken cancellationToken = default);

    /// <summary>Sends a message in a temporary chat through a group (<c>sendTempMessage</c>).</summary>
    /// <param name="qq">The member's QQ number.</param>
    /// <param name="group">The group the chat goes through.</param>
    /// <param name="messageChain">The message.</param>
    /// <param name="quote">The id of a message in the same chat to reply to, if any.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The id of the sent message (-1 if the server did not get one).</returns>
    Task<int> SendTempMessageAsync(long qq, long group, MessageChain messageChain, int? quote = null, CancellationToken cancellationToken = default);

    /// <summary>Recalls a message (<c>recall</c>).</summary>
    /// <param name="target">The friend or group the message was sent in.</param>
    /// <param name="messageId">The message id.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    Task RecallAsync(long target, int messageId, CancellationToken cancellationToken = default);

    /// <summary>Sends a nudge (<c>sendNudge</c>).</summary>
    /// <param name="target">Who to nudge.</param>
    /// <param name="subject">Where: the friend, or the group the target is a member of.</param>
    /// <param name="kind">The kind of chat <paramref name="subject"/> is.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    Task SendNudgeAsync(long target, long subject, NudgeKind kind, CancellationToken cancellationToken = default);

    /// <summary>Asks the server for its version (<c>about</c>).</summary>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The server's answer.</returns>
    Task<AboutInfo> AboutAsync(CancellationToken cancellationToken = default);

    /// <summary>Lists every bot account the server knows (<c>botList</c>).</summary>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The QQ numbers.</returns>
    Task<IReadOnlyList<long>> GetBotListAsync(CancellationToken cancellationToken = default);

    /// <summary>Gets this connection's session (<c>sessionInfo</c>); also proves the session is still bound.</summary>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The session.</returns>
    Task<SessionInfo> GetSessionInfoAsync(CancellationToken cancellationToken = default);
}
