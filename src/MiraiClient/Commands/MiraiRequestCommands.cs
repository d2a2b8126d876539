using MiraiClient.Internal;

namespace MiraiClient;

/// <summary>Answers to request events. The event types also offer <c>AcceptAsync</c>/<c>RejectAsync</c>.</summary>
public class MiraiRequestCommands
{
    private readonly MiraiCommandSender? _sender;

    /// <summary>Initializes an instance for a substitute in tests (a mock or a subclass): override the
    /// methods a test uses; the others throw <see cref="InvalidOperationException"/>.</summary>
    protected MiraiRequestCommands()
    {
    }

    internal MiraiRequestCommands(MiraiCommandSender sender) => _sender = sender;

    private MiraiCommandSender Sender => _sender ?? throw MiraiCommandSender.NotConnected(GetType());

    /// <summary>Answers a friend request (<c>resp_newFriendRequestEvent</c>).</summary>
    /// <param name="request">The request event.</param>
    /// <param name="decision">The answer.</param>
    /// <param name="message">A message (ignored by the server for friend requests).</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public virtual Task AnswerFriendRequestAsync(NewFriendRequestEvent request, FriendRequestDecision decision, string message = "", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfNotEqual(Enum.IsDefined(decision), true, nameof(decision));
        return AnswerAsync("resp_newFriendRequestEvent", request, (int)decision, message, cancellationToken);
    }

    /// <summary>Answers a request to join a group (<c>resp_memberJoinRequestEvent</c>).</summary>
    /// <param name="request">The request event.</param>
    /// <param name="decision">The answer.</param>
    /// <param name="message">The reason shown when rejecting.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public virtual Task AnswerJoinRequestAsync(MemberJoinRequestEvent request, JoinRequestDecision decision, string message = "", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfNotEqual(Enum.IsDefined(decision), true, nameof(decision));
        return AnswerAsync("resp_memberJoinRequestEvent", request, (int)decision, message, cancellationToken);
    }

    /// <summary>Answers an invitation into a group (<c>resp_botInvitedJoinGroupRequestEvent</c>).</summary>
    /// <param name="request">The request event.</param>
    /// <param name="accept">Whether to accept.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public virtual Task AnswerInvitationAsync(BotInvitedJoinGroupRequestEvent request, bool accept, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return AnswerAsync("resp_botInvitedJoinGroupRequestEvent", request, accept ? 0 : 1, "", cancellationToken);
    }

    private Task<bool> AnswerAsync(string command, RequestEvent request, int operate, string? message, CancellationToken cancellationToken) =>
        Sender.SendAsync(MiraiRequest.With(command, MiraiJsonContext.Default.RequestAnswerContent, new RequestAnswerContent(request.EventId, request.FromId, request.GroupId, operate, message ?? "")), MiraiReply.Status, cancellationToken);
}
