using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MiraiClient.Hosting.Configuration;
using MiraiClient.Hosting.Dispatch;

namespace MiraiClient.Hosting;

/// <summary>Adds handlers and settings to the hosted bot registered by <c>AddMiraiBot</c>.</summary>
public interface IMiraiBotBuilder
{
    /// <summary>Gets the services the bot is registered in.</summary>
    IServiceCollection Services { get; }
}

/// <summary>Ways to register event handlers and commands on an <see cref="IMiraiBotBuilder"/>.</summary>
public static class MiraiBotBuilderExtensions
{
    /// <summary>Registers a handler class for one event type; it is resolved from a new scope per event.</summary>
    /// <typeparam name="TEvent">The event type (a base type receives every subtype).</typeparam>
    /// <typeparam name="THandler">The handler class.</typeparam>
    /// <param name="builder">The bot builder.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IMiraiBotBuilder AddHandler<TEvent, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(this IMiraiBotBuilder builder)
        where TEvent : MiraiEvent
        where THandler : class, IMiraiEventHandler<TEvent>
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddScoped<THandler>();
        builder.Services.AddSingleton(new HandlerRegistration(
            typeof(TEvent),
            typeof(THandler).Name,
            static (input, token) => input.Services.GetRequiredService<THandler>().HandleAsync(input.ContextFor<TEvent>(), token)));
        return builder;
    }

    /// <summary>Registers a delegate for one event type.</summary>
    /// <typeparam name="TEvent">The event type (a base type receives every subtype).</typeparam>
    /// <param name="builder">The bot builder.</param>
    /// <param name="handler">The handler.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IMiraiBotBuilder On<TEvent>(this IMiraiBotBuilder builder, Func<MiraiEventContext<TEvent>, CancellationToken, Task> handler)
        where TEvent : MiraiEvent
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(handler);
        builder.Services.AddSingleton(new HandlerRegistration(
            typeof(TEvent),
            $"On<{typeof(TEvent).Name}>",
            (input, token) => handler(input.ContextFor<TEvent>(), token)));
        return builder;
    }

    /// <summary>Registers a delegate for group messages.</summary>
    /// <param name="builder">The bot builder.</param>
    /// <param name="handler">The handler.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IMiraiBotBuilder OnGroupMessage(this IMiraiBotBuilder builder, Func<MiraiEventContext<GroupMessage>, CancellationToken, Task> handler) =>
        builder.On(handler);

    /// <summary>Registers a delegate for friend messages.</summary>
    /// <param name="builder">The bot builder.</param>
    /// <param name="handler">The handler.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IMiraiBotBuilder OnFriendMessage(this IMiraiBotBuilder builder, Func<MiraiEventContext<FriendMessage>, CancellationToken, Task> handler) =>
        builder.On(handler);

    /// <summary>Registers a delegate for every kind of chat message.</summary>
    /// <param name="builder">The bot builder.</param>
    /// <param name="handler">The handler.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IMiraiBotBuilder OnMessage(this IMiraiBotBuilder builder, Func<MiraiEventContext<MessageEvent>, CancellationToken, Task> handler) =>
        builder.On(handler);

    /// <summary>Registers a command: a group, friend or temporary message whose text starts with a prefix
    /// (<c>/</c> by default) and the command's name, for example <c>/ask what is mirai</c>.</summary>
    /// <param name="builder">The bot builder.</param>
    /// <param name="name">The command's name: one word, matched without letter case by default.</param>
    /// <param name="handler">Runs the command; <see cref="MiraiCommandContext.Arguments"/> holds what follows the name.</param>
    /// <param name="configure">Adds a description, aliases, filters (<see cref="MiraiCommandBuilder.RequireGroupAdmin"/>,
    /// <see cref="MiraiCommandBuilder.Where"/>) and a cooldown.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <remarks>Commands are one more handler of the bot: other handlers still see the message. A command that
    /// throws is logged (event 2012) and does not affect other events. A built-in <c>help</c> command lists the
    /// commands; <see cref="ConfigureCommands"/> changes prefixes, letter case, the help command's name, and which
    /// command an @-mention of the bot runs. Names are checked when the host starts.</remarks>
    public static IMiraiBotBuilder AddCommand(this IMiraiBotBuilder builder, string name, Func<MiraiCommandContext, CancellationToken, Task> handler, Action<MiraiCommandBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(handler);
        var settings = new MiraiCommandBuilder(name);
        configure?.Invoke(settings);
        builder.Services.AddSingleton(new CommandRegistration(settings, handler));
        if (!builder.Services.Any(d => d.ServiceType == typeof(MiraiCommandRouter)))
        {
            builder.Services.AddSingleton(static services => new MiraiCommandRouter(
                services.GetServices<CommandRegistration>(),
                services.GetRequiredService<IOptions<MiraiCommandOptions>>(),
                services.GetService<TimeProvider>() ?? TimeProvider.System,
                (ILogger?)services.GetService<ILoggerFactory>()?.CreateLogger<MiraiBotService>() ?? NullLogger.Instance));
            builder.Services.AddSingleton(new HandlerRegistration(
                typeof(MessageEvent),
                "Commands",
                static (input, token) => input.Services.GetRequiredService<MiraiCommandRouter>().HandleAsync(input, token)));
        }

        return builder;
    }

    /// <summary>Sets how commands are recognised: prefixes, letter case, the help command, the command an @-mention runs.</summary>
    /// <param name="builder">The bot builder.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IMiraiBotBuilder ConfigureCommands(this IMiraiBotBuilder builder, Action<MiraiCommandOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>Adjusts how events are dispatched and how the bot stops.</summary>
    /// <param name="builder">The bot builder.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IMiraiBotBuilder Configure(this IMiraiBotBuilder builder, Action<MiraiBotOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>Binds the dispatch and stop options from configuration, each under its own name, for
    /// example <c>Configure(builder.Configuration.GetSection("Mirai:Hosting"))</c> with
    /// <c>Mirai:Hosting:Ordering</c> = <c>PerChat</c> and <c>Mirai:Hosting:DrainTimeout</c> = <c>00:00:02</c>.</summary>
    /// <param name="builder">The bot builder.</param>
    /// <param name="configuration">The configuration section.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <remarks>A value that does not parse, or an option out of range, stops the host at start with exit
    /// code 3 and a one-line message naming the key.</remarks>
    public static IMiraiBotBuilder Configure(this IMiraiBotBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.AddOptions<MiraiBotOptions>().Configure(options => MiraiBotOptionsBinder.Bind(configuration, options));
        return builder;
    }
}

internal sealed class MiraiBotBuilder(IServiceCollection services) : IMiraiBotBuilder
{
    public IServiceCollection Services { get; } = services;
}

/// <summary>What a registered handler is invoked with: its scope's services and the dispatcher's invocation.</summary>
internal readonly record struct HandlerInput(IServiceProvider Services, DispatchInvocation<ReceivedEvent> Invocation)
{
    public MiraiEventContext<TEvent> ContextFor<TEvent>()
        where TEvent : MiraiEvent =>
        new((TEvent)Invocation.Event.Event, Invocation.Event.Bot, Services, Invocation);
}

/// <summary>One registered handler: which events it takes and how to invoke it.</summary>
internal sealed class HandlerRegistration(Type eventType, string name, Func<HandlerInput, CancellationToken, Task> invoke)
{
    public Type EventType { get; } = eventType;

    public string Name { get; } = name;

    public Func<HandlerInput, CancellationToken, Task> Invoke { get; } = invoke;
}
