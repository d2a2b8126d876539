using System.Net.WebSockets;

namespace MiraiClient.Testing.OneBot;

/// <summary>What an implementation does with the frames a client sends on one socket.</summary>
internal enum LinkReads
{
    /// <summary>Runs every action frame.</summary>
    Execute,

    /// <summary>Reads frames (so pings and Close are answered) and drops them.</summary>
    Ignore,

    /// <summary>Never reads the socket (go-cqhttp's forward <c>/event</c>).</summary>
    Never,
}

/// <summary>One open OneBot WebSocket of a <see cref="FakeOneBotImplementation"/>, forward (accepted) or
/// reverse (dialled): its transport, what it carries, and whether pushes may use it yet.</summary>
/// <remarks>Writes go through the shared <see cref="FakeConnection"/>, whose lock keeps frames whole.</remarks>
internal sealed class OneBotLink(int id, FakeConnection transport, Stream stream, FakeOneBotEndpoint endpoint, bool carriesEvents, LinkReads reads, FakeOneBotReverseClient? dialer) : IDisposable
{
    private readonly CancellationTokenSource _ended = new();
    private readonly SemaphoreSlim _closing = new(1, 1);
    private volatile bool _live;

    public int Id => id;

    public FakeConnection Transport => transport;

    public FakeOneBotEndpoint Endpoint => endpoint;

    /// <summary>Gets whether events and heartbeats go to this socket.</summary>
    public bool CarriesEvents => carriesEvents;

    public LinkReads Reads => reads;

    /// <summary>Gets the reverse client that dialled it, or null for an accepted forward connection.</summary>
    public FakeOneBotReverseClient? Dialer => dialer;

    /// <summary>Gets or sets whether the lifecycle frame went out, so pushes and heartbeats may follow.</summary>
    public bool Live
    {
        get => _live;
        set => _live = value;
    }

    /// <summary>Gets a token cancelled when the link has ended, for its heartbeat loop.</summary>
    public CancellationToken Ended => _ended.Token;

    public bool IsOpen => transport.Socket is { State: WebSocketState.Open };

    public async Task SendAsync(byte[] frame, WebSocketMessageType messageType = WebSocketMessageType.Text)
    {
        // Shares a lock with the hand-written close frame, so the two never interleave on the stream.
        await _closing.WaitAsync().ConfigureAwait(false);
        try
        {
            await transport.SendAsync(frame, messageType).ConfigureAwait(false);
        }
        finally
        {
            _closing.Release();
        }
    }

    /// <summary>Closes with the given status; <see cref="WebSocketCloseStatus.Empty"/> sends a Close frame
    /// with no payload (the peer reads 1005), which .NET's WebSocket cannot send itself.</summary>
    public async Task CloseAsync(WebSocketCloseStatus status, string reason)
    {
        Live = false;
        if (status == WebSocketCloseStatus.Empty)
        {
            await _closing.WaitAsync().ConfigureAwait(false);
            try
            {
                await WriteCloseWithoutStatusAsync(stream, masked: dialer is not null).ConfigureAwait(false);
            }
            finally
            {
                _closing.Release();
            }

            // The peer stops reading at the first Close, so the ordinary one below only ends the TCP connection.
            status = WebSocketCloseStatus.NormalClosure;
        }

        await transport.CloseAsync(status, reason).ConfigureAwait(false);
    }

    /// <summary>Writes a Close frame with an empty payload: unmasked from a server, masked from a client.</summary>
    public static async Task WriteCloseWithoutStatusAsync(Stream stream, bool masked)
    {
        byte[] frame = masked ? [0x88, 0x80, 0x1f, 0x2e, 0x3d, 0x4c] : [0x88, 0x00];
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await stream.WriteAsync(frame, timeout.Token).ConfigureAwait(false);
            await stream.FlushAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or NotSupportedException)
        {
            // The connection is gone already.
        }
    }

    public void End()
    {
        try
        {
            _ended.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already ended.
        }
    }

    public void Dispose()
    {
        End();
        _ended.Dispose();

        // The write lock is left to the collector: a push that picked this link just before it ended may still take it.
    }

    public string Describe() => dialer is null
        ? endpoint switch
        {
            FakeOneBotEndpoint.Api => "forward /api",
            FakeOneBotEndpoint.Event => "forward /event",
            _ => carriesEvents ? "forward /" : "forward (unknown path, dead)",
        }
        : $"reverse {endpoint} to {dialer.Uri}";
}
