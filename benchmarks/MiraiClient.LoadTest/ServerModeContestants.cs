using System.Diagnostics;
using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MiraiClient.AspNetCore;
using MiraiClient.OneBot;

namespace MiraiClient.LoadTest;

/// <summary>The SDK's server mode in a contestant process: a minimal Kestrel app on 127.0.0.1 with one reverse
/// WebSocket endpoint, which the load test's server dials (<see cref="Server.DialAsync"/>) and plays the same
/// workload over.</summary>
/// <remarks>The child asks for each connection on its standard output, <c>DIAL &lt;this host&gt; &lt;server
/// endpoint&gt;</c>, where the endpoint is the one a dialling contestant would connect to (the mode and its size).
/// The load test's server dials in as the account <see cref="ServerProtocol.Account"/>; each new socket replaces
/// the previous one of that account (newest wins), which ends the previous session cleanly. A phase starts once
/// the account's connection reports Connected again.</remarks>
internal sealed class ReverseHost : IAsyncDisposable
{
    public const string Path = "/bot/ws";

    private static readonly TimeSpan DialTimeout = TimeSpan.FromMinutes(1);

    private readonly WebApplication _app;
    private readonly Func<ConnectionState?> _state;
    private readonly StrongBox<int> _connects;

    private ReverseHost(WebApplication app, Func<ConnectionState?> state, StrongBox<int> connects, Uri uri)
    {
        _app = app;
        _state = state;
        _connects = connects;
        Uri = uri;
    }

    public Uri Uri { get; }

    /// <summary>Hosts <c>MapOneBotReverseWebSocket</c> with the load test's connection settings.</summary>
    public static Task<(ReverseHost Host, OneBotAccounts Accounts)> StartOneBotAsync() =>
        StartAsync<OneBotAccounts>(
            services => services.AddOneBotReverseWebSocket(),
            app => app.MapOneBotReverseWebSocket(Path, o =>
            {
                o.AccessToken = Server.AccessToken;
                o.ConfigureConnection = OneBotSdkContestant.Tune;
            }),
            (services, connected) =>
            {
                var accounts = services.GetRequiredService<OneBotAccounts>();
                accounts.AccountChanged += (_, e) => connected(e.IsConnected);
                return (accounts, () => accounts.TryGetConnection(OneBotProtocol.Instance.Account, out var c) ? c.State : null);
            });

    /// <summary>Hosts <c>MapMiraiReverseWebSocket</c> (the SDK sends <c>verify</c> after the server dials in).</summary>
    public static Task<(ReverseHost Host, MiraiAccounts Accounts)> StartMiraiAsync() =>
        StartAsync<MiraiAccounts>(
            services => services.AddMiraiReverseWebSocket(),
            app => app.MapMiraiReverseWebSocket(Path, o =>
            {
                o.AccessToken = Server.AccessToken;
                o.VerifyKey = Server.AccessToken;
                o.ConfigureConnection = MiraiContestant.Tune;
            }),
            (services, connected) =>
            {
                var accounts = services.GetRequiredService<MiraiAccounts>();
                accounts.AccountChanged += (_, e) => connected(e.IsConnected);
                return (accounts, () => accounts.TryGetConnection(MiraiProtocol.Instance.Account, out var c) ? c.State : null);
            });

