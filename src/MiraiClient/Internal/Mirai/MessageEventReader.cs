using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace MiraiClient.Internal;

/// <summary>
/// The hot case of <see cref="MiraiFrameDecoder"/>: decodes the nine message events, which are nearly all
/// of the traffic, with the decoder's own <see cref="Utf8JsonReader"/> in one forward pass into the same
/// records the serializer builds.
/// </summary>
/// <remarks>
/// <para><b>Replaces</b> System.Text.Json's source-generated deserialization for these events (which remains
/// the reference semantics, and the path for every other shape).</para>
/// <para><b>Why</b>: a ~870-byte GroupMessage frame decodes in 0.43× the time of the source-generated
/// baseline with 0.27× its allocations (benchmarks/RESULTS.md, "Decode one GroupMessage frame"): small values
/// that repeat are shared through a <see cref="DecodeCache"/>, and nothing is parsed twice.</para>
/// <para><b>Contract</b>: it accepts only the shapes the server writes (type first, values of the declared JSON
/// kind). On anything else it declines (returns <see langword="false"/> with the caller's reader untouched)
/// and the serializer decides, with its own typed errors; so it can never decide a frame differently.
/// <see cref="Contract"/> names, per model type, the properties it reads and those it hands to the serializer;
/// a test fails when a public model property is in neither list, so a field added to a model cannot be
/// silently skipped here.</para>
/// </remarks>
internal static partial class MessageEventReader
{
    /// <summary>Gets, per model type this reader builds, the wire names of the properties it reads itself (an
    /// element's <c>type</c> is the name it dispatched on) and of those it hands to the serializer. Every other
    /// member of the JSON is skipped.</summary>
    internal static IReadOnlyDictionary<Type, (string[] Read, string[] Serialized)> Contract { get; } = new Dictionary<Type, (string[], string[])>
    {
        [typeof(FriendMessage)] = (["messageChain", "sender"], []),
        [typeof(GroupMessage)] = (["messageChain", "sender"], []),
        [typeof(TempMessage)] = (["messageChain", "sender"], []),
        [typeof(StrangerMessage)] = (["messageChain", "sender"], []),
        [typeof(OtherClientMessage)] = (["messageChain", "sender"], []),
        [typeof(FriendSyncMessage)] = (["messageChain", "subject"], []),
        [typeof(GroupSyncMessage)] = (["messageChain", "subject"], []),
        [typeof(TempSyncMessage)] = (["messageChain", "subject"], []),
        [typeof(StrangerSyncMessage)] = (["messageChain", "subject"], []),
        [typeof(Member)] = (["id", "memberName", "specialTitle", "permission", "joinTimestamp", "lastSpeakTimestamp", "muteTimeRemaining", "group"], ["active"]),
        [typeof(Group)] = (["id", "name", "permission"], []),
        [typeof(Friend)] = (["id", "nickname", "remark"], []),
        [typeof(OtherClient)] = (["id", "platform"], []),
        [typeof(PlainElement)] = (["type", "text"], []),
        [typeof(SourceElement)] = (["type", "id", "time"], []),
        [typeof(AtElement)] = (["type", "target", "display"], []),
        [typeof(AtAllElement)] = (["type"], []),
        [typeof(FaceElement)] = (["type", "faceId", "name", "isSuperFace"], []),
        [typeof(ImageElement)] = (["type", "imageId", "url", "width", "height", "size", "imageType", "isEmoji", "path", "base64"], []),
        [typeof(FlashImageElement)] = (["type", "imageId", "url", "width", "height", "size", "imageType", "isEmoji", "path", "base64"], []),
    };

    /// <summary>Decodes the event object the reader stands on, when it is a message event in the server's shape.</summary>
    /// <param name="reader">The decoder's reader, on the event's <see cref="JsonTokenType.StartObject"/>; on success it
    /// is left on the matching <see cref="JsonTokenType.EndObject"/>, on failure it is not moved.</param>
    /// <param name="cache">Shared small values, or <see langword="null"/>.</param>
    /// <param name="item">The event.</param>
    /// <returns>Whether it was decoded; when not, the serializer must decide it.</returns>
    public static bool TryRead(ref Utf8JsonReader reader, DecodeCache? cache, [NotNullWhen(true)] out MessageEvent? item)
    {
        item = null;
        var copy = reader;
        try
        {
            if (copy.TokenType != JsonTokenType.StartObject
                || !copy.Read() || copy.TokenType != JsonTokenType.PropertyName || !copy.ValueTextEquals("type"u8)
                || !copy.Read() || copy.TokenType != JsonTokenType.String
                || KindOf(ref copy) is not { } kind)
            {
                return false;
            }

            MessageChain? chain = null;
            object? party = null;
            while (copy.Read() && copy.TokenType == JsonTokenType.PropertyName)
            {
                if (copy.ValueTextEquals("messageChain"u8))
                {
                    copy.Read();
                    chain = ReadChain(ref copy, cache);
                    if (chain is null)
                    {
                        return false;
                    }
                }
                else if (copy.ValueTextEquals(kind.Utf8PartyProperty))
                {
                    copy.Read();
                    party = ReadParty(kind.Party, ref copy, cache);
                    if (party is null)
                    {
                        return false;
                    }
                }
                else
                {
                    copy.Read();
                    copy.Skip();
                }
            }

            if (copy.TokenType != JsonTokenType.EndObject || chain is null || party is null)
            {
                return false;
            }

            item = kind.Create(chain, party);
            reader = copy;
            return true;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Invalid JSON or text: the serializer path reports it with its own words.
            item = null;
            return false;
        }
    }

    private static MessageEventType? KindOf(ref Utf8JsonReader reader)
    {
        foreach (var kind in MiraiTypes.MessageEvents)
        {
            if (reader.ValueTextEquals(kind.Utf8Name))
            {
                return kind;
            }
        }

        return null;
    }

    private static object? ReadParty(MessageParty party, ref Utf8JsonReader reader, DecodeCache? cache) => party switch
    {
        MessageParty.Member => ReadMember(ref reader, cache),
        MessageParty.Friend => ReadFriend(ref reader, cache),
        MessageParty.Group => ReadGroup(ref reader, cache),
        _ => ReadOtherClient(ref reader, cache),
    };
}
