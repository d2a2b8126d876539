using System.Buffers;

namespace MiraiClient.Internal;

/// <summary>An encoded request in an array rented from <see cref="ArrayPool{T}.Shared"/>; whoever holds it
/// last returns it with <see cref="Return"/>.</summary>
internal readonly record struct RequestFrame(byte[] Buffer, int Length)
{
    public ReadOnlyMemory<byte> Memory => Buffer.AsMemory(0, Length);

    public void Return() => ArrayPool<byte>.Shared.Return(Buffer);
}
