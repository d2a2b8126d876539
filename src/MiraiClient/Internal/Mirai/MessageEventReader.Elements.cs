using System.Buffers;
using System.Text.Json;

namespace MiraiClient.Internal;

/// <remarks>The message chain and the common elements (Plain, Source, At, AtAll, Face, Image, FlashImage);
/// any other element is read by the serializer, in place.</remarks>
internal static partial class MessageEventReader
{
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
                // The element types worth a hand-written reader: nearly every received chain holds only these.
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
}
