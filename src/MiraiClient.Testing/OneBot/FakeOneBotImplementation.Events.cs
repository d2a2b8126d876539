using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using MiraiClient.OneBot;

namespace MiraiClient.Testing.OneBot;

/// <summary>Events: typed and raw pushes to the sockets that carry events, the lifecycle frame, and heartbeats.</summary>
/// <remarks>Pushes go through one gate, so pushes that wait for a first client are delivered in the order
/// they were made; heartbeats and lifecycle frames do not wait.</remarks>
public sealed partial class FakeOneBotImplementation
{
    /// <summary>Pushes a typed event to every socket that carries events, written as the profile writes it
    /// (message format, <c>message_format</c>, a null <c>anonymous</c> left out or written).</summary>
    /// <typeparam name="TEvent">The event type.</typeparam>
    /// <param name="value">The event; <see cref="FakeOneBotEvents"/> builds the common ones. A zero
    /// <see cref="OneBotEvent.SelfId"/> becomes the fake's account and a zero <see cref="OneBotEvent.Time"/>
    /// the current time; everything else is written as given (ids beyond 32 bits included).</param>
    /// <returns>The event as pushed (with the account and time filled in). A pushed message can then be
    /// fetched with <c>get_msg</c>.</returns>
    /// <exception cref="InvalidOperationException">No client has connected on an event path yet and none did
    /// within <see cref="FakeOneBotOptions.ClientWaitTimeout"/>; the message names the likely cause.</exception>
    public async Task<TEvent> PushEventAsync<TEvent>(TEvent value)
        where TEvent : OneBotEvent
    {
        ArgumentNullException.ThrowIfNull(value);
        OneBotEvent stamped = value;
        if (value is not OneBotUnknownEvent && (value.SelfId == 0 || value.Time == 0))
        {
            stamped = value with { SelfId = value.SelfId == 0 ? SelfId : value.SelfId, Time = value.Time == 0 ? Now() : value.Time };
        }

        if (stamped is OneBotMessageEvent message && message.MessageId != 0)
        {
            Remember(message.MessageId, message.MessageType, message.UserId, message.Sender.Nickname, message.Message);
        }

        await PushFrameAsync(OneBotWire.Event(stamped, _shape), Describe(stamped)).ConfigureAwait(false);
        return (TEvent)stamped;
    }

    /// <summary>Pushes an event given as JSON, as is, to every socket that carries events.</summary>
    /// <param name="eventJson">The event object, for example one of the OneBot vectors.</param>
    /// <returns>A task that completes when it was written to every such socket.</returns>
    /// <exception cref="ArgumentException">The text is not valid JSON (use <see cref="SendRawAsync(string)"/> for garbage).</exception>
    /// <exception cref="InvalidOperationException">No client has connected on an event path yet and none did in time.</exception>
    public Task PushRawEventAsync(string eventJson)
    {
        ArgumentNullException.ThrowIfNull(eventJson);
        try
        {
            using var document = JsonDocument.Parse(eventJson);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"The event is not valid JSON: {ex.Message}", nameof(eventJson), ex);
        }

