using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace MiraiClient.OneBot.Tests.Fake;

/// <summary>A WebSocket client written by hand over TCP that shows frames exactly as they are on the wire,
/// for what .NET's WebSocket hides (a Close frame without a status reads as 1000 there).</summary>
internal sealed class RawWireClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;

    private RawWireClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    /// <summary>Upgrades and returns the client; fails unless the server answered 101.</summary>
    public static async Task<RawWireClient> ConnectAsync(Uri baseUri, string path = "/", string? authorization = null)
    {
        var tcp = new TcpClient();
        using var timeout = new CancellationTokenSource(OneBotRawClient.FrameWait);
        await tcp.ConnectAsync(baseUri.Host, baseUri.Port, timeout.Token);
        var client = new RawWireClient(tcp);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var request = $"GET {path} HTTP/1.1\r\nHost: {baseUri.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            + (authorization is null ? "" : $"Authorization: {authorization}\r\n") + "\r\n";
        await client._stream.WriteAsync(Encoding.ASCII.GetBytes(request), timeout.Token);
        var head = new List<byte>();
        while (head.Count < 4 || !(head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            head.Add(await client.ReadByteAsync(timeout.Token));
        }

        var status = Encoding.ASCII.GetString([.. head]).Split(' ')[1];
        Assert.Equal("101", status);
        return client;
    }

    /// <summary>The next frame: its opcode and unmasked payload.</summary>
    public async Task<(int Opcode, byte[] Payload)> NextFrameAsync()
    {
        using var timeout = new CancellationTokenSource(OneBotRawClient.FrameWait);
        var first = await ReadByteAsync(timeout.Token);
        var second = await ReadByteAsync(timeout.Token);
        long length = second & 0x7f;
        if (length == 126)
        {
            length = (await ReadByteAsync(timeout.Token) << 8) | await ReadByteAsync(timeout.Token);
        }
        else if (length == 127)
        {
            length = 0;
            for (var i = 0; i < 8; i++)
            {
                length = (length << 8) | await ReadByteAsync(timeout.Token);
            }
        }

        var mask = (second & 0x80) != 0 ? await ReadExactlyAsync(4, timeout.Token) : null;
        var payload = await ReadExactlyAsync((int)length, timeout.Token);
        if (mask is not null)
        {
            for (var i = 0; i < payload.Length; i++)
            {
                payload[i] ^= mask[i % 4];
            }
        }

        return (first & 0x0f, payload);
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<byte> ReadByteAsync(CancellationToken cancellationToken) => (await ReadExactlyAsync(1, cancellationToken))[0];

    private async Task<byte[]> ReadExactlyAsync(int count, CancellationToken cancellationToken)
    {
        var buffer = new byte[count];
        await _stream.ReadExactlyAsync(buffer, cancellationToken);
        return buffer;
    }
}
