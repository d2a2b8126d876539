using MiraiClient.OneBot;

namespace MiraiClient.AspNetCore;

/// <summary>What every reverse WebSocket endpoint shares: the server's WebSocket pings and the shutdown bound.</summary>
public abstract class ReverseWebSocketOptions
{
    /// <summary>Gets or sets the shared secret the dialling side must present, as <c>Authorization: Bearer &lt;token&gt;</c>
    /// (or <c>Token &lt;token&gt;</c>) or as the <c>access_token</c> query parameter; <see langword="null"/> or empty
    /// accepts every caller. It never appears in logs.</summary>
    public string? AccessToken { get; set; }

    /// <summary>Gets or sets how often the server pings each socket (the implementations send no pings of their own;
    /// default 15 s). <see cref="TimeSpan.Zero"/> turns pings off.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Gets or sets how long a ping may go unanswered before the socket is aborted (.NET 9 and later; on
    /// .NET 8 the connection's heartbeat probe alone notices a dead peer). Default 15 s.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>Options of a OneBot v11 reverse WebSocket endpoint (<see cref="ReverseWebSocketEndpointRouteBuilderExtensions.MapOneBotReverseWebSocket"/>).</summary>
public sealed class OneBotReverseWebSocketOptions : ReverseWebSocketOptions
{
    /// <summary>Gets or sets a callback that tunes each account's connection options (timeouts, heartbeat, event
    /// buffer). Server mode sets <see cref="OneBotConnectionOptions.WaitForConnection"/> to <see langword="false"/>
    /// first, so a call for an account whose socket is gone fails at once; the address, the access token and
    /// reconnecting are the server's and are overwritten after the callback.</summary>
    public Action<OneBotConnectionOptions>? ConfigureConnection { get; set; }
}

/// <summary>Options of a mirai-api-http <c>reverse-ws</c> endpoint (<see cref="ReverseWebSocketEndpointRouteBuilderExtensions.MapMiraiReverseWebSocket"/>).</summary>
/// <remarks>mirai-api-http sends no identity on its upgrade: name the account with an <c>extraHeaders</c> entry
/// <c>X-Self-ID: &lt;qq&gt;</c> (or <c>extraParameters</c> <c>qq=&lt;qq&gt;</c>), or set <see cref="DefaultQQ"/> when one
/// account dials this endpoint. A caller this side refuses is never answered with an HTTP error (that would end
/// mirai-api-http's redial loop for good): the socket is accepted and closed with 1008.</remarks>
public sealed class MiraiReverseWebSocketOptions : ReverseWebSocketOptions
{
    /// <summary>Gets or sets mirai-api-http's verify key, sent in <c>verify</c> (<see langword="null"/> when its
    /// <c>enableVerify</c> is off). It never appears in logs.</summary>
    public string? VerifyKey { get; set; }

    /// <summary>Gets or sets the account assumed when the upgrade names none (0, the default: such a caller is refused).</summary>
    public long DefaultQQ { get; set; }

    /// <summary>Gets or sets a callback that tunes each account's connection options (timeouts, heartbeat, event
    /// buffer, reserved sync id). Server mode sets <see cref="MiraiConnectionOptions.WaitForConnection"/> to
    /// <see langword="false"/> first; the address, verify key, QQ and reconnecting are the server's and are
    /// overwritten after the callback.</summary>
    public Action<MiraiConnectionOptions>? ConfigureConnection { get; set; }
}
