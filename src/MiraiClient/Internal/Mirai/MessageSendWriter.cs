using System.Text.Json;

namespace MiraiClient.Internal;

/// <summary>Writes the content of <c>sendGroupMessage</c>, <c>sendFriendMessage</c> and
/// <c>sendOtherClientMessage</c>, and the commonest elements of any chain, directly with the
/// <see cref="Utf8JsonWriter"/>.</summary>
/// <remarks>
/// <para><b>Replaces</b> the serializer's metadata path for <see cref="SendMessageContent"/> and for
/// <see cref="PlainElement"/> and <see cref="AtElement"/>: a root <c>JsonSerializer.Serialize</c> call for the
/// content and another for every element, each walking the type's property metadata.</para>
/// <para><b>Contract</b>: the bytes are exactly the serializer's for the same value (property names, order,
/// <c>"quote":null</c>, the writer's escaping); <c>MessageChainPropertyTests.AnySend_IsEncodedExactlyAsTheSerializerWritesIt</c> compares the two for every
/// element type, escapes and non-ASCII text. Elements it does not write itself go to the serializer, as before.</para>
/// <para><b>Why</b>: the request's encoding is on the critical path of every send. <c>EncodeSendGroupMessage</c>
/// (BenchmarkDotNet, a one-element chain, 2026-12-02, two runs before and two after on the same machine):
/// 761–812 ns → 585–597 ns per frame (benchmarks/RESULTS.md, "Encoding a send").</para>
/// </remarks>
internal static class MessageSendWriter
{
    /// <summary>Writes <c>{"target":…,"quote":…,"messageChain":[…]}</c>.</summary>
    public static void WriteContent(Utf8JsonWriter writer, SendMessageContent content)
    {
        writer.WriteStartObject();
        writer.WriteNumber("target"u8, content.Target);
        if (content.Quote is { } quote)
        {
            writer.WriteNumber("quote"u8, quote);
        }
        else
        {
            writer.WriteNull("quote"u8);
        }

        writer.WritePropertyName("messageChain"u8);
        MessageChainConverter.WriteChain(writer, content.MessageChain);
        writer.WriteEndObject();
    }

    /// <summary>Writes a plain text or a mention; other elements are left to the serializer.</summary>
    /// <returns>Whether the element was written.</returns>
    public static bool TryWriteElement(Utf8JsonWriter writer, MessageElement element)
    {
        switch (element)
        {
            case PlainElement plain:
                writer.WriteStartObject();
                writer.WriteString("type"u8, "Plain"u8);
                writer.WriteString("text"u8, plain.Text);
                writer.WriteEndObject();
                return true;
            case AtElement at:
                writer.WriteStartObject();
                writer.WriteString("type"u8, "At"u8);
                writer.WriteNumber("target"u8, at.Target);
                writer.WriteString("display"u8, at.Display);
                writer.WriteEndObject();
                return true;
            default:
                return false;
        }
    }
}
