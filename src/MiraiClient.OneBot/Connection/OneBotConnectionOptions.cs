using System.Net.WebSockets;
using MiraiClient.Internal;

namespace MiraiClient.OneBot;

/// <summary>Options for a <see cref="OneBotConnection"/>: where the OneBot v11 implementation's WebSocket server
/// is, how to authenticate, and the same resilience settings as <see cref="MiraiConnectionOptions"/>.</summary>
/// <remarks>Validated and copied when the connection is built; later changes have no effect on it.</remarks>
public sealed class OneBotConnectionOptions : IConnectionOptions
{
    /// <summary>Gets or sets the implementation's forward WebSocket address, for example
    /// <c>ws://127.0.0.1:3001/</c> (required). Use its universal endpoint (<c>/</c>), which carries both events
    /// and actions: <c>/api</c> carries no events and <c>/event</c> answers no actions on some implementations.</summary>
    public Uri? Uri { get; set; }

    /// <summary>Gets or sets the access token the implementation is configured with (default: none). Sent as
    /// <c>Authorization: Bearer &lt;token&gt;</c>; held only in memory, never logged.</summary>
    public string? AccessToken { get; set; }

    /// <summary>Gets or sets whether the token goes in the query (<c>?access_token=</c>) instead of the header
    /// (default: <see langword="false"/>). Only for proxies that strip the header: a query can end up in their
    /// logs.</summary>
    public bool AccessTokenInQuery { get; set; }

    /// <summary>Gets or sets the reconnect schedule (default: see <see cref="ReconnectOptions"/>).</summary>
    public ReconnectOptions Reconnect { get; set; } = new();

    /// <summary>Gets or sets the dead-connection detection (default: see <see cref="HeartbeatOptions"/>).</summary>
    /// <remarks>Any frame but the implementation's own heartbeat events counts as proof that it reads: those come
    /// on its timer whatever it reads, so they prove only that it writes. After
    /// <see cref="HeartbeatOptions.Interval"/> without such proof a <c>get_status</c> call is the probe, so a dead,
    /// half-open or frozen peer, or one that keeps sending heartbeats while it reads nothing, is noticed within the
    /// same bound as for mirai-api-http whether or not the implementation sends heartbeats.</remarks>
    public HeartbeatOptions Heartbeat { get; set; } = new();

    /// <summary>Gets or sets how long opening the socket may take (default: 10 s).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how long the first call on a new socket (<c>get_login_info</c>, which tells the
    /// account and proves the token) may take (default: 10 s).</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how long an action may take, waiting for the connection included (default: 30 s).</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long an upload or download action may take (default: 10 minutes); implementations
    /// time their own file operations out after minutes.</summary>
    public TimeSpan TransferTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets or sets how long each half of the close handshake may take (default: 1 s).</summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets how long disposal may take in all (default: 5 s).</summary>
    public TimeSpan DisposeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the largest message in either direction, in bytes (default: 64 MiB; files travel as
    /// base64). A larger inbound one drops and re-establishes the connection; a larger action is refused unsent.</summary>
    public int MaxMessageSize { get; set; } = 64 * 1024 * 1024;

    /// <summary>Gets or sets how many events each subscription buffers (default: 8192).</summary>
    public int EventBufferCapacity { get; set; } = 8192;

    /// <summary>Gets or sets what a full subscription buffer does (default: <see cref="EventOverflowPolicy.DropOldest"/>).</summary>
    public EventOverflowPolicy EventOverflowPolicy { get; set; } = EventOverflowPolicy.DropOldest;

    /// <summary>Gets or sets whether an action issued while the connection is down waits for it, within its
    /// timeout (default: <see langword="true"/>).</summary>
    public bool WaitForConnection { get; set; } = true;

    /// <summary>Gets or sets a callback that adjusts each new socket's options before it connects (default: none).</summary>
    public Action<ClientWebSocketOptions>? ConfigureWebSocket { get; set; }

    /// <summary>Gets or sets how fast messages may be sent (default: as for mirai-api-http, see
    /// <see cref="SendRateLimitOptions"/>). Only <c>send_msg</c>, <c>send_group_msg</c>, <c>send_private_msg</c>
    /// and the forward-message sends are paced.</summary>
    public SendRateLimitOptions SendRateLimit { get; set; } = new();

    /// <summary>Gets or sets whether .NET 9+ WebSocket pings run beside the probe (tests turn them off).</summary>
    internal bool UseWebSocketPings { get; set; } = true;

    /// <summary>Gets or sets the clock; tests may substitute one.</summary>
    internal TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    bool IConnectionOptions.UseWebSocketPings => UseWebSocketPings;

    TimeProvider IConnectionOptions.TimeProvider => TimeProvider;

    /// <summary>Checks every option and throws if one is invalid; the connection does the same when it is built.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it and says why.</exception>
    public void Validate() => _ = Internal.OneBotSettings.Create(this);

    /// <inheritdoc/>
    public override string ToString() =>
        $"OneBotConnectionOptions {{ Uri = {Uri}, AccessToken = {(string.IsNullOrEmpty(AccessToken) ? "(none)" : "***")} }}";
}
