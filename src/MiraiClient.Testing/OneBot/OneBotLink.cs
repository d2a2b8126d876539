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
internal sealed class OneBotLink(int id, FakeConnection transport, FakeOneBotEndpoint endpoint, bool carriesEvents, LinkReads reads, FakeOneBotReverseClient? dialer) : IDisposable
{
    private readonly CancellationTokenSource _ended = new();

    public int Id => id;

    public FakeConnection Transport => transport;

    public FakeOneBotEndpoint Endpoint => endpoint;

    /// <summary>Gets whether events and heartbeats go to this socket.</summary>
    public bool CarriesEvents => carriesEvents;

    public LinkReads Reads => reads;

    /// <summary>Gets the reverse client that dialled it, or null for an accepted forward connection.</summary>
    public FakeOneBotReverseClient? Dialer => dialer;

    /// <summary>Gets or sets whether the lifecycle frame went out, so pushes and heartbeats may follow.</summary>
    public bool Live { get; set; }

    /// <summary>Gets a token cancelled when the link has ended, for its heartbeat loop.</summary>
    public CancellationToken Ended => _ended.Token;

    public bool IsOpen => transport.Socket is { State: WebSocketState.Open };

    public Task SendAsync(byte[] frame) => transport.SendAsync(frame);

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
