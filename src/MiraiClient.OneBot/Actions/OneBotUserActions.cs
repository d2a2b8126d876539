using System.Text.Json;
using MiraiClient.OneBot.Internal;

namespace MiraiClient.OneBot;

/// <summary>Friends and other users: likes, friend requests, profiles, pokes, typing status.</summary>
/// <remarks>Every method sends one action and throws <see cref="OneBotApiException"/> when the
/// implementation reports a failure. The class can be subclassed to substitute it in tests.</remarks>
public class OneBotUserActions
{
    private readonly IOneBotActionInvoker? _invoker;

    /// <summary>Initializes a new instance of the <see cref="OneBotUserActions"/> class for substitution in tests.</summary>
    protected OneBotUserActions()
    {
    }

    internal OneBotUserActions(IOneBotActionInvoker invoker) => _invoker = invoker;

    /// <summary>Likes a user's profile (<c>send_like</c>; at most 10 a day per user).</summary>
    /// <param name="userId">The user.</param>
    /// <param name="times">How many likes.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the implementation has answered.</returns>
    public virtual Task SendLikeAsync(long userId, int times = 1, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(times, 1);
        return ActionCalls.Run(_invoker, "send_like", new SendLikeParams(userId, times), OneBotJsonContext.Default.SendLikeParams, cancellationToken);
    }

    /// <summary>Answers a friend request (<c>set_friend_add_request</c>).</summary>
    /// <param name="flag">The <see cref="OneBotRequestEvent.Flag"/>, unchanged.</param>
    /// <param name="approve">Whether to accept.</param>
    /// <param name="remark">The remark for the new friend, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the implementation has answered.</returns>
    public virtual Task SetFriendAddRequestAsync(string flag, bool approve = true, string? remark = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(flag);
        return ActionCalls.Run(_invoker, "set_friend_add_request", new SetFriendAddRequestParams(flag, approve, remark), OneBotJsonContext.Default.SetFriendAddRequestParams, cancellationToken);
    }

    /// <summary>Gets a user's public profile (<c>get_stranger_info</c>).</summary>
    /// <param name="userId">The user.</param>
    /// <param name="noCache">Whether to bypass the implementation's cache.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The profile.</returns>
    public virtual Task<StrangerInfo> GetStrangerInfoAsync(long userId, bool noCache = false, CancellationToken cancellationToken = default) =>
        ActionCalls.Invoke(_invoker, "get_stranger_info", new StrangerInfoParams(userId, noCache), OneBotJsonContext.Default.StrangerInfoParams, OneBotReplyShape.Data(OneBotJsonContext.Default.StrangerInfo), cancellationToken);

    /// <summary>Lists the bot's friends (<c>get_friend_list</c>).</summary>
    /// <param name="noCache">Whether to bypass the cache (NapCat), or <see langword="null"/> to leave it out.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The friends.</returns>
    public virtual Task<IReadOnlyList<FriendInfo>> GetFriendListAsync(bool? noCache = null, CancellationToken cancellationToken = default) =>
        ActionCalls.Invoke(_invoker, "get_friend_list", new NoCacheParams(noCache), OneBotJsonContext.Default.NoCacheParams, OneBotReplyShape.List(OneBotJsonContext.Default.FriendInfoList), cancellationToken);

    /// <summary>Removes a friend (<c>delete_friend</c>).</summary>
    /// <param name="userId">The friend.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the implementation has answered.</returns>
    public virtual Task DeleteFriendAsync(long userId, CancellationToken cancellationToken = default) =>
        ActionCalls.Run(_invoker, "delete_friend", new UserIdParams(userId), OneBotJsonContext.Default.UserIdParams, cancellationToken);

    /// <summary>Pokes a friend (<c>friend_poke</c>; NapCat).</summary>
    /// <param name="userId">The friend.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the implementation has answered.</returns>
    public virtual Task FriendPokeAsync(long userId, CancellationToken cancellationToken = default) =>
        ActionCalls.Run(_invoker, "friend_poke", new UserIdParams(userId), OneBotJsonContext.Default.UserIdParams, cancellationToken);

    /// <summary>Pokes a user privately, or in a group when <paramref name="groupId"/> is given (<c>send_poke</c>; NapCat).</summary>
    /// <param name="userId">The user.</param>
    /// <param name="groupId">The group, or <see langword="null"/> for a private poke.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the implementation has answered.</returns>
    public virtual Task SendPokeAsync(long userId, long? groupId = null, CancellationToken cancellationToken = default) =>
        ActionCalls.Run(_invoker, "send_poke", new SendPokeParams(userId, groupId), OneBotJsonContext.Default.SendPokeParams, cancellationToken);

    /// <summary>Shows a typing indicator to a friend (<c>set_input_status</c>; NapCat).</summary>
    /// <param name="userId">The friend.</param>
    /// <param name="eventType">NapCat's status code (1: typing).</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the implementation has answered.</returns>
    public virtual Task SetInputStatusAsync(long userId, int eventType, CancellationToken cancellationToken = default) =>
        ActionCalls.Run(_invoker, "set_input_status", new InputStatusParams(userId, eventType), OneBotJsonContext.Default.InputStatusParams, cancellationToken);

    /// <summary>Gets profile-like details (<c>get_profile_like</c>; NapCat). The shape is NapCat's own, so it is returned raw.</summary>
    /// <param name="userId">Whose likes, or <see langword="null"/> for the bot's.</param>
    /// <param name="start">Where to start, or <see langword="null"/>.</param>
    /// <param name="count">How many, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The data as sent.</returns>
    public virtual Task<JsonElement> GetProfileLikeAsync(long? userId = null, int? start = null, int? count = null, CancellationToken cancellationToken = default) =>
        ActionCalls.Invoke(_invoker, "get_profile_like", new ProfileLikeParams(userId, start, count), OneBotJsonContext.Default.ProfileLikeParams, OneBotReplyShape.Raw, cancellationToken);

    /// <summary>Lists recent conversations (<c>get_recent_contact</c>; NapCat). The shape is NapCat's own, so it is returned raw.</summary>
    /// <param name="count">How many, or <see langword="null"/> for the default (10).</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The data as sent.</returns>
    public virtual Task<JsonElement> GetRecentContactsAsync(int? count = null, CancellationToken cancellationToken = default) =>
        ActionCalls.Invoke(_invoker, "get_recent_contact", new CountParams(count), OneBotJsonContext.Default.CountParams, OneBotReplyShape.Raw, cancellationToken);

    /// <summary>Lists the addresses of the bot's saved stickers (<c>fetch_custom_face</c>; NapCat).</summary>
    /// <param name="count">How many, or <see langword="null"/> for the default (48).</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The addresses.</returns>
    public virtual Task<IReadOnlyList<string>> FetchCustomFacesAsync(int? count = null, CancellationToken cancellationToken = default) =>
        ActionCalls.Invoke(_invoker, "fetch_custom_face", new CountParams(count), OneBotJsonContext.Default.CountParams, OneBotReplyShape.List(OneBotJsonContext.Default.StringList), cancellationToken);
}
