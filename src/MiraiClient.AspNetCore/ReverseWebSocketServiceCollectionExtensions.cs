using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MiraiClient.AspNetCore.Internal;
using MiraiClient.Hosting.Served;
using MiraiClient.OneBot;

namespace MiraiClient.AspNetCore;

/// <summary>Registers the account registries of server mode.</summary>
public static class ReverseWebSocketServiceCollectionExtensions
{
    /// <summary>Registers <see cref="OneBotAccounts"/> (a singleton) and closes its accounts' sockets with 1001 when
    /// the application stops, before the web server drains its requests. With <c>AddOneBot</c> the bot host serves
    /// the accounts (each a bot of its own) and closes them itself, after its handlers drained.</summary>
    /// <param name="services">The services.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection AddOneBotReverseWebSocket(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(static provider => new OneBotAccounts(provider.GetService<ILoggerFactory>()));

        // The OneBot bot host, when there is one, serves these accounts (and runs the server under ServeReverseWebSocket).
        services.TryAddSingleton<IServedAccounts<IOneBotConnection>>(static provider =>
        {
            var own = provider.GetService<OneBotServeRegistration>();
            return new OneBotServedAccounts(provider.GetRequiredService<OneBotAccounts>(), own?.Settings, own?.Configure);
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ReverseWebSocketShutdown>());
        return services;
    }

    /// <summary>Registers <see cref="MiraiAccounts"/> (a singleton) and closes its accounts' sockets with 1001 when
    /// the application stops, before the web server drains its requests. With <c>AddMiraiBot</c> the bot host serves
    /// the accounts (each a bot of its own) and closes them itself, after its handlers drained.</summary>
    /// <param name="services">The services.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection AddMiraiReverseWebSocket(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(static provider => new MiraiAccounts(provider.GetService<ILoggerFactory>()));

        // The mirai bot host, when there is one, serves these accounts (and runs the server under ServeReverseWebSocket).
        services.TryAddSingleton<IServedAccounts<IMiraiConnection>>(static provider =>
        {
            var own = provider.GetService<MiraiServeRegistration>();
            return new MiraiServedAccounts(provider.GetRequiredService<MiraiAccounts>(), own?.Settings, own?.Configure);
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ReverseWebSocketShutdown>());
        return services;
    }
}