    /// <summary>Has the load test's server dial this host and play <paramref name="endpoint"/>; completes when the
    /// account's connection is Connected on the new socket.</summary>
    public async Task DialedAsync(Uri endpoint)
    {
        var before = Volatile.Read(ref _connects.Value);
        Console.WriteLine($"DIAL {Uri} {endpoint}");
        var waited = Stopwatch.StartNew();
        while (Volatile.Read(ref _connects.Value) <= before || _state() != ConnectionState.Connected)
        {
            if (waited.Elapsed > DialTimeout)
            {
                throw new TimeoutException($"the load test's server did not dial {Uri} for {endpoint} within {DialTimeout.TotalSeconds:0} s (state {_state()?.ToString() ?? "no connection"})");
            }

            await Task.Delay(5);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Closes the account's socket with 1001, so the dialled session ends cleanly; bounded by the connection's DisposeTimeout.
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static async Task<(ReverseHost Host, TAccounts Accounts)> StartAsync<TAccounts>(
        Action<IServiceCollection> register,
        Action<WebApplication> map,
        Func<IServiceProvider, Action<bool>, (TAccounts Accounts, Func<ConnectionState?> State)> watch)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        register(builder.Services);
        var app = builder.Build();
        map(app);
        // Counts the account's transitions to Connected: one per socket that passed its handshake.
        var connects = new StrongBox<int>();
        var (accounts, state) = watch(app.Services, connected =>
        {
            if (connected)
            {
                Interlocked.Increment(ref connects.Value);
            }
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var host = new ReverseHost(app, state, connects, new Uri(new Uri(address.Replace("http://", "ws://", StringComparison.Ordinal)), Path));
        return (host, accounts);
    }
}

/// <summary>OneBotConnection in server mode: the account's connection from <see cref="OneBotAccounts"/>, with the
/// same consumer and the same typed call as <see cref="OneBotSdkContestant"/>.</summary>
internal sealed class OneBotServerContestant : Contestant, IAsyncDisposable
{
    private (ReverseHost Host, OneBotAccounts Accounts)? _hosted;

    public override string Name => "onebot-server";

    public override async Task<Sample> IngestAsync(Uri uri, long events)
    {
        var connection = await ConnectAsync(uri);
        var subscription = connection.GetEventsAsync<GroupMessageEvent>();

        // The account's connection outlives this phase: on missing events the host's shutdown ends the enumeration.
        return await OneBotSdkContestant.IngestAsync(Name, connection, subscription, events, abandon: null);
    }

    public override async Task<(Func<CancellationToken, Task> RoundTrip, Func<Task> Close)> ConnectEchoAsync(Uri uri)
    {
        var connection = await ConnectAsync(uri);

        // Nothing to close: the next phase's socket replaces this one, the host's shutdown closes the last.
        return (OneBotSdkContestant.RoundTrip(connection), () => Task.CompletedTask);
    }

    public async ValueTask DisposeAsync()
    {
        if (_hosted is { } hosted)
        {
            await hosted.Host.DisposeAsync();
        }
    }

    private async Task<IOneBotConnection> ConnectAsync(Uri endpoint)
    {
        _hosted ??= await ReverseHost.StartOneBotAsync();
        var (host, accounts) = _hosted.Value;
        await host.DialedAsync(endpoint);
        return accounts.TryGetConnection(OneBotProtocol.Instance.Account, out var connection)
            ? connection
            : throw new InvalidOperationException("the account connected but has no connection");
    }
}

/// <summary>MiraiConnection in server mode (mirai-api-http's reverse-ws adapter dials in): the account's connection
/// from <see cref="MiraiAccounts"/>, with the same consumer and the same typed call as <see cref="MiraiContestant"/>.</summary>
internal sealed class MiraiServerContestant : Contestant, IAsyncDisposable
{
    private (ReverseHost Host, MiraiAccounts Accounts)? _hosted;

    public override string Name => "mirai-server";

    public override async Task<Sample> IngestAsync(Uri uri, long events)
    {
        var connection = await ConnectAsync(uri);
        var subscription = connection.GetEventsAsync<GroupMessage>();
        return await MiraiContestant.IngestAsync(Name, connection, subscription, events, abandon: null);
    }

    public override async Task<(Func<CancellationToken, Task> RoundTrip, Func<Task> Close)> ConnectEchoAsync(Uri uri)
    {
        var connection = await ConnectAsync(uri);
        return (MiraiContestant.RoundTrip(connection), () => Task.CompletedTask);
    }

    public async ValueTask DisposeAsync()
    {
        if (_hosted is { } hosted)
        {
            await hosted.Host.DisposeAsync();
        }
    }

    private async Task<IMiraiConnection> ConnectAsync(Uri endpoint)
    {
        _hosted ??= await ReverseHost.StartMiraiAsync();
        var (host, accounts) = _hosted.Value;
        await host.DialedAsync(endpoint);
        return accounts.TryGetConnection(MiraiProtocol.Instance.Account, out var connection)
            ? connection
            : throw new InvalidOperationException("the account connected but has no connection");
    }
}
