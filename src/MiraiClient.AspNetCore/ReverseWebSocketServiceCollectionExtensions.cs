using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MiraiClient.AspNetCore.Internal;

namespace MiraiClient.AspNetCore;

/// <summary>Registers the account registries of server mode.</summary>
public static class ReverseWebSocketServiceCollectionExtensions
{
    /// <summary>Registers <see cref="OneBotAccounts"/> (a singleton) and closes its accounts' sockets with 1001 when
    /// the application stops, before the web server drains its requests.</summary>
    /// <param name="services">The services.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection AddOneBotReverseWebSocket(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(static provider => new OneBotAccounts(provider.GetService<ILoggerFactory>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ReverseWebSocketShutdown>());
        return services;
    }

    /// <summary>Registers <see cref="MiraiAccounts"/> (a singleton) and closes its accounts' sockets with 1001 when
    /// the application stops, before the web server drains its requests.</summary>
    /// <param name="services">The services.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection AddMiraiReverseWebSocket(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(static provider => new MiraiAccounts(provider.GetService<ILoggerFactory>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ReverseWebSocketShutdown>());
        return services;
    }
}
