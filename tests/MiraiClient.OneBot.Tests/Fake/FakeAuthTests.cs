using System.Net.WebSockets;
using System.Text.Json;
using MiraiClient.Testing.OneBot;

namespace MiraiClient.OneBot.Tests.Fake;

/// <summary>Access-token checks and each profile's way of refusing, on the wire (ONEBOT11.md §1.5).</summary>
public class FakeAuthTests : FakeTestBase
{
    private const string Token = "s3cret";

    private Task<FakeOneBotImplementation> StartWithTokenAsync(FakeOneBotProfile profile) =>
        StartFakeAsync(o =>
        {
            o.Profile = profile;
            o.AccessToken = Token;
        });

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong")]
    public async Task NapCat_Upgrades_ThenSends1403_ThenClosesWithoutStatus(string? authorization)
    {
        var fake = await StartWithTokenAsync(FakeOneBotProfile.NapCat);
        var wire = Track(await RawWireClient.ConnectAsync(fake.Uri, "/", authorization));

        var (textOpcode, text) = await wire.NextFrameAsync();
        var (closeOpcode, closePayload) = await wire.NextFrameAsync();

        Assert.Equal(1, textOpcode);
        var frame = OneBotRawClient.Parse(System.Text.Encoding.UTF8.GetString(text));
        Assert.Equal("failed", frame.GetProperty("status").GetString());
        Assert.Equal(1403, frame.GetProperty("retcode").GetInt32());
        Assert.Equal(JsonValueKind.Null, frame.GetProperty("echo").ValueKind);
        Assert.Equal("normal-action", frame.GetProperty("stream").GetString());

        // A Close frame with no status code at all: the receiver reports 1005 (.NET reports it as 1000).
        Assert.Equal(8, closeOpcode);
        Assert.Empty(closePayload);
        Assert.Equal(0, fake.ConnectionCount);
        Assert.Equal(1, fake.RejectedCount);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong")]
    public async Task LLBot_Upgrades_ThenSends1403WithoutEcho_ThenCloses1008(string? authorization)
    {
        var fake = await StartWithTokenAsync(FakeOneBotProfile.LLBot);
        var client = await ConnectAsync(fake, authorization: authorization);

        var frame = await client.NextAsync();
        await client.WaitClosedAsync();

        Assert.Equal(1403, frame.GetProperty("retcode").GetInt32());
        Assert.False(frame.TryGetProperty("echo", out _));
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, client.CloseStatus);
        Assert.Equal("invalid access token", client.CloseStatusDescription);
    }

    [Theory]
    [InlineData(FakeOneBotProfile.Lagrange, null, 403)]
    [InlineData(FakeOneBotProfile.Lagrange, "Bearer wrong", 403)]
    [InlineData(FakeOneBotProfile.Lagrange, "Token s3cret", 403)]
    [InlineData(FakeOneBotProfile.Lagrange, "Bearer s3cret", 101)]
    [InlineData(FakeOneBotProfile.GoCqhttp, null, 401)]
    [InlineData(FakeOneBotProfile.GoCqhttp, "Bearer wrong", 403)]
    [InlineData(FakeOneBotProfile.GoCqhttp, "Token s3cret", 101)]
    [InlineData(FakeOneBotProfile.GoCqhttp, "Bearer s3cret", 101)]
    public async Task Upgrade_IsRefusedOverHttp_OnLagrangeAndGoCqhttp(FakeOneBotProfile profile, string? authorization, int status)
    {
        var fake = await StartWithTokenAsync(profile);

        Assert.Equal(status, await OneBotRawClient.UpgradeStatusAsync(fake.Uri, "/", authorization));
        Assert.Equal(status == 101 ? 0 : 1, fake.RejectedCount);
    }

    [Theory]
    [InlineData(FakeOneBotProfile.NapCat, "/?access_token=s3cret", "Bearer wrong", true)]
    [InlineData(FakeOneBotProfile.NapCat, "/", "s3cret", true)]
    [InlineData(FakeOneBotProfile.LLBot, "/?access_token=wrong", "Bearer s3cret", true)]
    [InlineData(FakeOneBotProfile.LLBot, "/?access_token=s3cret", "Bearer wrong", false)]
    [InlineData(FakeOneBotProfile.LLBot, "/?access_token=s3cret", null, true)]
    [InlineData(FakeOneBotProfile.Lagrange, "/?access_token=s3cret", null, true)]
    [InlineData(FakeOneBotProfile.GoCqhttp, "/?access_token=s3cret", null, true)]
    public async Task Token_IsReadWhereTheProfileReadsIt(FakeOneBotProfile profile, string path, string? authorization, bool accepted)
    {
        var fake = await StartWithTokenAsync(profile);
        var client = await ConnectAsync(fake, path, authorization: authorization);

        var frame = await client.NextAsync();

        if (accepted)
        {
            Assert.True(OneBotRawClient.IsMeta(frame, "lifecycle"), frame.ToString());
            Assert.Equal(1, fake.ConnectionCount);
        }
        else
        {
            Assert.Equal(1403, frame.GetProperty("retcode").GetInt32());
        }
    }

    [Fact]
    public async Task PushError_NamesTheRefusal_ButNeverTheToken()
    {
        var fake = await StartFakeAsync(o =>
        {
            o.AccessToken = Token;
            o.ClientWaitTimeout = TimeSpan.FromMilliseconds(300);
        });
        var client = await ConnectAsync(fake, authorization: "Bearer not-the-token");
        await client.WaitClosedAsync();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => fake.PushGroupMessageAsync(1, 2, "hi"));

        Assert.Contains("wrong access token", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-token", error.Message, StringComparison.Ordinal);
    }
}
