namespace MiraiClient.Internal;

/// <summary>What a conversation is, for pacing sends: the kinds every protocol has.</summary>
internal enum ConversationKind
{
    /// <summary>Not a conversation (a send that is not paced per conversation).</summary>
    None,

    /// <summary>A group chat.</summary>
    Group,

    /// <summary>A private chat with a friend (or a stranger).</summary>
    Friend,

    /// <summary>A temporary chat with a group member, through the group.</summary>
    Temp,

    /// <summary>Another client of the bot's own account.</summary>
    OtherClient,
}

/// <summary>A conversation a message goes to: the unit of per-conversation pacing, protocol-independent.</summary>
/// <param name="Kind">The kind.</param>
/// <param name="Id">The group, friend or client id.</param>
/// <param name="Member">For a temporary chat, the member; otherwise 0.</param>
internal readonly record struct Conversation(ConversationKind Kind, long Id, long Member = 0)
{
    public static Conversation None => default;

    public static Conversation Group(long group) => new(ConversationKind.Group, group);

    public static Conversation Friend(long friend) => new(ConversationKind.Friend, friend);

    public static Conversation Temp(long group, long member) => new(ConversationKind.Temp, group, member);

    public static Conversation OtherClient(long client) => new(ConversationKind.OtherClient, client);
}
