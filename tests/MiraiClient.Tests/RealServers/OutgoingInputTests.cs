using MiraiClient.Testing;

namespace MiraiClient.Tests.RealServers;

/// <summary>What the SDK refuses before anything reaches the server, and addresses written the way guides write
/// them: an empty or oversize message fails with a clear <see cref="ArgumentException"/> and nothing is sent; an
/// address that already names the channel is taken as it is.</summary>
public sealed class OutgoingInputTests(ITestOutputHelper output) : RealServerTestBase(output)
{
    public static TheoryData<string, MessageChain> EmptyMessages => new()
    {
        { "no element", new MessageChain([]) },
        { "one empty text", new MessageChainBuilder().Text("").Build() },
        { "two empty texts", new MessageChain([new PlainElement { Text = "" }, new PlainElement { Text = "" }]) },
    };

    [Theory]
    [MemberData(nameof(EmptyMessages))]
    public async Task SendGroupMessageAsync_RefusesAnEmptyMessage_BeforeSendingAnything(string what, MessageChain chain)
    {
        var backend = await StartBackendAsync();
        var connection = CreateConnection(FastOptions(backend.Uri));
        await Within(connection.ConnectAsync(TestToken));

        var error = Assert.Throws<ArgumentException>(() => { _ = connection.SendGroupMessageAsync(1, chain, cancellationToken: TestToken); });

        Output.WriteLine($"{what}: {error.Message}");
        Assert.Equal("messageChain", error.ParamName);
        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
        await Task.Delay(200, TestToken);
        Assert.DoesNotContain(backend.ReceivedCommands, c => c.Command == "sendGroupMessage");
    }

    [Fact]
    public async Task SendMessageAsync_RefusesAnEmptyText_ForEveryKindOfChat()
    {
        var backend = await StartBackendAsync();
        var connection = CreateConnection(FastOptions(backend.Uri));
        await Within(connection.ConnectAsync(TestToken));

        await Assert.ThrowsAnyAsync<ArgumentException>(() => connection.SendGroupMessageAsync(1, "", cancellationToken: TestToken));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => connection.SendFriendMessageAsync(1, "", cancellationToken: TestToken));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => connection.SendTempMessageAsync(1, 2, new MessageChain([]), cancellationToken: TestToken));

        await Task.Delay(200, TestToken);
        Assert.DoesNotContain(backend.ReceivedCommands, c => c.SentMessage is not null);
    }

    [Fact]
    public async Task SendGroupMessageAsync_RefusesAMessageOverMaxMessageSize_BeforeSendingIt_AndTheConnectionCarriesOn()
    {
        var backend = await StartBackendAsync();
        var options = FastOptions(backend.Uri);
        options.MaxMessageSize = 4096;
        var connection = CreateConnection(options);
        await Within(connection.ConnectAsync(TestToken));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Within(connection.SendGroupMessageAsync(1, new string('长', 3000), cancellationToken: TestToken)));

        Output.WriteLine(error.Message);
        Assert.Contains("MaxMessageSize (4096 bytes)", error.Message, StringComparison.Ordinal);
        Assert.Contains("not sent", error.Message, StringComparison.Ordinal);
        Assert.True(await Within(connection.SendGroupMessageAsync(1, "short", cancellationToken: TestToken)) > 0);
        var sent = Assert.Single(backend.ReceivedCommands, c => c.Command == "sendGroupMessage");
        Assert.Equal("short", sent.SentMessage!.Text);
        Assert.Equal(1, backend.HandshakeCount);
    }

    [Theory]
    [InlineData("", "/all")]
    [InlineData("", "/all/")]
    [InlineData("/mirai", "/all")]
    public async Task ConnectAsync_UsesTheAddressAsGiven_WhenItAlreadyEndsInAll(string prefix, string suffix)
    {
        // The fake serves exactly {prefix}/all and answers /all/all with 404, as the server does.
        var backend = await StartBackendAsync(o => o.PathPrefix = prefix);
        var options = FastOptions(new Uri(backend.Uri.ToString().TrimEnd('/') + suffix));
        options.Reconnect.MaxAttempts = 1;
        var connection = CreateConnection(options);

        await Within(connection.ConnectAsync(TestToken));

        Assert.Equal(1, backend.HandshakeCount);
        Assert.Equal(1, backend.AcceptCount);
    }

    [Fact]
    public async Task Constructor_RefusesAnAddressEndingInMessage_WithTheDefaultChannel_NamingTheConflict()
    {
        var backend = await StartBackendAsync();
        var options = FastOptions(new Uri(backend.Uri.ToString().TrimEnd('/') + "/message"));

        var error = Assert.Throws<ArgumentException>(() => new MiraiConnection(options));

        Output.WriteLine(error.Message);
        Assert.Contains("/message", error.Message, StringComparison.Ordinal);
        Assert.Contains("Channel is All", error.Message, StringComparison.Ordinal);

        // Saying which channel is meant makes the same address work.
        options.Channel = MiraiChannel.Message;
        var connection = CreateConnection(options);
        var messages = connection.GetEventsAsync<GroupMessage>(TestToken).GetAsyncEnumerator(TestToken);
        await Within(connection.ConnectAsync(TestToken));
        await backend.PushGroupMessageAsync(1, 2, "on /message");
        Assert.True(await Within(messages.MoveNextAsync().AsTask()));
        Assert.Equal("on /message", messages.Current.MessageChain.ToPlainText());
        await messages.DisposeAsync();
    }
}
