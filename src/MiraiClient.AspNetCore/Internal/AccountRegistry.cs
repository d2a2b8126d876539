using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using MiraiClient.Internal;

namespace MiraiClient.AspNetCore.Internal;

/// <summary>One account's logical connection, with the source its accepted sockets go through.</summary>
/// <typeparam name="TConnection">The public connection type.</typeparam>
internal sealed class AccountEntry<TConnection>
    where TConnection : class
{
    public AccountEntry(long account, TConnection connection, Func<WebSocket, Task<SessionEnd>> offer, Func<ConnectionState> state, Func<ValueTask> dispose)
    {
        Account = account;
        Connection = connection;
        Offer = offer;
        State = state;
        Dispose = dispose;
    }

    public long Account { get; }

    public TConnection Connection { get; }

    public Func<WebSocket, Task<SessionEnd>> Offer { get; }

    public Func<ConnectionState> State { get; }

    public Func<ValueTask> Dispose { get; }

    /// <summary>Gets or sets the account's separate Event socket (OneBot split roles), newest wins.</summary>
    public WebSocket? EventSocket;

    /// <summary>Gets whether the connection can still take sockets.</summary>
    public bool Usable => State() is not (ConnectionState.Faulted or ConnectionState.Disposed);
}

/// <summary>The accounts of one protocol that dialled in: one logical connection per account, created on the
/// first socket, replaced only when it stopped for good (a rejected handshake), closed together on shutdown.</summary>
/// <typeparam name="TConnection">The public connection type.</typeparam>
internal sealed class AccountRegistry<TConnection>
    where TConnection : class
{
    private const int MergedCapacity = 1024;

    private readonly object _gate = new();
    private readonly Dictionary<long, AccountEntry<TConnection>> _entries = [];
    private readonly List<Action<AccountEntry<TConnection>>> _watchers = [];
    private readonly ILogger _logger;
    private Task? _shutdown;

    public AccountRegistry(ILogger logger)
    {
        _logger = logger;
    }

    /// <summary>Raised (on a connection's dispatcher) when an account's connection connects or drops.</summary>
    public event EventHandler<ReverseAccountChangedEventArgs>? Changed;

    public bool IsShuttingDown => Volatile.Read(ref _shutdown) is not null;

    /// <summary>Gets or sets whether a bot host serves these accounts: it then closes them itself after its handlers
    /// drained, instead of the application's early shutdown hook.</summary>
    public bool HostManaged { get; set; }

    /// <summary>Calls <paramref name="watch"/> for every account's connection, present and future (before the
    /// connection takes its first socket), until the returned registration is disposed.</summary>
    public IDisposable Watch(Action<AccountEntry<TConnection>> watch)
    {
        AccountEntry<TConnection>[] current;
        lock (_gate)
        {
            _watchers.Add(watch);
            current = [.. _entries.Values];
        }

        foreach (var entry in current)
        {
            watch(entry);
        }

        return new Unwatch(this, watch);
    }

    public IReadOnlyCollection<long> Accounts
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries.Keys];
            }
        }
    }

    public bool TryGet(long account, out AccountEntry<TConnection>? entry)
    {
        lock (_gate)
        {
            return _entries.TryGetValue(account, out entry);
        }
    }

    /// <summary>Gets the account's connection, creating it (and starting it) if there is none or the old one stopped
    /// for good; <see langword="null"/> once shutdown began.</summary>
    public AccountEntry<TConnection>? GetOrCreate(long account, Func<long, AccountEntry<TConnection>> create)
    {
        AccountEntry<TConnection>? stale = null;
        AccountEntry<TConnection> entry;
        Action<AccountEntry<TConnection>>[] watchers;
        lock (_gate)
        {
            if (_shutdown is not null)
            {
                return null;
            }

            if (_entries.TryGetValue(account, out var existing) && existing.Usable)
            {
                return existing;
            }

            stale = existing;
            entry = create(account);
            _entries[account] = entry;
            watchers = [.. _watchers];
        }

        if (stale is not null)
        {
            // Stopped for good (its error stays in the log); its subscribers end with it.
            _ = DisposeQuietlyAsync(stale);
        }

        foreach (var watch in watchers)
        {
            watch(entry);
        }

        return entry;
    }

    public void OnStateChanged(long account, ConnectionStateChangedEventArgs change)
    {
        bool? connected = change.CurrentState == ConnectionState.Connected ? true
            : change.PreviousState == ConnectionState.Connected ? false
            : null;
        if (connected is not { } now)
        {
            return;
        }

        if (now)
        {
            ServerLog.AccountConnected(_logger, account);
        }
        else
        {
            ServerLog.AccountDisconnected(_logger, account, change.Reason);
        }

        var handlers = Changed;
        if (handlers is null)
        {
            return;
        }

        var args = new ReverseAccountChangedEventArgs(account, now, change.Reason, change.Error);
        foreach (var handler in handlers.GetInvocationList())
        {
            try
            {
                ((EventHandler<ReverseAccountChangedEventArgs>)handler)(this, args);
            }
            catch (Exception ex)
            {
                ServerLog.HandlerFailed(_logger, ex);
            }
        }
    }

    /// <summary>Merges the events of every account's connection, present and future, into one stream. Subscribes
    /// now, not when enumeration starts.</summary>
    public IAsyncEnumerable<TOut> MergeAsync<TOut>(Func<AccountEntry<TConnection>, CancellationToken, IAsyncEnumerable<TOut>> source, CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<TOut>(new BoundedChannelOptions(MergedCapacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        void Watch(AccountEntry<TConnection> entry)
        {
            IAsyncEnumerable<TOut> events;
            try
            {
                // Subscribed now, before the connection's first socket, so nothing is missed.
                events = source(entry, stop.Token);
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            _ = PumpAsync(events);
        }

        async Task PumpAsync(IAsyncEnumerable<TOut> events)
        {
            try
            {
                await foreach (var item in events.ConfigureAwait(false))
                {
                    // Back-pressure instead of loss: a slow reader leaves events in each connection's own buffer,
                    // which applies the connection's overflow policy and counts its drops (DroppedEventCount).
                    await channel.Writer.WriteAsync(item, stop.Token).ConfigureAwait(false);
                }
            }
            catch (ChannelClosedException)
            {
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception ex)
            {
                ServerLog.HandlerFailed(_logger, ex);
            }
        }

        void Unwatch()
        {
            lock (_gate)
            {
                _watchers.Remove(Watch);
            }

            channel.Writer.TryComplete();
        }

        AccountEntry<TConnection>[] current;
        lock (_gate)
        {
            _watchers.Add(Watch);
            current = [.. _entries.Values];
        }

        foreach (var entry in current)
        {
            Watch(entry);
        }

        stop.Token.Register(Unwatch);
        return ReadAsync(channel.Reader, stop, CancellationToken.None);
    }

    private static async IAsyncEnumerable<TOut> ReadAsync<TOut>(ChannelReader<TOut> reader, CancellationTokenSource stop, [EnumeratorCancellation] CancellationToken enumeration = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop.Token, enumeration);
        try
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await reader.WaitToReadAsync(linked.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Cancelling ends the stream cleanly, as the connections' own streams do.
                    more = false;
                }

                if (!more)
                {
                    yield break;
                }

                while (reader.TryRead(out var item))
                {
                    yield return item;
                }
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            stop.Dispose();
        }
    }

    /// <summary>Closes every account's connection (sockets close with 1001), all at once, bounded by each
    /// connection's dispose timeout; later sockets are refused.</summary>
    public Task ShutdownAsync()
    {
        lock (_gate)
        {
            return _shutdown ??= ShutdownCoreAsync();
        }
    }

    private async Task ShutdownCoreAsync()
    {
        await Task.Yield();
        AccountEntry<TConnection>[] entries;
        lock (_gate)
        {
            entries = [.. _entries.Values];
        }

        ServerLog.ShuttingDown(_logger, entries.Length);
        await Task.WhenAll(entries.Select(DisposeQuietlyAsync)).ConfigureAwait(false);
    }

    private sealed class Unwatch(AccountRegistry<TConnection> registry, Action<AccountEntry<TConnection>> watch) : IDisposable
    {
        public void Dispose()
        {
            lock (registry._gate)
            {
                registry._watchers.Remove(watch);
            }
        }
    }

    private async Task DisposeQuietlyAsync(AccountEntry<TConnection> entry)
    {
        try
        {
            if (Interlocked.Exchange(ref entry.EventSocket, null) is { } events)
            {
                await ReverseSockets.CloseAsync(events, WebSocketCloseStatus.EndpointUnavailable, "server shutting down", TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            }

            await entry.Dispose().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            ServerLog.HandlerFailed(_logger, ex);
        }
    }
}
