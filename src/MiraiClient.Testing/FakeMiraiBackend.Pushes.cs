using System.Text;
using System.Text.Json;

namespace MiraiClient.Testing;

/// <summary>Event delivery and the bot accounts' lifecycle: who gets a push, what a push does when nobody
/// is there, and the scripted relogins that make sessions stale.</summary>
/// <remarks>A session is live when it is authenticated and bound to its account's current <c>Bot</c>
/// instance. Pushes go to live sessions only, through one gate, so pushes that wait for a first client
/// are delivered in the order they were made.</remarks>
public sealed partial class FakeMiraiBackend
{
    private IEnumerable<FakeConnection> LiveConnections(long? bot) =>
        _connections.Values.Where(c => c.Authenticated && (bot is null || c.BotQQ == bot) && !_accounts.IsStale(c.BotQQ, c.Instance, out _));

    private static bool Carries(PushChannel channel, string? type) => channel switch
    {
        PushChannel.Message => ServerRules.IsMessagePacket(type),
        PushChannel.Event => !ServerRules.IsMessagePacket(type),
        _ => true,
    };

    private static string? TypeOf(string eventJson)
    {
        try
        {
            using var document = JsonDocument.Parse(eventJson);
            return document.RootElement.ValueKind == JsonValueKind.Object ? TypeOf(document.RootElement) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Delivers one event object to the live sessions that should get it.</summary>
    /// <param name="eventJson">The event object.</param>
    /// <param name="bot">Only this account's sessions, or all.</param>
    /// <param name="waitForClient">Whether to wait for a first client (pushes from a test) or not
    /// (announcements of a relogin, which go to whoever is there).</param>
    private async Task PushAsync(string eventJson, long? bot, bool waitForClient)
    {
        var type = TypeOf(eventJson);
        if (!_rules.Sends(type))
        {
            return;
        }

        if (_rules.IsOverflow && ServerRules.IsMessagePacket(type)
            && (eventJson.Contains("\"Image\"", StringComparison.Ordinal) || eventJson.Contains("\"FlashImage\"", StringComparison.Ordinal)
                || eventJson.Contains("\"Voice\"", StringComparison.Ordinal) || eventJson.Contains("\"Dice\"", StringComparison.Ordinal)))
        {
            eventJson = AsDeliveredJson(eventJson);
        }

        var frame = Encoding.UTF8.GetBytes($"{{\"syncId\":{JsonSerializer.Serialize(_options.ReservedSyncId, TestingJsonContext.Default.String)},\"data\":{eventJson}}}");
        Task sends;
        await _pushGate.WaitAsync().ConfigureAwait(false);
        try
        {
            var live = LiveConnections(bot).ToList();
            if (live.Count == 0 && waitForClient && _awaitingClient)
            {
                live = await WaitForLiveConnectionsAsync(bot, type).ConfigureAwait(false);
            }

            if (live.Count == 0)
            {
                Interlocked.Increment(ref _droppedPushes);
            }

            // Started inside the gate, so the order of pushes is the order of their writes.
            sends = Task.WhenAll(live.Where(c => Carries(c.Channel, type)).Select(c => c.SendAsync(frame)));
        }
        finally
        {
            _pushGate.Release();
        }

        await sends.ConfigureAwait(false);
    }

    /// <summary>Raw event JSON with media, as Overflow delivers it (left as is when it is no message event).</summary>
    private string AsDeliveredJson(string eventJson)
    {
        if (!_rules.IsOverflow)
        {
            return eventJson;
        }

        try
        {
            return MiraiJson.DeserializeEvent(eventJson) is MessageEvent message ? MiraiJson.Serialize(AsDelivered(message)) : eventJson;
        }
        catch (MiraiProtocolException)
        {
            return eventJson;
        }
    }

    /// <summary>Waits for a first live session; none in time is a setup error, reported with its likely cause.</summary>
    private async Task<List<FakeConnection>> WaitForLiveConnectionsAsync(long? bot, string? type)
    {
        var limit = _options.ClientWaitTimeout;
        try
        {
            return await WaitUntilAsync(() => LiveConnections(bot).ToList() is { Count: > 0 } live ? live : null, limit, () => "").ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException(
                $"No client connected to the fake backend within {limit.TotalSeconds:0.###} s, so the {type ?? "pushed"} event{(bot is { } b ? $" for bot {b}" : "")} reached nobody. "
                + "Likely causes: the bot was not started before the push (start it, then await WaitForConnectionCountAsync(1)), or it connects with a QQ this fake does not know. "
                + DescribeClients());
        }
    }

    private async Task RunReloginAsync(FakeRelogin script, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(script);
        var known = _accounts.Known;
        var qq = script.QQ ?? (known.Count > 0 ? known[0] : throw new InvalidOperationException("The fake backend has no bot to log in again."));
        if (!known.Contains(qq))
        {
            throw new ArgumentException($"QQ {qq} is not a bot of this fake (known: {string.Join(", ", known)}).", nameof(script));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(script.OfflineWindow, TimeSpan.Zero, nameof(script));
        var announce = script.Announce && !_rules.IsOverflow;
        if (script.Kind == FakeReloginKind.SameBotInstance)
        {
            if (announce)
            {
                await PushAsync(MiraiJson.Serialize(FakeEvents.BotOfflineDropped(qq)), qq, waitForClient: false).ConfigureAwait(false);
            }

            _accounts.Drop(qq);
            try
            {
                await WindowAsync(script.OfflineWindow, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _accounts.Resume(qq);
                Signal();
            }

            if (announce)
            {
                await PushAsync(MiraiJson.Serialize(FakeEvents.BotRelogin(qq)), qq, waitForClient: false).ConfigureAwait(false);
            }

            return;
        }

        if (announce)
        {
            MiraiEvent offline = script.OfflineEvent switch
            {
                FakeOfflineEvent.Active => FakeEvents.BotOfflineActive(qq),
                FakeOfflineEvent.Dropped => FakeEvents.BotOfflineDropped(qq),
                _ => FakeEvents.BotOfflineForce(qq),
            };
            await PushAsync(MiraiJson.Serialize(offline), qq, waitForClient: false).ConfigureAwait(false);
        }

        _accounts.Close(qq, script.StaleSignature);
        _awaitingClient = true;
        Signal();
        try
        {
            await WindowAsync(script.OfflineWindow, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _accounts.Open(qq);
            Signal();
        }
    }

    private static Task WindowAsync(TimeSpan window, CancellationToken cancellationToken) =>
        window > TimeSpan.Zero ? Task.Delay(window, cancellationToken) : Task.CompletedTask;
}
