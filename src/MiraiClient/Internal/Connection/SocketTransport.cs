using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Net.WebSockets;

namespace MiraiClient.Internal;

/// <summary>
/// How a client session's <see cref="ClientWebSocket"/> is configured and connected: the transport policy in
/// one place.
/// </summary>
/// <remarks>
/// <para><b>Replaces</b> the runtime's default HTTP handler for the upgrade, with the runtime's own defaults
/// (system proxy, no cookies, no pooling) except that the socket is read in 64 KiB chunks through
/// <see cref="ReadBufferedStream"/>: the runtime's HTTP connection reads 4 KiB at a time, which under an event
/// stream is one system call for every four or five frames.</para>
/// <para><b>Why</b>: events/s ÷ best practice went from 1.51 to 1.76 and CPU per event ÷ best practice from
/// 0.76 to 0.68 (benchmarks/RESULTS.md, eight interleaved rounds, "64 KiB reads").</para>
/// <para><b>Policy</b>: options that only the runtime's own handler can carry (credentials, client
/// certificates, a certificate check, cookies, a proxy of the caller's choosing) select the runtime's handler
/// instead; <see cref="InvokerFor"/> is that decision, as a function tested on its own.</para>
/// </remarks>
internal static class SocketTransport
{
    /// <summary>How much is read from the socket at once.</summary>
    internal const int ReadBufferSize = 64 * 1024;

    private static HttpMessageInvoker? s_defaultProxy;

    /// <summary>The runtime's own socket type, the one <see cref="WebSocket.CreateFromStream(Stream, WebSocketCreationOptions)"/>
    /// returns (and ASP.NET Core's accepted sockets are).</summary>
    private static readonly Type RuntimeSocketType = CreateRuntimeSocketType();

    /// <summary>Whether the socket fails a text message that is not valid UTF-8 instead of returning it, as
    /// RFC 6455 §8.1 requires and the runtime's implementation does (<see cref="ClientWebSocket"/>, and every
    /// socket made by <see cref="WebSocket.CreateFromStream(Stream, WebSocketCreationOptions)"/>). Any other
    /// <see cref="WebSocket"/> subclass is not trusted to: its text is checked again by the decoder.</summary>
    /// <param name="socket">The socket.</param>
    /// <returns><see langword="true"/> when its text messages are known to be valid UTF-8.</returns>
    public static bool ChecksText(WebSocket socket) => socket is ClientWebSocket || socket.GetType() == RuntimeSocketType;

