using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MiraiClient;
using MiraiClient.Hosting;
using MiraiClient.Hosting.Configuration;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers MiraiClient bots in the .NET Generic Host.</summary>
public static class MiraiHostingServiceCollectionExtensions
{
    /// <summary>Registers the connection, or several named ones, with options bound from configuration
    /// (keys <c>Uri</c>, <c>VerifyKey</c>, <c>QQ</c> and the other option names, such as
    /// <c>Reconnect:MaxDelay</c>), so appsettings.json, environment variables (<c>Mirai__Uri</c>) and the
    /// command line (<c>--Mirai:Uri=</c>) all work.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration section, for example <c>Configuration.GetSection("Mirai")</c>.</param>
    /// <returns>The services, for chaining.</returns>
    /// <remarks>
    /// <para>Without a <c>Bots</c> subsection this registers one unnamed connection, resolvable as
    /// <see cref="IMiraiConnection"/>. With one, such as <c>Mirai:Bots:alpha:QQ</c> and <c>Mirai:Bots:beta:QQ</c>,
    /// it registers a keyed connection per child instead (resolve it with <c>[FromKeyedServices("alpha")]</c>),
    /// and the values directly under the section (<c>Mirai:Uri</c>, <c>Mirai:VerifyKey</c>, …) are defaults each bot
    /// can override.</para>
    /// <para>Durations read <c>hh:mm:ss</c> (<c>00:00:30</c>) or a number with a unit (<c>30s</c>, <c>500ms</c>,
    /// <c>5m</c>); a bare number is refused, since .NET would read <c>30</c> as 30 days. Under <c>AddMiraiBot</c>,
    /// a bad value stops the host at start with exit code 3 and one log line naming the key; otherwise the
    /// options are validated when the host starts and the error names the key.</para>
    /// </remarks>
    public static IServiceCollection AddMiraiClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var bots = configuration.GetSection("Bots").GetChildren().ToList();
        if (bots.Count == 0)
        {
            AddBoundOptions(services, Options.Options.DefaultName, configuration, defaults: null);
            services.TryAddSingleton(provider => new MiraiConnection(provider.GetRequiredService<IOptions<MiraiConnectionOptions>>().Value, provider.GetService<ILoggerFactory>()));
            services.TryAddSingleton<IMiraiConnection>(provider => provider.GetRequiredService<MiraiConnection>());
            return services;
        }

        foreach (var bot in bots)
        {
            AddKeyed(services, bot.Key, bot, defaults: configuration);
        }

        return services;
    }

    /// <summary>Registers a named connection, a keyed singleton resolvable with <c>[FromKeyedServices(name)]</c>,
    /// with options bound from configuration as <see cref="AddMiraiClient(IServiceCollection, IConfiguration)"/> does.
    /// <c>AddMiraiBot</c> runs it beside any other connection.</summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The bot's name and service key.</param>
    /// <param name="configuration">The bot's configuration section, for example <c>Configuration.GetSection("Bots:alpha")</c>.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddMiraiClient(this IServiceCollection services, string name, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(configuration);
        AddKeyed(services, name, configuration, defaults: null);
        return services;
    }

    /// <summary>Runs every registered connection (the unnamed one and every named one) as a hosted bot:
    /// each connects when the host starts, and its events go to the handlers and commands added on the
    /// returned builder, with the bot they came from on the context.</summary>
    /// <param name="services">The services; connections are registered with <c>AddMiraiClient</c>, before or after this call.</param>
    /// <returns>A builder to add handlers and commands with.</returns>
    /// <remarks>
    /// <para>Dispatch: at most <see cref="MiraiBotOptions.MaxConcurrentHandlers"/> invocations run at once; messages of
    /// one conversation (by default one sender in one chat) run one after another, and an event waiting for its
    /// turn holds no slot, so a busy conversation never delays another.</para>
    /// <para>Stop: no new events; running handlers get <see cref="MiraiBotOptions.DrainTimeout"/> (1 s), then their
    /// token is cancelled; then the connections are disposed. A bot whose handlers honour their token stops in
    /// about a second, well inside a container's stop grace, with the host's default settings.</para>
    /// <para>A configuration the bot cannot run with, or a connection that stops for good (wrong verify key, no
    /// account), is logged once as critical (events 2007, 2002; no secrets) and stops the host with the exit code
    /// <see cref="MiraiBotOptions.FatalExitCode"/> (3), never with an exception. Calling this again adds no second hosted service.</para>
    /// </remarks>
    public static IMiraiBotBuilder AddMiraiBot(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(new MiraiServiceCatalog(services));
        services.AddOptions<MiraiBotOptions>();
        services.TryAddSingleton(static provider => new MiraiBotService(
            provider,
            provider.GetRequiredService<MiraiServiceCatalog>(),
            provider.GetServices<HandlerRegistration>(),
            provider.GetRequiredService<IServiceScopeFactory>(),
            provider.GetRequiredService<IOptions<MiraiBotOptions>>(),
            provider.GetRequiredService<IOptionsMonitor<MiraiConnectionOptions>>(),
            provider.GetServices<MiraiBoundConnection>(),
            provider.GetServices<MiraiClient.Hosting.Served.IServedAccounts<IMiraiConnection>>(),
            provider.GetRequiredService<IHostApplicationLifetime>(),
            provider.GetRequiredService<ILogger<MiraiBotService>>()));
        services.TryAddSingleton<IMiraiBotHost>(static provider => provider.GetRequiredService<MiraiBotService>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, MiraiBotService>(static provider => provider.GetRequiredService<MiraiBotService>()));
        return new MiraiBotBuilder(services);
    }

    private static void AddKeyed(IServiceCollection services, string name, IConfiguration configuration, IConfiguration? defaults)
    {
        AddBoundOptions(services, name, configuration, defaults);
        services.TryAddKeyedSingleton(name, static (provider, key) =>
            new MiraiConnection(provider.GetRequiredService<IOptionsMonitor<MiraiConnectionOptions>>().Get((string)key!), provider.GetService<ILoggerFactory>()));
        services.TryAddKeyedSingleton<IMiraiConnection>(name, static (provider, key) => provider.GetRequiredKeyedService<MiraiConnection>(key));
    }

    private static void AddBoundOptions(IServiceCollection services, string name, IConfiguration configuration, IConfiguration? defaults)
    {
        services.AddOptions<MiraiConnectionOptions>(name)
            .Configure(options => MiraiOptionsBinder.Bind(configuration, defaults, options))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MiraiConnectionOptions>, MiraiConnectionOptionsValidator>());
        services.AddSingleton(new MiraiBoundConnection(name));
    }
}

/// <summary>Validates bound connection options when the host starts, with messages naming the configuration key.
/// Under <c>AddMiraiBot</c> it leaves the check to the bot host, which reports it as one log line and an exit code
/// instead of an exception that would crash the process.</summary>
internal sealed class MiraiConnectionOptionsValidator(IServiceProvider services) : IValidateOptions<MiraiConnectionOptions>
{
    public ValidateOptionsResult Validate(string? name, MiraiConnectionOptions options)
    {
        if (services.GetService<MiraiServiceCatalog>() is not null)
        {
            return ValidateOptionsResult.Skip;
        }

        return MiraiOptionsBinder.Check(options) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }
}
