using System.Text.Json;

namespace MiraiClient.Internal;

/// <remarks>The parties of a message: members (with their group), groups, friends and other clients.</remarks>
internal static partial class MessageEventReader
{
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
}
