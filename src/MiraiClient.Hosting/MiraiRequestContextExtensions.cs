using System.Diagnostics.CodeAnalysis;

namespace MiraiClient.Hosting;

/// <summary>Answers request events from their handler context, through the connection they arrived on.</summary>
[SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "Each overload extends a different context type, so two of them never compete for one call.")]
public static class MiraiRequestContextExtensions
{
    /// <summary>Accepts the friend request.</summary>
    /// <param name="context">The handler context.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public static Task AcceptAsync(this MiraiEventContext<NewFriendRequestEvent> context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Event.AcceptAsync(context.Connection, cancellationToken);
    }

    /// <summary>Rejects the friend request.</summary>
    /// <param name="context">The handler context.</param>
    /// <param name="message">A message for the asker, sent in the command's <c>message</c> field (mirai-api-http
    /// 2.x accepts it but does not show it to the asker).</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public static Task RejectAsync(this MiraiEventContext<NewFriendRequestEvent> context, string message = "", CancellationToken cancellationToken = default) =>
        context.RejectAsync(message, blacklist: false, cancellationToken);

    /// <summary>Rejects the friend request, and blocks the asker if <paramref name="blacklist"/> is set.</summary>
    /// <param name="context">The handler context.</param>
    /// <param name="message">A message for the asker (see the other overload).</param>
    /// <param name="blacklist">Whether to also block the asker.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public static Task RejectAsync(this MiraiEventContext<NewFriendRequestEvent> context, string message, bool blacklist, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Event.RejectAsync(context.Connection, message, blacklist, cancellationToken);
    }

    /// <summary>Accepts the request to join the group.</summary>
    /// <param name="context">The handler context.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public static Task AcceptAsync(this MiraiEventContext<MemberJoinRequestEvent> context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Event.AcceptAsync(context.Connection, cancellationToken);
    }

    /// <summary>Rejects the request to join the group.</summary>
    /// <param name="context">The handler context.</param>
    /// <param name="reason">The reason shown to the asker.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public static Task RejectAsync(this MiraiEventContext<MemberJoinRequestEvent> context, string reason = "", CancellationToken cancellationToken = default) =>
        context.RejectAsync(reason, blacklist: false, cancellationToken);

    /// <summary>Rejects the request to join the group, and blocks the asker if <paramref name="blacklist"/> is set.</summary>
    /// <param name="context">The handler context.</param>
    /// <param name="reason">The reason shown to the asker.</param>
    /// <param name="blacklist">Whether to also block the asker.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public static Task RejectAsync(this MiraiEventContext<MemberJoinRequestEvent> context, string reason, bool blacklist, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Event.RejectAsync(context.Connection, reason, blacklist, cancellationToken);
    }

    /// <summary>Accepts the invitation into the group.</summary>
    /// <param name="context">The handler context.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public static Task AcceptAsync(this MiraiEventContext<BotInvitedJoinGroupRequestEvent> context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Event.AcceptAsync(context.Connection, cancellationToken);
    }

    /// <summary>Declines the invitation into the group.</summary>
    /// <param name="context">The handler context.</param>
    /// <param name="reason">Not sent: mirai has no way to pass a reason with a declined invitation. The
    /// parameter keeps the call the same for all three request events.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public static Task RejectAsync(this MiraiEventContext<BotInvitedJoinGroupRequestEvent> context, string reason = "", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(reason);
        return context.Event.RejectAsync(context.Connection, cancellationToken);
    }

    /// <summary>Accepts a request of any of the three kinds.</summary>
    /// <param name="context">The handler context.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    /// <exception cref="NotSupportedException">The request is of a kind this version does not know.</exception>
    public static Task AcceptAsync(this MiraiEventContext<RequestEvent> context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Event switch
        {
            NewFriendRequestEvent friend => friend.AcceptAsync(context.Connection, cancellationToken),
            MemberJoinRequestEvent join => join.AcceptAsync(context.Connection, cancellationToken),
            BotInvitedJoinGroupRequestEvent invitation => invitation.AcceptAsync(context.Connection, cancellationToken),
            _ => throw new NotSupportedException($"Answering a {context.Event.Type} is not supported."),
        };
    }

    /// <summary>Rejects a request of any of the three kinds, with a reason where the kind carries one
    /// (a join request shows it; a friend request sends it; an invitation cannot).</summary>
    /// <param name="context">The handler context.</param>
    /// <param name="reason">The reason.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    /// <exception cref="NotSupportedException">The request is of a kind this version does not know.</exception>
    public static Task RejectAsync(this MiraiEventContext<RequestEvent> context, string reason = "", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(reason);
        return context.Event switch
        {
            NewFriendRequestEvent friend => friend.RejectAsync(context.Connection, reason, blacklist: false, cancellationToken),
            MemberJoinRequestEvent join => join.RejectAsync(context.Connection, reason, blacklist: false, cancellationToken),
            BotInvitedJoinGroupRequestEvent invitation => invitation.RejectAsync(context.Connection, cancellationToken),
            _ => throw new NotSupportedException($"Answering a {context.Event.Type} is not supported."),
        };
    }
}
