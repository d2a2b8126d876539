using System.Text.Json;
using MiraiClient.Tests.Infrastructure;

namespace MiraiClient.Tests.Fake;

public class MiraiJsonTests
{
    /// <summary>Keys the official examples show that the model does not carry: the docs' <c>kind</c> on
    /// OtherClientOnlineEvent and <c>eventId</c> on CommandExecutedEvent are never sent by the server
    /// (PROTOCOL.md §9, items 13 and 15).</summary>
    private static readonly HashSet<string> NotModelled = ["kind", "eventId"];

    public static TheoryData<string> EventVectors()
    {
        var data = new TheoryData<string>();
        if (ProtocolVectors.Directory is not { } dir)
        {
            data.Add("(vectors missing)");
            return data;
        }

        foreach (var file in Directory.GetFiles(Path.Combine(dir, "events"), "*.json")
            .Concat(Directory.GetFiles(Path.Combine(dir, "source-derived", "events"), "*.json"))
            .Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(dir, file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EventVectors))]
    public void Serialize_RoundTripsEveryVectorEvent_WhenReadBackAndWrittenAgain(string vector)
    {
        var text = File.ReadAllText(Path.Combine(ProtocolVectors.Require(), vector));
        using var expected = JsonDocument.Parse(text);
        var expectedType = expected.RootElement.GetProperty("type").GetString()!;

        var decoded = MiraiJson.DeserializeEvent(text);
        Assert.IsNotType<UnknownEvent>(decoded);
        Assert.Equal(expectedType, decoded.Type);

        var written = MiraiJson.Serialize(decoded);
        using var actual = JsonDocument.Parse(written);
        Assert.Equal(expectedType, actual.RootElement.EnumerateObject().First().Value.GetString());
        var differences = JsonEquivalence.Differences(expected.RootElement, actual.RootElement, NotModelled);
        Assert.True(differences.Count == 0, $"{vector}: {string.Join("; ", differences)}\n{written}");

        var again = MiraiJson.DeserializeEvent(written);
        Assert.Equal(decoded.GetType(), again.GetType());
        Assert.Equal(written, MiraiJson.Serialize(again));
    }

    [Fact]
    public void Serialize_WritesTheTypeFirstAndNonAsciiAsIs_WhenGivenAGroupMessage()
    {
        var message = new GroupMessage
        {
            MessageChain = new MessageChainBuilder().At(42).Text(" 你好 🌸").Build(),
            Sender = new Member { Id = 7, MemberName = "成员", Group = new Group { Id = 9, Name = "群", Permission = GroupPermission.Owner } },
        };

        var json = MiraiJson.Serialize(message);

        Assert.StartsWith("""{"type":"GroupMessage",""", json, StringComparison.Ordinal);
        Assert.Contains("你好", json, StringComparison.Ordinal);
        Assert.Contains("成员", json, StringComparison.Ordinal);
        Assert.Contains("\"OWNER\"", json, StringComparison.Ordinal);
        var back = Assert.IsType<GroupMessage>(MiraiJson.DeserializeEvent(json));
        Assert.Equal(" 你好 🌸", back.MessageChain.ToPlainText());
        Assert.True(back.MessageChain.Mentions(42));
        Assert.Equal(message.Sender, back.Sender);
    }

    [Fact]
    public void Serialize_WritesAnUnknownEventBackUnchanged_WhenItsTypeIsNew()
    {
        const string Json = """{"type":"SomethingNew","x":[1,{"y":"中"}]}""";
        var unknown = Assert.IsType<UnknownEvent>(MiraiJson.DeserializeEvent(Json));

        Assert.Equal(Json, MiraiJson.Serialize(unknown));
    }

    [Fact]
    public void SerializeMessageChain_RoundTripsEveryElementType_WhenReadBack()
    {
        var dir = ProtocolVectors.Require();
        var elements = Directory.GetFiles(Path.Combine(dir, "elements"), "*.json").Order(StringComparer.Ordinal).Select(File.ReadAllText).ToList();
        var text = "[" + string.Join(",", elements) + "]";

        var chain = MiraiJson.DeserializeMessageChain(text);
        Assert.Equal(elements.Count, chain.Count);
        Assert.DoesNotContain(chain, e => e is UnknownElement);

        var written = MiraiJson.Serialize(chain);
        var again = MiraiJson.DeserializeMessageChain(written);
        Assert.Equal(written, MiraiJson.Serialize(again));
        using var expected = JsonDocument.Parse(text);
        using var actual = JsonDocument.Parse(written);
        var differences = JsonEquivalence.Differences(expected.RootElement, actual.RootElement);
        Assert.True(differences.Count == 0, string.Join("; ", differences));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"no":"type"}""")]
    [InlineData("""{"type":"GroupMessage","messageChain":"oops"}""")]
    public void DeserializeEvent_ThrowsProtocolException_WhenTheTextIsNoEvent(string json)
    {
        Assert.Throws<MiraiProtocolException>(() => MiraiJson.DeserializeEvent(json));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{}")]
    [InlineData("null")]
    [InlineData("[1]")]
    public void DeserializeMessageChain_ThrowsProtocolException_WhenTheTextIsNoChain(string json)
    {
        Assert.Throws<MiraiProtocolException>(() => MiraiJson.DeserializeMessageChain(json));
    }
}
