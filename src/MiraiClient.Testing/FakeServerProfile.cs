namespace MiraiClient.Testing;

/// <summary>Which kind of deployment a <see cref="FakeMiraiBackend"/> imitates above the wire format.</summary>
public enum FakeServerProfile
{
    /// <summary>mirai-api-http on mirai's own QQ protocol (the default).</summary>
    Mirai,

    /// <summary>
    /// mirai-api-http as a plugin on Overflow, which implements mirai's API on top of a OneBot v11
    /// implementation. What a client can tell apart:
    /// <list type="bullet">
    /// <item>Events Overflow never produces are never delivered: <c>BotOfflineEventForce</c>,
    /// <c>BotOfflineEventActive</c>, <c>BotOfflineEventDropped</c>, <c>BotReloginEvent</c>,
    /// <c>FriendAddEvent</c>, <c>FriendDeleteEvent</c>, <c>FriendInputStatusChangedEvent</c>,
    /// <c>FriendNickChangedEvent</c>, <c>OtherClientMessage</c>, <c>OtherClientOnlineEvent</c>,
    /// <c>OtherClientOfflineEvent</c>, the four <c>*SyncMessage</c> packets, <c>BotLeaveEventDisband</c>,
    /// <c>GroupAllowAnonymousChatEvent</c>, <c>GroupAllowConfessTalkEvent</c> and
    /// <c>GroupAllowMemberInviteEvent</c>. A relogin is therefore always silent.</item>
    /// <item>Received images and voices carry URL-shaped ids (the id is the download address), and
    /// received dice lose their value, so a <c>Dice</c> element never arrives.</item>
    /// <item>A send that needs what Overflow lacks is not delivered and answers
    /// <c>{"code":0,"msg":"success","messageId":-1}</c>: a <c>MiraiCode</c> element, or an image or
    /// voice given only by a mirai id (not a URL). Overflow catches the OneBot failure and returns a
    /// receipt without ids, which mirai-api-http reports as <c>-1</c> (read from Overflow's
    /// <c>BotWrapper.sendMessageCommon</c>; no server was run). An empty message gets the same answer.</item>
    /// </list>
    /// </summary>
    Overflow,
}
