using System.Diagnostics;
using System.Net.WebSockets;

namespace MiraiClient.AspNetCore.Tests.Infrastructure;

/// <summary>A bare WebSocket upgrade with chosen headers: its HTTP status and how long the answer took.</summary>
internal static class RawUpgrade
{
    public static async Task<(int Status, TimeSpan Elapsed, ClientWebSocket? Socket)> TryAsync(Uri uri, IReadOnlyDictionary<string, string> headers)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        foreach (var (name, value) in headers)
        {
            socket.Options.SetRequestHeader(name, value);
        }

        var watch = Stopwatch.StartNew();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await socket.ConnectAsync(uri, cts.Token);
            return (101, watch.Elapsed, socket);
        }
        catch (WebSocketException)
        {
            var status = (int)socket.HttpStatusCode;
            socket.Dispose();
            return (status, watch.Elapsed, null);
        }
    }
}
