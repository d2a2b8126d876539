using Microsoft.Extensions.Logging;
using Log = MiraiClient.Hosting.HostingLog;

namespace MiraiClient.Hosting.Served;

/// <summary>Accounts whose QQ-side program dials the bot (server mode). The package that accepts their sockets
/// (MiraiClient.AspNetCore) registers one per protocol; the bot host starts it, serves every account it reports
/// beside the connections it dials itself, and stops it after its handlers drained.</summary>
/// <typeparam name="TConnection">The protocol's connection type.</typeparam>
internal interface IServedAccounts<TConnection>
    where TConnection : class
{
    /// <summary>Gets where the accounts dial in, for logs (never a secret).</summary>
    string Description { get; }

    /// <summary>Starts taking accounts, and listening when it runs a server of its own. <paramref name="arrived"/>
    /// is called once per account when its first socket arrives, before the connection handles it (so nothing
    /// is missed), and again with a new connection if the old one stopped for good.</summary>
    /// <param name="arrived">Called with the account and its connection; must not throw or block.</param>
    /// <param name="cancellationToken">The host's start token.</param>
    /// <returns>A task that completes once accounts can dial in.</returns>
    /// <exception cref="InvalidOperationException">Its configuration is invalid; the message names the key.</exception>
    Task StartAsync(Action<long, TConnection> arrived, CancellationToken cancellationToken);

    /// <summary>Closes every account's sockets with 1001 (going away) and stops its server; bounded.</summary>
    /// <param name="cancellationToken">The host's stop token.</param>
    /// <returns>A task that completes when stopped.</returns>
    Task StopAsync(CancellationToken cancellationToken);
}

/// <summary>The bots a host serves for accounts that dial in: a runner per account, created when the account
/// first arrives and replaced when its connection is; shared by the mirai and OneBot bot hosts.</summary>
/// <typeparam name="TConnection">The protocol's connection type.</typeparam>
/// <typeparam name="TRunner">The host's runner type.</typeparam>
internal sealed class ServedBots<TConnection, TRunner>
    where TConnection : class
    where TRunner : class
{
    private readonly IServedAccounts<TConnection>[] _sources;
    private readonly Func<long, TConnection, TRunner> _start;
    private readonly Func<TRunner, Task> _retire;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly Dictionary<long, (TConnection Connection, TRunner Runner)> _accounts = [];
    private bool _stopped;

    /// <param name="sources">The registered sources; none means the host serves no dialing accounts.</param>
    /// <param name="start">Creates and starts the runner of an account's connection.</param>
    /// <param name="retire">Stops a runner whose connection was replaced (stops reading its events).</param>
    /// <param name="logger">The host's logger.</param>
    public ServedBots(IEnumerable<IServedAccounts<TConnection>> sources, Func<long, TConnection, TRunner> start, Func<TRunner, Task> retire, ILogger logger)
    {
        _sources = [.. sources];
        _start = start;
        _retire = retire;
        _logger = logger;
    }

    /// <summary>Gets whether any source is registered.</summary>
    public bool Any => _sources.Length > 0;

    /// <summary>Gets the runners of the accounts that arrived so far, newest connection of each.</summary>
    public TRunner[] Runners
    {
        get
        {
            lock (_gate)
            {
                return [.. _accounts.Values.Select(a => a.Runner)];
            }
        }
    }

    /// <summary>Gets where accounts dial in, for logs.</summary>
    public string Describe() => string.Join(", ", _sources.Select(s => s.Description));

    /// <summary>Starts every source; throws what the first failing one threw.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var source in _sources)
        {
            await source.StartAsync(Arrived, cancellationToken).ConfigureAwait(false);
            Log.ServingAccounts(_logger, source.Description);
        }
    }

    /// <summary>Takes no more accounts.</summary>
    /// <returns>The runners of the accounts served so far.</returns>
    public TRunner[] Close()
    {
        lock (_gate)
        {
            _stopped = true;
            return [.. _accounts.Values.Select(a => a.Runner)];
        }
    }

    /// <summary>Takes no more accounts and stops every source; bounded by each source.</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        Close();
        return Task.WhenAll(_sources.Select(s => StopQuietlyAsync(s, cancellationToken)));
    }

    private async Task StopQuietlyAsync(IServedAccounts<TConnection> source, CancellationToken cancellationToken)
    {
        try
        {
            await source.StopAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Log.DispatcherFailed(_logger, ex);
        }
    }

    private void Arrived(long account, TConnection connection)
    {
        TRunner? replaced = null;
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            if (_accounts.TryGetValue(account, out var known))
            {
                if (ReferenceEquals(known.Connection, connection))
                {
                    return;
                }

                replaced = known.Runner;
            }

            // Started under the lock, so a stop never misses a runner; starting only subscribes and spawns tasks.
            _accounts[account] = (connection, _start(account, connection));
        }

        if (replaced is not null)
        {
            _ = _retire(replaced);
        }
    }
}
