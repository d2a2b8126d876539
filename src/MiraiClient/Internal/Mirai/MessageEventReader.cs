using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Unicode;

namespace MiraiClient.Internal;

/// <summary>
/// Decodes the nine message events, which are nearly all of the traffic, with one forward pass of
/// <see cref="Utf8JsonReader"/> into the same records the serializer builds.
/// </summary>
/// <remarks>
/// It only accepts the shapes the server writes (type first, values of the declared JSON kind). On
/// anything else it returns <see langword="false"/> and the caller decodes with the serializer, which
/// defines the semantics and produces the typed errors; so this reader can be fast without ever
/// deciding a frame differently. Elements other than the common ones are handed to the serializer in
/// place.
/// </remarks>
internal static class MessageEventReader
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 128 };

    private enum Kind
    {
        None,
        Friend,
        Group,
        Temp,
        Stranger,
        OtherClient,
        FriendSync,
        GroupSync,
        TempSync,
        StrangerSync,
    }

    /// <summary>Builds the exact bytes an event frame starts with when written by the server:
    /// <c>{"syncId":"&lt;reserved&gt;","data":</c>.</summary>
    /// <param name="reservedSyncId">The reserved event sync id.</param>
    /// <returns>The prefix, or <see langword="null"/> when the id would need escaping (then every frame takes the general path).</returns>
    public static byte[]? EventFramePrefix(string reservedSyncId)
    {
        foreach (var c in reservedSyncId)
        {
            if (c < 0x20 || c > 0x7E || c is '"' or '\\')
            {
                return null;
            }
        }

        return System.Text.Encoding.UTF8.GetBytes($"{{\"syncId\":\"{reservedSyncId}\",\"data\":");
    }

    /// <summary>Decodes a whole event frame in one pass when it has the server's exact envelope.</summary>
    /// <param name="message">The whole inbound message.</param>
    /// <param name="prefix">From <see cref="EventFramePrefix"/>.</param>
    /// <param name="cache">Shared small values.</param>
    /// <param name="item">The event.</param>
    /// <returns>Whether the frame was decoded; when not, the general path must decide it.</returns>
    public static bool TryReadEventFrame(ReadOnlySpan<byte> message, ReadOnlySpan<byte> prefix, DecodeCache? cache, [NotNullWhen(true)] out MessageEvent? item)
    {
        item = null;
        if (!message.StartsWith(prefix) || !Utf8.IsValid(message))
        {
            return false;
        }

        var data = message[prefix.Length..];
        if (!TryRead(data, cache, out item, out var consumed))
        {
            return false;
        }

        // The envelope must close right after the data, as the general reader would insist.
        var rest = data[consumed..].TrimStart(" \t\r\n"u8);
        if (rest.IsEmpty || rest[0] != (byte)'}' || !rest[1..].TrimStart(" \t\r\n"u8).IsEmpty)
        {
            item = null;
            return false;
        }

        return true;
    }

    /// <summary>Decodes the <c>data</c> object of a message event.</summary>
    /// <param name="data">UTF-8 starting at the object; may continue past it.</param>
    /// <param name="cache">Shared small values, or <see langword="null"/>.</param>
    /// <param name="item">The event.</param>
    /// <param name="consumed">The length of the object.</param>
    /// <returns>Whether it was decoded.</returns>
    public static bool TryRead(ReadOnlySpan<byte> data, DecodeCache? cache, [NotNullWhen(true)] out MessageEvent? item, out int consumed)
    {
        item = null;
        consumed = 0;
        try
        {
            var reader = new Utf8JsonReader(data, ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject
                || !reader.Read() || reader.TokenType != JsonTokenType.PropertyName || !reader.ValueTextEquals("type"u8)
                || !reader.Read() || reader.TokenType != JsonTokenType.String)
            {
                return false;
            }

            var kind = KindOf(ref reader);
            if (kind == Kind.None)
            {
                return false;
            }

            var partyName = kind >= Kind.FriendSync ? "subject"u8 : "sender"u8;
            MessageChain? chain = null;
            object? party = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("messageChain"u8))
                {
                    reader.Read();
                    chain = ReadChain(ref reader, cache);
                    if (chain is null)
                    {
                        return false;
                    }
                }
                else if (reader.ValueTextEquals(partyName))
                {
                    reader.Read();
                    party = ReadParty(kind, ref reader, cache);
                    if (party is null)
                    {
                        return false;
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || chain is null || party is null)
            {
                return false;
            }

            consumed = (int)reader.BytesConsumed;
            item = Create(kind, chain, party);
            return true;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Invalid JSON or text: the serializer path reports it with its own words.
            item = null;
            return false;
        }
    }

    private static Kind KindOf(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("GroupMessage"u8) ? Kind.Group
        : reader.ValueTextEquals("FriendMessage"u8) ? Kind.Friend
        : reader.ValueTextEquals("TempMessage"u8) ? Kind.Temp
        : reader.ValueTextEquals("StrangerMessage"u8) ? Kind.Stranger
        : reader.ValueTextEquals("OtherClientMessage"u8) ? Kind.OtherClient
        : reader.ValueTextEquals("FriendSyncMessage"u8) ? Kind.FriendSync
        : reader.ValueTextEquals("GroupSyncMessage"u8) ? Kind.GroupSync
        : reader.ValueTextEquals("TempSyncMessage"u8) ? Kind.TempSync
        : reader.ValueTextEquals("StrangerSyncMessage"u8) ? Kind.StrangerSync
        : Kind.None;

    private static object? ReadParty(Kind kind, ref Utf8JsonReader reader, DecodeCache? cache) => kind switch
    {
        Kind.Group or Kind.Temp or Kind.TempSync => ReadMember(ref reader, cache),
        Kind.Friend or Kind.Stranger or Kind.FriendSync or Kind.StrangerSync => ReadFriend(ref reader, cache),
        Kind.GroupSync => ReadGroup(ref reader, cache),
        _ => ReadOtherClient(ref reader, cache),
    };

    private static MessageEvent Create(Kind kind, MessageChain chain, object party) => kind switch
    {
        Kind.Group => new GroupMessage { MessageChain = chain, Sender = (Member)party },
        Kind.Friend => new FriendMessage { MessageChain = chain, Sender = (Friend)party },
        Kind.Temp => new TempMessage { MessageChain = chain, Sender = (Member)party },
        Kind.Stranger => new StrangerMessage { MessageChain = chain, Sender = (Friend)party },
        Kind.OtherClient => new OtherClientMessage { MessageChain = chain, Sender = (OtherClient)party },
        Kind.FriendSync => new FriendSyncMessage { MessageChain = chain, Subject = (Friend)party },
        Kind.GroupSync => new GroupSyncMessage { MessageChain = chain, Subject = (Group)party },
        Kind.TempSync => new TempSyncMessage { MessageChain = chain, Subject = (Member)party },
        _ => new StrangerSyncMessage { MessageChain = chain, Subject = (Friend)party },
    };

    private static MessageChain? ReadChain(ref Utf8JsonReader reader, DecodeCache? cache)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return null;
        }

        var rented = ArrayPool<MessageElement>.Shared.Rent(8);
        var count = 0;
        try
        {
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (ReadElement(ref reader, cache) is not { } element)
                {
                    return null;
                }

                if (count == rented.Length)
                {
                    var larger = ArrayPool<MessageElement>.Shared.Rent(count * 2);
                    rented.AsSpan(0, count).CopyTo(larger);
                    ArrayPool<MessageElement>.Shared.Return(rented, clearArray: true);
                    rented = larger;
                }

                rented[count++] = element;
            }

            return count == 0 ? MessageChain.Empty : MessageChain.FromOwnedArray(rented.AsSpan(0, count).ToArray());
        }
        finally
        {
            ArrayPool<MessageElement>.Shared.Return(rented, clearArray: true);
        }
    }

    private static MessageElement? ReadElement(ref Utf8JsonReader reader, DecodeCache? cache)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        var start = reader;
        reader.Read();
        if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("type"u8))
        {
            reader.Read();
            if (reader.TokenType == JsonTokenType.String)
            {
                MessageElement? element = reader.ValueTextEquals("Plain"u8) ? ReadPlain(ref reader)
                    : reader.ValueTextEquals("Source"u8) ? ReadSource(ref reader)
                    : reader.ValueTextEquals("At"u8) ? ReadAt(ref reader, cache)
                    : reader.ValueTextEquals("Face"u8) ? ReadFace(ref reader, cache)
                    : reader.ValueTextEquals("Image"u8) ? ReadImage(ref reader, cache, flash: false)
                    : reader.ValueTextEquals("FlashImage"u8) ? ReadImage(ref reader, cache, flash: true)
                    : reader.ValueTextEquals("AtAll"u8) ? ReadAtAll(ref reader)
                    : null;
                if (element is not null)
                {
                    return element;
                }
            }
        }

        // Any other element type, or an unusual shape: the serializer reads it from the start.
        reader = start;
        return MessageChainConverter.ReadElement(ref reader);
    }

    private static PlainElement? ReadPlain(ref Utf8JsonReader reader)
    {
        string? text = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("text"u8))
            {
                if (!ReadString(ref reader, null, out text))
                {
                    return null;
                }
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        return text is null ? null : new PlainElement { Text = text };
    }

    private static SourceElement? ReadSource(ref Utf8JsonReader reader)
    {
        int? id = null;
        long time = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                if (!ReadInt32(ref reader, out var value))
                {
                    return null;
                }

                id = value;
            }
            else if (reader.ValueTextEquals("time"u8))
            {
                if (!ReadInt64(ref reader, out time))
                {
                    return null;
                }
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        return id is { } found ? new SourceElement { Id = found, Time = time } : null;
    }

    private static AtElement? ReadAt(ref Utf8JsonReader reader, DecodeCache? cache)
    {
        long? target = null;
        var display = "";
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("target"u8))
            {
                if (!ReadInt64(ref reader, out var value))
                {
                    return null;
                }

                target = value;
            }
            else if (reader.ValueTextEquals("display"u8))
            {
                if (!ReadString(ref reader, cache, out var value) || value is null)
                {
                    return null;
                }

                display = value;
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        return target is { } found ? new AtElement { Target = found, Display = display } : null;
    }

    private static AtAllElement? ReadAtAll(ref Utf8JsonReader reader)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            SkipValue(ref reader);
        }

        return new AtAllElement();
    }

    private static FaceElement? ReadFace(ref Utf8JsonReader reader, DecodeCache? cache)
    {
        int? faceId = null;
        string? name = null;
        var isSuperFace = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("faceId"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null)
                {
                    faceId = null;
                }
                else if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var value))
                {
                    faceId = value;
                }
                else
                {
                    return null;
                }
            }
            else if (reader.ValueTextEquals("name"u8))
            {
                if (!ReadNullableString(ref reader, cache, out name))
                {
                    return null;
                }
            }
            else if (reader.ValueTextEquals("isSuperFace"u8))
            {
                if (!ReadBoolean(ref reader, out isSuperFace))
                {
                    return null;
                }
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        return new FaceElement { FaceId = faceId, Name = name, IsSuperFace = isSuperFace };
    }

    private static ImageElement? ReadImage(ref Utf8JsonReader reader, DecodeCache? cache, bool flash)
    {
        string? imageId = null, url = null, path = null, base64 = null, imageType = null;
        int width = 0, height = 0;
        long size = 0;
        var isEmoji = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var ok = reader.ValueTextEquals("imageId"u8) ? ReadNullableString(ref reader, null, out imageId)
                : reader.ValueTextEquals("url"u8) ? ReadNullableString(ref reader, null, out url)
                : reader.ValueTextEquals("width"u8) ? ReadInt32(ref reader, out width)
                : reader.ValueTextEquals("height"u8) ? ReadInt32(ref reader, out height)
                : reader.ValueTextEquals("size"u8) ? ReadInt64(ref reader, out size)
                : reader.ValueTextEquals("imageType"u8) ? ReadNullableString(ref reader, cache, out imageType)
                : reader.ValueTextEquals("isEmoji"u8) ? ReadBoolean(ref reader, out isEmoji)
                : reader.ValueTextEquals("path"u8) ? ReadNullableString(ref reader, null, out path)
                : reader.ValueTextEquals("base64"u8) ? ReadNullableString(ref reader, null, out base64)
                : SkipValue(ref reader);
            if (!ok)
            {
                return null;
            }
        }

        return flash
            ? new FlashImageElement { ImageId = imageId, Url = url, Path = path, Base64 = base64, Width = width, Height = height, Size = size, ImageType = imageType, IsEmoji = isEmoji }
            : new ImageElement { ImageId = imageId, Url = url, Path = path, Base64 = base64, Width = width, Height = height, Size = size, ImageType = imageType, IsEmoji = isEmoji };
    }

    private static Member? ReadMember(ref Utf8JsonReader reader, DecodeCache? cache)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        long? id = null;
        string memberName = "", specialTitle = "";
        var permission = GroupPermission.Unknown;
        long joinTimestamp = 0, lastSpeakTimestamp = 0;
        var muteTimeRemaining = 0;
        Group? group = null;
        MemberActive? active = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool ok;
            if (reader.ValueTextEquals("id"u8))
            {
                ok = ReadInt64(ref reader, out var value);
                id = value;
            }
            else if (reader.ValueTextEquals("memberName"u8))
            {
                ok = ReadString(ref reader, cache, out var value);
                memberName = value!;
            }
            else if (reader.ValueTextEquals("specialTitle"u8))
            {
                ok = ReadString(ref reader, cache, out var value);
                specialTitle = value!;
            }
            else if (reader.ValueTextEquals("permission"u8))
            {
                ok = ReadPermission(ref reader, out permission);
            }
            else if (reader.ValueTextEquals("joinTimestamp"u8))
            {
                ok = ReadInt64(ref reader, out joinTimestamp);
            }
            else if (reader.ValueTextEquals("lastSpeakTimestamp"u8))
            {
                ok = ReadInt64(ref reader, out lastSpeakTimestamp);
            }
            else if (reader.ValueTextEquals("muteTimeRemaining"u8))
            {
                ok = ReadInt32(ref reader, out muteTimeRemaining);
            }
            else if (reader.ValueTextEquals("group"u8))
            {
                reader.Read();
                group = ReadGroup(ref reader, cache);
                ok = group is not null;
            }
            else if (reader.ValueTextEquals("active"u8))
            {
                reader.Read();
                active = reader.TokenType == JsonTokenType.Null ? null : JsonSerializer.Deserialize(ref reader, MiraiJsonContext.Default.MemberActive);
                ok = true;
            }
            else
            {
                ok = SkipValue(ref reader);
            }

            if (!ok)
            {
                return null;
            }
        }

        if (id is not { } found || group is null)
        {
            return null;
        }

        return new Member
        {
            Id = found,
            MemberName = memberName,
            SpecialTitle = specialTitle,
            Permission = permission,
            JoinTimestamp = joinTimestamp,
            LastSpeakTimestamp = lastSpeakTimestamp,
            MuteTimeRemaining = muteTimeRemaining,
            Group = group,
            Active = active,
        };
    }

    private static Group? ReadGroup(ref Utf8JsonReader reader, DecodeCache? cache)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        long? id = null;
        var name = "";
        var permission = GroupPermission.Unknown;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool ok;
            if (reader.ValueTextEquals("id"u8))
            {
                ok = ReadInt64(ref reader, out var value);
                id = value;
            }
            else if (reader.ValueTextEquals("name"u8))
            {
                ok = ReadString(ref reader, cache, out var value);
                name = value!;
            }
            else if (reader.ValueTextEquals("permission"u8))
            {
                ok = ReadPermission(ref reader, out permission);
            }
            else
            {
                ok = SkipValue(ref reader);
            }

            if (!ok)
            {
                return null;
            }
        }

        if (id is not { } found)
        {
            return null;
        }

        return cache is null ? new Group { Id = found, Name = name, Permission = permission } : cache.GetGroup(found, name, permission);
    }

    private static Friend? ReadFriend(ref Utf8JsonReader reader, DecodeCache? cache)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        long? id = null;
        string nickname = "", remark = "";
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool ok;
            if (reader.ValueTextEquals("id"u8))
            {
                ok = ReadInt64(ref reader, out var value);
                id = value;
            }
            else if (reader.ValueTextEquals("nickname"u8))
            {
                ok = ReadString(ref reader, cache, out var value);
                nickname = value!;
            }
            else if (reader.ValueTextEquals("remark"u8))
            {
                ok = ReadString(ref reader, cache, out var value);
                remark = value!;
            }
            else
            {
                ok = SkipValue(ref reader);
            }

            if (!ok)
            {
                return null;
            }
        }

        return id is { } found ? new Friend { Id = found, Nickname = nickname, Remark = remark } : null;
    }

    private static OtherClient? ReadOtherClient(ref Utf8JsonReader reader, DecodeCache? cache)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        long? id = null;
        var platform = "";
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool ok;
            if (reader.ValueTextEquals("id"u8))
            {
                ok = ReadInt64(ref reader, out var value);
                id = value;
            }
            else if (reader.ValueTextEquals("platform"u8))
            {
                ok = ReadString(ref reader, cache, out var value);
                platform = value!;
            }
            else
            {
                ok = SkipValue(ref reader);
            }

            if (!ok)
            {
                return null;
            }
        }

        return id is { } found ? new OtherClient { Id = found, Platform = platform } : null;
    }

    // Value readers: each moves onto the value and accepts only the JSON kind the server writes.
    // A null where the serializer would store null, or a quoted number, makes the whole event take the serializer path.
    private static bool ReadInt32(ref Utf8JsonReader reader, out int value)
    {
        reader.Read();
        value = 0;
        return reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out value);
    }

    private static bool ReadInt64(ref Utf8JsonReader reader, out long value)
    {
        reader.Read();
        value = 0;
        return reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out value);
    }

    private static bool ReadBoolean(ref Utf8JsonReader reader, out bool value)
    {
        reader.Read();
        value = reader.TokenType == JsonTokenType.True;
        return reader.TokenType is JsonTokenType.True or JsonTokenType.False;
    }

    private static bool ReadString(ref Utf8JsonReader reader, DecodeCache? cache, out string? value)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.String)
        {
            value = null;
            return false;
        }

        value = cache is null ? reader.GetString()! : cache.GetString(ref reader);
        return true;
    }

    private static bool ReadNullableString(ref Utf8JsonReader reader, DecodeCache? cache, out string? value)
    {
        reader.Read();
        value = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            return false;
        }

        value = cache is null ? reader.GetString()! : cache.GetString(ref reader);
        return true;
    }

    private static bool ReadPermission(ref Utf8JsonReader reader, out GroupPermission permission)
    {
        reader.Read();
        permission = GroupPermission.Unknown;
        if (reader.TokenType != JsonTokenType.String)
        {
            return false;
        }

        permission = reader.ValueTextEquals("MEMBER"u8) ? GroupPermission.Member
            : reader.ValueTextEquals("ADMINISTRATOR"u8) ? GroupPermission.Administrator
            : reader.ValueTextEquals("OWNER"u8) ? GroupPermission.Owner
            : GroupPermission.Unknown;
        return true;
    }

    private static bool SkipValue(ref Utf8JsonReader reader)
    {
        reader.Read();
        reader.Skip();
        return true;
    }
}
