using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MiraiClient.LoadTest;

/// <summary>A protocol server on 127.0.0.1 that costs the client side as little as possible: frames are
/// pre-encoded, replies are built from a template. What it speaks is a <see cref="ServerProtocol"/>.</summary>
/// <remarks>The protocol and mode are in the path, <c>/{protocol}/{mode}/{arg}/...</c> (<c>m</c>:
/// mirai-api-http, clients append <c>all</c>; <c>o</c>: OneBot v11, clients use the path as it is):
/// <c>stream/N</c> answers the first request (for OneBot, the first but a <c>get_login_info</c>), then pushes N events as fast as the socket takes them;
/// <c>echo/0</c> answers every request; <c>drop/ms</c> aborts each connection that long after its
/// greeting; <c>freeze/0</c> goes silent after the greeting. The same modes are played over a socket this side
/// opens to a contestant that hosts the SDK's server mode (<see cref="DialAsync"/>).</remarks>
internal sealed class Server : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _connections;

    private Server(WebApplication app) => _app = app;

    public Uri BaseUri { get; private set; } = null!;

    public Endpoints Urls => new(BaseUri);

    /// <summary>The base address of each mode of one protocol (<see cref="ServerProtocol.Route"/>).</summary>
    internal readonly record struct Endpoints(Uri BaseUri, string Route = "m")
    {
        public Uri Stream(long events) => For("stream", events);

        public Uri Echo() => For("echo", 0);

        public Uri Drop(long afterMilliseconds) => For("drop", afterMilliseconds);

        public Uri Freeze() => For("freeze", 0);

        private Uri For(string mode, long arg) => new(BaseUri, $"/{Route}/{mode}/{arg.ToString(CultureInfo.InvariantCulture)}/");

        /// <summary>Reads back what <see cref="For"/> wrote: the protocol, the mode and its argument.</summary>
        public static (ServerProtocol Protocol, string Mode, long Arg) Parse(Uri endpoint)
        {
            var parts = endpoint.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 3)
            {
                throw new ArgumentException($"not a load-test endpoint: {endpoint}");
            }

            return (ServerProtocol.For(parts[0]), parts[1], long.Parse(parts[2], CultureInfo.InvariantCulture));
        }
    }

    public int Connections => Volatile.Read(ref _connections);

    public static async Task<Server> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new Server(app);
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        app.Map("/{protocol}/{mode}/{arg}/{**rest}", server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUri = new Uri(address.Replace("http://", "ws://", StringComparison.Ordinal));
        return server;
    }

    /// <summary>Completes on Ctrl+C or SIGTERM.</summary>
    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static async Task<int> ReceiveAsync(WebSocket socket, byte[] buffer, CancellationToken ct)
    {
        var count = 0;
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(count), ct);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return -1;
            }

            count += result.Count;
            if (result.EndOfMessage)
            {
                return count;
            }
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = 400;
            return;
        }

        var protocol = ServerProtocol.For(context.Request.RouteValues["protocol"] as string ?? "");
        var mode = context.Request.RouteValues["mode"] as string;
        var arg = long.Parse(context.Request.RouteValues["arg"] as string ?? "0", CultureInfo.InvariantCulture);
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        Interlocked.Increment(ref _connections);
        await PlayAsync(protocol, socket, mode, arg, protocol.Greeting, context.Abort, context.RequestAborted);
    }

    /// <summary>Dials a contestant that hosts the SDK's server mode (reverse WebSocket) and plays the endpoint's
    /// mode over that socket, as an implementation would: the same frames, the same replies, the same start
    /// of the stream, only the direction of the handshake reversed.</summary>
    /// <param name="contestant">The contestant's WebSocket endpoint.</param>
    /// <param name="endpoint">One of this server's <see cref="Endpoints"/>: which protocol and mode to play.</param>
    /// <param name="ct">Ends the session.</param>
    /// <returns>Completes when the contestant closes the socket (a newer socket replaces it, or its host stops).</returns>
    public static async Task DialAsync(Uri contestant, Uri endpoint, CancellationToken ct)
    {
        var (protocol, mode, arg) = Endpoints.Parse(endpoint);
        using var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        socket.Options.SetRequestHeader("X-Self-ID", protocol.Account.ToString(CultureInfo.InvariantCulture));
        socket.Options.SetRequestHeader("Authorization", "Bearer " + AccessToken);
        await socket.ConnectAsync(contestant, ct);
        await PlayAsync(protocol, socket, mode, arg, protocol.ReverseGreeting, socket.Abort, ct);
    }

    /// <summary>The shared secret a contestant's server mode checks on the upgrade, and its verify key.</summary>
    public const string AccessToken = "load-test";

    /// <summary>Plays one mode over a socket, whichever side opened it.</summary>
    private static async Task PlayAsync(ServerProtocol protocol, WebSocket socket, string? mode, long arg, byte[]? greeting, Action abort, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var output = ArrayPool<byte>.Shared.Rent(4 * 1024);
        try
        {
            if (greeting is not null)
            {
                await socket.SendAsync(greeting, WebSocketMessageType.Text, true, ct);
            }

            switch (mode)
            {
                case "stream":
                    await StreamAsync(protocol, socket, arg, buffer, output, ct);
                    break;
                case "drop":
                    await Task.Delay(TimeSpan.FromMilliseconds(arg), ct);
                    abort();
                    return;
                case "freeze":
                    await Task.Delay(Timeout.Infinite, ct);
                    return;
                default:
                    await EchoAsync(protocol, socket, buffer, output, ct);
                    break;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException or ConnectionAbortedException)
        {
            // The client went away: that ends a run.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            ArrayPool<byte>.Shared.Return(output);
        }
    }

    private static async Task EchoAsync(ServerProtocol protocol, WebSocket socket, byte[] buffer, byte[] output, CancellationToken ct)
    {
        var messageId = 0;
        while (true)
        {
            var count = await ReceiveAsync(socket, buffer, ct);
            if (count < 0)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, ct);
                return;
            }

            var length = protocol.Reply(buffer.AsSpan(0, count), output, ref messageId);
            if (length > 0)
            {
                await socket.SendAsync(output.AsMemory(0, length), WebSocketMessageType.Text, true, ct);
            }
        }
    }

    private static async Task StreamAsync(ServerProtocol protocol, WebSocket socket, long events, byte[] buffer, byte[] output, CancellationToken ct)
    {
        // The first request that starts a stream (for OneBot: not the handshake's get_login_info) starts it,
        // so the client's clock starts with it; requests before it are only answered.
        var messageId = 0;
        while (true)
        {
            var count = await ReceiveAsync(socket, buffer, ct);
            if (count < 0)
            {
                return;
            }

            var length = protocol.Reply(buffer.AsSpan(0, count), output, ref messageId);
            await socket.SendAsync(output.AsMemory(0, length), WebSocketMessageType.Text, true, ct);
            if (protocol.StartsStream(buffer.AsSpan(0, count)))
            {
                break;
            }
        }

        var frames = protocol.Events.Frames;
        for (long i = 0; i < events; i++)
        {
            await socket.SendAsync(frames[i % frames.Length], WebSocketMessageType.Text, true, ct);
        }

        // Keep answering (heartbeat probes, pings) until the client leaves.
        await EchoAsync(protocol, socket, buffer, output, ct);
    }
}
