using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using MiraiClient;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="MiraiConnection"/> in a service collection.</summary>
public static class MiraiServiceCollectionExtensions
{
    /// <summary>Registers one <see cref="MiraiConnection"/> as a singleton, also resolvable as
    /// <see cref="IMiraiConnection"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options; runs once, when the connection is first resolved.</param>
    /// <returns>The services, for chaining.</returns>
    /// <remarks>Registrations use <c>TryAdd</c>: a connection the application registered itself wins,
    /// and calling this again changes nothing (the first configuration is kept). The options are
    /// validated when the connection is built; an invalid option throws <see cref="ArgumentException"/>
    /// naming it. The logger factory is taken from the container when there is one.</remarks>
    public static IServiceCollection AddMiraiClient(this IServiceCollection services, Action<MiraiConnectionOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.TryAddSingleton(provider => Create(provider, configure));
        services.TryAddSingleton<IMiraiConnection>(provider => provider.GetRequiredService<MiraiConnection>());
        return services;
    }

    /// <summary>Registers a named <see cref="MiraiConnection"/> as a keyed singleton, for several bots
    /// in one process; resolve it with <c>[FromKeyedServices(name)]</c> or <c>GetRequiredKeyedService</c>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The service key.</param>
    /// <param name="configure">Sets the options; runs once, when the connection is first resolved.</param>
    /// <returns>The services, for chaining.</returns>
    /// <remarks>The same <c>TryAdd</c> rules as <see cref="AddMiraiClient(IServiceCollection, Action{MiraiConnectionOptions})"/> apply per name.</remarks>
    public static IServiceCollection AddMiraiClient(this IServiceCollection services, string name, Action<MiraiConnectionOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(configure);
        services.TryAddKeyedSingleton(name, (provider, _) => Create(provider, configure));
        services.TryAddKeyedSingleton<IMiraiConnection>(name, (provider, key) => provider.GetRequiredKeyedService<MiraiConnection>(key));
        return services;
    }

    private static MiraiConnection Create(IServiceProvider provider, Action<MiraiConnectionOptions> configure)
    {
        var options = new MiraiConnectionOptions();
        configure(options);
        return new MiraiConnection(options, provider.GetService<ILoggerFactory>());
    }
}
