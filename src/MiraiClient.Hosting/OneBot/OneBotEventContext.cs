using MiraiClient.Hosting.Dispatch;
using MiraiClient.OneBot;

namespace MiraiClient.Hosting;

/// <summary>What a handler gets with a OneBot event: the event, the account it arrived on (name,
/// <c>self_id</c>, connection), the handler's scoped services, a way to reply where a message came from,
/// and ways to wait for the next message of the conversation.</summary>
/// <typeparam name="TEvent">The event type.</typeparam>
public class OneBotEventContext<TEvent>
    where TEvent : OneBotEvent
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromDays(1);

    /// <summary>The placeholder group NapCat puts on a temporary chat whose group it could not resolve.</summary>
    private const long UnresolvedTempGroup = 284840486;
    private readonly DispatchInvocation<OneBotReceivedEvent>? _invocation;

    internal OneBotEventContext(TEvent @event, OneBotAccount bot, IServiceProvider services, DispatchInvocation<OneBotReceivedEvent>? invocation)
    {
        Event = @event;
        Bot = bot;
        Services = services;
        _invocation = invocation;
    }

    /// <summary>Gets the event.</summary>
    public TEvent Event { get; }

    /// <summary>Gets the account the event arrived on; replies go through its connection.</summary>
    public OneBotAccount Bot { get; }

    /// <summary>Gets the connection the event arrived on (the account's connection).</summary>
    public IOneBotConnection Connection => Bot.Connection;

    /// <summary>Gets the services of this invocation's scope.</summary>
    public IServiceProvider Services { get; }

    /// <summary>Gets whether the event is a message that @-mentions the account (<see cref="OneBotAccount.SelfId"/>).</summary>
    public bool IsMentioningMe => SelfId != 0 && Event is OneBotMessageEvent message && message.Message.Mentions(SelfId);

    private long SelfId => Bot.SelfId != 0 ? Bot.SelfId : Event.SelfId;

    /// <summary>Replies in the chat the message came from (the group, or the private chat), quoting the message it
    /// answers by default: the reply starts with a <c>reply</c> segment carrying the message's id.</summary>
    /// <param name="message">The reply; a string converts to a text message.</param>
    /// <param name="quote">Whether to quote the message being answered (default: <see langword="true"/>).</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The id of the sent message.</returns>
    /// <exception cref="InvalidOperationException">The event is not a message that can be answered.</exception>
    public Task<long> ReplyAsync(OneBotMessage message, bool quote = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var answered = Event as OneBotMessageEvent ?? throw new InvalidOperationException($"A {OneBotChat.Describe(Event)} is not a message; there is nowhere to reply.");
        var body = quote && answered.MessageId != 0 ? new OneBotMessage(message.Prepend<OneBotSegment>(new ReplySegment(answered.MessageId))) : message;
        return answered switch
        {
            GroupMessageEvent group => Connection.Messages.SendGroupMessageAsync(group.GroupId, body, cancellationToken),

            // The account's own private message names the peer in target_id; anyone else's is answered to its sender.
            PrivateMessageEvent { IsSelfSent: true, TargetId: { } peer } => Connection.Messages.SendPrivateMessageAsync(peer, body, cancellationToken),

            // A temporary chat is answered with its source group, unless NapCat could not resolve the group.
            PrivateMessageEvent { GroupId: { } group and not 0 and not UnresolvedTempGroup } temp => Connection.Messages.SendTemporaryMessageAsync(group, temp.UserId, body, cancellationToken),
            PrivateMessageEvent sender => Connection.Messages.SendPrivateMessageAsync(sender.UserId, body, cancellationToken),
            _ => throw new InvalidOperationException($"Replying to a {OneBotChat.Describe(Event)} is not supported."),
        };
    }

    /// <summary>Waits for the next message of this conversation: by default the next message of the same sender
    /// in the same chat, through the same account.</summary>
    /// <param name="timeout">How long to wait; positive and at most one day.</param>
    /// <param name="filter">Which message to take instead of the default (it sees every chat of this account, so
    /// check the chat yourself). It runs on the dispatch path: keep it quick and free of side effects.</param>
    /// <param name="cancellationToken">Abandons the wait; pass the handler's token so a stop ends it.</param>
    /// <returns>The message, or <see langword="null"/> when none came in time.</returns>
    /// <remarks>The same guarantees as <see cref="MiraiEventContext{TEvent}.WaitForNextMessageAsync"/>: the message is
    /// taken by this wait (no handler sees it), the wait cannot deadlock with per-conversation order, the handler
    /// gives its concurrency slot back while it waits, and the wait is always removed when this method returns.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is not positive or longer than one day.</exception>
    /// <exception cref="InvalidOperationException">No filter was given and the event is not a chat message.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled, or the bot is stopping.</exception>
    public async Task<OneBotMessageEvent?> WaitForNextMessageAsync(TimeSpan timeout, Func<OneBotMessageEvent, bool>? filter = null, CancellationToken cancellationToken = default)
    {
        CheckTimeout(timeout);
        using var waiter = Expect(filter);
        return (await waiter.WaitAsync(timeout, cancellationToken).ConfigureAwait(false))?.Event as OneBotMessageEvent;
    }

    /// <summary>Starts waiting for the next message of this conversation, then replies with
    /// <paramref name="prompt"/> (without quoting), then waits: the answer can never arrive too early to be seen.</summary>
    /// <param name="prompt">The question to send where the message came from.</param>
    /// <param name="timeout">How long to wait for the answer once the prompt is sent; positive and at most one day.</param>
    /// <param name="filter">Which message to take instead of the next message of the same sender in the same chat.</param>
    /// <param name="cancellationToken">Abandons the prompt and the wait.</param>
    /// <returns>The answer, or <see langword="null"/> when none came in time.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is not positive or longer than one day.</exception>
    /// <exception cref="InvalidOperationException">The event is not a message that can be answered.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled, or the bot is stopping.</exception>
    public async Task<OneBotMessageEvent?> AskAsync(OneBotMessage prompt, TimeSpan timeout, Func<OneBotMessageEvent, bool>? filter = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        CheckTimeout(timeout);
        using var waiter = Expect(filter);
        await ReplyAsync(prompt, quote: false, cancellationToken).ConfigureAwait(false);
        return (await waiter.WaitAsync(timeout, cancellationToken).ConfigureAwait(false))?.Event as OneBotMessageEvent;
    }

    private static void CheckTimeout(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero || timeout > MaxWait)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The wait must be positive and at most one day.");
        }
    }

    private EventWaiter<OneBotReceivedEvent> Expect(Func<OneBotMessageEvent, bool>? filter)
    {
        var invocation = _invocation ?? throw new InvalidOperationException("Waiting for a message works only in a handler run by the bot host.");
        if (filter is null)
        {
            var chat = OneBotChat.Of(Event) ?? throw new InvalidOperationException($"A {OneBotChat.Describe(Event)} has no sender to wait for; pass a filter.");
            filter = message => OneBotChat.Of(message) == chat;
        }

        var bot = Bot;
        return invocation.Expect(received => ReferenceEquals(received.Bot, bot) && received.Event is OneBotMessageEvent message && filter(message));
    }
}

