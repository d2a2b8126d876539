using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CsCheck;
using MiraiClient.OneBot.Internal;

namespace MiraiClient.OneBot.Tests;

/// <summary>
/// The one-pass message event reader against the serializer, which defines the semantics. The objects
/// are generated from the serializer's own metadata, so every wire key a model property has is bent
/// (order, nulls, quoted numbers, wrong kinds, escapes, duplicates, unknown members); both paths must
/// produce the same event or both the typed error. A guard fails when a model gains a property the
/// reader neither reads nor declares as left to the serializer.
/// </summary>
public class MessageEventReaderTests
{
    private static readonly Type[] MessageModels = [typeof(OneBotEvent), typeof(OneBotMessageEvent), typeof(PrivateMessageEvent), typeof(GroupMessageEvent), typeof(OneBotSender), typeof(OneBotAnonymous)];

    private static readonly Gen<string> Text = Gen.OneOf(
        Gen.String[Gen.Char[' ', '\uD7FF'], 0, 12],
        Gen.OneOf("", "小不点", "测试群", "\"q\" \\ \n", "[CQ:face,id=1]&amp;", "🌤", "member", "admin", "owner", "unknown", "array", "normal", "friend"));

    private static readonly Gen<string> JsonText = Text.Select(t => JsonSerializer.Serialize(t, OneBotJsonContext.Default.String));

    private static readonly Gen<string> LongValue = Gen.OneOf(Gen.Long, Gen.Long[-3, 3_600_000_000]).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static readonly Gen<string> IntValue = Gen.Int.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static readonly Gen<string> SegmentJson = Gen.OneOf(
        JsonText.Select(t => $$$"""{"type":"text","data":{"text":{{{t}}}}}"""),
        LongValue.Select(q => $$$"""{"type":"at","data":{"qq":"{{{q}}}"}}"""),
        Gen.Int[0, 300].Select(id => $$$"""{"data":{"id":"{{{id}}}","raw":{"faceIndex":{{{id}}},"t":"/微笑"}},"type":"face"}"""),
        JsonText.Select(u => $$$"""{"type":"image","data":{"summary":"[图片]","file":{{{u}}},"sub_type":0,"file_size":"51234"}}"""),
        Gen.Const("""{"type":"mystery","data":null,"extra":[1,2]}"""),
        Gen.Const("""{"type":"reply","data":{"id":"-12"}}"""));

    private static readonly Gen<string> MessageJson = Gen.Frequency(
        (8, SegmentJson.Array[0, 5].Select(s => "[" + string.Join(",", s) + "]")),
        (3, Gen.OneOf("\"[CQ:face,id=178]在吗\"", "\"hello &amp; [CQ:at,qq=all]\"", "\"\"")),
        (1, Gen.OneOf("null", "[]", "[1]", "[{\"data\":{}}]", "[{\"type\":\"text\",\"data\":7}]", "{\"type\":\"text\",\"data\":{\"text\":\"one\"}}", "5", "{}")));

