using MiraiClient.Hosting.Dispatch;

namespace MiraiClient.Hosting;

/// <summary>What a handler gets with an event: the event, the bot it arrived on (name, QQ, connection),
/// the handler's scoped services, a way to reply where a message came from, and ways to wait for the
/// next message of the conversation.</summary>
/// <typeparam name="TEvent">The event type.</typeparam>
public class MiraiEventContext<TEvent>
    where TEvent : MiraiEvent
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromDays(1);
    private readonly DispatchInvocation<ReceivedEvent>? _invocation;

    internal MiraiEventContext(TEvent @event, MiraiBot bot, IServiceProvider services, DispatchInvocation<ReceivedEvent>? invocation)
    {
        Event = @event;
        Bot = bot;
        Services = services;
        _invocation = invocation;
    }

    /// <summary>Gets the event.</summary>
    public TEvent Event { get; }

    /// <summary>Gets the bot the event arrived on; replies go through its connection.</summary>
    public MiraiBot Bot { get; }

    /// <summary>Gets the connection the event arrived on (the bot's connection).</summary>
    public IMiraiConnection Connection => Bot.Connection;

    /// <summary>Gets the services of this invocation's scope.</summary>
    public IServiceProvider Services { get; }

    /// <summary>Gets whether the event is a message that @-mentions the bot's own account (<see cref="MiraiBot.QQ"/>).</summary>
    public bool IsMentioningMe => Bot.QQ != 0 && Event is MessageEvent message && message.MessageChain.Mentions(Bot.QQ);

    /// <summary>Replies in the conversation the message came from: the group for a group message, the
    /// friend for a friend message, the temporary chat for a temporary message.</summary>
    /// <param name="messageChain">The reply.</param>
    /// <param name="quote">Whether to quote the message being answered.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The id of the sent message. mirai answers -1 when it sent the message but got no id back,
    /// typically because QQ's risk control swallowed it; such an id cannot be quoted or recalled.</returns>
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

    /// <summary>Waits for the next message of this conversation: by default the next message of the same sender
    /// in the same chat, through the same bot.</summary>
    /// <param name="timeout">How long to wait; positive and at most one day.</param>
    /// <param name="filter">Which message to take instead of the default (it sees every chat of this bot, so
    /// check the chat yourself). It runs on the dispatch path: keep it quick and free of side effects.</param>
    /// <param name="cancellationToken">Abandons the wait; pass the handler's token so a stop ends it.</param>
    /// <returns>The message, or <see langword="null"/> when none came in time.</returns>
    /// <remarks>
    /// <para>The message is taken by this wait: no handler sees it, so an answer is never also treated as a new command.</para>
    /// <para>It cannot deadlock with per-conversation order: the message is handed over before ordering applies,
    /// although this handler still holds its conversation's turn. While waiting, the handler gives its
    /// concurrency slot back to other conversations.</para>
    /// <para>A message of this conversation that arrived after the event being handled and still waits behind
    /// this handler counts too, so a reply sent just before this call cannot lose the answer to that race.
    /// Without ordering, or for a custom filter, use <see cref="AskAsync"/>, which starts waiting before it
    /// sends the prompt. The wait is always removed when this method returns, whatever the outcome.</para>
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is not positive or longer than one day.</exception>
    /// <exception cref="InvalidOperationException">No filter was given and the event is not a chat message.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled, or the bot is stopping.</exception>
    public async Task<MessageEvent?> WaitForNextMessageAsync(TimeSpan timeout, Func<MessageEvent, bool>? filter = null, CancellationToken cancellationToken = default)
    {
        CheckTimeout(timeout);
        using var waiter = Expect(filter);
        return (await waiter.WaitAsync(timeout, cancellationToken).ConfigureAwait(false))?.Event as MessageEvent;
    }

    /// <summary>Starts waiting for the next message of this conversation, then replies with
    /// <paramref name="prompt"/>, then waits: the answer can never arrive too early to be seen.</summary>
    /// <param name="prompt">The question to send where the message came from.</param>
    /// <param name="timeout">How long to wait for the answer once the prompt is sent; positive and at most one day.</param>
    /// <param name="filter">Which message to take instead of the next message of the same sender in the same chat.</param>
    /// <param name="cancellationToken">Abandons the prompt and the wait.</param>
    /// <returns>The answer, or <see langword="null"/> when none came in time.</returns>
    /// <remarks>Everything said for <see cref="WaitForNextMessageAsync"/> applies.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is not positive or longer than one day.</exception>
    /// <exception cref="InvalidOperationException">The event is not a message that can be answered.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled, or the bot is stopping.</exception>
    public async Task<MessageEvent?> AskAsync(MessageChain prompt, TimeSpan timeout, Func<MessageEvent, bool>? filter = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        CheckTimeout(timeout);
        using var waiter = Expect(filter);
        await ReplyAsync(prompt, quote: false, cancellationToken).ConfigureAwait(false);
        return (await waiter.WaitAsync(timeout, cancellationToken).ConfigureAwait(false))?.Event as MessageEvent;
    }

    private static void CheckTimeout(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero || timeout > MaxWait)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The wait must be positive and at most one day.");
        }
    }

    private EventWaiter<ReceivedEvent> Expect(Func<MessageEvent, bool>? filter)
    {
        var invocation = _invocation ?? throw new InvalidOperationException("Waiting for a message works only in a handler run by the bot host.");
        if (filter is null)
        {
            var chat = ChatIdentity.Of(Event) ?? throw new InvalidOperationException($"A {Event.Type} has no sender to wait for; pass a filter.");
            filter = message => ChatIdentity.Of(message) == chat;
        }

        var bot = Bot;
        return invocation.Expect(received => ReferenceEquals(received.Bot, bot) && received.Event is MessageEvent message && filter(message));
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
    /// <param name="cancellationToken">Cancelled when the host stops, after <see cref="MiraiBotOptions.DrainTimeout"/>.</param>
    /// <returns>A task that completes when the event is handled.</returns>
    Task HandleAsync(MiraiEventContext<TEvent> context, CancellationToken cancellationToken);
}
