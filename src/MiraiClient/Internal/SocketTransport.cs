using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Net.WebSockets;

namespace MiraiClient.Internal;

/// <summary>
/// The HTTP handlers a session's <see cref="ClientWebSocket"/> connects through. They are the runtime's
/// own defaults, except that the socket is read in 64 KiB chunks: the runtime's HTTP connection reads
/// 4 KiB at a time, which under an event stream is one system call for every four or five frames.
/// </summary>
internal static class SocketTransport
{
    /// <summary>How much is read from the socket at once.</summary>
    internal const int ReadBufferSize = 64 * 1024;

    private static HttpMessageInvoker? s_defaultProxy;
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
}
