using System.Net.WebSockets;

namespace MiraiClient;

/// <summary>Which of the server's push endpoints the connection attaches to.</summary>
public enum MiraiChannel
{
    /// <summary>Chat messages and every other event (<c>/all</c>).</summary>
    All,

    /// <summary>Chat messages only (<c>/message</c>).</summary>
    Message,

    /// <summary>Every event except chat messages (<c>/event</c>).</summary>
    Event,
}

/// <summary>What a subscription does when its buffer is full and another event arrives.</summary>
/// <remarks>The receive loop never waits for a subscriber, so there is no blocking mode: a slow
/// subscriber loses events (counted and logged) instead of stalling the connection.</remarks>
public enum EventOverflowPolicy
{
    /// <summary>Drop the oldest buffered event to make room for the new one.</summary>
    DropOldest,

    /// <summary>Keep the buffered events and drop the new one.</summary>
    DropNewest,
}

/// <summary>Settings for a <see cref="MiraiConnection"/>.</summary>
/// <remarks>
/// The options are validated when the connection is constructed and copied; later changes to this
/// object do not affect a connection that already exists. <see cref="ToString"/> never prints the
/// verify key.
/// </remarks>
public sealed class MiraiConnectionOptions : Internal.IConnectionOptions
{
    /// <summary>Gets or sets the server address, <c>ws://</c> or <c>wss://</c>, with an optional path
    /// prefix for reverse proxies (for example <c>ws://127.0.0.1:8080</c> or
    /// <c>wss://example.org/mirai/</c>). The channel path is appended to it. Required.</summary>
    public Uri? Uri { get; set; }

    /// <summary>Gets or sets the HTTP address uploads go to (default: none, meaning the WebSocket
    /// address with <c>http</c>/<c>https</c>: since 2.10 the WebSocket adapter serves the image, voice and
    /// short-video upload routes itself).</summary>
    public Uri? UploadUri { get; set; }

    /// <summary>Gets or sets the address of the server's <c>http</c> adapter, needed only for group file
    /// uploads, which the WebSocket adapter does not serve (default: none).</summary>
    public Uri? HttpAdapterUri { get; set; }

    /// <summary>Gets or sets the server's verify key (default: none, for servers with
    /// <c>enableVerify: false</c>). It is sent as a request header, never in the URL, and never logged.</summary>
    public string? VerifyKey { get; set; }

    /// <summary>Gets or sets the bot account to bind to (default: 0, meaning not sent, which only
    /// servers in single mode accept).</summary>
    public long QQ { get; set; }

    /// <summary>Gets or sets which push endpoint to attach to (default: <see cref="MiraiChannel.All"/>).</summary>
    public MiraiChannel Channel { get; set; } = MiraiChannel.All;

    /// <summary>Gets or sets the sync id the server uses for pushed events; it must match the
    /// server's <c>reservedSyncId</c> setting (default: <c>"-1"</c>).</summary>
    public string ReservedSyncId { get; set; } = "-1";

    /// <summary>Gets or sets how the connection retries after a failed attempt or a drop.</summary>
    public ReconnectOptions Reconnect { get; set; } = new();

    /// <summary>Gets or sets how the connection detects a dead peer.</summary>
    public HeartbeatOptions Heartbeat { get; set; } = new();

    /// <summary>Gets or sets how the connection watches the bot account behind its session (default: on; a
    /// liveness check every 60 s; while the account is offline, it is looked for every 2 s).</summary>
    /// <remarks>See <see cref="BotLivenessOptions"/>.</remarks>
    public BotLivenessOptions BotLiveness { get; set; } = new();

    /// <summary>Gets or sets the bound on one TCP + TLS + WebSocket upgrade attempt (default: 10 s).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how long to wait after the upgrade for the server's handshake frame
    /// (default: 10 s).</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets the default bound on one command, including any wait for the connection
    /// (default: 30 s).</summary>
    /// <remarks>The server runs one command at a time per connection, and some (uploads from a URL,
    /// history, file lists) take seconds, so this is generous by default.</remarks>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the bound on each half of the close handshake: sending our close frame,
    /// then waiting for the server's (default: 1 s). After that the socket is aborted.</summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the hard bound on <see cref="MiraiConnection.DisposeAsync"/> (default: 5 s).</summary>
    public TimeSpan DisposeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the largest message in either direction, in bytes (default: 16 MiB). A larger
    /// inbound message is treated as a protocol fault: the connection is dropped and re-established. A command
    /// that encodes to more is refused with an <see cref="ArgumentException"/> before anything is sent.</summary>
    public int MaxMessageSize { get; set; } = 16 * 1024 * 1024;

