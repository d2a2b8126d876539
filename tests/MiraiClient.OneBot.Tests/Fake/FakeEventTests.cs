using System.Text;
using System.Text.Json;
using MiraiClient.OneBot.Internal;
using MiraiClient.OneBot.Tests.Infrastructure;
using MiraiClient.Testing.OneBot;

namespace MiraiClient.OneBot.Tests.Fake;

/// <summary>Typed pushes: every event of the vectors folder and every builder survives the trip model →
/// fake's wire JSON → the OneBot package's decoder; profile shapes; pushes without a client.</summary>
public class FakeEventTests : FakeTestBase
{
    private const string Missing = "(vectors not found)";

    public static TheoryData<string> EventVectors
    {
        get
        {
            var data = new TheoryData<string>();
            if (OneBotVectors.Directory is { } dir)
            {
                foreach (var file in OneBotVectors.All(dir).Where(f => f.StartsWith("events/", StringComparison.Ordinal)))
                {
                    data.Add(file);
                }
            }
            else
            {
                data.Add(Missing);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(EventVectors))]
    public async Task PushEvent_RoundTripsThroughTheDecoder_ForEveryEventVector(string path)
    {
        if (path == Missing)
        {
            OneBotVectors.Require();
        }

        var bytes = OneBotVectors.Bytes(path);
        var original = OneBotFrameReader.Read(bytes).Event!;
        using var json = JsonDocument.Parse(bytes);
        var format = json.RootElement.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String
            ? FakeOneBotMessageFormat.String
            : FakeOneBotMessageFormat.Array;

        // Lagrange's shape adds no field of its own to what the event holds, so the comparison is exact.
        var fake = await StartFakeAsync(o =>
        {
            o.Profile = FakeOneBotProfile.Lagrange;
            o.MessageFormat = format;
            o.HeartbeatInterval = TimeSpan.Zero;
        });
        var client = await ConnectAsync(fake);
        await client.ExpectLifecycleAsync();

        var pushed = await fake.PushEventAsync(original);
        var frame = await client.NextFrameAsync();
        var decoded = OneBotFrameReader.Read(Encoding.UTF8.GetBytes(frame!)).Event;

        Assert.IsNotType<OneBotUnknownEvent>(original);
        Assert.Same(original, pushed);
        ModelComparer.Equal(original, decoded);
    }

    [Fact]
    public async Task Builders_RoundTripThroughTheDecoder()
    {
        var fake = await StartFakeAsync(o => o.HeartbeatInterval = TimeSpan.Zero);
        var client = await ConnectAsync(fake);
        await client.ExpectLifecycleAsync();
        var chain = new OneBotMessage(new AtSegment(10001000), new TextSegment(" [hi] & bye"), new FaceSegment(178));
        OneBotEvent[] events =
        [
            FakeOneBotEvents.GroupMessage(1012345678, 3512345678, chain, role: OneBotRole.Admin),
            FakeOneBotEvents.PrivateMessage(3512345678, "hello"),
            FakeOneBotEvents.PrivateMessage(12345678, OneBotMessage.FromCqString("[CQ:face,id=1]temp"), tempGroupId: 100100),
            FakeOneBotEvents.GroupRecall(100100, 12345678, 23456789, 42),
            FakeOneBotEvents.FriendRecall(12345678, 43),
            FakeOneBotEvents.GroupIncrease(100100, 12345678, 23456789, invited: true),
            FakeOneBotEvents.GroupDecrease(100100, 12345678, 23456789, "kick"),
            FakeOneBotEvents.GroupBan(100100, 12345678, 23456789, TimeSpan.FromMinutes(10)),
            FakeOneBotEvents.GroupBan(100100, 12345678, 23456789, TimeSpan.Zero),
            FakeOneBotEvents.FriendAdd(3512345678),
            FakeOneBotEvents.Poke(12345678, 10001000, 100100),
            FakeOneBotEvents.Poke(12345678, 10001000),
            FakeOneBotEvents.BotOffline(10001000),
            FakeOneBotEvents.FriendRequest(12345678, "let me in"),
            FakeOneBotEvents.GroupRequest(100100, 12345678, invite: true, comment: "join?"),
            FakeOneBotEvents.Heartbeat(TimeSpan.FromSeconds(15), online: null, good: false),
            FakeOneBotEvents.Lifecycle("enable"),
        ];

        foreach (var built in events)
        {
            var pushed = await fake.PushEventAsync(built);
            var decoded = OneBotFrameReader.Read(Encoding.UTF8.GetBytes((await client.NextFrameAsync())!)).Event;

            Assert.Equal(fake.SelfId, pushed.SelfId);
            Assert.True(pushed.Time > 1_700_000_000, built.ToString());
            Assert.IsNotType<OneBotUnknownEvent>(decoded);

            // NapCat posts arrays and says so; a message built from a CQ string goes out as its segments.
            var expected = pushed is OneBotMessageEvent m ? m with { MessageFormat = "array", Message = new OneBotMessage(m.Message.ToArray()) } : pushed;
            ModelComparer.Equal(expected, decoded);
        }
    }

    [Fact]
    public async Task MessageEvents_TakeTheProfilesShape()
    {
        var napCat = await StartFakeAsync(o => o.HeartbeatInterval = TimeSpan.Zero);
        var goCqhttp = await StartFakeAsync(o => o.Profile = FakeOneBotProfile.GoCqhttp);
        var lagrange = await StartFakeAsync(o => o.Profile = FakeOneBotProfile.Lagrange);
        var message = OneBotMessage.FromCqString("[CQ:at,qq=10001000] hi");

        var napCatFrame = await PushAndReadAsync(napCat, f => f.PushGroupMessageAsync(100100, 12345678, message));
        var goCqhttpFrame = await PushAndReadAsync(goCqhttp, f => f.PushGroupMessageAsync(100100, 12345678, message));
        var lagrangeFrame = await PushAndReadAsync(lagrange, f => f.PushGroupMessageAsync(100100, 12345678, message));

        Assert.Equal(JsonValueKind.Array, napCatFrame.GetProperty("message").ValueKind);
        Assert.Equal("array", napCatFrame.GetProperty("message_format").GetString());
        Assert.False(napCatFrame.TryGetProperty("anonymous", out _));
        Assert.Equal("[CQ:at,qq=10001000] hi", goCqhttpFrame.GetProperty("message").GetString());
        Assert.False(goCqhttpFrame.TryGetProperty("message_format", out _));
        Assert.Equal(JsonValueKind.Null, goCqhttpFrame.GetProperty("anonymous").ValueKind);
        Assert.Equal(JsonValueKind.Array, lagrangeFrame.GetProperty("message").ValueKind);
        Assert.Equal(JsonValueKind.Null, lagrangeFrame.GetProperty("anonymous").ValueKind);
        Assert.All([napCatFrame, goCqhttpFrame, lagrangeFrame], f => Assert.Equal("[CQ:at,qq=10001000] hi", f.GetProperty("raw_message").GetString()));
    }

    [Fact]
    public async Task MessageFormat_CanBeChosen_AndIsReported()
    {
        var fake = await StartFakeAsync(o => o.MessageFormat = FakeOneBotMessageFormat.String);

        var frame = await PushAndReadAsync(fake, f => f.PushPrivateMessageAsync(3512345678, new OneBotMessage(new TextSegment("a,b [c]"))));

        Assert.Equal("a,b &#91;c&#93;", frame.GetProperty("message").GetString());
        Assert.Equal("string", frame.GetProperty("message_format").GetString());
        Assert.Equal(3512345678, frame.GetProperty("user_id").GetInt64());
    }

    [Fact]
    public async Task Time_IsMilliseconds_WhenAskedAsNapCatsFallback()
    {
        var fake = await StartFakeAsync(o => o.StampTimeInMilliseconds = true);
        var client = await ConnectAsync(fake);
        await client.ExpectLifecycleAsync();

        var pushed = await fake.PushPrivateMessageAsync(12345678, "late");
        var decoded = OneBotFrameReader.Read(Encoding.UTF8.GetBytes((await client.NextFrameAsync())!)).Event!;

        Assert.True(pushed.Time > 100_000_000_000);
        Assert.Equal(pushed.Time, decoded.Time);
        Assert.InRange(decoded.Timestamp, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));
    }

