namespace MiraiClient.Testing;

/// <summary>What happens to the bot account in <see cref="FakeMiraiBackend.ReloginAsync"/>.</summary>
public enum FakeReloginKind
{
    /// <summary>The account logs out and in again (a console <c>logout</c>/<c>login</c>, or a forced
    /// offline followed by a fresh login): mirai replaces its <c>Bot</c> object, and every session opened
    /// before becomes stale for good (see <see cref="ClosedBotSignature"/>).</summary>
    NewBotInstance,

    /// <summary>The network drops and mirai logs in again by itself on the same <c>Bot</c> object
    /// (<c>BotOfflineEventDropped</c>, then <c>BotReloginEvent</c>): sessions stay valid. Bot-dependent
    /// commands that arrive meanwhile wait until the account is back, as mirai's sends wait for its
    /// network to resume.</summary>
    SameBotInstance,
}

/// <summary>Which offline event announces a <see cref="FakeReloginKind.NewBotInstance"/> relogin.</summary>
public enum FakeOfflineEvent
{
    /// <summary><c>BotOfflineEventForce</c>: pushed off by a login elsewhere (with a title and message).</summary>
    Force,

    /// <summary><c>BotOfflineEventActive</c>: logged out on purpose.</summary>
    Active,

    /// <summary><c>BotOfflineEventDropped</c>: the network dropped and the account was then logged in anew.</summary>
    Dropped,
}

/// <summary>A scripted logout and login of one bot account, for <see cref="FakeMiraiBackend.ReloginAsync"/>.</summary>
/// <remarks>The defaults imitate the case that breaks clients in production: the account is pushed off
/// (announced with <c>BotOfflineEventForce</c>), logged in again at once on a new <c>Bot</c> object, and
/// every old session is stale from then on.</remarks>
public sealed class FakeRelogin
{
    /// <summary>Gets which bot account relogs (default: the first of <see cref="FakeMiraiBackendOptions.Bots"/>).</summary>
    public long? QQ { get; init; }

    /// <summary>Gets what happens to the account (default: <see cref="FakeReloginKind.NewBotInstance"/>).</summary>
    public FakeReloginKind Kind { get; init; } = FakeReloginKind.NewBotInstance;

    /// <summary>Gets whether the sessions of the account are told: the offline event first and, for
    /// <see cref="FakeReloginKind.SameBotInstance"/>, <c>BotReloginEvent</c> after the window (default:
    /// <see langword="true"/>). <see langword="false"/> pushes nothing, as when the account was replaced
    /// without a trace; on <see cref="FakeServerProfile.Overflow"/> a relogin is always silent.</summary>
    public bool Announce { get; init; } = true;

    /// <summary>Gets the offline event that announces a <see cref="FakeReloginKind.NewBotInstance"/> relogin
    /// (default: <see cref="FakeOfflineEvent.Force"/>); a <see cref="FakeReloginKind.SameBotInstance"/>
    /// relogin is always announced with <c>BotOfflineEventDropped</c>.</summary>
    public FakeOfflineEvent OfflineEvent { get; init; } = FakeOfflineEvent.Force;

    /// <summary>Gets how long the account stays away (default: none). During a
    /// <see cref="FakeReloginKind.NewBotInstance"/> window the account has no <c>Bot</c> object:
    /// <c>botList</c> leaves it out and a new handshake with its QQ gets code 2 <c>指定Bot不存在</c>.</summary>
    public TimeSpan OfflineWindow { get; init; }

    /// <summary>Gets how the commands of the stale sessions fail (default:
    /// <see cref="ClosedBotSignature.TargetNotFound"/>, as mirai 2.7 and later do).</summary>
    public ClosedBotSignature StaleSignature { get; init; } = ClosedBotSignature.TargetNotFound;
}
