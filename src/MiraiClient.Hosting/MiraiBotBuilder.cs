using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MiraiClient.Hosting;

/// <summary>Adds handlers and settings to the hosted bot registered by <c>AddMiraiBot</c>.</summary>
public interface IMiraiBotBuilder
{
    /// <summary>Gets the services the bot is registered in.</summary>
    IServiceCollection Services { get; }
}

/// <summary>Ways to register event handlers on an <see cref="IMiraiBotBuilder"/>.</summary>
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
            static (services, item, connection, token) =>
                services.GetRequiredService<THandler>().HandleAsync(new MiraiEventContext<TEvent>((TEvent)item, connection, services), token)));
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
            (services, item, connection, token) => handler(new MiraiEventContext<TEvent>((TEvent)item, connection, services), token)));
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

    /// <summary>Adjusts how events are dispatched.</summary>
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
}

internal sealed class MiraiBotBuilder(IServiceCollection services) : IMiraiBotBuilder
{
    public IServiceCollection Services { get; } = services;
}

/// <summary>One registered handler: which events it takes and how to invoke it.</summary>
internal sealed class HandlerRegistration(Type eventType, string name, Func<IServiceProvider, MiraiEvent, IMiraiConnection, CancellationToken, Task> invoke)
{
    public Type EventType { get; } = eventType;

    public string Name { get; } = name;

    public Func<IServiceProvider, MiraiEvent, IMiraiConnection, CancellationToken, Task> Invoke { get; } = invoke;
}
