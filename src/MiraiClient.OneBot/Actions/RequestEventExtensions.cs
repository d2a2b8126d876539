using System.Diagnostics.CodeAnalysis;

namespace MiraiClient.OneBot;

/// <summary>Answers friend requests and group join requests or invitations straight from their events.</summary>
/// <remarks>Each method sends one <c>set_friend_add_request</c> or <c>set_group_add_request</c> action with the
/// event's <see cref="OneBotRequestEvent.Flag"/> (and, for groups, its <see cref="GroupRequestEvent.SubType"/>)
/// unchanged, and throws <see cref="OneBotApiException"/> when the implementation reports a failure (an expired
/// flag, for example). An event for another account than the connection's is refused before anything is sent:
/// a flag is only valid on the account that received it.</remarks>
[SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "Each overload takes a different request event type, so two of them never compete for one call.")]
public static class RequestEventExtensions
{
    /// <summary>Accepts a friend request.</summary>
    /// <param name="connection">The connection of the account that received the request.</param>
    /// <param name="request">The request.</param>
    /// <param name="remark">The remark to give the new friend, or <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the implementation has answered.</returns>
    /// <exception cref="ArgumentException">The request has no flag, or belongs to another account.</exception>
    public static Task ApproveAsync(this IOneBotConnection connection, FriendRequestEvent request, string? remark = null, CancellationToken cancellationToken = default)
    {
        CheckAccount(connection, request);
        return connection.Users.SetFriendAddRequestAsync(request.Flag, approve: true, remark, cancellationToken);
    }

    /// <summary>Refuses a friend request (OneBot v11 carries no reason for friend requests).</summary>
    /// <param name="connection">The connection of the account that received the request.</param>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the implementation has answered.</returns>
    /// <exception cref="ArgumentException">The request has no flag, or belongs to another account.</exception>
    public static Task RejectAsync(this IOneBotConnection connection, FriendRequestEvent request, CancellationToken cancellationToken = default)
    {
        CheckAccount(connection, request);
        return connection.Users.SetFriendAddRequestAsync(request.Flag, approve: false, remark: null, cancellationToken);
    }

    /// <summary>Accepts a request to join a group (<see cref="GroupRequestEvent.SubType"/> <c>add</c>) or an
    /// invitation of the bot into one (<c>invite</c>).</summary>
    /// <param name="connection">The connection of the account that received the request.</param>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the implementation has answered.</returns>
    /// <exception cref="ArgumentException">The request has no flag or no sub-type, or belongs to another account.</exception>
    public static Task ApproveAsync(this IOneBotConnection connection, GroupRequestEvent request, CancellationToken cancellationToken = default)
    {
        CheckAccount(connection, request);
        return connection.Groups.SetGroupAddRequestAsync(request.Flag, request.SubType, approve: true, reason: null, cancellationToken);
    }

    /// <summary>Refuses a request to join a group or an invitation into one.</summary>
    /// <param name="connection">The connection of the account that received the request.</param>
    /// <param name="request">The request.</param>
    /// <param name="reason">The reason shown to the requester, or <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the implementation has answered.</returns>
    /// <exception cref="ArgumentException">The request has no flag or no sub-type, or belongs to another account.</exception>
    public static Task RejectAsync(this IOneBotConnection connection, GroupRequestEvent request, string? reason = null, CancellationToken cancellationToken = default)
    {
        CheckAccount(connection, request);
        return connection.Groups.SetGroupAddRequestAsync(request.Flag, request.SubType, approve: false, reason, cancellationToken);
    }

    private static void CheckAccount(IOneBotConnection connection, OneBotRequestEvent request)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(request);
        var own = connection.SelfId;
        if (own != 0 && request.SelfId != 0 && own != request.SelfId)
        {
            throw new ArgumentException($"The request was received by account {request.SelfId}, but this connection is account {own}; answer it on that account's connection.", nameof(request));
        }
    }
}
