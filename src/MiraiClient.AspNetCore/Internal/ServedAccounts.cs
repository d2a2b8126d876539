using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MiraiClient.Hosting.Served;
using MiraiClient.OneBot;

namespace MiraiClient.AspNetCore.Internal;

/// <summary>Where a bot host listens for the accounts that dial in, when it runs the server itself.</summary>
/// <param name="Url">The address Kestrel listens on, for example <c>http://0.0.0.0:8080</c>.</param>
/// <param name="Path">The endpoint's route pattern.</param>
/// <param name="Problem">Why the configuration cannot be used (naming the key), or <see langword="null"/>.</param>
internal sealed record EmbeddedServerSettings(string Url, string Path, string? Problem);

/// <summary>Serves the accounts of one protocol's registry to the bot host: reports each account's connection as it
/// arrives, and, when the host runs the server itself (<c>ServeReverseWebSocket</c>), starts and stops a Kestrel server
/// with the endpoint mapped; otherwise the application maps the endpoint and runs the server.</summary>
/// <typeparam name="TConnection">The protocol's public connection type.</typeparam>
/// <typeparam name="TImplementation">The registry's connection type.</typeparam>
internal abstract class ServedAccounts<TConnection, TImplementation> : IServedAccounts<TConnection>
    where TConnection : class
    where TImplementation : class, TConnection
{
    private readonly AccountRegistry<TImplementation> _registry;
    private readonly EmbeddedServerSettings? _server;
    private readonly ILoggerFactory _loggerFactory;
    private IDisposable? _watch;
    private WebApplication? _app;
    private string? _listening;

    protected ServedAccounts(AccountRegistry<TImplementation> registry, EmbeddedServerSettings? server, ILoggerFactory loggerFactory)
    {
        _registry = registry;
        _server = server;
        _loggerFactory = loggerFactory;
    }

    public string Description => _server is { } server
        ? $"{Volatile.Read(ref _listening) ?? server.Url.TrimEnd('/')}{server.Path} ({Protocol}, this process's own server)"
        : $"the application's {Protocol} endpoint";

    protected abstract string Protocol { get; }

    public async Task StartAsync(Action<long, TConnection> arrived, CancellationToken cancellationToken)
    {
        if (_server?.Problem is { } problem)
        {
            throw new InvalidOperationException(problem);
        }

        _registry.HostManaged = true;
        _watch = _registry.Watch(entry => arrived(entry.Account, entry.Connection));
        if (_server is not { } settings)
        {
            return;
        }

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.UseUrls(settings.Url);
        builder.Services.AddRoutingCore();
        builder.Services.AddLogging();
        builder.Services.AddSingleton(_loggerFactory);

        // The bot's host owns the process's signals and lifetime; this server is only started and stopped by it.
        builder.Services.AddSingleton<IHostLifetime, NoSignalLifetime>();
        Register(builder.Services);
        var app = builder.Build();
        Map(app, settings.Path);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _app = app;

        // The bound address, so a configured port 0 is logged as the port actually taken.
        Volatile.Write(ref _listening, string.Join(", ", app.Urls.Select(u => u.TrimEnd('/'))));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _watch?.Dispose();

        // Accounts first (1001, bounded by each connection's dispose timeout), so the server has no held-open
        // upgrade request left to wait for.
        try
        {
            await _registry.ShutdownAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Even when the host's stop token ran out first: the listener must not outlive the host.
            if (Interlocked.Exchange(ref _app, null) is { } app)
            {
                try
                {
                    await app.StopAsync(cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    await app.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Registers the registry in the server's own services, where the endpoint finds it.</summary>
    protected abstract void Register(IServiceCollection services);

    /// <summary>Maps the protocol's endpoint.</summary>
    protected abstract void Map(IEndpointRouteBuilder endpoints, string path);

    private sealed class NoSignalLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>The OneBot accounts that dial in, served to the OneBot bot host.</summary>
internal sealed class OneBotServedAccounts(OneBotAccounts accounts, EmbeddedServerSettings? server, Action<OneBotReverseWebSocketOptions>? configure)
    : ServedAccounts<IOneBotConnection, OneBotConnection>(accounts.Registry, server, accounts.LoggerFactory)
{
    protected override string Protocol => "OneBot v11 reverse WebSocket";

    protected override void Register(IServiceCollection services) => services.AddSingleton(accounts);

    protected override void Map(IEndpointRouteBuilder endpoints, string path) => endpoints.MapOneBotReverseWebSocket(path, configure);
}

/// <summary>The mirai-api-http accounts that dial in, served to the mirai bot host.</summary>
internal sealed class MiraiServedAccounts(MiraiAccounts accounts, EmbeddedServerSettings? server, Action<MiraiReverseWebSocketOptions>? configure)
    : ServedAccounts<IMiraiConnection, MiraiConnection>(accounts.Registry, server, accounts.LoggerFactory)
{
    protected override string Protocol => "mirai-api-http reverse-ws";

    protected override void Register(IServiceCollection services) => services.AddSingleton(accounts);

    protected override void Map(IEndpointRouteBuilder endpoints, string path) => endpoints.MapMiraiReverseWebSocket(path, configure);
}
