using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using CsCheck;
using MiraiClient.Internal;
using MiraiClient.Tests.Infrastructure;

namespace MiraiClient.Tests;

public class SocketTransportTests(ITestOutputHelper output) : ConnectionTestBase(output)
{
    private static (ClientWebSocketOptions Options, IWebProxy? DefaultProxy) FreshOptions()
    {
        var socket = new ClientWebSocket();
        return (socket.Options, socket.Options.Proxy);
    }

    [Fact]
    public void DefaultOptions_ConnectThroughTheBufferedTransport_AndProxyNullThroughItsNoProxyVariant()
    {
        var (options, defaultProxy) = FreshOptions();
        var withSystemProxy = SocketTransport.InvokerFor(options, defaultProxy);
        Assert.NotNull(withSystemProxy);
        Assert.Same(withSystemProxy, SocketTransport.InvokerFor(FreshOptions().Options, defaultProxy));

        options.Proxy = null;
        var withoutProxy = SocketTransport.InvokerFor(options, defaultProxy);
        Assert.NotNull(withoutProxy);
        Assert.NotSame(withSystemProxy, withoutProxy);
    }

    public static TheoryData<string> IncompatibleOptions => new()
    {
        "credentials", "default credentials", "client certificate", "certificate check", "cookies", "custom proxy",
    };

    [Theory]
    [MemberData(nameof(IncompatibleOptions))]
    public void OptionsOnlyTheRuntimesHandlerCanCarry_FallBackToIt(string setting)
    {
        var (options, defaultProxy) = FreshOptions();
        switch (setting)
        {
            case "credentials": options.Credentials = new NetworkCredential("user", "password"); break;
            case "default credentials": options.UseDefaultCredentials = true; break;
            case "client certificate": options.ClientCertificates.Add(CreateCertificate()); break;
            case "certificate check": options.RemoteCertificateValidationCallback = (_, _, _, errors) => errors == System.Net.Security.SslPolicyErrors.None; break;
            case "cookies": options.Cookies = new CookieContainer(); break;
            case "custom proxy": options.Proxy = new WebProxy("http://127.0.0.1:9"); break;
        }

        Assert.Null(SocketTransport.InvokerFor(options, defaultProxy));
    }

    [Fact]
    public async Task ConnectionWithCookies_ConnectsThroughTheRuntimesHandler_AndEventsFlow()
    {
        var backend = await StartBackendAsync();
        var options = FastOptions(backend.Uri);
        options.ConfigureWebSocket = socket => socket.Cookies = new CookieContainer();
        var connection = CreateConnection(options);
        var events = connection.GetEventsAsync<FriendMessage>(TestToken);
        await Within(connection.ConnectAsync(TestToken));
        await backend.PushFriendMessageAsync(1, "through the runtime's handler");
        var received = await Within(events.FirstAsync(TestToken).AsTask());
        Assert.Equal("through the runtime's handler", received.MessageChain.ToPlainText());
    }

    [Fact]
    public async Task LargeFramesSpanningManyReads_ArriveWhole()
    {
        // Frames of 200 KiB to 1 MiB cross the 64 KiB read buffer many times, and are larger than it.
        var backend = await StartBackendAsync();
        var options = FastOptions(backend.Uri);
        options.MaxMessageSize = 4 * 1024 * 1024;
        var connection = CreateConnection(options);
        var events = connection.GetEventsAsync<FriendMessage>(TestToken);
        await Within(connection.ConnectAsync(TestToken));
        var texts = new[] { 200_000, 70_000, 1_000_000, 65_536, 3 }.Select((length, i) => new string((char)('a' + i), length)).ToArray();
        foreach (var text in texts)
        {
            await backend.PushFriendMessageAsync(1, text);
        }

        var received = await Within(events.Take(texts.Length).ToListAsync(TestToken).AsTask());
        Assert.Equal(texts, received.Select(m => m.MessageChain.ToPlainText()));
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new CertificateRequest("CN=client", key, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }
}

public class ReadBufferedStreamTests
{
    /// <summary>An inner stream that hands out its data in reads no larger than it chooses.</summary>
    private sealed class TrickleStream(byte[] data, int[] readSizes) : Stream
    {
        private int _offset;
        private int _readIndex;

        public int Reads { get; private set; }

