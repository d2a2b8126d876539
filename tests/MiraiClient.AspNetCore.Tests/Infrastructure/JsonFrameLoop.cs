using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace MiraiClient.AspNetCore.Tests.Infrastructure;

/// <summary>The receive loop of the test peers: reads whole text messages as JSON, one at a time, answers the
/// peer's close, and reports how the socket ended.</summary>
internal static class JsonFrameLoop
{
    /// <summary>Reads frames until the socket closes or fails; <paramref name="closed"/> gets the peer's close
    /// status, or <see langword="null"/> when the socket failed.</summary>
    public static async Task RunAsync(WebSocket socket, int bufferSize, TaskCompletionSource<WebSocketCloseStatus?> closed, Func<JsonNode?, Task> handle)
    {
        var buffer = new byte[bufferSize];
        try
        {
            while (true)
            {
                var count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        closed.TrySetResult(socket.CloseStatus);
                        if (socket.State == WebSocketState.CloseReceived)
                        {
                            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                        }

                        return;
                    }

                    count += result.Count;
                }
                while (!result.EndOfMessage);

                await handle(JsonNode.Parse(Encoding.UTF8.GetString(buffer, 0, count)));
            }
        }
        catch (Exception)
        {
            closed.TrySetResult(null);
        }
    }
}
