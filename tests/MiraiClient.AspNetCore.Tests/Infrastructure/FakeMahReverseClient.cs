using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MiraiClient.AspNetCore.Tests.Infrastructure;

/// <summary>Plays mirai-api-http's reverse-ws adapter (MAH-REVERSE-WS.md §2–§4): dials, says nothing until the
/// peer sends <c>verify</c>, answers a wrong key with the bare <c>{"code":1}</c> frame and keeps the socket open,
/// answers the right one enveloped by its syncId, then answers commands one at a time in order and pushes events
/// with syncId "-1".</summary>
internal sealed class FakeMahReverseClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly string? _verifyKey;
    private readonly long _qq;
    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly TaskCompletionSource _verified = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<WebSocketCloseStatus?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _loop = Task.CompletedTask;

    private FakeMahReverseClient(long qq, string? verifyKey)
    {
        _qq = qq;
        _verifyKey = verifyKey;
    }

    /// <summary>Gets every command received, in order (verify included), as raw JSON.</summary>
    public ConcurrentQueue<JsonObject> Commands { get; } = new();

    /// <summary>Gets how many verify attempts failed.</summary>
    public int FailedVerifies;

    /// <summary>Gets or sets whether commands after verify go unanswered (a hung mirai-api-http).</summary>
    public bool Silent { get; set; }

    public Task Verified => _verified.Task;

    /// <summary>Completes with the close status the server sent (null when the socket dropped without one).</summary>
    public Task<WebSocketCloseStatus?> Closed => _closed.Task;

    public static async Task<FakeMahReverseClient> ConnectAsync(Uri uri, long qq, string? verifyKey, IReadOnlyDictionary<string, string>? headers = null, bool announceAccount = true)
    {
        var client = new FakeMahReverseClient(qq, verifyKey);
        client._socket.Options.CollectHttpResponseDetails = true;
        client._socket.Options.KeepAliveInterval = TimeSpan.Zero;
        if (announceAccount)
        {
            client._socket.Options.SetRequestHeader("X-Self-ID", qq.ToString(CultureInfo.InvariantCulture));
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            client._socket.Options.SetRequestHeader(name, value);
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client._socket.ConnectAsync(uri, cts.Token);
        client._loop = Task.Run(client.LoopAsync);
        return client;
    }

    public HttpStatusCodeHolder Upgrade => new((int)_socket.HttpStatusCode);

    public Task PushEventAsync(string eventJson) => SendAsync($"{{\"syncId\":\"-1\",\"data\":{eventJson}}}");

    public async Task CloseAsync()
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", cts.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            _socket.Abort();
        }
    }

    public void Abort() => _socket.Abort();

    public async ValueTask DisposeAsync()
    {
        await CloseAsync();
        await _loop.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        _socket.Dispose();
    }

    // One frame at a time, in order, as mirai-api-http runs them.
    private Task LoopAsync() => JsonFrameLoop.RunAsync(_socket, 64 * 1024, _closed, node => HandleAsync(node!.AsObject()));

    private async Task HandleAsync(JsonObject frame)
    {
        Commands.Enqueue(frame);
        if (!frame.TryGetPropertyValue("syncId", out var syncNode))
        {
            return;
        }

        var syncId = syncNode?.ToString() ?? "";
        var command = frame["command"]?.GetValue<string>();
        if (command == "verify")
        {
            var content = frame["content"] as JsonObject;
            var complete = content is not null && content.ContainsKey("verifyKey") && content.ContainsKey("sessionKey") && content.ContainsKey("qq");
            var keyOk = complete && content!["verifyKey"]?.GetValue<string>() == _verifyKey;
            var qqOk = complete && content!["qq"] is JsonValue qq && qq.TryGetValue<long>(out var number) && number == _qq;
            if (!keyOk || !qqOk)
            {
                Interlocked.Increment(ref FailedVerifies);
                await SendAsync("{\"code\":1,\"msg\":\"Auth Key错误\"}");
                return;
            }

            await SendAsync($"{{\"syncId\":\"{syncId}\",\"data\":{{\"code\":0,\"session\":\"SESSKEY1\"}}}}");
            _verified.TrySetResult();
            return;
        }

        if (!_verified.Task.IsCompleted && command is not ("about" or "botList"))
        {
            await SendAsync("{\"code\":1,\"msg\":\"Auth Key错误\"}");
            return;
        }

        if (Silent)
        {
            return;
        }

        var data = command switch
        {
            "about" => "{\"code\":0,\"msg\":\"\",\"data\":{\"version\":\"2.10.0\"}}",
            "botList" => $"{{\"code\":0,\"msg\":\"\",\"data\":[{_qq}]}}",
"sendGroupMessage" or "sendFriendMessage" => "{\"code\":0,\"msg\":\"\",\"messageId\":7}",
            "botProfile" => "{\"nickname\":\"bot\",\"email\":\"\",\"age\":0,\"level\":1,\"sign\":\"\",\"sex\":\"UNKNOWN\"}",
            _ => "{\"code\":0,\"msg\":\"\"}",
        };
        await SendAsync($"{{\"syncId\":\"{syncId}\",\"data\":{data}}}");
    }

    private async Task SendAsync(string text)
    {
        await _send.WaitAsync();
        try
        {
            await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or IOException)
        {
        }
        finally
        {
            _send.Release();
        }
    }
}

internal readonly record struct HttpStatusCodeHolder(int Status);
