using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using MiraiClient.AspNetCore.Internal;

namespace MiraiClient.AspNetCore;

/// <summary>Maps the reverse WebSocket endpoints that OneBot v11 implementations and mirai-api-http dial into.</summary>
public static class ReverseWebSocketEndpointRouteBuilderExtensions
{
    /// <summary>Maps a OneBot v11 reverse WebSocket endpoint (NapCat, LLBot, Lagrange, go-cqhttp), for example at
    /// <c>/onebot/v11/ws</c> (a trailing slash matches too). Callers are identified by <c>X-Self-ID</c> and
    /// <c>X-Client-Role</c> (Universal, API or Event, any case; none means Universal) and checked against
    /// <see cref="ReverseWebSocketOptions.AccessToken"/> before the upgrade: 401 when no token is presented, 403 when
    /// it is wrong. Each account's sockets feed one connection in <see cref="OneBotAccounts"/>.</summary>
    /// <param name="endpoints">The route builder (the web application).</param>
    /// <param name="pattern">The route pattern.</param>
    /// <param name="configure">Sets the endpoint's options.</param>
    /// <returns>A builder to add conventions (authorization, host filtering) to the endpoint.</returns>
    /// <exception cref="InvalidOperationException"><see cref="ReverseWebSocketServiceCollectionExtensions.AddOneBotReverseWebSocket"/> was not called.</exception>
    public static IEndpointConventionBuilder MapOneBotReverseWebSocket(this IEndpointRouteBuilder endpoints, string pattern, Action<OneBotReverseWebSocketOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        var accounts = endpoints.ServiceProvider.GetService<OneBotAccounts>()
            ?? throw new InvalidOperationException("OneBotAccounts is not registered: call services.AddOneBotReverseWebSocket() when building the application.");
        var options = new OneBotReverseWebSocketOptions();
        configure?.Invoke(options);
        Validate(options);
        var handler = new OneBotEndpoint(accounts, options);
        return Map(endpoints, pattern, handler.HandleAsync, "OneBot v11 reverse WebSocket");
    }

    /// <summary>Maps an endpoint for mirai-api-http's <c>reverse-ws</c> adapter. Every upgrade is accepted (an HTTP
    /// error would stop mirai-api-http's redialling for good); a caller without the right
    /// <see cref="ReverseWebSocketOptions.AccessToken"/> or without an account is closed with 1008. The connection
    /// then sends <c>verify</c> with <see cref="MiraiReverseWebSocketOptions.VerifyKey"/>; each account's sockets feed
    /// one connection in <see cref="MiraiAccounts"/>.</summary>
    /// <param name="endpoints">The route builder (the web application).</param>
    /// <param name="pattern">The route pattern (mirai-api-http's destination <c>path</c>).</param>
    /// <param name="configure">Sets the endpoint's options.</param>
    /// <returns>A builder to add conventions to the endpoint.</returns>
    /// <exception cref="InvalidOperationException"><see cref="ReverseWebSocketServiceCollectionExtensions.AddMiraiReverseWebSocket"/> was not called.</exception>
    public static IEndpointConventionBuilder MapMiraiReverseWebSocket(this IEndpointRouteBuilder endpoints, string pattern, Action<MiraiReverseWebSocketOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        var accounts = endpoints.ServiceProvider.GetService<MiraiAccounts>()
            ?? throw new InvalidOperationException("MiraiAccounts is not registered: call services.AddMiraiReverseWebSocket() when building the application.");
        var options = new MiraiReverseWebSocketOptions();
        configure?.Invoke(options);
        Validate(options);
        if (options.DefaultQQ < 0)
        {
            throw new ArgumentException("MiraiReverseWebSocketOptions.DefaultQQ must be a QQ number, or 0 for none.", nameof(configure));
        }

        var handler = new MiraiEndpoint(accounts, options);
        return Map(endpoints, pattern, handler.HandleAsync, "mirai-api-http reverse-ws");
    }

    private static void Validate(ReverseWebSocketOptions options)
    {
        if (options.KeepAliveInterval < TimeSpan.Zero || options.KeepAliveTimeout < TimeSpan.Zero)
        {
            throw new ArgumentException("KeepAliveInterval and KeepAliveTimeout must not be negative (TimeSpan.Zero turns pings off).");
        }
    }

    private static IEndpointConventionBuilder Map(IEndpointRouteBuilder endpoints, string pattern, Func<Microsoft.AspNetCore.Http.HttpContext, Task> handle, string name)
    {
        // The endpoint brings its own WebSocket middleware, so the application needs no UseWebSockets().
        var pipeline = endpoints.CreateApplicationBuilder();
        pipeline.UseWebSockets();
        pipeline.Run(context => handle(context));
        return endpoints.Map(pattern, pipeline.Build()).WithDisplayName($"{name} {pattern}");
    }
}
