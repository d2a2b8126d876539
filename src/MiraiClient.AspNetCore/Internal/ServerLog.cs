using Microsoft.Extensions.Logging;
using MiraiClient.Internal;

namespace MiraiClient.AspNetCore.Internal;

/// <summary>Every log message of the reverse WebSocket endpoints. Event ids are a public contract: never reuse or
/// renumber one. No message takes a token, a verify key or a header value.</summary>
internal static partial class ServerLog
{
    /// <summary>The category the endpoints log under.</summary>
    public const string Category = "MiraiClient.AspNetCore.ReverseWebSocket";

    [LoggerMessage(EventId = 5001, EventName = "UpgradeRefused", Level = LogLevel.Warning, Message = "Refused a reverse WebSocket connection on {Path} from {Remote}: {Reason} ({Status}); further refusals of this caller for this reason are logged at Debug")]
    public static partial void UpgradeRefused(ILogger logger, string path, string remote, string reason, string status);

    [LoggerMessage(EventId = 5002, EventName = "UpgradeRefusedAgain", Level = LogLevel.Debug, Message = "Refused a reverse WebSocket connection on {Path} from {Remote}: {Reason} ({Status})")]
    public static partial void UpgradeRefusedAgain(ILogger logger, string path, string remote, string reason, string status);

    [LoggerMessage(EventId = 5003, EventName = "SocketAccepted", Level = LogLevel.Debug, Message = "Accepted a {Role} socket for account {Account} from {Remote} on {Path}")]
    public static partial void SocketAccepted(ILogger logger, string role, long account, string remote, string path);

    [LoggerMessage(EventId = 5004, EventName = "DuplicateSocket", Level = LogLevel.Warning, Message = "Account {Account} opened another {Role} socket (from {Remote}) while one was live; the newer one replaces the older")]
    public static partial void DuplicateSocket(ILogger logger, long account, string role, string remote);

    [LoggerMessage(EventId = 5005, EventName = "AccountConnected", Level = LogLevel.Information, Message = "Account {Account} connected")]
    public static partial void AccountConnected(ILogger logger, long account);

    [LoggerMessage(EventId = 5006, EventName = "AccountDisconnected", Level = LogLevel.Information, Message = "Account {Account} disconnected ({Reason}); waiting for it to dial in again")]
    public static partial void AccountDisconnected(ILogger logger, long account, DisconnectReason reason);

    [LoggerMessage(EventId = 5007, EventName = "EventSocketEnded", Level = LogLevel.Information, Message = "The Event socket of account {Account} ended: {Reason}")]
    public static partial void EventSocketEnded(ILogger logger, long account, string reason);

    [LoggerMessage(EventId = 5008, EventName = "ForeignEvent", Level = LogLevel.Warning, Message = "Dropped an event for account {EventAccount} that arrived on the Event socket of account {Account}")]
    public static partial void ForeignEvent(ILogger logger, long eventAccount, long account);

    [LoggerMessage(EventId = 5009, EventName = "ShuttingDown", Level = LogLevel.Information, Message = "Closing {Count} reverse WebSocket account connection(s) with 1001 (going away)")]
    public static partial void ShuttingDown(ILogger logger, int count);

    [LoggerMessage(EventId = 5011, EventName = "HandlerFailed", Level = LogLevel.Error, Message = "A reverse WebSocket handler or background task failed")]
    public static partial void HandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5012, EventName = "MalformedEventFrame", Level = LogLevel.Debug, Message = "Skipped a malformed frame ({Length} bytes) on the Event socket of account {Account}: {Error}")]
    public static partial void MalformedEventFrame(ILogger logger, int length, long account, string error);

    [LoggerMessage(EventId = 5013, EventName = "SocketEnded", Level = LogLevel.Debug, Message = "The {Role} socket of account {Account} from {Remote} ended: {Reason}: {Detail}")]
    public static partial void SocketEnded(ILogger logger, string role, long account, string remote, DisconnectReason reason, string detail);
}