        public bool Disposed { get; private set; }

        public MemoryStream Written { get; } = new();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(Span<byte> buffer)
        {
            Reads++;
            var size = Math.Min(Math.Min(buffer.Length, readSizes[_readIndex++ % readSizes.Length]), data.Length - _offset);
            data.AsSpan(_offset, size).CopyTo(buffer);
            _offset += size;
            return size;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            return Read(buffer.Span);
        }

        public override void Write(byte[] buffer, int offset, int count) => Written.Write(buffer, offset, count);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }

    [Fact]
    public void AnySequenceOfReadSizes_ReproducesTheInnerStreamExactly()
    {
        Gen.Select(Gen.Byte.Array[0, 5000], Gen.Int[1, 700].Array[1, 8], Gen.Int[0, 900].Array[1, 8], Gen.Int[1, 600], Gen.Bool)
            .Sample((data, innerSizes, readSizes, bufferSize, useAsync) =>
            {
                var inner = new TrickleStream(data, innerSizes);
                using var stream = new ReadBufferedStream(inner, bufferSize);
                var output = new MemoryStream();
                var buffer = new byte[readSizes.Max()];
                for (var i = 0; ; i++)
                {
                    var size = readSizes[i % readSizes.Length];
                    if (size == 0)
                    {
                        Assert.Equal(0, stream.Read(buffer, 0, 0));
                        continue;
                    }

                    var read = useAsync
                        ? stream.ReadAsync(buffer.AsMemory(0, size)).AsTask().GetAwaiter().GetResult()
                        : stream.Read(buffer.AsSpan(0, size));
                    if (read == 0)
                    {
                        break;
                    }

                    output.Write(buffer, 0, read);
                }

                Assert.Equal(data, output.ToArray());
            });
    }

    [Fact]
    public async Task SmallReads_AreServedFromOneLargeInnerRead()
    {
        var data = Enumerable.Range(0, 4096).Select(i => (byte)i).ToArray();
        var inner = new TrickleStream(data, [int.MaxValue]);
        await using var stream = new ReadBufferedStream(inner, 4096);
        var buffer = new byte[14];
        var total = 0;
        while (total < data.Length)
        {
            total += await stream.ReadAsync(buffer.AsMemory(0, Math.Min(14, data.Length - total)), TestContext.Current.CancellationToken);
        }

        Assert.Equal(1, inner.Reads);
    }

    [Fact]
    public void Writes_PassStraightThrough_AndDisposeDisposesTheInnerStream()
    {
        var inner = new TrickleStream([1, 2, 3], [1]);
        var stream = new ReadBufferedStream(inner, 16);
        Assert.Equal(1, stream.ReadByte());
        stream.Write([9, 8, 7]);
        Assert.Equal(new byte[] { 9, 8, 7 }, inner.Written.ToArray());
        Assert.Equal(2, stream.ReadByte());
        stream.Dispose();
        Assert.True(inner.Disposed);
    }

    [Fact]
    public void TextIsTrustedAsChecked_OnlyFromTheRuntimesOwnSockets()
    {
        using var client = new ClientWebSocket();
        using var fromStream = WebSocket.CreateFromStream(new MemoryStream(), new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
        using var other = new PassThroughSocket(fromStream);

        Assert.True(SocketTransport.ChecksText(client));
        Assert.True(SocketTransport.ChecksText(fromStream));
        Assert.False(SocketTransport.ChecksText(other));
    }

    /// <summary>A socket of some other implementation: it may hand over text it never checked.</summary>
    private sealed class PassThroughSocket(WebSocket inner) : WebSocket
    {
        public override WebSocketCloseStatus? CloseStatus => inner.CloseStatus;

        public override string? CloseStatusDescription => inner.CloseStatusDescription;

        public override WebSocketState State => inner.State;

        public override string? SubProtocol => inner.SubProtocol;

        public override void Abort() => inner.Abort();

        public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) => inner.CloseAsync(closeStatus, statusDescription, cancellationToken);

        public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) => inner.CloseOutputAsync(closeStatus, statusDescription, cancellationToken);

        public override void Dispose() => inner.Dispose();

        public override Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken) => inner.ReceiveAsync(buffer, cancellationToken);

        public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken) => inner.SendAsync(buffer, messageType, endOfMessage, cancellationToken);
    }
}