        return PushFrameAsync(Encoding.UTF8.GetBytes(eventJson), "raw event");
    }

    /// <summary>Pushes a normal group message from a member.</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="userId">The sender.</param>
    /// <param name="message">The message (a string is one text segment; use <see cref="OneBotMessage.FromCqString"/> for CQ codes).</param>
    /// <returns>The event as pushed; its <see cref="OneBotMessageEvent.MessageId"/> is new.</returns>
    /// <exception cref="InvalidOperationException">No event client connected in time.</exception>
    public Task<GroupMessageEvent> PushGroupMessageAsync(long groupId, long userId, OneBotMessage message) =>
        PushEventAsync(FakeOneBotEvents.GroupMessage(groupId, userId, message));

    /// <summary>Pushes a private message from a friend.</summary>
    /// <param name="userId">The friend.</param>
    /// <param name="message">The message (a string is one text segment).</param>
    /// <returns>The event as pushed; its <see cref="OneBotMessageEvent.MessageId"/> is new.</returns>
    /// <exception cref="InvalidOperationException">No event client connected in time.</exception>
    public Task<PrivateMessageEvent> PushPrivateMessageAsync(long userId, OneBotMessage message) =>
        PushEventAsync(FakeOneBotEvents.PrivateMessage(userId, message));

    /// <summary>Imitates the account being kicked offline while the socket stays up: <see cref="Online"/>
    /// becomes false (heartbeats and <c>get_status</c> say so, except on Lagrange) and a <c>bot_offline</c>
    /// notice is pushed (NapCat and Lagrange send one).</summary>
    /// <param name="tag">The notice's <c>tag</c>.</param>
    /// <param name="message">The notice's <c>message</c>.</param>
    /// <returns>The notice as pushed.</returns>
    /// <exception cref="InvalidOperationException">No event client connected in time.</exception>
    public Task<BotOfflineNotice> PushBotOfflineAsync(string tag = "下线通知", string message = "你的帐号在另一台设备上登录")
    {
        Online = false;
        return PushEventAsync(FakeOneBotEvents.BotOffline(SelfId, tag, message));
    }

    /// <summary>Sends a text frame as is to every open socket, whatever it carries, without waiting for a
    /// client: for malformed, truncated or oversized frames.</summary>
    /// <param name="text">The frame text.</param>
    /// <returns>A task that completes when it was written.</returns>
    public Task SendRawAsync(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = Encoding.UTF8.GetBytes(text);
        return Task.WhenAll(_links.Values.Select(l => l.SendAsync(bytes)));
    }

    /// <summary>Sends bytes as they are, as one text or binary message, to every open socket: for frames that
    /// are not valid UTF-8, and for implementations that send their JSON in binary messages.</summary>
    /// <param name="frame">The bytes.</param>
    /// <param name="messageType"><see cref="WebSocketMessageType.Text"/> or <see cref="WebSocketMessageType.Binary"/>.</param>
    /// <returns>A task that completes when it was written.</returns>
    /// <exception cref="ArgumentException"><paramref name="messageType"/> is <see cref="WebSocketMessageType.Close"/>.</exception>
    public Task SendRawAsync(byte[] frame, WebSocketMessageType messageType)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (messageType == WebSocketMessageType.Close)
        {
            throw new ArgumentException("Close sockets with CloseConnectionsAsync, not with a raw message.", nameof(messageType));
        }

        var bytes = frame.ToArray();
        return Task.WhenAll(_links.Values.Select(l => l.SendAsync(bytes, messageType)));
    }

    private static string Describe(OneBotEvent value) => value switch
    {
        OneBotMessageEvent m => $"{m.PostType} {m.MessageType}",
        OneBotNoticeEvent n => $"notice {n.NoticeType}",
        OneBotRequestEvent r => $"request {r.RequestType}",
        OneBotMetaEvent m => $"meta_event {m.MetaEventType}",
        _ => value.PostType,
    };

    private List<OneBotLink> EventLinks() => [.. _links.Values.Where(l => l.Live && l.CarriesEvents)];

    private async Task PushFrameAsync(byte[] frame, string what)
    {
        Task sends;
        await _pushGate.WaitAsync().ConfigureAwait(false);
        try
        {
            var live = EventLinks();
            if (live.Count == 0 && _awaitingClient)
            {
                live = await WaitForEventLinksAsync(what).ConfigureAwait(false);
            }

            if (live.Count == 0)
            {
                Interlocked.Increment(ref _dropped);
            }

            // Started inside the gate, so the order of pushes is the order of their writes.
            sends = Task.WhenAll(live.Select(l => l.SendAsync(frame)));
        }
        finally
        {
            _pushGate.Release();
        }

        await sends.ConfigureAwait(false);
    }

    /// <summary>Waits for a first event client; none in time is a setup error, reported with its likely cause.</summary>
    private async Task<List<OneBotLink>> WaitForEventLinksAsync(string what)
    {
        try
        {
            return await _signal.WaitUntilAsync(() => EventLinks() is { Count: > 0 } live ? live : null, _clientWait, () => "").ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException(
                $"No client connected to the fake OneBot implementation on a path that carries events within {_clientWait.TotalSeconds:0.###} s, so the {what} event reached nobody. "
                + "Likely causes: the client was not started before the push (start it, then await WaitForConnectionCountAsync(1)), it connected to /api only, or its access token was refused. "
                + DescribeClients());
        }
    }

    private byte[] LifecycleFrame(bool reverse) => OneBotWire.Write(w =>
    {
        w.WriteStartObject();
        var goCqhttpForward = _rules.LifecycleCarriesStartTime && !reverse;
        if (goCqhttpForward)
        {
            w.WriteNumber("_post_method", 2);
        }

        w.WriteString("meta_event_type", "lifecycle");
        w.WriteString("post_type", "meta_event");
        w.WriteNumber("self_id", SelfId);
        w.WriteString("sub_type", "connect");

        // go-cqhttp's forward handshake repeats the server's start time.
        w.WriteNumber("time", goCqhttpForward ? _startedUnixSeconds : Now());
        w.WriteEndObject();
    });

    private byte[] HeartbeatFrame() => OneBotWire.Write(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("time", Now());
        w.WriteNumber("self_id", SelfId);
        w.WriteString("post_type", "meta_event");
        w.WriteString("meta_event_type", "heartbeat");
        w.WritePropertyName("status");
        OneBotWire.WriteStatus(w, CurrentStatus());
        w.WriteNumber("interval", (long)_heartbeat.TotalMilliseconds);
        w.WriteEndObject();
    });

    /// <summary>NapCat and go-cqhttp: one timer for all event clients, ticking from the start whether or not anyone listens.</summary>
    private void StartSharedHeartbeat()
    {
        if (_rules.SharedHeartbeat && _heartbeat > TimeSpan.Zero)
        {
            _ = Track(SharedHeartbeatLoopAsync());
        }
    }

    private async Task SharedHeartbeatLoopAsync()
    {
        try
        {
            using var timer = new PeriodicTimer(_heartbeat);
            while (await timer.WaitForNextTickAsync(_lifetime.Token).ConfigureAwait(false))
            {
                await Gate().WaitAsync(_lifetime.Token).ConfigureAwait(false);
                if (_heartbeatsStopped || EventLinks() is not { Count: > 0 } links)
                {
                    continue;
                }

                var frame = HeartbeatFrame();
                await Task.WhenAll(links.Select(l => l.SendAsync(frame))).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped with the fake.
        }
    }

    /// <summary>LLBot and Lagrange: one timer per event connection, from its lifecycle frame on.</summary>
    private async Task HeartbeatLoopAsync(OneBotLink link)
    {
        var ended = link.Ended;
        try
        {
            using var timer = new PeriodicTimer(_heartbeat);
            while (await timer.WaitForNextTickAsync(ended).ConfigureAwait(false))
            {
                await Gate().WaitAsync(ended).ConfigureAwait(false);
                if (!_heartbeatsStopped)
                {
                    await link.SendAsync(HeartbeatFrame()).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The connection ended.
        }
    }
}
