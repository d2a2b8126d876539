using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MiraiClient.Hosting.Configuration;
using MiraiClient.Hosting.Dispatch;
using MiraiClient.OneBot;

namespace MiraiClient.Hosting;

/// <summary>Adds handlers and settings to the hosted OneBot bot registered by <c>AddOneBot</c>.</summary>
public interface IOneBotBuilder
{
    /// <summary>Gets the services the bot is registered in.</summary>
    IServiceCollection Services { get; }
}

/// <summary>Ways to register OneBot event handlers and commands on an <see cref="IOneBotBuilder"/>.</summary>
public static class OneBotBuilderExtensions
{
    /// <summary>Registers a handler class for one event type; it is resolved from a new scope per event.</summary>
    /// <typeparam name="TEvent">The event type (a base type receives every subtype).</typeparam>
    /// <typeparam name="THandler">The handler class.</typeparam>
    /// <param name="builder">The bot builder.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IOneBotBuilder AddHandler<TEvent, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(this IOneBotBuilder builder)
        where TEvent : OneBotEvent
        where THandler : class, IOneBotEventHandler<TEvent>
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddScoped<THandler>();
        builder.Services.AddSingleton(new OneBotHandlerRegistration(
            typeof(TEvent),
            typeof(THandler).Name,
            static (input, token) => input.Services.GetRequiredService<THandler>().HandleAsync(input.ContextFor<TEvent>(), token)));
        return builder;
    }

    /// <summary>Registers a delegate for one event type; it sees every event of the type, the account's own
    /// messages (<c>message_sent</c>) included.</summary>
    /// <typeparam name="TEvent">The event type (a base type receives every subtype).</typeparam>
    /// <param name="builder">The bot builder.</param>
    /// <param name="handler">The handler.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IOneBotBuilder On<TEvent>(this IOneBotBuilder builder, Func<OneBotEventContext<TEvent>, CancellationToken, Task> handler)
        where TEvent : OneBotEvent
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(handler);
        builder.Services.AddSingleton(new OneBotHandlerRegistration(
            typeof(TEvent),
            $"On<{typeof(TEvent).Name}>",
            (input, token) => handler(input.ContextFor<TEvent>(), token)));
        return builder;
    }

    /// <summary>Registers a delegate for group messages from others (not the account's own <c>message_sent</c>,
    /// so an echo cannot answer itself).</summary>
    /// <param name="builder">The bot builder.</param>
    /// <param name="handler">The handler.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IOneBotBuilder OnGroupMessage(this IOneBotBuilder builder, Func<OneBotEventContext<GroupMessageEvent>, CancellationToken, Task> handler) =>
        builder.On(FromOthers(handler));

    /// <summary>Registers a delegate for private messages (friends and temporary chats) from others.</summary>
    /// <param name="builder">The bot builder.</param>
    /// <param name="handler">The handler.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IOneBotBuilder OnPrivateMessage(this IOneBotBuilder builder, Func<OneBotEventContext<PrivateMessageEvent>, CancellationToken, Task> handler) =>
        builder.On(FromOthers(handler));

    /// <summary>Registers a delegate for every message from others, group and private.</summary>
    /// <param name="builder">The bot builder.</param>
    /// <param name="handler">The handler.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IOneBotBuilder OnMessage(this IOneBotBuilder builder, Func<OneBotEventContext<OneBotMessageEvent>, CancellationToken, Task> handler) =>
        builder.On(FromOthers(handler));

    /// <summary>Registers a command: a group or private message whose text starts with a prefix (<c>/</c> by
    /// default) and the command's name, for example <c>/ask what is OneBot</c>.</summary>
    /// <param name="builder">The bot builder.</param>
    /// <param name="name">The command's name: one word, matched without letter case by default.</param>
    /// <param name="handler">Runs the command; <see cref="OneBotCommandContext.Arguments"/> holds what follows the name.</param>
    /// <param name="configure">Adds a description, aliases, filters and a cooldown.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <remarks>The same command router as the mirai bots': prefixes, help, mention command, filters, cooldowns and
    /// <see cref="ConfigureCommands"/> work alike. A command that throws is logged (event 2012) and does not affect
    /// other events. Names are checked when the host starts.</remarks>
    public static IOneBotBuilder AddCommand(this IOneBotBuilder builder, string name, Func<OneBotCommandContext, CancellationToken, Task> handler, Action<OneBotCommandBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(handler);
        var settings = new OneBotCommandBuilder(name);
        configure?.Invoke(settings);
        builder.Services.AddSingleton(new OneBotCommandRegistration(settings, handler));
        if (!builder.Services.Any(d => d.ServiceType == typeof(OneBotCommandRouter)))
        {
            builder.Services.AddSingleton(static services => new OneBotCommandRouter(
                services.GetServices<OneBotCommandRegistration>(),
                services.GetRequiredService<IOptions<MiraiCommandOptions>>(),
                services.GetService<TimeProvider>() ?? TimeProvider.System,
                (ILogger?)services.GetService<ILoggerFactory>()?.CreateLogger<OneBotHostService>() ?? NullLogger.Instance));
            builder.Services.AddSingleton(new OneBotHandlerRegistration(
                typeof(OneBotMessageEvent),
                "Commands",
                static (input, token) => input.Services.GetRequiredService<OneBotCommandRouter>().HandleAsync(input, token)));
        }

        return builder;
    }

    /// <summary>Sets how commands are recognised: prefixes, letter case, the help command, the command an
    /// @-mention runs. The options are shared with the mirai bots of the same host.</summary>
    /// <param name="builder">The bot builder.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IOneBotBuilder ConfigureCommands(this IOneBotBuilder builder, Action<MiraiCommandOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>Adjusts how events are dispatched and how the bot stops; the options are shared with the
    /// mirai bots of the same host.</summary>
    /// <param name="builder">The bot builder.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IOneBotBuilder Configure(this IOneBotBuilder builder, Action<MiraiBotOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>Binds the dispatch and stop options from configuration, each under its own name, for
    /// example <c>Configure(builder.Configuration.GetSection("OneBot:Hosting"))</c>.</summary>
    /// <param name="builder">The bot builder.</param>
    /// <param name="configuration">The configuration section.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <remarks>A value that does not parse, or an option out of range, stops the host at start with exit
    /// code 3 and a one-line message naming the key.</remarks>
    public static IOneBotBuilder Configure(this IOneBotBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.AddOptions<MiraiBotOptions>().Configure(options => MiraiBotOptionsBinder.Bind(configuration, options));
        return builder;
    }

    private static Func<OneBotEventContext<TEvent>, CancellationToken, Task> FromOthers<TEvent>(Func<OneBotEventContext<TEvent>, CancellationToken, Task> handler)
        where TEvent : OneBotMessageEvent
    {
        ArgumentNullException.ThrowIfNull(handler);
        return (context, token) => context.Event.IsSelfSent ? Task.CompletedTask : handler(context, token);
    }
}

internal sealed class OneBotBuilder(IServiceCollection services) : IOneBotBuilder
{
    public IServiceCollection Services { get; } = services;
}

/// <summary>What a registered OneBot handler is invoked with: its scope's services and the dispatcher's invocation.</summary>
internal readonly record struct OneBotHandlerInput(IServiceProvider Services, DispatchInvocation<OneBotReceivedEvent> Invocation)
{
    public OneBotEventContext<TEvent> ContextFor<TEvent>()
        where TEvent : OneBotEvent =>
        new((TEvent)Invocation.Event.Event, Invocation.Event.Bot, Services, Invocation);
}

/// <summary>One registered OneBot handler: which events it takes and how to invoke it.</summary>
internal sealed class OneBotHandlerRegistration(Type eventType, string name, Func<OneBotHandlerInput, CancellationToken, Task> invoke)
{
    public Type EventType { get; } = eventType;

    public string Name { get; } = name;

    public Func<OneBotHandlerInput, CancellationToken, Task> Invoke { get; } = invoke;
}
