namespace MiraiClient.Testing;

/// <summary>
/// How commands fail on a stale session: one opened before its bot account logged out and in again.
/// </summary>
/// <remarks>
/// <para>mirai-api-http binds a session to mirai's <c>Bot</c> object, not to the QQ number. A logout
/// closes that object and a login creates a new one; the old session stays open and keeps answering,
/// but it receives no event again and every command that needs the bot fails, forever (MAH#632,
/// MAH#707, MAH#253, MAH#518). Only a new session (a reconnect with <c>qq</c>) recovers. A network drop
/// that mirai repairs by itself (<c>BotOfflineEventDropped</c>, then <c>BotReloginEvent</c>) keeps the
/// object, and the session stays valid.</para>
/// <para>What a stale session answers, by command (mirai-api-http 2.10.0 source,
/// <c>adapter/internal/action/*.kt</c> and <c>handler/exceptionHandle.kt</c>; mirai 2.16 core):</para>
/// <list type="table">
/// <listheader><term>commands</term><description>reply on a stale session</description></listheader>
/// <item><term><c>about</c>, <c>botList</c></term><description>as on a live session: they do not touch
/// the session's bot at all. <c>botList</c> lists the account again once it is back, which is why
/// neither can tell a stale session from a live one.</description></item>
/// <item><term><c>sessionInfo</c>, <c>cmd_register</c>, <c>cmd_execute</c></term><description>as on a
/// live session: they read the old <c>Bot</c> object (its own account) or act on the console, never its
/// network or contact lists.</description></item>
/// <item><term><c>friendList</c>, <c>groupList</c></term><description>with
/// <see cref="TargetNotFound"/>: success with an empty list, <c>{"code":0,"msg":"","data":[]}</c>
/// (closing a bot clears its contact lists).</description></item>
/// <item><term><c>botProfile</c>, <c>userProfile</c>, <c>resp_newFriendRequestEvent</c>,
/// <c>resp_botInvitedJoinGroupRequestEvent</c></term><description>with <see cref="TargetNotFound"/>:
/// code 500 <c>NetworkHandler is already closed.</c> (they need only the network; the text is mirai
/// 2.16's closed-network error, inferred from its source).</description></item>
/// <item><term>every other command (sends, recall, nudge, member and group management, files,
/// announcements, <c>memberList</c>, <c>messageFromId</c>, <c>resp_memberJoinRequestEvent</c>, …)</term>
/// <description>with <see cref="TargetNotFound"/>: <c>{"code":5,"msg":"指定对象不存在"}</c>, because
/// the friend, group or member is looked up in the cleared lists (MAH#707: "code 5 forever").</description></item>
/// <item><term>every command not named in the first two rows</term><description>with
/// <see cref="NetworkIsDead"/>: <c>{"code":500,"msg":"network is dead therefore can't send any packet"}</c>
/// (MAH#253, mirai before the 2.7 network rewrite, whose closed bot kept its contact lists; lists
/// answer normally there).</description></item>
/// </list>
/// <para>Unknown commands still answer code 6 and a missing required key still answers 400: both are
/// decided before the bot is touched.</para>
/// </remarks>
public enum ClosedBotSignature
{
    /// <summary>mirai 2.7 and later (the default): contact lookups fail with code 5
    /// <c>指定对象不存在</c>; lists are empty; network-only commands fail with 500.</summary>
    TargetNotFound,

    /// <summary>Older mirai: every bot-dependent command fails with code 500
    /// <c>network is dead therefore can't send any packet</c>.</summary>
    NetworkIsDead,
}

/// <summary>The replies of <see cref="ClosedBotSignature"/>, in one place.</summary>
internal static class ClosedBot
{
    /// <summary>The message of code 5.</summary>
    public const string TargetNotFoundMessage = "指定对象不存在";

    /// <summary>mirai 2.16's error for a packet sent through a closed network handler.</summary>
    public const string ClosedNetworkMessage = "NetworkHandler is already closed.";

    /// <summary>The error of mirai's pre-2.7 network handler once its bot was closed (MAH#253).</summary>
    public const string NetworkIsDeadMessage = "network is dead therefore can't send any packet";

    /// <summary>Commands a stale session answers as a live one does.</summary>
    private static readonly HashSet<string> BotIndependent = new(StringComparer.Ordinal)
    {
        "about", "botList", "sessionInfo", "cmd_register", "cmd_execute",
    };

    /// <summary>Commands that read the bot's contact lists without looking anything up.</summary>
    private static readonly HashSet<string> ContactLists = new(StringComparer.Ordinal) { "friendList", "groupList" };

    /// <summary>Commands that need the bot's network but name no contact.</summary>
    private static readonly HashSet<string> NetworkOnly = new(StringComparer.Ordinal)
    {
        "botProfile", "userProfile", "resp_newFriendRequestEvent", "resp_botInvitedJoinGroupRequestEvent",
    };

    /// <summary>Gets whether a command works on a stale session (it never touches the bot's network or contacts).</summary>
    /// <param name="command">The command word.</param>
    /// <returns><see langword="true"/> for the bot-independent commands.</returns>
    public static bool IsBotIndependent(string command) => BotIndependent.Contains(command);

    /// <summary>The reply of a stale session, or <see langword="null"/> when it answers as a live one.</summary>
    /// <param name="command">The command word.</param>
    /// <param name="signature">How the closed bot fails.</param>
    /// <returns>The reply.</returns>
    public static CommandReply? Reply(string command, ClosedBotSignature signature)
    {
        if (BotIndependent.Contains(command))
        {
            return null;
        }

        if (signature == ClosedBotSignature.NetworkIsDead)
        {
            return ContactLists.Contains(command) ? null : CommandReply.Status(500, NetworkIsDeadMessage);
        }

        if (ContactLists.Contains(command))
        {
            return CommandReply.Data("{\"code\":0,\"msg\":\"\",\"data\":[]}");
        }

        return NetworkOnly.Contains(command)
            ? CommandReply.Status(500, ClosedNetworkMessage)
            : CommandReply.Status(5, TargetNotFoundMessage);
    }
}
