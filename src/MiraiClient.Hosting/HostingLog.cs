using Microsoft.Extensions.Logging;

namespace MiraiClient.Hosting;

/// <summary>Every log message of the hosting package, with stable ids in the 2000 range. Ids are a
/// public contract: never renumber one or give a retired id a new meaning. No message carries a secret
/// or a message's content.</summary>
internal static partial class HostingLog
{
    [LoggerMessage(EventId = 2001, EventName = "HandlerFailed", Level = LogLevel.Error, Message = "Handler {Handler} failed on a {EventType} event; other events are not affected")]
    public static partial void HandlerFailed(ILogger logger, string handler, string eventType, Exception exception);

    [LoggerMessage(EventId = 2002, EventName = "FatalStop", Level = LogLevel.Critical, Message = "The Mirai connection of bot {Bot} cannot recover: {Cause} Stopping the host with exit code {ExitCode}.")]
    public static partial void FatalStop(ILogger logger, string bot, string cause, int exitCode);

    [LoggerMessage(EventId = 2003, EventName = "HandlersAbandoned", Level = LogLevel.Warning, Message = "{Count} handler invocation(s) did not return within {AbandonMs:F0} ms of being cancelled; the bot stops without them")]
    public static partial void HandlersAbandoned(ILogger logger, int count, double abandonMs);

    [LoggerMessage(EventId = 2004, EventName = "Stopping", Level = LogLevel.Information, Message = "Stopping the bot: no new events are dispatched; running handlers get {DrainMs:F0} ms before they are cancelled")]
    public static partial void Stopping(ILogger logger, double drainMs);

    [LoggerMessage(EventId = 2005, EventName = "HandlerCancelled", Level = LogLevel.Debug, Message = "Handler {Handler} was cancelled by shutdown while handling a {EventType} event")]
    public static partial void HandlerCancelled(ILogger logger, string handler, string eventType);

    [LoggerMessage(EventId = 2006, EventName = "DispatcherFailed", Level = LogLevel.Error, Message = "The event dispatcher failed unexpectedly")]
    public static partial void DispatcherFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2007, EventName = "ConfigurationInvalid", Level = LogLevel.Critical, Message = "The bot cannot start: {Cause} Stopping the host with exit code {ExitCode}.")]
    public static partial void ConfigurationInvalid(ILogger logger, string cause, int exitCode);

    [LoggerMessage(EventId = 2008, EventName = "HandlersCancelling", Level = LogLevel.Information, Message = "{Count} handler invocation(s) still running after the {DrainMs:F0} ms drain; cancelling them ({Dropped} queued event(s) dropped)")]
    public static partial void HandlersCancelling(ILogger logger, int count, int dropped, double drainMs);

    [LoggerMessage(EventId = 2009, EventName = "StateChanged", Level = LogLevel.Information, Message = "Bot {Bot}: {PreviousState} -> {CurrentState} ({Reason})")]
    public static partial void StateChanged(ILogger logger, string bot, ConnectionState previousState, ConnectionState currentState, DisconnectReason reason);

    [LoggerMessage(EventId = 2010, EventName = "BotQQLearned", Level = LogLevel.Information, Message = "Bot {Bot} is QQ {QQ} (learned from the session)")]
    public static partial void BotQQLearned(ILogger logger, string bot, long qq);

    [LoggerMessage(EventId = 2011, EventName = "BotQQUnknown", Level = LogLevel.Warning, Message = "Bot {Bot}: could not learn its QQ from the session ({Cause}); mentions of the bot are not recognised until it is known")]
    public static partial void BotQQUnknown(ILogger logger, string bot, string cause);

    [LoggerMessage(EventId = 2012, EventName = "CommandFailed", Level = LogLevel.Error, Message = "Command {Command} failed on a {EventType} event; other events are not affected")]
    public static partial void CommandFailed(ILogger logger, string command, string eventType, Exception exception);

    [LoggerMessage(EventId = 2013, EventName = "CommandDenied", Level = LogLevel.Debug, Message = "Command {Command} was not run: {Reason}")]
    public static partial void CommandDenied(ILogger logger, string command, string reason);

    [LoggerMessage(EventId = 2014, EventName = "ConfigurationInvalidDetail", Level = LogLevel.Debug, Message = "The bot's start-up check failed; the exception follows")]
    public static partial void ConfigurationInvalidDetail(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2015, EventName = "QueueFull", Level = LogLevel.Warning, Message = "{Count} events are waiting for their conversation or a free handler slot (MaxQueuedEvents); the bot reads no more events until some finish")]
    public static partial void QueueFull(ILogger logger, int count);

    [LoggerMessage(EventId = 2016, EventName = "BotsStarting", Level = LogLevel.Information, Message = "Starting {Count} bot(s): {Bots}")]
    public static partial void BotsStarting(ILogger logger, int count, string bots);

    [LoggerMessage(EventId = 2017, EventName = "OneBotFatalStop", Level = LogLevel.Critical, Message = "The OneBot connection of bot {Bot} cannot recover: {Cause} Stopping the host with exit code {ExitCode}.")]
    public static partial void OneBotFatalStop(ILogger logger, string bot, string cause, int exitCode);

    [LoggerMessage(EventId = 2018, EventName = "ServingAccounts", Level = LogLevel.Information, Message = "Serving the accounts that dial in at {Where}")]
    public static partial void ServingAccounts(ILogger logger, string where);

    [LoggerMessage(EventId = 2019, EventName = "AccountArrived", Level = LogLevel.Information, Message = "Bot {Bot} dialled in; its events are handled from now on")]
    public static partial void AccountArrived(ILogger logger, string bot);
}
