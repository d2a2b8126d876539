using System.Net;

namespace MiraiClient.Testing.OneBot;

/// <summary>How message events carry their <c>message</c>: as an array of segments or as a CQ string.</summary>
public enum FakeOneBotMessageFormat
{
    /// <summary>An array of segments (NapCat, LLBot and Lagrange by default).</summary>
    Array,

    /// <summary>A CQ string (go-cqhttp by default).</summary>
    String,
}

/// <summary>How a <see cref="FakeOneBotImplementation"/> is configured, as the imitated implementation's
/// network entry would be.</summary>
/// <remarks>The defaults imitate NapCat with account <b>10001000</b>, no access token, its own
/// heartbeat interval (30 s) and array-format messages, on an ephemeral port of 127.0.0.1. Every
/// option is read once, when the fake starts.</remarks>
public sealed class FakeOneBotOptions
{
    /// <summary>Gets or sets the implementation imitated (default: <see cref="FakeOneBotProfile.NapCat"/>).</summary>
    public FakeOneBotProfile Profile { get; set; } = FakeOneBotProfile.NapCat;

    /// <summary>Gets or sets the bot account (<c>self_id</c>, <c>X-Self-ID</c>, <c>get_login_info</c>;
    /// default: 10001000). Run one fake per account to imitate several accounts.</summary>
    public long SelfId { get; set; } = 10001000;

    /// <summary>Gets or sets the account's nickname for <c>get_login_info</c> (default: <c>bot</c>).</summary>
    public string Nickname { get; set; } = "bot";

    /// <summary>Gets or sets the access token; <see langword="null"/> or empty accepts every client, as an
    /// implementation with no token configured does (default: none). A client that sends a missing or
    /// wrong token is refused the way <see cref="Profile"/> refuses it. Never part of any message the fake writes.</summary>
    public string? AccessToken { get; set; }

    /// <summary>Gets or sets the heartbeat interval: <see langword="null"/> for the profile's default
    /// (NapCat 30 s, LLBot 60 s, Lagrange and go-cqhttp 5 s), <see cref="TimeSpan.Zero"/> for no heartbeats.</summary>
    public TimeSpan? HeartbeatInterval { get; set; }

    /// <summary>Gets or sets how message events carry their message: <see langword="null"/> for the
    /// profile's default (go-cqhttp: CQ string; the others: array).</summary>
    public FakeOneBotMessageFormat? MessageFormat { get; set; }

    /// <summary>Gets or sets whether events pushed without a time get the current time in
    /// <b>milliseconds</b>, as NapCat does for a message that has no time (default: seconds).</summary>
    public bool StampTimeInMilliseconds { get; set; }

    /// <summary>Gets or sets the address to listen on for forward WebSocket clients (default: 127.0.0.1).</summary>
    public IPAddress Address { get; set; } = IPAddress.Loopback;

    /// <summary>Gets or sets the TCP port (default: 0, an ephemeral port).</summary>
    public int Port { get; set; }

    /// <summary>Gets or sets how long a push waits for an event client when none has connected yet (since
    /// the start or a restart) before it fails with an error that names the likely cause (default: 5 s).</summary>
    public TimeSpan ClientWaitTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
