namespace MiraiClient.Tests;

public class OptionsTests
{
    private static MiraiConnectionOptions Valid() => new() { Uri = new Uri("ws://127.0.0.1:8080"), QQ = 1 };

    public static TheoryData<string, Action<MiraiConnectionOptions>> InvalidCases() => new()
    {
        { "Uri is required", o => o.Uri = null },
        { "ws:// or wss://", o => o.Uri = new Uri("http://127.0.0.1") },
        { "query string", o => o.Uri = new Uri("ws://127.0.0.1/?verifyKey=abc") },
        { "QQ", o => o.QQ = -5 },
        { "ReservedSyncId", o => o.ReservedSyncId = "" },
        { "ConnectTimeout", o => o.ConnectTimeout = TimeSpan.Zero },
        { "CommandTimeout", o => o.CommandTimeout = TimeSpan.FromSeconds(-1) },
        { "MaxMessageSize", o => o.MaxMessageSize = 10 },
        { "EventBufferCapacity", o => o.EventBufferCapacity = 0 },
        { "Reconnect.MaxDelay", o => o.Reconnect.MaxDelay = TimeSpan.FromMilliseconds(10) },
        { "Reconnect.Multiplier", o => o.Reconnect.Multiplier = 0.5 },
        { "Reconnect.Multiplier", o => o.Reconnect.Multiplier = double.NaN },
        { "Reconnect.MaxAttempts", o => o.Reconnect.MaxAttempts = 0 },
        { "Heartbeat.Interval", o => o.Heartbeat.Interval = TimeSpan.Zero },
        { "Channel", o => o.Channel = (MiraiChannel)9 },
    };

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void InvalidOptions_AreRejectedAtConstruction_NamingTheOption(string expected, Action<MiraiConnectionOptions> breakIt)
    {
        var options = Valid();
        breakIt(options);
        var error = Assert.Throws<ArgumentException>(() => new MiraiConnection(options));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(options.Validate);
    }

    [Fact]
    public async Task OptionsAreFrozen_LaterChangesDoNotAffectTheConnection()
    {
        var options = Valid();
        await using var connection = new MiraiConnection(options);
        options.Uri = null;
        options.QQ = -1;
        Assert.Equal(ConnectionState.NotStarted, connection.State);
    }

    [Fact]
    public void ToString_NeverShowsTheVerifyKey()
    {
        var options = Valid();
        options.VerifyKey = "super-secret-verify-key";
        Assert.DoesNotContain("super-secret-verify-key", options.ToString(), StringComparison.Ordinal);
        Assert.Contains("***", options.ToString(), StringComparison.Ordinal);
        var settings = Internal.MiraiSettings.Create(options);
        Assert.DoesNotContain("super-secret-verify-key", settings.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ws://host:8080", MiraiChannel.All, "ws://host:8080/all")]
    [InlineData("ws://host:8080/", MiraiChannel.Message, "ws://host:8080/message")]
    [InlineData("wss://example.org/mirai", MiraiChannel.Event, "wss://example.org/mirai/event")]
    [InlineData("wss://example.org/mirai/", MiraiChannel.All, "wss://example.org/mirai/all")]
    public void Endpoint_AppendsTheChannelToAnyPathPrefix(string uri, MiraiChannel channel, string expected)
    {
        var options = Valid();
        options.Uri = new Uri(uri);
        options.Channel = channel;
        Assert.Equal(new Uri(expected), Internal.MiraiSettings.Create(options).Endpoint);
    }
}