    [Fact]
    public async Task PushedMessage_CanBeFetchedWithGetMsg()
    {
        var fake = await StartFakeAsync(o => o.HeartbeatInterval = TimeSpan.Zero);
        var client = await ConnectAsync(fake);
        await client.ExpectLifecycleAsync();

        var pushed = await fake.PushGroupMessageAsync(100100, 12345678, "remember me");
        await client.NextFrameAsync();
        var fetched = (await client.CallAsync("get_msg", $$"""{"message_id":{{pushed.MessageId}}}""")).GetProperty("data");

        Assert.Equal(pushed.MessageId, fetched.GetProperty("message_id").GetInt64());
        Assert.Equal(12345678, fetched.GetProperty("sender").GetProperty("user_id").GetInt64());
        Assert.Equal("remember me", fetched.GetProperty("message")[0].GetProperty("data").GetProperty("text").GetString());
    }

    [Fact]
    public async Task RawEvent_IsDeliveredAsIs_AndMustBeJson()
    {
        var fake = await StartFakeAsync(o => o.HeartbeatInterval = TimeSpan.Zero);
        var client = await ConnectAsync(fake);
        await client.ExpectLifecycleAsync();
        const string Raw = """{"time":1,"self_id":2,"post_type":"notice","notice_type":"something_new","extra":[1,2]}""";

        await fake.PushRawEventAsync(Raw);

        Assert.Equal(Raw, await client.NextFrameAsync());
        await Assert.ThrowsAsync<ArgumentException>(() => fake.PushRawEventAsync("{not json"));
    }

