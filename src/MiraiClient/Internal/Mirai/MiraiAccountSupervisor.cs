using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace MiraiClient.Internal;

/// <summary>What a session learned about its bot account, in arrival order, for the supervisor.</summary>
internal enum AccountSignal
{
    /// <summary>An offline event whose instance will not come back by itself (<c>BotOfflineEventActive</c>, <c>BotOfflineEventForce</c>).</summary>
    Closed,

    /// <summary><c>BotOfflineEventDropped</c>: mirai usually relogs the same instance by itself.</summary>
    Dropped,

    /// <summary><c>BotOnlineEvent</c> or <c>BotReloginEvent</c> reached this session: its instance is back.</summary>
    Online,

    /// <summary>A command failed in a way a closed bot fails (or might): check now.</summary>
    Suspect,
}

/// <summary>
/// Watches the bot account behind one mirai-api-http session and ends the session once it has gone stale and
/// the account is back (see <see cref="BotLivenessOptions"/>): the supervisor of <see cref="MiraiProtocol"/>.
/// </summary>
/// <remarks>
/// A session is bound to mirai's bot instance. Offline and relogin events that reach the session, failures
/// with the closed-bot signature (<see cref="BotSignature"/>), and a low-rate <c>botProfile</c> check decide
/// <see cref="BotState"/>; while offline, <c>botList</c> is polled and, when the account is listed, the session
/// ends with <see cref="DisconnectReason.StaleSession"/> so the connection opens one bound to the live
/// instance. Every request it makes goes to this session only and is bounded.
/// </remarks>
internal sealed class MiraiAccountSupervisor
{
    private readonly Channel<AccountSignal> _signals = Channel.CreateBounded<AccountSignal>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    /// <summary>Records a signal; never blocks.</summary>
    public void Signal(AccountSignal signal) => _signals.Writer.TryWrite(signal);

    /// <summary>Watches until the session ends, or returns the end it decided on.</summary>
    public async Task<SessionEnd?> RunAsync(Session<MiraiEvent> session, MiraiSettings settings, BotLivenessOptionsSnapshot liveness, IAccountObserver observer, Func<long> account, CancellationToken cancellationToken)
    {
        var time = settings.Connection.TimeProvider;
        var timeout = TimeSpan.FromTicks(Math.Min(settings.Connection.CommandTimeout.Ticks, TimeSpan.FromSeconds(10).Ticks));
        observer.Report(BotState.Online, account(), "connected");
        var offline = false;
        var lastCheck = time.GetTimestamp();
        while (!cancellationToken.IsCancellationRequested)
        {
            // Offline: look for the account every poll interval; online: check it every check interval.
            var wait = offline ? liveness.RecoveryPollInterval : liveness.CheckInterval;
            var signal = await NextAsync(wait, time, cancellationToken).ConfigureAwait(false);
            switch (signal)
            {
                case AccountSignal.Online:
                    offline = false;
                    observer.Report(BotState.Online, account(), "the bot's online or relogin event reached the session");
                    continue;
                case AccountSignal.Closed:
                    offline = true;
                    observer.Report(BotState.Offline, account(), "the bot's offline event: this session's bot instance is closing");
                    continue;
                case AccountSignal.Dropped:
                    // mirai usually relogs the same instance, and says so on this session; if it does not, the
                    // liveness check finds out.
                    observer.Report(BotState.Offline, account(), "BotOfflineEventDropped");
                    continue;
            }

            if (!liveness.Enabled)
            {
                continue;
            }

            if (offline)
            {
                if (await IsListedAsync(session, account(), timeout).ConfigureAwait(false))
                {
                    return new SessionEnd(
                        DisconnectReason.StaleSession,
                        new MiraiConnectionException(DisconnectReason.StaleSession, $"Bot {account()} logged in again on a new bot instance; this session was bound to the old one and receives nothing more."),
                        "the account is back; opening a session bound to it");
                }

                continue;
            }

            // A suspect failure checks at once, but not more often than the poll interval.
            if (signal == AccountSignal.Suspect && time.GetElapsedTime(lastCheck) < liveness.RecoveryPollInterval)
            {
                continue;
            }

            lastCheck = time.GetTimestamp();
            switch (await CheckAsync(session, timeout).ConfigureAwait(false))
            {
                case true:
                    observer.Report(BotState.Online, account(), "the bot-dependent liveness check answered");
                    break;
                case false:
                    offline = true;
                    observer.Report(BotState.Offline, account(), "the bot-dependent liveness check failed as a closed bot does");
                    break;
            }
        }

        return null;
    }

    /// <summary>Waits for the next signal, or for the wait to pass (returns <see langword="null"/>).</summary>
    private async Task<AccountSignal?> NextAsync(TimeSpan wait, TimeProvider time, CancellationToken cancellationToken)
    {
        if (_signals.Reader.TryRead(out var ready))
        {
            return ready;
        }

        using var timer = new CancellationTokenSource(wait, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            await _signals.Reader.WaitToReadAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        return _signals.Reader.TryRead(out var signal) ? signal : null;
    }

    /// <summary>Asks <c>botProfile</c>, which needs the bot's network: a closed bot's session answers it with the
    /// closed-bot signature.</summary>
    /// <returns><see langword="true"/>: the bot answered; <see langword="false"/>: the closed-bot signature;
    /// <see langword="null"/>: no usable answer (no reply in time, another failure), which proves nothing.</returns>
    private static async Task<bool?> CheckAsync(Session<MiraiEvent> session, TimeSpan timeout)
    {
        try
        {
            var reply = await session.RequestAsync(id => RequestEncoder.Encode(id, "botProfile", null, null, null), "botProfile", timeout).ConfigureAwait(false);
            if (reply is null)
            {
                Log.AccountCheckFailed(session.Logger, "botProfile", null);
                return null;
            }

            var status = StatusObject.Read(reply);
            return status.Code switch
            {
                null or 0 => true,
                { } code when BotSignature.IsClosedBot(code, status.Message) => false,
                _ => null,
            };
        }
        catch (System.Text.Json.JsonException ex)
        {
            Log.AccountCheckFailed(session.Logger, "botProfile", ex);
            return null;
        }
    }

    /// <summary>Asks <c>botList</c> whether the account is logged in again.</summary>
    private static async Task<bool> IsListedAsync(Session<MiraiEvent> session, long account, TimeSpan timeout)
    {
        try
        {
            var reply = await session.RequestAsync(id => RequestEncoder.Encode(id, "botList", null, null, null), "botList", timeout).ConfigureAwait(false);
            return reply is not null && (account == 0 || Replies.Restful("botList", reply, MiraiJsonContext.Default.Int64Array).Contains(account));
        }
        catch (Exception ex) when (ex is MiraiException)
        {
            Log.AccountCheckFailed(session.Logger, "botList", ex);
            return false;
        }
    }
}

/// <summary>The frozen <see cref="BotLivenessOptions"/>.</summary>
internal sealed record BotLivenessOptionsSnapshot(bool Enabled, TimeSpan CheckInterval, TimeSpan RecoveryPollInterval);
