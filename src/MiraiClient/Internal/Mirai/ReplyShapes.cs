using System.Text.Json.Serialization.Metadata;

namespace MiraiClient.Internal;

/// <summary>The reply shapes of mirai-api-http (PROTOCOL §2.3) as reusable <see cref="ReplyShape{T}"/>
/// instances, so a typed command names its command word once and passes a shape. Each decodes its reply in
/// one parse (<see cref="Replies"/>); any shape with a non-zero integer <c>code</c> is a
/// <see cref="MiraiApiException"/>.</summary>
internal static class MiraiReply
{
    /// <summary>Shape S: a status, nothing else.</summary>
    public static readonly ReplyShape<bool> Status = new StatusShape();

    /// <summary>Shape M: a send receipt, the message id; a send answered with message id -1 (nothing was delivered) fails.</summary>
    public static readonly ReplyShape<int> Receipt = new ReceiptShape(allowUndelivered: false);

    /// <summary>Shape M, returning -1 for a send the server did not deliver instead of failing.</summary>
    public static readonly ReplyShape<int> UndeliveredReceipt = new ReceiptShape(allowUndelivered: true);

    /// <summary>Shape R whose payload is a message packet or null.</summary>
    public static readonly ReplyShape<MessageEvent?> Message = new MessageShape();

    /// <summary>Shape R whose payload is an array of message packets.</summary>
    public static readonly ReplyShape<IReadOnlyList<MessageEvent>> Messages = new MessagesShape();

    /// <summary>Shape R: the payload is under <c>data</c>.</summary>
    public static ReplyShape<T> Restful<T>(JsonTypeInfo<T> info) => RestfulCache<T>.Get(info);

    /// <summary>Shape R whose payload is an array, returned as a read-only list.</summary>
    public static ReplyShape<IReadOnlyList<T>> RestfulList<T>(JsonTypeInfo<T[]> info) => RestfulListCache<T>.Get(info);

    /// <summary>Shape R whose payload should be one object (an array yields its first).</summary>
    public static ReplyShape<T> RestfulOne<T>(JsonTypeInfo<T> info)
        where T : class => RestfulOneCache<T>.Get(info);

    /// <summary>Shape B: the payload itself, unless it is an error status.</summary>
    public static ReplyShape<T> Bare<T>(JsonTypeInfo<T> info) => BareCache<T>.Get(info);

    private sealed class StatusShape : ReplyShape<bool>
    {
        public override bool DecodesSpan => true;

        public override bool Decode(string name, byte[] reply) => DecodeSpan(name, reply);

        public override bool DecodeSpan(string name, ReadOnlySpan<byte> reply)
        {
            Replies.Status(name, reply);
            return true;
        }
    }

    /// <summary>The send receipt; decoded from a pooled reply (see <see cref="CommandInvoker{TEvent}"/>, bytes per request).</summary>
    private sealed class ReceiptShape(bool allowUndelivered) : ReplyShape<int>
    {
        public override bool DecodesSpan => true;

        public override int Decode(string name, byte[] reply) => Replies.SendReceipt(name, reply, allowUndelivered);

        public override int DecodeSpan(string name, ReadOnlySpan<byte> reply) => Replies.SendReceipt(name, reply, allowUndelivered);
    }

    private sealed class MessageShape : ReplyShape<MessageEvent?>
    {
        public override MessageEvent? Decode(string name, byte[] reply) => Replies.RestfulMessage(name, reply);
    }

    private sealed class MessagesShape : ReplyShape<IReadOnlyList<MessageEvent>>
    {
        public override IReadOnlyList<MessageEvent> Decode(string name, byte[] reply) => Replies.RestfulMessages(name, reply);
    }

    // One shape per result type: each type has one source-generated JsonTypeInfo, so the cache is one field.
    private static class RestfulCache<T>
    {
        private static ReplyShape<T>? s_shape;

        public static ReplyShape<T> Get(JsonTypeInfo<T> info) => s_shape ??= new Shape(info);

        private sealed class Shape(JsonTypeInfo<T> info) : ReplyShape<T>
        {
            public override T Decode(string name, byte[] reply) => Replies.Restful(name, reply, info);
        }
    }

    private static class RestfulListCache<T>
    {
        private static ReplyShape<IReadOnlyList<T>>? s_shape;

        public static ReplyShape<IReadOnlyList<T>> Get(JsonTypeInfo<T[]> info) => s_shape ??= new Shape(info);

        private sealed class Shape(JsonTypeInfo<T[]> info) : ReplyShape<IReadOnlyList<T>>
        {
            public override IReadOnlyList<T> Decode(string name, byte[] reply) => Replies.Restful(name, reply, info);
        }
    }

    private static class RestfulOneCache<T>
        where T : class
    {
        private static ReplyShape<T>? s_shape;

        public static ReplyShape<T> Get(JsonTypeInfo<T> info) => s_shape ??= new Shape(info);

        private sealed class Shape(JsonTypeInfo<T> info) : ReplyShape<T>
        {
            public override T Decode(string name, byte[] reply) => Replies.RestfulOne(name, reply, info);
        }
    }

    private static class BareCache<T>
    {
        private static ReplyShape<T>? s_shape;

        public static ReplyShape<T> Get(JsonTypeInfo<T> info) => s_shape ??= new Shape(info);

        private sealed class Shape(JsonTypeInfo<T> info) : ReplyShape<T>
        {
            public override T Decode(string name, byte[] reply) => Replies.Bare(name, reply, info);
        }
    }
}
