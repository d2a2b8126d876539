namespace MiraiClient.Hosting;

/// <summary>An event as the dispatcher carries it: with the bot it arrived on.</summary>
/// <param name="Bot">The bot whose connection received it.</param>
/// <param name="Event">The event.</param>
internal sealed record ReceivedEvent(MiraiBot Bot, MiraiEvent Event);

/// <summary>The kinds of chat a message can come from.</summary>
internal enum ChatKind
{
    Group = 1,
    Friend,
    Temp,
    Stranger,
}

/// <summary>Who said a message where: the chat and the sender in it.</summary>
/// <param name="Kind">The kind of chat.</param>
/// <param name="ChatId">The group for group and temporary chats; the person for friend and stranger chats.</param>
/// <param name="SenderId">Who sent it.</param>
internal readonly record struct ChatIdentity(ChatKind Kind, long ChatId, long SenderId)
{
    /// <summary>Gets the chat of a message from someone else, or <see langword="null"/> for the bot's own
    /// messages (sync and other-client messages), which no conversation, command or waiter takes.</summary>
    public static ChatIdentity? Of(MiraiEvent message) => message switch
    {
        GroupMessage group => new(ChatKind.Group, group.Sender.Group.Id, group.Sender.Id),
        FriendMessage friend => new(ChatKind.Friend, friend.Sender.Id, friend.Sender.Id),
        TempMessage temp => new(ChatKind.Temp, temp.Sender.Group.Id, temp.Sender.Id),
        StrangerMessage stranger => new(ChatKind.Stranger, stranger.Sender.Id, stranger.Sender.Id),
        _ => null,
    };
}

/// <summary>The ordering key of a mirai conversation: per chat, or per sender in a chat, of one bot.</summary>
/// <param name="Bot">The bot's name: the same group seen by two bots is two conversations.</param>
/// <param name="Kind">The kind of chat.</param>
/// <param name="ChatId">The group or the person.</param>
/// <param name="SenderId">The sender under <see cref="ConversationOrdering.PerSender"/>; 0 under <see cref="ConversationOrdering.PerChat"/>.</param>
internal readonly record struct ConversationKey(string Bot, ChatKind Kind, long ChatId, long SenderId)
{
    public static ConversationKey? Of(MiraiBot bot, MiraiEvent item, ConversationOrdering ordering) =>
        ordering == ConversationOrdering.None || ChatIdentity.Of(item) is not { } chat ? null
        : new ConversationKey(bot.Name, chat.Kind, chat.ChatId, ordering == ConversationOrdering.PerSender ? chat.SenderId : 0);
}
