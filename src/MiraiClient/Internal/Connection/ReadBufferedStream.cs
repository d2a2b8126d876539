namespace MiraiClient.Internal;

/// <summary>
/// A duplex stream that reads its inner stream in large chunks and passes writes straight through.
/// <see cref="BufferedStream"/> cannot do this: it shares one buffer between reading and writing, and a
/// socket is read and written at the same time.
/// </summary>
internal sealed class ReadBufferedStream : Stream
{
    private readonly Stream _inner;
    private readonly byte[] _buffer;
    private int _position;
    private int _length;

    public ReadBufferedStream(Stream inner, int bufferSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, 1);
        _inner = inner;
        _buffer = new byte[bufferSize];
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    // Pooled: a read that waits for the socket would otherwise allocate its state machine every time.
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position == _length)
        {
            // A read at least as large as the buffer gains nothing from it.
            if (buffer.Length >= _buffer.Length)
            {
                return await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }

            _length = await _inner.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
            _position = 0;
        }

        return CopyBuffered(buffer.Span);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(Span<byte> buffer)
    {
        if (_position == _length)
        {
            if (buffer.Length >= _buffer.Length)
            {
                return _inner.Read(buffer);
            }

            _length = _inner.Read(_buffer);
            _position = 0;
        }

        return CopyBuffered(buffer);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        _inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Write(ReadOnlySpan<byte> buffer) => _inner.Write(buffer);

    public override void Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);

    public override void Flush() => _inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int CopyBuffered(Span<byte> destination)
    {
        var count = Math.Min(destination.Length, _length - _position);
        _buffer.AsSpan(_position, count).CopyTo(destination);
        _position += count;
        return count;
    }
}