    [Fact]
    public void Guard_EveryModelProperty_IsReadOrLeftToSerializer()
    {
        var declared = OneBotFrameReader.ReadProperties.Concat(OneBotFrameReader.LeftToSerializer).ToHashSet(StringComparer.Ordinal);
        var settable = MessageModels
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(p => p.SetMethod is { IsPublic: true })
            .Select(p => $"{p.DeclaringType!.Name}.{p.Name}")
            .ToHashSet(StringComparer.Ordinal);

        Assert.Empty(settable.Except(declared));
        Assert.Empty(declared.Except(settable));
        Assert.Empty(OneBotFrameReader.ReadProperties.Intersect(OneBotFrameReader.LeftToSerializer));

        // Every wire key the serializer knows belongs to one of those properties: nothing is read by the serializer alone unannounced.
        var models = new (Type Type, JsonTypeInfo Info)[]
        {
            (typeof(PrivateMessageEvent), OneBotJsonContext.Default.PrivateMessageEvent),
            (typeof(GroupMessageEvent), OneBotJsonContext.Default.GroupMessageEvent),
            (typeof(OneBotSender), OneBotJsonContext.Default.OneBotSender),
            (typeof(OneBotAnonymous), OneBotJsonContext.Default.OneBotAnonymous),
        };
        foreach (var (type, info) in models)
        {
            var byWireName = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.SetMethod is { IsPublic: true })
                .ToDictionary(p => p.GetCustomAttribute<System.Text.Json.Serialization.JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name), p => $"{p.DeclaringType!.Name}.{p.Name}");
            var deserialized = info.Properties.Where(p => p.Set is not null).ToList();
            Assert.Equal(byWireName.Count, deserialized.Count);
            foreach (var property in deserialized)
            {
                Assert.True(byWireName.TryGetValue(property.Name, out var name), $"{property.Name} has no model property.");
                Assert.Contains(name, declared);
            }
        }
    }

    [Fact]
    public void FastPath_MatchesSerializer_ForGeneratedPrivateMessages() => Compare(isPrivate: true);

    [Fact]
    public void FastPath_MatchesSerializer_ForGeneratedGroupMessages() => Compare(isPrivate: false);

    private static void Compare(bool isPrivate)
    {
        var info = isPrivate ? (JsonTypeInfo)OneBotJsonContext.Default.PrivateMessageEvent : OneBotJsonContext.Default.GroupMessageEvent;
        var members = info.Properties.Where(p => p.Set is not null).Select(p => (p.Name, Value: ValueFor(p))).ToList();
        members.Add(("message_type", Gen.Const<string?>(isPrivate ? "\"private\"" : "\"group\"")));
        var accepted = 0;
        var covered = new HashSet<string>(StringComparer.Ordinal);
        Obj(members, fixedNames: ["post_type", "message_type"]).Sample(
            json =>
            {
                var bytes = Encoding.UTF8.GetBytes(json);
                var reference = Decode(() => OneBotEventDecoder.DecodeReference(bytes));
                var full = Decode(() => OneBotFrameReader.Read(bytes).Event!);
                Assert.Equal(reference, full);
                if (OneBotFrameReader.TryReadMessageEvent(bytes, out var fast))
                {
                    Assert.Equal(reference, fast);

                    // CsCheck samples on several threads.
                    lock (covered)
                    {
                        accepted++;
                        Cover(fast, covered);
                    }
                }
            },
            iter: 6000);

        // The fast path decides most frames itself, and every property it claims to read was seen set by it.
        Assert.True(accepted > 600, $"The one-pass reader accepted only {accepted} of 6000 objects.");
        string[] owners = isPrivate
            ? ["OneBotEvent.", "OneBotMessageEvent.", "PrivateMessageEvent.", "OneBotSender."]
            : ["OneBotEvent.", "OneBotMessageEvent.", "GroupMessageEvent.", "OneBotSender.", "OneBotAnonymous."];
        var expected = OneBotFrameReader.ReadProperties.Where(p => owners.Any(o => p.StartsWith(o, StringComparison.Ordinal)));
        Assert.Empty(expected.Except(covered));
    }

    private static object Decode(Func<OneBotEvent> decode)
    {
        try
        {
            return decode();
        }
        catch (MiraiProtocolException)
        {
            return "typed error";
        }
    }

    /// <summary>Records which model properties differ from their defaults (so were set from the JSON).</summary>
    private static void Cover(OneBotMessageEvent e, HashSet<string> covered)
    {
        void Visit(object? value, object defaults)
        {
            if (value is null)
            {
                return;
            }

            foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true }))
            {
                var actual = property.GetValue(value);
                var baseline = property.GetValue(defaults);
                if (!Equals(actual, baseline))
                {
                    covered.Add($"{property.DeclaringType!.Name}.{property.Name}");
                }
            }
        }

        Visit(e, e is PrivateMessageEvent ? new PrivateMessageEvent() : new GroupMessageEvent());
        Visit(e.Sender, new OneBotSender());
        if (e is GroupMessageEvent { Anonymous: { } anonymous })
        {
            covered.Add("GroupMessageEvent.Anonymous");
            Visit(anonymous, new OneBotAnonymous());
        }
    }

    /// <summary>A value generator for a serializer property, by its type; unknown types fail so new properties get one.</summary>
    private static Gen<string?> ValueFor(JsonPropertyInfo property)
    {
        if (property.Name == "post_type")
        {
            return Gen.OneOf<string?>("\"message\"", "\"message_sent\"");
        }

        var type = property.PropertyType;
        if (type == typeof(long) || type == typeof(long?))
        {
            return Bent(LongValue);
        }

        if (type == typeof(int) || type == typeof(int?))
        {
            return Bent(IntValue);
        }

        if (type == typeof(string))
        {
            return Bent(JsonText);
        }

        if (type == typeof(OneBotMessage))
        {
            return Gen.Frequency((20, MessageJson.Select(m => (string?)m)), (1, Gen.Const((string?)null)));
        }

        if (type == typeof(OneBotSender))
        {
            return Nested(OneBotJsonContext.Default.OneBotSender);
        }

        if (type == typeof(OneBotAnonymous))
        {
            return Nested(OneBotJsonContext.Default.OneBotAnonymous);
        }

        throw new InvalidOperationException($"No generator for {property.Name} of type {type}: add one so the differential test covers it.");
    }

    private static Gen<string?> Nested(JsonTypeInfo info)
    {
        var members = info.Properties.Where(p => p.Set is not null).Select(p => (p.Name, Value: ValueFor(p))).ToList();
        return Gen.Frequency(
            (12, Obj(members, fixedNames: []).Select(o => (string?)o)),
            (1, Gen.OneOf<string?>("null", null, "\"who\"", "[]")));
    }

    /// <summary>A value of the expected kind most of the time, otherwise anything the serializer must judge.</summary>
    private static Gen<string?> Bent(Gen<string> good) => Gen.Frequency(
        (120, good.Select(v => (string?)v)),
        (2, Gen.Const((string?)null)), // absent
        (2, Gen.Const<string?>("null")),
        (2, good.Select(v => (string?)("\"" + v.Trim('"') + "\""))), // quoted
        (1, Gen.OneOf<string?>("true", "[]", "{}", "1.5", "99999999999999999999", "-0", "7")));

    /// <summary>An object with the given members in random order, plus unknown members, a duplicate and escaped names.</summary>
    private static Gen<string> Obj(List<(string Name, Gen<string?> Value)> members, string[] fixedNames)
    {
        var all = Gen.Const(Array.Empty<string?>());
        foreach (var member in members)
        {
            all = Gen.Select(all, member.Value).Select((list, value) => (string?[])[.. list, value]);
        }

        return Gen.Select(all, Gen.Int[0, 3], Gen.Int, Gen.Int[0, 9]).Select((values, extra, seed, escape) =>
        {
            var parts = new List<string>();
            for (var i = 0; i < members.Count; i++)
            {
                if (values[i] is { } value)
                {
                    var name = members[i].Name;
                    if (escape == 0 && !fixedNames.Contains(name))
                    {
                        name = $"\\u{(int)name[0]:x4}{name[1..]}";
                    }

                    parts.Add($"\"{name}\":{value}");
                }
                else if (fixedNames.Contains(members[i].Name))
                {
                    throw new InvalidOperationException("Fixed members always have a value.");
                }
            }

            var random = new Random(seed);
            for (var i = 0; i < extra; i++)
            {
                parts.Insert(random.Next(parts.Count + 1), i == 2 && parts.Count > 0 ? parts[random.Next(parts.Count)] : $"\"x{i}\":{{\"a\":[1,\"b\",null]}}");
            }

            for (var i = parts.Count - 1; i > 0; i--)
            {
                var j = random.Next(i + 1);
                (parts[i], parts[j]) = (parts[j], parts[i]);
            }

            return "{" + string.Join(",", parts) + "}";
        });
    }
}
