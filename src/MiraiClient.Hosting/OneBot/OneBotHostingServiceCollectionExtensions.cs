using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MiraiClient.Hosting;
using MiraiClient.Hosting.Configuration;
using MiraiClient.OneBot;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers OneBot v11 bots in the .NET Generic Host, beside or instead of mirai bots.</summary>
public static class OneBotHostingServiceCollectionExtensions
{
    /// <summary>Registers the OneBot connection, or several named ones, with options bound from configuration
    /// (keys <c>Uri</c>, <c>AccessToken</c> and the other option names, such as <c>Reconnect:MaxDelay</c>).</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration section, for example <c>Configuration.GetSection("OneBot")</c>.</param>
    /// <returns>The services, for chaining.</returns>
    /// <remarks>
    /// <para>Without a <c>Bots</c> subsection this registers one unnamed connection, resolvable as
    /// <see cref="IOneBotConnection"/>. With one (<c>OneBot:Bots:alpha:Uri</c>, …) it registers a keyed connection per
    /// child instead, and the values directly under the section are defaults each bot can override.</para>
    /// <para>Durations and errors work as for <c>AddMiraiClient(configuration)</c>: under <c>AddOneBot</c>, a bad value
    /// stops the host at start with exit code 3 and one log line naming the key (never the access token).</para>
    /// </remarks>
    public static IServiceCollection AddOneBotClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var bots = configuration.GetSection("Bots").GetChildren().ToList();
        if (bots.Count == 0)
        {
            AddBoundOptions(services, Options.Options.DefaultName, configuration, defaults: null);
            services.TryAddSingleton(provider => new OneBotConnection(provider.GetRequiredService<IOptions<OneBotConnectionOptions>>().Value, provider.GetService<ILoggerFactory>()));
            services.TryAddSingleton<IOneBotConnection>(provider => provider.GetRequiredService<OneBotConnection>());
            return services;
        }

        foreach (var bot in bots)
        {
            AddKeyed(services, bot.Key, bot, defaults: configuration);
        }

        return services;
    }

    /// <summary>Registers a named OneBot connection, a keyed singleton resolvable with <c>[FromKeyedServices(name)]</c>,
    /// with options bound from configuration as <see cref="AddOneBotClient(IServiceCollection, IConfiguration)"/> does.</summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The bot's name and service key.</param>
    /// <param name="configuration">The bot's configuration section.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddOneBotClient(this IServiceCollection services, string name, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(configuration);
        AddKeyed(services, name, configuration, defaults: null);
        return services;
    }

    /// <summary>Runs every registered OneBot connection (the unnamed one and every named one) as a hosted bot,
    /// with the guarantees of <c>AddMiraiBot</c>: handler faults isolated, bounded concurrency, per-conversation
    /// order, a bounded stop, and exit code <see cref="MiraiBotOptions.FatalExitCode"/> (3) with one log line when
    /// the configuration is invalid or a connection stops for good.</summary>
    /// <param name="services">The services; connections are registered with <c>AddOneBotClient</c>, before or after this call.</param>
    /// <returns>A builder to add handlers and commands with.</returns>
    /// <remarks>The dispatch, stop and command options (<see cref="MiraiBotOptions"/>, <see cref="MiraiCommandOptions"/>)
    /// are shared with the mirai bots of the same host; the OneBot bots have their own dispatcher, so
    /// <see cref="MiraiBotOptions.MaxConcurrentHandlers"/> bounds each protocol's handlers. Calling this again adds
    /// no second hosted service.</remarks>
    public static IOneBotBuilder AddOneBot(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(new OneBotServiceCatalog(services));
        services.AddOptions<MiraiBotOptions>();
        services.TryAddSingleton(static provider => new OneBotHostService(
            provider,
            provider.GetRequiredService<OneBotServiceCatalog>(),
            provider.GetServices<OneBotHandlerRegistration>(),
            provider.GetRequiredService<IServiceScopeFactory>(),
            provider.GetRequiredService<IOptions<MiraiBotOptions>>(),
            provider.GetRequiredService<IOptionsMonitor<OneBotConnectionOptions>>(),
            provider.GetServices<OneBotBoundConnection>(),
            provider.GetServices<MiraiClient.Hosting.Served.IServedAccounts<IOneBotConnection>>(),
            provider.GetRequiredService<IHostApplicationLifetime>(),
            provider.GetRequiredService<ILogger<OneBotHostService>>()));
        services.TryAddSingleton<IOneBotHost>(static provider => provider.GetRequiredService<OneBotHostService>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, OneBotHostService>(static provider => provider.GetRequiredService<OneBotHostService>()));
        return new OneBotBuilder(services);
    }

    private static void AddKeyed(IServiceCollection services, string name, IConfiguration configuration, IConfiguration? defaults)
    {
        AddBoundOptions(services, name, configuration, defaults);
        services.TryAddKeyedSingleton(name, static (provider, key) =>
            new OneBotConnection(provider.GetRequiredService<IOptionsMonitor<OneBotConnectionOptions>>().Get((string)key!), provider.GetService<ILoggerFactory>()));
        services.TryAddKeyedSingleton<IOneBotConnection>(name, static (provider, key) => provider.GetRequiredKeyedService<OneBotConnection>(key));
    }

    private static void AddBoundOptions(IServiceCollection services, string name, IConfiguration configuration, IConfiguration? defaults)
    {
        services.AddOptions<OneBotConnectionOptions>(name)
            .Configure(options => OneBotOptionsBinder.Bind(configuration, defaults, options))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OneBotConnectionOptions>, OneBotConnectionOptionsValidator>());
        services.AddSingleton(new OneBotBoundConnection(name));
    }
}

/// <summary>Validates bound OneBot options when the host starts, with messages naming the configuration key.
/// Under <c>AddOneBot</c> it leaves the check to the bot host, which reports it as one log line and an exit code.</summary>
internal sealed class OneBotConnectionOptionsValidator(IServiceProvider services) : IValidateOptions<OneBotConnectionOptions>
{
    public ValidateOptionsResult Validate(string? name, OneBotConnectionOptions options)
    {
        if (services.GetService<OneBotServiceCatalog>() is not null)
        {
            return ValidateOptionsResult.Skip;
        }

        return OneBotOptionsBinder.Check(options) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }
}
