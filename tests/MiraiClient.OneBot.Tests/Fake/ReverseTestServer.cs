using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MiraiClient.OneBot.Tests.Fake;

/// <summary>A small Kestrel reverse-WebSocket endpoint standing in for the framework side: it records
/// every upgrade request and can refuse or delay upgrades.</summary>
internal sealed class ReverseTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<ServerSocket> _accepted = Channel.CreateUnbounded<ServerSocket>();
    private readonly List<UpgradeRecord> _requests = [];

    private ReverseTestServer(WebApplication app) => _app = app;

    /// <summary>Gets or sets the HTTP status to refuse upgrades with (0: accept).</summary>
    public int RefuseWith { get; set; }

    /// <summary>Gets or sets how long the server waits before answering an upgrade.</summary>
    public TimeSpan UpgradeDelay { get; set; }

    public Uri BaseUri { get; private set; } = null!;

    public IReadOnlyList<UpgradeRecord> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public static async Task<ReverseTestServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new ReverseTestServer(app);
        app.UseWebSockets();
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUri = new Uri(address.Replace("http://", "ws://", StringComparison.Ordinal));
        return server;
    }

    public Uri At(string path) => new(BaseUri, path);

    /// <summary>The next accepted socket.</summary>
    public async Task<ServerSocket> NextSocketAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? OneBotRawClient.FrameWait);
        try
        {
            return await _accepted.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("No reverse socket was accepted in time.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _app.StopAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            // Abandoned connections are dropped with the app.
        }

        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var record = new UpgradeRecord(
            context.Request.Path.Value ?? "",
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            DateTimeOffset.UtcNow);
        lock (_requests)
        {
            _requests.Add(record);
        }

        if (UpgradeDelay > TimeSpan.Zero)
        {
            await Task.Delay(UpgradeDelay, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        if (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        if (RefuseWith != 0 || !context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = RefuseWith != 0 ? RefuseWith : 400;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var accepted = new ServerSocket(socket, record);
        _accepted.Writer.TryWrite(accepted);
        await accepted.RunAsync();
    }

    internal sealed record UpgradeRecord(string Path, IReadOnlyDictionary<string, string> Headers, DateTimeOffset At)
    {
        public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
    }

    /// <summary>One reverse socket the server accepted: its upgrade request and its frames.</summary>
    internal sealed class ServerSocket(WebSocket socket, UpgradeRecord request)
    {
        private readonly Channel<string> _frames = Channel.CreateUnbounded<string>();
        private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _nextEcho;

        public UpgradeRecord Request => request;

        public WebSocketState State => socket.State;

        public Task Ended => _ended.Task;

        /// <summary>Gets the status of the Close frame the dialler sent, or null when the socket dropped without one.</summary>
        public WebSocketCloseStatus? ReceivedCloseStatus { get; private set; }

        public async Task<JsonElement> NextAsync(TimeSpan? timeout = null)
        {
            using var cts = new CancellationTokenSource(timeout ?? OneBotRawClient.FrameWait);
            try
            {
                return OneBotRawClient.Parse(await _frames.Reader.ReadAsync(cts.Token));
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("No frame on the reverse socket in time.");
            }
            catch (ChannelClosedException)
            {
                throw new InvalidOperationException("The reverse socket closed.");
            }
        }

        public async Task<JsonElement?> FrameWithinAsync(TimeSpan wait)
        {
            try
            {
                return await NextAsync(wait);
            }
            catch (TimeoutException)
            {
                return null;
            }
        }

        public async Task<JsonElement> NextNonHeartbeatAsync()
        {
            while (true)
            {
                var frame = await NextAsync();
                if (!OneBotRawClient.IsMeta(frame, "heartbeat"))
                {
                    return frame;
                }
            }
        }

        /// <summary>Calls an action over the socket and returns its response.</summary>
        public async Task<JsonElement> CallAsync(string action, string paramsJson = "{}")
        {
            var echo = $"srv{Interlocked.Increment(ref _nextEcho)}";
            await SendAsync($$"""{"action":"{{action}}","params":{{paramsJson}},"echo":"{{echo}}"}""");
            while (true)
            {
                var frame = await NextAsync();
                if (!OneBotRawClient.IsEvent(frame))
                {
                    Assert.Equal(echo, frame.GetProperty("echo").GetString());
                    return frame;
                }
            }
        }

        public async Task SendAsync(string text)
        {
            using var cts = new CancellationTokenSource(OneBotRawClient.FrameWait);
            await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cts.Token);
        }

        public async Task CloseAsync(WebSocketCloseStatus status = WebSocketCloseStatus.NormalClosure)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await socket.CloseOutputAsync(status, "server closes", cts.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                // Already gone.
            }

            await Ended.WaitAsync(TimeSpan.FromSeconds(10));
        }

        public async Task RunAsync()
        {
            var buffer = new byte[64 * 1024];
            try
            {
                while (true)
                {
                    using var message = new MemoryStream();
                    WebSocketReceiveResult result;
                    do
                    {
                        result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                        if (result.MessageType == WebSocketMessageType.Close)
                        {
                            ReceivedCloseStatus = result.CloseStatus;
                            return;
                        }

                        message.Write(buffer, 0, result.Count);
                    }
                    while (!result.EndOfMessage);

                    _frames.Writer.TryWrite(Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length));
                }
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
            {
                // Dropped.
            }
            finally
            {
                _frames.Writer.TryComplete();
                _ended.TrySetResult();
            }
        }
    }
}
