using MiraiClient.Tests.Infrastructure;

namespace MiraiClient.Tests;

public class UploadTests(ITestOutputHelper output) : ConnectionTestBase(output)
{
    private async Task<(MiraiClient.Testing.FakeMiraiBackend Backend, MiraiConnection Connection)> ConnectedAsync(bool serveUploads = true, bool httpAdapter = false)
    {
        var backend = await StartBackendAsync(o => o.ServeUploads = serveUploads);
        var options = FastOptions(backend.Uri);
        if (httpAdapter)
        {
            options.HttpAdapterUri = new Uri($"http://127.0.0.1:{backend.Port}");
        }

        var connection = CreateConnection(options);
        await Within(connection.ConnectAsync(TestToken));
        return (backend, connection);
    }

    [Fact]
    public async Task UploadImage_PostsMultipartWithTheSessionKeyInTheBody_AndReturnsTheImageId()
    {
        var (backend, connection) = await ConnectedAsync();
        var bytes = Enumerable.Range(0, 300_000).Select(i => (byte)i).ToArray();
        using var content = new MemoryStream(bytes);
        var result = await Within(connection.Uploads.UploadImageAsync(content, "cat.png", UploadTarget.Group, TestToken));
        Assert.EndsWith(".mirai", result.ImageId, StringComparison.Ordinal);

        var upload = Assert.Single(backend.ReceivedUploads);
        Assert.Equal("/uploadImage", upload.Route);
        Assert.Equal("group", upload.Fields["type"]);
        Assert.Equal((await Within(connection.GetSessionInfoAsync(TestToken))).SessionKey, upload.Fields["sessionKey"]);
        Assert.Equal("cat.png", upload.Files["img"].FileName);
        Assert.Equal(bytes, upload.Files["img"].Content);
    }

    [Fact]
    public async Task UploadFromANonSeekableStream_IsStreamedChunked()
    {
        var (backend, connection) = await ConnectedAsync();
        var bytes = Enumerable.Range(0, 100_000).Select(i => (byte)(i * 7)).ToArray();
        await using var content = new OneWayStream(bytes);
        var result = await Within(connection.Uploads.UploadVoiceAsync(content, "hello.amr", UploadTarget.Friend, TestToken));
        Assert.EndsWith(".amr", result.VoiceId, StringComparison.Ordinal);
        var upload = Assert.Single(backend.ReceivedUploads);
        Assert.Equal("friend", upload.Fields["type"]);
        Assert.Equal(bytes, upload.Files["voice"].Content);
    }

    [Fact]
    public async Task UploadShortVideo_SendsVideoAndThumbnail()
    {
        var (backend, connection) = await ConnectedAsync();
        using var video = new MemoryStream([1, 2, 3]);
        using var thumbnail = new MemoryStream([4, 5]);
        var result = await Within(connection.Uploads.UploadShortVideoAsync(video, "v.mp4", thumbnail, "t.jpg", UploadTarget.Temp, TestToken));
        Assert.False(string.IsNullOrEmpty(result.VideoId));
        var upload = Assert.Single(backend.ReceivedUploads);
        Assert.Equal([1, 2, 3], upload.Files["video"].Content);
        Assert.Equal([4, 5], upload.Files["thumbnail"].Content);
        Assert.Equal("temp", upload.Fields["type"]);
    }

    [Fact]
    public async Task UploadGroupFile_GoesToTheHttpAdapter()
    {
        var (backend, connection) = await ConnectedAsync(httpAdapter: true);
        using var content = new MemoryStream("hello"u8.ToArray());
        var file = await Within(connection.Uploads.UploadGroupFileAsync(123, "", content, "notes.txt", TestToken));
        Assert.Equal("notes.txt", file.Name);
        Assert.Equal(5, file.Size);
        var upload = Assert.Single(backend.ReceivedUploads);
        Assert.Equal("/file/upload", upload.Route);
        Assert.Equal("123", upload.Fields["target"]);
    }

    [Fact]
    public async Task UploadGroupFile_WithoutTheHttpAdapter_IsAClearMisuseError()
    {
        var (_, connection) = await ConnectedAsync();
        using var content = new MemoryStream([1]);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => connection.Uploads.UploadGroupFileAsync(1, "", content, "a", TestToken));
        Assert.Contains("HttpAdapterUri", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerWithoutTheUploadRoutes_FailsWithATypedError()
    {
        var (_, connection) = await ConnectedAsync(serveUploads: false);
        using var content = new MemoryStream([1]);
        var error = await Assert.ThrowsAsync<MiraiApiException>(() => Within(connection.Uploads.UploadImageAsync(content, "a.png", UploadTarget.Friend, TestToken)));
        Assert.Equal(404, error.Code);
        Assert.Contains("does not offer /uploadImage", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancelledUpload_ThrowsOperationCanceled()
    {
        var (_, connection) = await ConnectedAsync();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        using var content = new MemoryStream([1]);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connection.Uploads.UploadImageAsync(content, "a.png", UploadTarget.Friend, cts.Token));
    }

    /// <summary>A stream that cannot seek or report its length, so the upload must be chunked.</summary>
    private sealed class OneWayStream(byte[] data) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(Math.Min(count, 7000), data.Length - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