    /// <summary>Gets or sets how many events each subscription buffers before
    /// <see cref="EventOverflowPolicy"/> applies (default: 8192). The buffer grows as needed, so a large
    /// capacity costs memory only while a burst fills it; it should cover the longest pause of the
    /// slowest reader, such as a stop-the-world collection or a busy machine.</summary>
    public int EventBufferCapacity { get; set; } = 8192;

    /// <summary>Gets or sets what a full subscription buffer does (default: <see cref="EventOverflowPolicy.DropOldest"/>).</summary>
    public EventOverflowPolicy EventOverflowPolicy { get; set; } = EventOverflowPolicy.DropOldest;

    /// <summary>Gets or sets whether a command issued while the connection is down waits for it to
    /// come back, within the command's timeout (default: <see langword="true"/>). When
    /// <see langword="false"/>, such a command fails at once with <see cref="MiraiConnectionException"/>.</summary>
    public bool WaitForConnection { get; set; } = true;

    /// <summary>Gets or sets a callback that adjusts each new socket's options (proxy, certificates,
    /// extra headers) before it connects (default: none).</summary>
    /// <remarks>By default the socket connects through a handler that reads the network in 64 KiB chunks.
    /// Setting credentials, client certificates, a certificate validation callback, cookies or a proxy
    /// other than the system's makes it connect through the runtime's own handler, which reads in 4 KiB
    /// chunks: everything works the same, at a little more CPU per event under heavy traffic.</remarks>
    public Action<ClientWebSocketOptions>? ConfigureWebSocket { get; set; }

    /// <summary>Gets or sets how fast messages may be sent (default: on; per conversation 5 at once then one a
    /// second; for the account 20 at once then 5 a second; a message waits at most 10 s).</summary>
    /// <remarks>Only friend, group and temporary chat messages (and image URLs sent to them) are paced; other
    /// commands never wait. The wait counts toward <see cref="CommandTimeout"/>; a send that would have to wait
    /// longer than allowed fails at once with <see cref="MiraiRateLimitedException"/> and is not sent. See
    /// <see cref="SendRateLimitOptions"/> for why the defaults are what they are.</remarks>
    public SendRateLimitOptions SendRateLimit { get; set; } = new();

    /// <summary>Checks every option and throws if one is invalid; the connection does the same when it is built.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it and says why.</exception>
    public void Validate() => _ = Internal.MiraiSettings.Create(this);

    /// <summary>Gets or sets whether a message send the server answers with message id -1 returns -1
    /// instead of failing (default: <see langword="false"/>).</summary>
    /// <remarks>mirai answers a send that QQ swallowed (risk control) or dropped with code 0 and message id
    /// -1: nothing was delivered. By default that send fails with a <see cref="MiraiApiException"/> whose
    /// <see cref="MiraiApiException.FailureKind"/> is <see cref="MiraiFailureKind.NotDelivered"/>, so it never
    /// passes for a valid message id. Either way it is never retried.</remarks>
    public bool AllowUndeliveredSends { get; set; }

    /// <summary>Gets or sets whether .NET 9+ WebSocket pings run beside the probe (tests turn them off
    /// to exercise the probe alone).</summary>
    internal bool UseWebSocketPings { get; set; } = true;

    bool Internal.IConnectionOptions.UseWebSocketPings => UseWebSocketPings;

    TimeProvider Internal.IConnectionOptions.TimeProvider => TimeProvider;

    /// <summary>Gets or sets the clock; tests may substitute one.</summary>
    internal TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <inheritdoc/>
    public override string ToString() =>
        $"MiraiConnectionOptions {{ Uri = {Uri}, QQ = {QQ}, Channel = {Channel}, VerifyKey = {(string.IsNullOrEmpty(VerifyKey) ? "(none)" : "***")} }}";
}