    /// <summary>Creates a client socket, applies the settings, the protocol's headers and the caller's
    /// configuration, and connects it within the connect timeout.</summary>
    /// <param name="settings">The connection's settings.</param>
    /// <param name="connectUri">The address to dial (it may carry a secret; it is never logged or put in an error).</param>
    /// <param name="configureProtocol">Sets the protocol's headers.</param>
    /// <param name="lifetime">The connection's lifetime token.</param>
    /// <returns>The open socket.</returns>
    /// <exception cref="MiraiConnectionException">The attempt failed; its reason says how (see <see cref="SessionEnd.Classify"/>).</exception>
    /// <exception cref="OperationCanceledException">The lifetime token was cancelled.</exception>
    public static async Task<ClientWebSocket> ConnectAsync(ConnectionSettings settings, Uri connectUri, Action<ClientWebSocketOptions> configureProtocol, CancellationToken lifetime)
    {
        var socket = new ClientWebSocket();
        try
        {
            var invoker = Configure(socket.Options, settings, configureProtocol);
            using var timeout = new CancellationTokenSource(settings.ConnectTimeout, settings.TimeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(lifetime, timeout.Token);
            try
            {
                var connecting = invoker is null
                    ? socket.ConnectAsync(connectUri, linked.Token)
                    : socket.ConnectAsync(connectUri, invoker, linked.Token);
                await connecting.ConfigureAwait(false);
                return socket;
            }
            catch (OperationCanceledException) when (lifetime.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (SessionEnd.Classify(
                SessionStage.Connect,
                WithStatus(ex, socket),
                new SessionSignals(
                    TimedOut: timeout.IsCancellationRequested,
                    Description: timeout.IsCancellationRequested
                        ? $"Connecting to {settings.Endpoint} did not finish within {settings.ConnectTimeout.TotalSeconds:0.###} s."
                        : $"Could not connect to {settings.Endpoint}")) is { } end)
            {
                throw end.Error!;
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Adds the HTTP status of a refused upgrade to its error (as an <see cref="HttpRequestException"/>),
    /// so a protocol can tell "wrong token" (401/403) from a server that is down.</summary>
    private static Exception WithStatus(Exception error, ClientWebSocket socket) =>
        error is WebSocketException && socket.HttpStatusCode is var status && status != 0 && status != HttpStatusCode.SwitchingProtocols
            ? new HttpRequestException($"The server answered the upgrade with HTTP {(int)status}: {error.Message}", error, status)
            : error;

    /// <summary>Applies the settings and the caller's configuration to the socket's options.</summary>
    /// <returns>The invoker to connect through, or <see langword="null"/> for the runtime's own.</returns>
    internal static HttpMessageInvoker? Configure(ClientWebSocketOptions options, ConnectionSettings settings, Action<ClientWebSocketOptions> configureProtocol)
    {
        var defaultProxy = options.Proxy;
        options.CollectHttpResponseDetails = true;
        configureProtocol(options);
        var heartbeat = settings.Heartbeat;
        if (heartbeat.Enabled)
        {
            // An unsolicited pong keeps NAT mappings warm; where the runtime can, it also pings and
            // aborts the socket when no pong comes back, which the peer answers even mid-request.
            options.KeepAliveInterval = heartbeat.Interval;
#if NET9_0_OR_GREATER
            if (settings.UseWebSocketPings)
            {
                // The runtime judges a pong late when no pool thread has processed it yet, so under
                // starvation it misfires first; as the backstop (for slow requests) it gets more slack
                // than the probe, which stays the detector with the documented bound.
                options.KeepAliveTimeout = heartbeat.Interval + heartbeat.Timeout;
            }
#endif
        }
        else
        {
            options.KeepAliveInterval = TimeSpan.Zero;
        }

        settings.ConfigureWebSocket?.Invoke(options);
        return InvokerFor(options, defaultProxy);
    }
    private static HttpMessageInvoker? s_noProxy;

    /// <summary>
    /// Returns the invoker to connect with, or <see langword="null"/> when the options need a handler the
    /// runtime builds itself (credentials, client certificates, a certificate check, cookies or a proxy of
    /// the caller's choosing), which a custom invoker cannot carry.
    /// </summary>
    /// <param name="options">The socket's options, as configured.</param>
    /// <param name="defaultProxy">The options' proxy before anyone configured them: the runtime's marker
    /// for "the system proxy".</param>
    public static HttpMessageInvoker? InvokerFor(ClientWebSocketOptions options, IWebProxy? defaultProxy)
    {
        if (options.UseDefaultCredentials
            || options.Credentials is not null
            || options.ClientCertificates.Count > 0
            || options.RemoteCertificateValidationCallback is not null
            || options.Cookies is not null)
        {
            return null;
        }

        return options.Proxy switch
        {
            null => Shared(ref s_noProxy, useProxy: false),
            var proxy when ReferenceEquals(proxy, defaultProxy) => Shared(ref s_defaultProxy, useProxy: true),
            _ => null,
        };
    }

    private static HttpMessageInvoker Shared(ref HttpMessageInvoker? slot, bool useProxy)
    {
        if (Volatile.Read(ref slot) is { } existing)
        {
            return existing;
        }

        var handler = new SocketsHttpHandler
        {
            // As the runtime's own: an upgraded connection leaves the pool, and nothing else is sent.
            PooledConnectionLifetime = TimeSpan.Zero,
            UseProxy = useProxy,
            UseCookies = false,
            ConnectCallback = ConnectAsync,
        };
        var created = new HttpMessageInvoker(handler);
        var winner = Interlocked.CompareExchange(ref slot, created, null);
        if (winner is not null)
        {
            created.Dispose();
            return winner;
        }

        return created;
    }

    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken).ConfigureAwait(false);
            return new ReadBufferedStream(new NetworkStream(socket, ownsSocket: true), ReadBufferSize);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static Type CreateRuntimeSocketType()
    {
        // Made over an empty stream and never used: nothing is read or written.
        using var probe = WebSocket.CreateFromStream(Stream.Null, new WebSocketCreationOptions { KeepAliveInterval = TimeSpan.Zero });
        return probe.GetType();
    }
}