    [Fact]
    public async Task UnknownEvent_IsPushedWithItsJson()
    {
        var fake = await StartFakeAsync(o => o.HeartbeatInterval = TimeSpan.Zero);
        var client = await ConnectAsync(fake);
        await client.ExpectLifecycleAsync();
        const string Raw = """{"time":1767225600,"self_id":10001000,"post_type":"notice","notice_type":"mystery","payload":{"a":1}}""";
        var unknown = Assert.IsType<OneBotUnknownEvent>(OneBotFrameReader.Read(Encoding.UTF8.GetBytes(Raw)).Event);

        await fake.PushEventAsync(unknown);

        JsonAssert.Equivalent(Raw, (await client.NextFrameAsync())!);
    }

    [Fact]
    public async Task Push_WaitsForTheFirstClient_ThenDelivers()
    {
        var fake = await StartFakeAsync(o => o.HeartbeatInterval = TimeSpan.Zero);

        var push = fake.PushGroupMessageAsync(100100, 12345678, "early");
        await Task.Delay(200, TestToken);
        Assert.False(push.IsCompleted);
        var client = await ConnectAsync(fake);

        await client.ExpectLifecycleAsync();
        Assert.Equal("early", (await client.NextAsync()).GetProperty("raw_message").GetString());
        await Within(push);
    }

    [Fact]
    public async Task Push_Fails_NamingTheCause_WhenNoClientEverConnected()
    {
        var fake = await StartFakeAsync(o => o.ClientWaitTimeout = TimeSpan.FromMilliseconds(300));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => fake.PushGroupMessageAsync(1, 2, "nobody"));

        Assert.Contains("No client has even opened a TCP connection", error.Message, StringComparison.Ordinal);
        Assert.Contains(fake.Uri.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Contains("message group", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Push_Fails_NamingTheCause_WhenTheOnlyClientIsOnApi()
    {
        var fake = await StartFakeAsync(o => o.ClientWaitTimeout = TimeSpan.FromMilliseconds(300));
        await ConnectAsync(fake, "/api");
        await Within(fake.WaitForConnectionCountAsync(1));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => fake.PushPrivateMessageAsync(1, "unheard"));

        Assert.Contains("/api carries none", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Push_IsDroppedAndCounted_InAReconnectGap()
    {
        var fake = await StartFakeAsync(o => o.HeartbeatInterval = TimeSpan.Zero);
        var client = await OneBotRawClient.ConnectAsync(fake.Uri);
        await client.ExpectLifecycleAsync();
        await client.DisposeAsync();
        await Within(fake.WaitForConnectionCountAsync(0));

        await Within(fake.PushGroupMessageAsync(100100, 12345678, "lost"));

        Assert.Equal(1, fake.DroppedPushCount);
    }

    private async Task<JsonElement> PushAndReadAsync(FakeOneBotImplementation fake, Func<FakeOneBotImplementation, Task> push)
    {
        var client = await ConnectAsync(fake);
        await client.ExpectLifecycleAsync();
        await push(fake);
        return await client.NextNonHeartbeatAsync();
    }
}
