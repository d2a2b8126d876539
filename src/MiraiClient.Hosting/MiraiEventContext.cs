namespace MiraiClient.Hosting;

/// <summary>What a handler gets with an event: the event, the connection, the handler's scoped
/// services, and a way to reply where a message came from.</summary>
/// <typeparam name="TEvent">The event type.</typeparam>
public sealed class MiraiEventContext<TEvent>
    where TEvent : MiraiEvent
{
    internal MiraiEventContext(TEvent @event, IMiraiConnection connection, IServiceProvider services)
    {
        Event = @event;
        Connection = connection;
        Services = services;
    }

    /// <summary>Gets the event.</summary>
    public TEvent Event { get; }

    /// <summary>Gets the connection the event arrived on.</summary>
    public IMiraiConnection Connection { get; }

    /// <summary>Gets the services of this invocation's scope.</summary>
    public IServiceProvider Services { get; }

    /// <summary>Replies in the conversation the message came from: the group for a group message, the
    /// friend for a friend message, the temporary chat for a temporary message.</summary>
    /// <param name="messageChain">The reply.</param>
    /// <param name="quote">Whether to quote the message being answered.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The id of the sent message.</returns>
    /// <exception cref="InvalidOperationException">The event is not a message that can be answered.</exception>
    public Task<int> ReplyAsync(MessageChain messageChain, bool quote = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageChain);
        var message = Event as MessageEvent ?? throw new InvalidOperationException($"A {Event.Type} is not a message; there is nowhere to reply.");
        var quoted = quote ? message.MessageChain.MessageId : null;
        return message switch
        {
            GroupMessage group => Connection.SendGroupMessageAsync(group.Sender.Group.Id, messageChain, quoted, cancellationToken),
            FriendMessage friend => Connection.SendFriendMessageAsync(friend.Sender.Id, messageChain, quoted, cancellationToken),
            TempMessage temp => Connection.SendTempMessageAsync(temp.Sender.Id, temp.Sender.Group.Id, messageChain, quoted, cancellationToken),
            _ => throw new InvalidOperationException($"Replying to a {Event.Type} is not supported."),
        };
    }
}

/// <summary>Handles events of one type. Registered with <see cref="IMiraiBotBuilder"/>; a new
/// instance is resolved from a fresh service scope for every event.</summary>
/// <typeparam name="TEvent">The event type; a base type such as <see cref="MessageEvent"/> receives every subtype.</typeparam>
public interface IMiraiEventHandler<TEvent>
    where TEvent : MiraiEvent
{
    /// <summary>Handles one event. An exception is logged and does not affect other events.</summary>
    /// <param name="context">The event and its context.</param>
    /// <param name="cancellationToken">Cancelled when the host stops and its shutdown timeout runs out.</param>
    /// <returns>A task that completes when the event is handled.</returns>
    Task HandleAsync(MiraiEventContext<TEvent> context, CancellationToken cancellationToken);
}
