using System.Text;
using System.Text.Json;
using MiraiClient.Internal;
using MiraiClient.Testing;
using MiraiClient.Tests.Infrastructure;

namespace MiraiClient.Tests;

public class EventDecoderTests
{
    private static MiraiEvent Decode(string json, out bool known) => EventDecoder.Decode(Encoding.UTF8.GetBytes(json), out known);

    [Fact]
    public void GroupMessage_DecodesSenderGroupAndChain()
    {
        var message = Assert.IsType<GroupMessage>(Decode(EventJson.GroupMessage(-42, 5_000_000_000, 3_000_000_000, "你好 /ping"), out var known));
        Assert.True(known);
        Assert.Equal(-42, message.MessageChain.MessageId);
        Assert.Equal(1700000000, message.MessageChain.Time);
        Assert.Equal("你好 /ping", message.MessageChain.ToPlainText());
        Assert.Equal(3_000_000_000, message.Sender.Id);
        Assert.Equal(5_000_000_000, message.Sender.Group.Id);
        Assert.Equal(GroupPermission.Member, message.Sender.Permission);
    }

    [Fact]
    public void TypeDiscriminator_MayStandAnywhereInTheObject()
    {
        var message = Assert.IsType<FriendMessage>(Decode("""{"sender":{"id":1,"nickname":"n","remark":""},"messageChain":[{"text":"hi","type":"Plain"}],"type":"FriendMessage"}""", out _));
        Assert.Equal("hi", message.MessageChain.ToPlainText());
        Assert.Equal(1, message.Sender.Id);
    }

    [Fact]
    public void UnknownEventType_IsKeptWithItsJson()
    {
        var unknown = Assert.IsType<UnknownEvent>(Decode("""{"type":"SomethingNew","x":[1,{"y":2}]}""", out var known));
        Assert.False(known);
        Assert.Equal("SomethingNew", unknown.Type);
        Assert.Equal(2, unknown.Json.GetProperty("x")[1].GetProperty("y").GetInt32());
    }

    [Fact]
    public void UnknownElement_NestedDeeperThanTheSerializersDefault_IsKept_AndWritesBack()
    {
        // The decoders read up to 128 levels; the serializer's default is 64, which once made such an event unwritable.
        var nested = new string('[', 100) + "1" + new string(']', 100);
        var message = Assert.IsType<FriendMessage>(Decode($$$"""{"type":"FriendMessage","messageChain":[{"type":"Source","id":1,"time":2},{"type":"Hologram","layers":{{{nested}}}}],"sender":{"id":1,"nickname":"","remark":""}}""", out _));
        Assert.IsType<UnknownElement>(message.MessageChain[1]);
        var written = JsonSerializer.Serialize(message, MiraiJsonContext.Default.FriendMessage);
        Assert.Contains(nested, written, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownElement_IsKeptWithItsJson_AndTheRestOfTheChainDecodes()
    {
        var message = Assert.IsType<FriendMessage>(Decode("""{"type":"FriendMessage","messageChain":[{"type":"Source","id":1,"time":2},{"type":"Hologram","depth":3},{"type":"Plain","text":"after"}],"sender":{"id":1,"nickname":"","remark":""}}""", out _));
        var unknown = Assert.IsType<UnknownElement>(message.MessageChain[1]);
        Assert.Equal("Hologram", unknown.Type);
        Assert.Equal(3, unknown.Json.GetProperty("depth").GetInt32());
        Assert.Equal("after", message.MessageChain.ToPlainText());
    }

    [Fact]
    public void UnknownPermission_DoesNotFailTheEvent()
    {
        var json = EventJson.GroupMessage(1, 2, 3, "x").Replace("\"permission\":\"MEMBER\",\"joinTimestamp\"", "\"permission\":\"SUPREME\",\"joinTimestamp\"", StringComparison.Ordinal);
        var message = Assert.IsType<GroupMessage>(Decode(json, out _));
        Assert.Equal(GroupPermission.Unknown, message.Sender.Permission);
    }

    [Theory]
    [InlineData("""{"type":"GroupMessage"}""")]
    [InlineData("""{"type":"GroupMessage","messageChain":[],"sender":{"id":"not a number"}}""")]
    [InlineData("""{"type":"GroupMessage","messageChain":{},"sender":{}}""")]
    [InlineData("""{"type":"FriendMessage","messageChain":[{"text":"no type"}],"sender":{"id":1}}""")]
    [InlineData("""{"type":"BotOnlineEvent"}""")]
    [InlineData("""{"type":42}""")]
    [InlineData("""{"notype":true}""")]
    public void MalformedEvents_RaiseOnlyTheTypedProtocolError(string json)
    {
        Assert.Throws<MiraiProtocolException>(() => Decode(json, out _));
    }

    [Theory]
    [InlineData("events/GroupMessage.json", typeof(GroupMessage))]
    [InlineData("events/FriendMessage.json", typeof(FriendMessage))]
    [InlineData("events/TempMessage.json", typeof(TempMessage))]
    [InlineData("events/BotOnlineEvent.json", typeof(BotOnlineEvent))]
    [InlineData("events/BotOfflineEventActive.json", typeof(BotOfflineEventActive))]
    [InlineData("events/BotOfflineEventForce.json", typeof(BotOfflineEventForce))]
    [InlineData("events/BotOfflineEventDropped.json", typeof(BotOfflineEventDropped))]
    [InlineData("events/BotReloginEvent.json", typeof(BotReloginEvent))]
    [InlineData("source-derived/events/GroupMessage.server.json", typeof(GroupMessage))]
    [InlineData("source-derived/events/BotOfflineEventForce.server.json", typeof(BotOfflineEventForce))]
    public void ProtocolVectors_ForTheCoreEvents_DecodeToTheirTypes(string file, Type expected)
    {
        var path = Path.Combine(ProtocolVectors.Require(), file);
        var json = File.ReadAllText(path);
        using var document = JsonDocument.Parse(json);

        // Frame-shaped vectors carry the event under "data".
        var data = document.RootElement.TryGetProperty("data", out var inner) ? inner.GetRawText() : json;
        var decoded = Decode(data, out var known);
        Assert.True(known);
        Assert.IsType(expected, decoded);
    }
}