/// <summary>What a command handler gets: the message context plus the command's name and arguments.</summary>
public sealed class OneBotCommandContext : OneBotEventContext<OneBotMessageEvent>
{
    private static readonly char[] NoSeparators = [];

    internal OneBotCommandContext(OneBotMessageEvent message, OneBotAccount bot, IServiceProvider services, DispatchInvocation<OneBotReceivedEvent>? invocation, string command, string argumentText)
        : base(message, bot, services, invocation)
    {
        Command = command;
        ArgumentText = argumentText;
        Arguments = argumentText.Split(NoSeparators, StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Gets the command's registered name (not the alias or the letter case the sender typed).</summary>
    public string Command { get; }

    /// <summary>Gets the plain text after the command's name, trimmed (for a message that only @-mentions
    /// the account, all its text). Mentions, quotes and images are not text: read them from <c>Event.Message</c>.</summary>
    public string ArgumentText { get; }

    /// <summary>Gets <see cref="ArgumentText"/> split at white space (full-width spaces included).</summary>
    public IReadOnlyList<string> Arguments { get; }
}

/// <summary>Handles OneBot events of one type. Registered with <see cref="IOneBotBuilder"/>; a new
/// instance is resolved from a fresh service scope for every event.</summary>
/// <typeparam name="TEvent">The event type; a base type such as <see cref="OneBotMessageEvent"/> receives every subtype.</typeparam>
public interface IOneBotEventHandler<TEvent>
    where TEvent : OneBotEvent
{
    /// <summary>Handles one event. An exception is logged and does not affect other events.</summary>
    /// <param name="context">The event and its context.</param>
    /// <param name="cancellationToken">Cancelled when the host stops, after <see cref="MiraiBotOptions.DrainTimeout"/>.</param>
    /// <returns>A task that completes when the event is handled.</returns>
    Task HandleAsync(OneBotEventContext<TEvent> context, CancellationToken cancellationToken);
}
