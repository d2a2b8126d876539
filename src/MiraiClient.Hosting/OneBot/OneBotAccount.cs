using MiraiClient.OneBot;

namespace MiraiClient.Hosting;

/// <summary>One OneBot account run by the bot host: its name, its connection and its own QQ number.</summary>
public sealed class OneBotAccount
{
    internal OneBotAccount(string name, IOneBotConnection connection)
    {
        Name = name;
        Connection = connection;
    }

    /// <summary>Gets the bot's name: the key of its connection (<c>alpha</c> for <c>OneBot:Bots:alpha</c> or
    /// <c>AddOneBotClient("alpha", …)</c>), or the empty string for the one unnamed connection.</summary>
    public string Name { get; }

    /// <summary>Gets the connection the bot's events arrive on and its replies go through.</summary>
    public IOneBotConnection Connection { get; }

    /// <summary>Gets the account the implementation speaks for (<c>self_id</c>), learned with <c>get_login_info</c>
    /// on every connect; handlers always see it known.</summary>
    public long SelfId => Connection.SelfId;

    /// <inheritdoc/>
    public override string ToString() => $"OneBotAccount {{ Name = {DisplayName}, SelfId = {SelfId} }}";

    /// <summary>Gets the name used in logs, told apart from the mirai bots: <c>OneBot alpha</c>, or <c>OneBot default</c>.</summary>
    internal string DisplayName => "OneBot " + (Name.Length == 0 ? "default" : Name);
}

/// <summary>The OneBot bot host registered by <c>AddOneBot</c>: which accounts it runs, and when they are ready.</summary>
/// <remarks>Resolve it from the host's services, for example to wait in a test until the bot can receive events.</remarks>
public interface IOneBotHost
{
    /// <summary>Gets the accounts, in registration order; empty until the host has started.</summary>
    IReadOnlyList<OneBotAccount> Bots { get; }

    /// <summary>Waits until the host has started and every account has connected once (so its <c>self_id</c> is
    /// known), so an event pushed from now on reaches its handlers.</summary>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when every account is ready.</returns>
    /// <exception cref="InvalidOperationException">The bot host could not start (its configuration is invalid), a
    /// connection stopped for good, or the host stopped before every connection was ready; the message says why.
    /// One connection that stops for good fails the wait at once, whatever the others do.</exception>
    Task WaitUntilReadyAsync(CancellationToken cancellationToken = default);
}

/// <summary>An OneBot event as the dispatcher carries it: with the account it arrived on.</summary>
/// <param name="Bot">The account whose connection received it.</param>
/// <param name="Event">The event.</param>
internal sealed record OneBotReceivedEvent(OneBotAccount Bot, OneBotEvent Event);

/// <summary>The chats of OneBot messages, in the terms of the shared dispatcher and command router.</summary>
internal static class OneBotChat
{
    /// <summary>Gets the chat of a message from someone else, or <see langword="null"/> for the account's own
    /// messages (<c>message_sent</c>) and for events that are not messages.</summary>
    public static ChatIdentity? Of(OneBotEvent item) => item switch
    {
        OneBotMessageEvent { IsSelfSent: true } => null,
        GroupMessageEvent group => new(ChatKind.Group, group.GroupId, group.UserId),
        PrivateMessageEvent { GroupId: { } tempGroup and not 0 } temp => new(ChatKind.Temp, tempGroup, temp.UserId),
        PrivateMessageEvent friend => new(ChatKind.Friend, friend.UserId, friend.UserId),
        _ => null,
    };

    /// <summary>Gets the ordering key of an event, or <see langword="null"/> when it is not ordered.</summary>
    public static ConversationKey? KeyOf(OneBotAccount bot, OneBotEvent item, ConversationOrdering ordering) =>
        ordering == ConversationOrdering.None || Of(item) is not { } chat ? null
        : new ConversationKey(bot.Name, chat.Kind, chat.ChatId, ordering == ConversationOrdering.PerSender ? chat.SenderId : 0);

    /// <summary>Names an event in logs and traces: its type, never its content.</summary>
    public static string Describe(OneBotEvent item) => item is OneBotUnknownEvent ? "OneBotUnknownEvent" : item.GetType().Name;
}
