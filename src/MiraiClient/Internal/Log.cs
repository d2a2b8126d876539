using Microsoft.Extensions.Logging;

namespace MiraiClient.Internal;

/// <summary>Every log message of the connection. Event ids are a public contract: never reuse or renumber one.</summary>
/// <remarks>No message takes the verify key or a session key as a parameter, so neither can reach a log.</remarks>
internal static partial class Log
{
    [LoggerMessage(EventId = 1001, EventName = "ConnectAttempt", Level = LogLevel.Debug, Message = "Connecting to {Endpoint} (attempt {Attempt})")]
    public static partial void ConnectAttempt(ILogger logger, Uri endpoint, int attempt);

    [LoggerMessage(EventId = 1002, EventName = "Connected", Level = LogLevel.Information, Message = "Connected to {Endpoint} as {QQ} in {ElapsedMs:F0} ms")]
    public static partial void Connected(ILogger logger, Uri endpoint, long qq, double elapsedMs);

    [LoggerMessage(EventId = 1003, EventName = "Disconnected", Level = LogLevel.Warning, Message = "Connection ended: {Reason}: {Detail}")]
    public static partial void Disconnected(ILogger logger, DisconnectReason reason, string detail);

    [LoggerMessage(EventId = 1004, EventName = "RetryScheduled", Level = LogLevel.Information, Message = "Retrying in {DelayMs:F0} ms (consecutive failure {Attempt})")]
    public static partial void RetryScheduled(ILogger logger, double delayMs, int attempt);

    [LoggerMessage(EventId = 1005, EventName = "HeartbeatTimeout", Level = LogLevel.Warning, Message = "Nothing received (the peer's own heartbeats aside) for {SilentMs:F0} ms and the probe went unanswered; treating the connection as dead")]
    public static partial void HeartbeatTimeout(ILogger logger, double silentMs);

    [LoggerMessage(EventId = 1006, EventName = "Fatal", Level = LogLevel.Error, Message = "Connection stopped for good: {Cause}")]
    public static partial void Fatal(ILogger logger, string cause, Exception? exception);

    [LoggerMessage(EventId = 1007, EventName = "EventsDropped", Level = LogLevel.Warning, Message = "A subscriber is not keeping up: dropped a {EventType} event ({Total} dropped so far)")]
    public static partial void EventsDropped(ILogger logger, string eventType, long total);

    [LoggerMessage(EventId = 1008, EventName = "HandshakeTimeout", Level = LogLevel.Warning, Message = "The server upgraded the socket but sent no handshake frame within {TimeoutMs:F0} ms")]
    public static partial void HandshakeTimeout(ILogger logger, double timeoutMs);

    [LoggerMessage(EventId = 1009, EventName = "MalformedFrame", Level = LogLevel.Warning, Message = "Skipped a malformed frame of {Length} bytes: {Reason}")]
    public static partial void MalformedFrame(ILogger logger, int length, string reason, Exception? exception);

    [LoggerMessage(EventId = 1010, EventName = "UnknownEvent", Level = LogLevel.Information, Message = "Received an event of unknown type {EventType}; delivered as UnknownEvent")]
    public static partial void UnknownEvent(ILogger logger, string eventType);

    [LoggerMessage(EventId = 1011, EventName = "StateHandlerFailed", Level = LogLevel.Error, Message = "A StateChanged handler threw; the connection carries on")]
    public static partial void StateHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1012, EventName = "UnmatchedReply", Level = LogLevel.Debug, Message = "Dropped a reply with sync id {SyncId}: no caller is waiting for it (timed out, cancelled or a heartbeat probe)")]
    public static partial void UnmatchedReply(ILogger logger, long syncId);

    [LoggerMessage(EventId = 1013, EventName = "BareErrorFrame", Level = LogLevel.Warning, Message = "The server answered an undecodable request with code {Code} ({ServerMessage}); it carries no sync id, so no call can be matched")]
    public static partial void BareErrorFrame(ILogger logger, int code, string? serverMessage);

    [LoggerMessage(EventId = 1014, EventName = "DisposeTimedOut", Level = LogLevel.Warning, Message = "Disposal did not finish within {TimeoutMs:F0} ms; background work was abandoned after aborting the socket")]
    public static partial void DisposeTimedOut(ILogger logger, double timeoutMs);

    [LoggerMessage(EventId = 1015, EventName = "StateChanged", Level = LogLevel.Debug, Message = "State {Previous} -> {Current}")]
    public static partial void StateChanged(ILogger logger, ConnectionState previous, ConnectionState current);

    [LoggerMessage(EventId = 1016, EventName = "CloseFailed", Level = LogLevel.Debug, Message = "The close handshake did not complete; the socket was aborted")]
    public static partial void CloseFailed(ILogger logger, Exception? exception);

    [LoggerMessage(EventId = 1017, EventName = "HeartbeatProbe", Level = LogLevel.Trace, Message = "Nothing received (the peer's own heartbeats aside) for {SilentMs:F0} ms; sent a probe")]
    public static partial void HeartbeatProbe(ILogger logger, double silentMs);

    [LoggerMessage(EventId = 1018, EventName = "BackgroundTaskFailed", Level = LogLevel.Error, Message = "Background task {Name} failed unexpectedly")]
    public static partial void BackgroundTaskFailed(ILogger logger, string name, Exception exception);

    [LoggerMessage(EventId = 1020, EventName = "DisconnectedDetail", Level = LogLevel.Debug, Message = "Connection ended: {Reason}; the underlying error follows")]
    public static partial void DisconnectedDetail(ILogger logger, DisconnectReason reason, Exception? exception);

    [LoggerMessage(EventId = 1021, EventName = "UnknownElement", Level = LogLevel.Information, Message = "Received a message element of unknown type {ElementType} in a {EventType}; kept as UnknownElement")]
    public static partial void UnknownElement(ILogger logger, string elementType, string eventType);

    // 1019 (ProbeFailed) is retired: a probe is only queued now, and a failed write ends the session with its cause.
    [LoggerMessage(EventId = 1022, EventName = "HeartbeatStalled", Level = LogLevel.Debug, Message = "The heartbeat ran {LateMs:F0} ms late (the process was starved or paused); the probe's deadline moves by as much")]
    public static partial void HeartbeatStalled(ILogger logger, double lateMs);

    [LoggerMessage(EventId = 1023, EventName = "SubscriptionNeverRead", Level = LogLevel.Warning, Message = "A subscription that nobody has started reading is full: dropped a {EventType} event ({Total} dropped so far). Subscribe when you start reading, or cancel the subscription's token when you no longer need it")]
    public static partial void SubscriptionNeverRead(ILogger logger, string eventType, long total);

    [LoggerMessage(EventId = 1024, EventName = "BotStateChanged", Level = LogLevel.Information, Message = "Bot {Account} is {Current} (was {Previous}): {Reason}")]
    public static partial void BotStateChanged(ILogger logger, long account, BotState current, BotState previous, string reason);

    [LoggerMessage(EventId = 1025, EventName = "SingleMode", Level = LogLevel.Warning, Message = "The server runs in single mode (one session shared by every client, bound to the first bot). Known traps: some versions push every event twice (2.3.2, 2.3.3), drop the socket after about 5 s (2.9.1), or mishandle verifyKey; a relogin of that bot makes the shared session stale for every client")]
    public static partial void SingleMode(ILogger logger);

    [LoggerMessage(EventId = 1026, EventName = "AccountCheckFailed", Level = LogLevel.Debug, Message = "The account check ({Command}) got no usable answer; trying again later")]
    public static partial void AccountCheckFailed(ILogger logger, string command, Exception? exception);
}
