using System.Net.Sockets;
using System.Net.WebSockets;

namespace MiraiClient.Testing;

/// <summary>One accepted TCP connection of a <see cref="FakeMiraiBackend"/>: its socket, what its
/// handshake established, and serialized writes.</summary>
/// <remarks>Writes from the command loop and from pushes share one lock, so frames never interleave;
/// a write to a connection that is already gone is dropped quietly, because the command loop notices
/// the end and cleans up.</remarks>
internal sealed class FakeConnection(TcpClient client, Stream stream) : IDisposable
{
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private volatile bool _authenticated;

    /// <summary>Gets or sets the WebSocket, once the upgrade was answered.</summary>
    public WebSocket? Socket { get; set; }

    /// <summary>Gets or sets the session key given in the handshake.</summary>
    public string? SessionKey { get; set; }

    /// <summary>Gets or sets the push endpoint the connection attached to.</summary>
    public PushChannel Channel { get; set; }

    /// <summary>Gets or sets the bot account the session is bound to.</summary>
    public long BotQQ { get; set; }

    /// <summary>Gets or sets the account's <c>Bot</c> instance the session is bound to; when the account
    /// has moved on, the session is stale.</summary>
    public int Instance { get; set; }

    /// <summary>Gets or sets whether the handshake succeeded.</summary>
    public bool Authenticated
    {
        get => _authenticated;
        set => _authenticated = value;
    }

    /// <summary>Writes one message, a text frame unless told otherwise, unless the socket is no longer open.</summary>
    /// <param name="frame">The frame's bytes (UTF-8 for text).</param>
    /// <param name="messageType">Text or binary.</param>
    /// <returns>A task that completes when written or dropped.</returns>
    public async Task SendAsync(byte[] frame, WebSocketMessageType messageType = WebSocketMessageType.Text)
    {
        if (Socket is not { State: WebSocketState.Open } socket)
        {
            return;
        }

        await _sendLock.WaitAsync().ConfigureAwait(false);
        try
        {
            await socket.SendAsync(frame, messageType, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The connection is gone (a reset can surface as a cancellation); the command loop cleans up.
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Sends a close frame (best effort), then drops the TCP connection shortly after.</summary>
    /// <param name="status">The close status.</param>
    /// <param name="reason">The close reason.</param>
    /// <returns>A task that completes when the connection was dropped.</returns>
    public async Task CloseAsync(WebSocketCloseStatus status, string? reason)
    {
        if (Socket is { State: WebSocketState.Open or WebSocketState.CloseReceived } socket)
        {
            await _sendLock.WaitAsync().ConfigureAwait(false);
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await socket.CloseOutputAsync(status, reason, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or WebSocketException or ObjectDisposedException or OperationCanceledException)
            {
                // Best effort; the TCP connection is dropped below either way.
            }
            finally
            {
                _sendLock.Release();
            }
        }

        // Give the peer a moment to read the close frame, then drop the TCP connection.
        await Task.Delay(100).ConfigureAwait(false);
        client.Close();
    }

    /// <summary>Drops the connection with a TCP reset, as a crashed server does.</summary>
    public void Abort()
    {
        // The connection may be closing on its own at the same moment; either way it ends up reset or closed.
        try
        {
            if (client.Client is { } socket)
            {
                socket.LingerState = new LingerOption(true, 0);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }

        client.Close();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Socket?.Dispose();
        stream.Dispose();
        client.Dispose();
    }
}

/// <summary>The three push endpoints of the ws adapter.</summary>
internal enum PushChannel
{
    /// <summary><c>/all</c>: chat messages and every other event.</summary>
    All,

    /// <summary><c>/message</c>: the nine message packets only.</summary>
    Message,

    /// <summary><c>/event</c>: everything but the message packets.</summary>
    Event,
}
