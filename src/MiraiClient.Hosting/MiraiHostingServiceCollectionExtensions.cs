using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MiraiClient;
using MiraiClient.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a MiraiClient bot in the .NET Generic Host.</summary>
public static class MiraiHostingServiceCollectionExtensions
{
    /// <summary>Registers the connection with its options bound from configuration (keys <c>Uri</c>,
    /// <c>VerifyKey</c>, <c>QQ</c> and the other option names, such as <c>Reconnect:MaxDelay</c>), so
    /// appsettings.json, environment variables (<c>Mirai__Uri</c>) and the command line
    /// (<c>--Mirai:Uri=</c>) all work. The options are validated when the host starts.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration section, for example <c>Configuration.GetSection("Mirai")</c>.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddMiraiClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<MiraiConnectionOptions>().Configure(options => MiraiOptionsBinder.Bind(configuration, options)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MiraiConnectionOptions>, MiraiConnectionOptionsValidator>());
        services.TryAddSingleton(provider => new MiraiConnection(provider.GetRequiredService<IOptions<MiraiConnectionOptions>>().Value, provider.GetService<ILoggerFactory>()));
        services.TryAddSingleton<IMiraiConnection>(provider => provider.GetRequiredService<MiraiConnection>());
        return services;
    }

    /// <summary>Runs the registered connection as a hosted bot: it connects when the host starts,
    /// dispatches events to the handlers added on the returned builder, and on stop lets running
    /// handlers finish within the host's shutdown timeout before disposing the connection.</summary>
    /// <param name="services">The services; a connection must be registered with <c>AddMiraiClient</c>.</param>
    /// <returns>A builder to add handlers with.</returns>
    /// <remarks>A connection that stops for good (wrong verify key, no account) stops the host and sets
    /// the process exit code to <see cref="MiraiBotOptions.FatalExitCode"/>. Calling this again adds no
    /// second hosted service.</remarks>
    public static IMiraiBotBuilder AddMiraiBot(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<MiraiBotOptions>().Validate(o => o.MaxConcurrentHandlers >= 1, "MiraiBotOptions.MaxConcurrentHandlers must be at least 1.").ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, MiraiBotService>());
        return new MiraiBotBuilder(services);
    }
}

internal sealed class MiraiConnectionOptionsValidator : IValidateOptions<MiraiConnectionOptions>
{
    public ValidateOptionsResult Validate(string? name, MiraiConnectionOptions options)
    {
        try
        {
            options.Validate();
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException ex)
        {
            return ValidateOptionsResult.Fail(ex.Message);
        }
    }
}
