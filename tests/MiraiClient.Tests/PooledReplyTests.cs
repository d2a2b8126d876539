using System.Text;
using System.Text.Json;
using MiraiClient.Internal;

namespace MiraiClient.Tests;

/// <summary>Replies handed over in pooled arrays (receipts and statuses), the message chain written by index,
/// and the decode cache's sharing of names when many distinct ones interleave.</summary>
public class PooledReplyTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static CancellationToken TestToken => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TryClaim_DeliversTheReplyAndItsLength_WhenRegisteredForAPooledReply()
    {
        var map = new PendingRequests(repliesInOrder: false);
        using var pending = map.TryRegister(5, 0, long.MaxValue, pooledReply: true)!;
        var reply = """{"code":0,"msg":"success","messageId":42}"""u8.ToArray(); // the data object, as the frame handler hands it over

        var claimed = map.TryClaim(5, reply);
        Assert.Same(pending, claimed);
        claimed!.CompleteClaimed();
        var array = await pending.WaitAsync().AsTask().WaitAsync(Bound, TestToken);

        Assert.Equal(reply.Length, pending.ReplyLength);
        Assert.True(array.Length >= reply.Length);
        Assert.Equal(reply, array.AsSpan(0, pending.ReplyLength).ToArray());
        Assert.Equal(42, MiraiReply.Receipt.DecodeSpan("sendGroupMessage", array.AsSpan(0, pending.ReplyLength)));
        pending.ReturnReply(array);
        pending.ReturnReply(array); // a second return is ignored, never a double return to the pool
    }

    [Fact]
    public async Task TryClaim_DeliversAnExactCopy_WhenNotRegisteredForAPooledReply()
    {
        var map = new PendingRequests(repliesInOrder: false);
        using var pending = map.TryRegister(6, 0, long.MaxValue)!;
        var reply = """{"code":0,"msg":""}"""u8.ToArray();

        map.TryClaim(6, reply)!.CompleteClaimed();
        var array = await pending.WaitAsync().AsTask().WaitAsync(Bound, TestToken);

        Assert.Equal(reply, array);
        Assert.NotSame(reply, array);
        Assert.Equal(array.Length, pending.ReplyLength);
    }

    [Fact]
    public async Task TryClaim_DeliversAnExactCopy_WhenAPooledReplyIsTooLargeToPool()
    {
        var map = new PendingRequests(repliesInOrder: false);
        using var pending = map.TryRegister(7, 0, long.MaxValue, pooledReply: true)!;
        var reply = Encoding.UTF8.GetBytes("{\"code\":0,\"msg\":\"" + new string('x', 20_000) + "\"}");

        map.TryClaim(7, reply)!.CompleteClaimed();
        var array = await pending.WaitAsync().AsTask().WaitAsync(Bound, TestToken);

        Assert.Equal(reply, array);
        Assert.Equal(reply.Length, pending.ReplyLength);
        pending.ReturnReply(array);
    }

    [Fact]
    public void ReceiptAndStatus_DecodeFromASpan_WithTheSameErrorsAsFromAnArray()
    {
        Assert.True(MiraiReply.Receipt.DecodesSpan);
        Assert.True(MiraiReply.Status.DecodesSpan);

        // Only the first bytes are the reply: what follows in a pooled array is never read.
        var pooled = new byte[256];
        pooled.AsSpan().Fill((byte)'}');
        var failure = """{"code":10,"msg":"no permission"}"""u8.ToArray();
        failure.CopyTo(pooled, 0);
        var fromSpan = Assert.ThrowsAny<MiraiApiException>(() => MiraiReply.Receipt.DecodeSpan("sendGroupMessage", pooled.AsSpan(0, failure.Length)));
        var fromArray = Assert.ThrowsAny<MiraiApiException>(() => MiraiReply.Receipt.Decode("sendGroupMessage", failure));
        Assert.Equal(fromArray.GetType(), fromSpan.GetType());
        Assert.Equal(fromArray.Message, fromSpan.Message);
        Assert.ThrowsAny<MiraiApiException>(() => MiraiReply.Status.DecodeSpan("recall", pooled.AsSpan(0, failure.Length)));

        var status = """{"code":0,"msg":""}"""u8.ToArray();
        status.CopyTo(pooled, 0);
        Assert.True(MiraiReply.Status.DecodeSpan("recall", pooled.AsSpan(0, status.Length)));
    }

    [Fact]
    public void MessageChain_IsWrittenInOrder_ByTheConverter()
    {
        var chain = new MessageChain(new MessageElement[] { new PlainElement("a"), new FaceElement { FaceId = 14 }, new PlainElement("b") });
        var json = JsonSerializer.Serialize(chain, MiraiJsonContext.Default.MessageChain);
        using var document = JsonDocument.Parse(json);
        var types = document.RootElement.EnumerateArray().Select(e => e.GetProperty("type").GetString()!).ToArray();
        Assert.Equal(new[] { "Plain", "Face", "Plain" }, types);
        Assert.Equal("a", document.RootElement[0].GetProperty("text").GetString());
        Assert.Equal("b", document.RootElement[2].GetProperty("text").GetString());
    }

    [Fact]
    public void DecodeCache_SharesNearlyEveryName_WhenHundredsOfDistinctNamesInterleave()
    {
        // 300 distinct short strings, as a busy bot's senders' names and titles: each seen twice, round robin.
        var names = Enumerable.Range(0, 300).Select(i => i % 3 == 0 ? "成员" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) : "user_" + (i * 7919).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var cache = new DecodeCache();
        var first = names.Select(n => Read(cache, n)).ToArray();
        var shared = names.Select((n, i) => ReferenceEquals(first[i], Read(cache, n))).Count(same => same);

        Assert.Equal(names, first);
        Assert.True(shared >= 280, $"only {shared} of 300 names were shared on their second sighting");
    }

    private static string Read(DecodeCache cache, string value)
    {
        var json = Encoding.UTF8.GetBytes("\"" + value + "\"");
        var reader = new Utf8JsonReader(json);
        reader.Read();
        return cache.GetString(ref reader);
    }
}
