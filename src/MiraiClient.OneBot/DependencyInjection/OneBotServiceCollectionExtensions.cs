using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using MiraiClient.OneBot;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="OneBotConnection"/> in a service collection.</summary>
public static class OneBotServiceCollectionExtensions
{
    /// <summary>Registers one <see cref="OneBotConnection"/> as a singleton, also resolvable as
    /// <see cref="IOneBotConnection"/>; the container disposes it.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options; runs once, when the connection is first resolved.</param>
    /// <returns>The services, for chaining.</returns>
    /// <remarks>Registrations use <c>TryAdd</c>: a connection the application registered itself wins,
    /// and calling this again changes nothing (the first configuration is kept). The options are
    /// validated when the connection is built; an invalid option throws <see cref="ArgumentException"/>
    /// naming it. The logger factory is taken from the container when there is one.</remarks>
    public static IServiceCollection AddOneBotClient(this IServiceCollection services, Action<OneBotConnectionOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.TryAddSingleton(provider => Create(provider, configure));
        services.TryAddSingleton<IOneBotConnection>(provider => provider.GetRequiredService<OneBotConnection>());
        return services;
    }

    /// <summary>Registers a named <see cref="OneBotConnection"/> as a keyed singleton, for several accounts
    /// in one process; resolve it with <c>[FromKeyedServices(name)]</c> or <c>GetRequiredKeyedService</c>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The service key.</param>
    /// <param name="configure">Sets the options; runs once, when the connection is first resolved.</param>
    /// <returns>The services, for chaining.</returns>
    /// <remarks>The same <c>TryAdd</c> rules as <see cref="AddOneBotClient(IServiceCollection, Action{OneBotConnectionOptions})"/> apply per name.</remarks>
    public static IServiceCollection AddOneBotClient(this IServiceCollection services, string name, Action<OneBotConnectionOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(configure);
        services.TryAddKeyedSingleton(name, (provider, _) => Create(provider, configure));
        services.TryAddKeyedSingleton<IOneBotConnection>(name, (provider, key) => provider.GetRequiredKeyedService<OneBotConnection>(key));
        return services;
    }

    private static OneBotConnection Create(IServiceProvider provider, Action<OneBotConnectionOptions> configure)
    {
        var options = new OneBotConnectionOptions();
        configure(options);
        return new OneBotConnection(options, provider.GetService<ILoggerFactory>());
    }
}
