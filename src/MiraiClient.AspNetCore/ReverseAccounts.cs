using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MiraiClient.AspNetCore.Internal;
using MiraiClient.OneBot;

namespace MiraiClient.AspNetCore;

/// <summary>An account's connection came up or went down.</summary>
public sealed class ReverseAccountChangedEventArgs : EventArgs
{
    /// <summary>Initializes a new instance of the <see cref="ReverseAccountChangedEventArgs"/> class.</summary>
    /// <param name="account">The account (QQ number).</param>
    /// <param name="isConnected">Whether it is connected now.</param>
    /// <param name="reason">Why it went down (<see cref="DisconnectReason.None"/> when it came up).</param>
    /// <param name="error">The error that ended the connection, if any.</param>
    public ReverseAccountChangedEventArgs(long account, bool isConnected, DisconnectReason reason, Exception? error)
    {
        Account = account;
        IsConnected = isConnected;
        Reason = reason;
        Error = error;
    }

    /// <summary>Gets the account (QQ number).</summary>
    public long Account { get; }

    /// <summary>Gets whether the account is connected now.</summary>
    public bool IsConnected { get; }

    /// <summary>Gets why it went down (<see cref="DisconnectReason.Replaced"/> when a newer socket took over).</summary>
    public DisconnectReason Reason { get; }

    /// <summary>Gets the error that ended the connection, if any.</summary>
    public Exception? Error { get; }
}

/// <summary>The OneBot v11 accounts that dialled in over reverse WebSocket: one <see cref="IOneBotConnection"/> per
/// account (<c>X-Self-ID</c>), kept across reconnects, whatever endpoint or roles its sockets used.</summary>
/// <remarks>Register it with <see cref="ReverseWebSocketServiceCollectionExtensions.AddOneBotReverseWebSocket"/> and
/// take it from the service provider. A connection lives from its account's first socket until the application
/// stops; between sockets its state is <see cref="ConnectionState.Reconnecting"/> and calls fail at once.</remarks>
public sealed class OneBotAccounts
{
    internal OneBotAccounts(ILoggerFactory? loggerFactory)
    {
        LoggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        Registry = new AccountRegistry<OneBotConnection>(LoggerFactory.CreateLogger(ServerLog.Category));
        Registry.Changed += (_, e) => AccountChanged?.Invoke(this, e);
    }

    /// <summary>Raised, on a background task, when an account connects or disconnects. A handler that throws is logged.</summary>
    public event EventHandler<ReverseAccountChangedEventArgs>? AccountChanged;

    /// <summary>Gets every account seen since the application started (connected or waiting for it to dial again).</summary>
    public IReadOnlyCollection<long> Accounts => Registry.Accounts;

    internal AccountRegistry<OneBotConnection> Registry { get; }

    internal ILoggerFactory LoggerFactory { get; }

    /// <summary>Gets the connection of an account.</summary>
    /// <param name="selfId">The account (QQ number).</param>
    /// <param name="connection">The connection, when the account has dialled in at least once.</param>
    /// <returns>Whether the account is known.</returns>
    public bool TryGetConnection(long selfId, [NotNullWhen(true)] out IOneBotConnection? connection)
    {
        connection = Registry.TryGet(selfId, out var entry) ? entry!.Connection : null;
        return connection is not null;
    }

    /// <summary>Reads the events of every account, present and future, as one stream; each event's
    /// <see cref="OneBotEvent.SelfId"/> names its account. Subscribes at the call, before enumeration starts.</summary>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>The events. A slow reader holds events back in each account's connection, whose buffer and overflow
    /// policy apply (its <c>DroppedEventCount</c> counts what was lost).</returns>
    public IAsyncEnumerable<OneBotEvent> GetEventsAsync(CancellationToken cancellationToken = default) =>
        Registry.MergeAsync(static (entry, token) => entry.Connection.GetEventsAsync(token), cancellationToken);

    /// <summary>Closes every account's sockets with 1001 (going away) and stops taking new ones; bounded by the
    /// connections' dispose timeout. The application's shutdown does this by itself.</summary>
    /// <returns>A task that completes when every connection is disposed.</returns>
    public Task ShutdownAsync() => Registry.ShutdownAsync();
}

/// <summary>An event of one of the mirai-api-http accounts that dialled in, with its account.</summary>
public sealed class MiraiAccountEvent
{
    internal MiraiAccountEvent(long qq, MiraiEvent item)
    {
        QQ = qq;
        Event = item;
    }

    /// <summary>Gets the account the event belongs to.</summary>
    public long QQ { get; }

    /// <summary>Gets the event.</summary>
    public MiraiEvent Event { get; }
}

/// <summary>The mirai-api-http accounts that dialled in through its <c>reverse-ws</c> adapter: one
/// <see cref="IMiraiConnection"/> per account, kept across reconnects.</summary>
/// <remarks>Register it with <see cref="ReverseWebSocketServiceCollectionExtensions.AddMiraiReverseWebSocket"/> and
/// take it from the service provider. A connection whose <c>verify</c> was rejected for good (a wrong key) is
/// replaced by a fresh one on the account's next socket.</remarks>
public sealed class MiraiAccounts
{
    internal MiraiAccounts(ILoggerFactory? loggerFactory)
    {
        LoggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        Registry = new AccountRegistry<MiraiConnection>(LoggerFactory.CreateLogger(ServerLog.Category));
        Registry.Changed += (_, e) => AccountChanged?.Invoke(this, e);
    }

    /// <summary>Raised, on a background task, when an account connects or disconnects. A handler that throws is logged.</summary>
    public event EventHandler<ReverseAccountChangedEventArgs>? AccountChanged;

    /// <summary>Gets every account seen since the application started (connected or waiting for it to dial again).</summary>
    public IReadOnlyCollection<long> Accounts => Registry.Accounts;

    internal AccountRegistry<MiraiConnection> Registry { get; }

    internal ILoggerFactory LoggerFactory { get; }

    /// <summary>Gets the connection of an account.</summary>
    /// <param name="qq">The account (QQ number).</param>
    /// <param name="connection">The connection, when the account has dialled in at least once.</param>
    /// <returns>Whether the account is known.</returns>
    public bool TryGetConnection(long qq, [NotNullWhen(true)] out IMiraiConnection? connection)
    {
        connection = Registry.TryGet(qq, out var entry) ? entry!.Connection : null;
        return connection is not null;
    }

    /// <summary>Reads the events of every account, present and future, as one stream, each with its account.
    /// Subscribes at the call, before enumeration starts.</summary>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>The events. A slow reader holds events back in each account's connection, whose buffer and overflow
    /// policy apply (its <c>DroppedEventCount</c> counts what was lost).</returns>
    public IAsyncEnumerable<MiraiAccountEvent> GetEventsAsync(CancellationToken cancellationToken = default) =>
        Registry.MergeAsync(static (entry, token) => Tag(entry.Account, entry.Connection.GetEventsAsync(token)), cancellationToken);

    /// <summary>Closes every account's socket with 1001 (going away) and stops taking new ones; bounded by the
    /// connections' dispose timeout. The application's shutdown does this by itself.</summary>
    /// <returns>A task that completes when every connection is disposed.</returns>
    public Task ShutdownAsync() => Registry.ShutdownAsync();

    private static async IAsyncEnumerable<MiraiAccountEvent> Tag(long qq, IAsyncEnumerable<MiraiEvent> events)
    {
        await foreach (var item in events.ConfigureAwait(false))
        {
            yield return new MiraiAccountEvent(qq, item);
        }
    }
}
