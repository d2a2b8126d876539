using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace MiraiClient.Tests.Seam;

/// <summary>A Kestrel server on 127.0.0.1 speaking the test-only protocol, with the faults the engine must survive.</summary>
internal sealed class TinyServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<WebSocket, SemaphoreSlim> _sockets = new();
    private int _calls;
    private int _accepted;

    private TinyServer(WebApplication app) => _app = app;

    /// <summary>Gets or sets whether the handshake accepts the client.</summary>
    public bool Welcome { get; set; } = true;

    /// <summary>Gets or sets whether the server stops answering anything (but keeps the sockets open).</summary>
    public bool Frozen { get; set; }

    /// <summary>Gets or sets how long the server waits before answering a call.</summary>
    public TimeSpan ReplyDelay { get; set; }

    public Uri Uri { get; private set; } = null!;

    public int Calls => Volatile.Read(ref _calls);

    public int Accepted => Volatile.Read(ref _accepted);

    public static async Task<TinyServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new TinyServer(app);
        app.UseWebSockets();
        app.Map("/tiny", server.AcceptAsync);
        await app.StartAsync();
        server.Uri = new Uri(app.Urls.First().Replace("http://", "ws://", StringComparison.Ordinal) + "/tiny");
        return server;
    }

    public async Task PushAsync(string name)
    {
        foreach (var socket in _sockets.Keys)
        {
            await SendAsync(socket, $"{{\"event\":\"{name}\"}}");
        }
    }

    /// <summary>Aborts every socket (a crash, as the client sees it).</summary>
    public void AbortAll()
    {
        foreach (var socket in _sockets.Keys)
        {
            socket.Abort();
        }
    }

    public async ValueTask DisposeAsync()
    {
        AbortAll();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }

    private async Task AcceptAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest || context.Request.Headers["x-tiny-key"] != "secret-tiny-key")
        {
            context.Response.StatusCode = 400;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        Interlocked.Increment(ref _accepted);
        _sockets[socket] = new SemaphoreSlim(1, 1);
        try
        {
            await SendAsync(socket, Welcome ? "{\"welcome\":true}" : "{\"welcome\":false}");
            var buffer = new byte[64 * 1024];
            while (socket.State == WebSocketState.Open)
            {
                var result = await socket.ReceiveAsync(buffer, context.RequestAborted);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    break;
                }

                if (Frozen)
                {
                    continue;
                }

                using var document = JsonDocument.Parse(buffer.AsMemory(0, result.Count));
                var root = document.RootElement;
                if (root.TryGetProperty("ping", out var ping))
                {
                    await SendAsync(socket, $"{{\"reply\":{ping.GetInt64()}}}");
                }
                else if (root.TryGetProperty("call", out var call))
                {
                    Interlocked.Increment(ref _calls);
                    var id = call.GetInt64();
                    var arg = root.GetProperty("arg").GetString();
                    _ = ReplyLaterAsync(socket, id, arg);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
        }
        finally
        {
            _sockets.TryRemove(socket, out _);
        }
    }

    private async Task ReplyLaterAsync(WebSocket socket, long id, string? arg)
    {
        try
        {
            if (ReplyDelay > TimeSpan.Zero)
            {
                await Task.Delay(ReplyDelay);
            }

            if (!Frozen)
            {
                await SendAsync(socket, JsonSerializer.Serialize(new Dictionary<string, object?> { ["reply"] = id, ["value"] = arg }));
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
    }

    private async Task SendAsync(WebSocket socket, string json)
    {
        if (!_sockets.TryGetValue(socket, out var gate))
        {
            return;
        }

        await gate.WaitAsync();
        try
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);
        }
        finally
        {
            gate.Release();
        }
    }
}