/// <summary>How a connection retries: exponential backoff with jitter applied inside the cap.</summary>
/// <remarks>
/// After an unplanned drop the first retry comes after a random delay in [0, <see cref="FirstRetryMaxDelay"/>];
/// retry <c>k ≥ 2</c> waits a uniformly random 50–100 % of <c>min(MaxDelay, BaseDelay · Multiplier^(k−2))</c>,
/// so clients that lost the same server spread out and no delay ever exceeds the cap. The schedule
/// returns to the first step only after a connection stayed up for <see cref="StableAfter"/>, so a
/// server that accepts and then crashes is not hit at the minimum delay forever.
/// </remarks>
public sealed class ReconnectOptions
{
    /// <summary>Gets or sets whether the connection reconnects at all (default: <see langword="true"/>).
    /// When <see langword="false"/>, the first failure or drop ends the connection.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets the upper bound of the random delay before the first retry (default: 250 ms).</summary>
    public TimeSpan FirstRetryMaxDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Gets or sets the step of the second retry (default: 1 s).</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the cap on the step (default: 30 s).</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the growth factor between steps (default: 2).</summary>
    public double Multiplier { get; set; } = 2.0;

    /// <summary>Gets or sets how many consecutive failed attempts end the connection (default: none,
    /// meaning retry forever).</summary>
    public int? MaxAttempts { get; set; }

    /// <summary>Gets or sets how long a connection must stay up before the schedule starts over
    /// (default: 30 s).</summary>
    public TimeSpan StableAfter { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>How a connection notices a dead, half-open or frozen peer.</summary>
/// <remarks>
/// mirai-api-http never pings and never closes an idle socket, so the client checks. When nothing has
/// arrived for <see cref="Interval"/>, the connection sends a cheap <c>about</c> command as a probe;
/// if still nothing arrives within <see cref="Timeout"/>, the connection is declared dead and
/// re-established. Any inbound frame counts as life, and a probe queued behind a slower command
/// the server is still running is not held against the connection until that command's own
/// deadline passes. On .NET 9 and later the socket also sends WebSocket pings (every <see cref="Interval"/>
/// of silence, allowed <c>Interval + Timeout</c> for the pong), which the server answers even while a
/// command runs: the backstop while a slow command holds the probe back. A dead peer is
/// therefore detected within <c>Interval + Timeout + 1 s</c> (19 s by default) when no command is running.
/// </remarks>
public sealed class HeartbeatOptions
{
    /// <summary>Gets or sets whether the heartbeat runs (default: <see langword="true"/>).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets how long the connection may be silent before a probe is sent (default: 10 s).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how long a probe may go unanswered before the connection is declared
    /// dead (default: 8 s).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(8);
}

/// <summary>How a <see cref="MiraiConnection"/> notices that the bot account behind its session went away
/// while the socket stayed up, and recovers.</summary>
/// <remarks>
/// <para>mirai-api-http binds a session to the bot <i>instance</i>, not to the QQ number: after the account
/// logs out and in again (or another login forces it offline and it comes back), the old session stays open and
/// answers <c>about</c>, but never receives an event again and every command that needs the bot fails. The
/// connection tracks <see cref="MiraiConnection.BotState"/> from the bot's offline, online and relogin events,
/// from commands that fail the way a closed bot fails, and from a low-rate liveness check (<c>botProfile</c>,
/// which needs the bot's network). Once the account is offline it looks for it in <c>botList</c>; when it is
/// listed again the session is ended (<see cref="DisconnectReason.StaleSession"/>) and a new one is opened,
/// bound to the live account. Commands in flight on the old session fail with
/// <see cref="MiraiConnectionLostException"/>; nothing is resent.</para>
/// <para>Bounds at the defaults: an announced relogin (an offline event reached the session) recovers within
/// about <see cref="RecoveryPollInterval"/> plus a reconnect of the account coming back; a silent one (no event,
/// as on Overflow) within <see cref="CheckInterval"/> plus that.</para>
/// </remarks>
public sealed class BotLivenessOptions
{
    /// <summary>Gets or sets whether the account is watched at all (default: <see langword="true"/>). When off,
    /// <see cref="MiraiConnection.BotState"/> still follows the bot's events, but no check is made and a stale
    /// session is never replaced.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets how often the liveness check runs while all seems well (default: 60 s). It also
    /// runs at once after a command fails the way a closed bot fails.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets how often <c>botList</c> is asked whether the account is back, while it is offline
    /// (default: 2 s).</summary>
    public TimeSpan RecoveryPollInterval { get; set; } = TimeSpan.FromSeconds(2);
}
