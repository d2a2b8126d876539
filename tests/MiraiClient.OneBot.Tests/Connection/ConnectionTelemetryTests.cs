using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using MiraiClient.Testing.OneBot;

namespace MiraiClient.OneBot.Tests.Connection;

/// <summary>What a <see cref="OneBotConnection"/> tells operators: metrics under the <c>onebot.</c> prefix,
/// log lines with stable event ids, and never the access token.</summary>
public class ConnectionTelemetryTests(ITestOutputHelper output) : OneBotConnectionTestBase(output)
{
    [Fact]
    public async Task Metrics_AreRecordedUnderTheOneBotPrefix_WithActionTags()
    {
        // Tests run in parallel on the shared meter: this test's actions have names nobody else uses.
        var measurements = new ConcurrentQueue<(string Instrument, string Tags)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "MiraiClient")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((i, _, tags, _) => measurements.Enqueue((i.Name, Describe(tags))));
        listener.SetMeasurementEventCallback<double>((i, _, tags, _) => measurements.Enqueue((i.Name, Describe(tags))));
        listener.Start();

        var fake = await StartFakeAsync();
        fake.Handle("telemetry_ok_7d1", _ => ActionReply.Ok("1"));
        fake.Handle("telemetry_fail_7d1", _ => ActionReply.Failed(1200, "nope"));
        var connection = CreateConnection(FastOptions(fake.Uri));
        var states = new StateRecorder(connection);
        await Within(connection.ConnectAsync(TestToken));
        await Within(connection.CallAsync("telemetry_ok_7d1", null, TestToken));
        await Assert.ThrowsAsync<OneBotApiException>(() => Within(connection.CallAsync("telemetry_fail_7d1", null, TestToken)));
        fake.AbortConnections();
        await states.WaitForStateAsync(ConnectionState.Connected, skip: 1);
        listener.RecordObservableInstruments();

        var seen = measurements.ToList();
        bool Has(string instrument, string tag) => seen.Any(m => m.Instrument == instrument && m.Tags.Contains(tag, StringComparison.Ordinal));
        Assert.True(Has("onebot.actions.sent", "onebot.action=telemetry_ok_7d1"), Dump(seen));
        Assert.True(Has("onebot.action.duration", "onebot.action=telemetry_ok_7d1") && Has("onebot.action.duration", "onebot.outcome=ok"), Dump(seen));
        Assert.True(Has("onebot.action.errors", "onebot.action=telemetry_fail_7d1") && Has("onebot.action.errors", "onebot.code=1200"), Dump(seen));
        Assert.True(Has("onebot.connections", "onebot.state=connected"), Dump(seen));
        Assert.True(Has("onebot.connect.attempts", "onebot.result="), Dump(seen));
        Assert.True(Has("onebot.reconnects", "onebot.cause=TransportError"), Dump(seen));
        Assert.DoesNotContain(seen, m => m.Instrument.StartsWith("mirai.", StringComparison.Ordinal) && m.Tags.Contains("telemetry_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Logs_UseTheOneBotCategory_AndStableEventIds()
    {
        var fake = await StartFakeAsync(o => o.AccessToken = Token);
        var connection = CreateConnection(FastOptions(fake.Uri, Token));
        var states = new StateRecorder(connection);
        await Within(connection.ConnectAsync(TestToken));
        fake.AbortConnections();
        await states.WaitForStateAsync(ConnectionState.Connected, skip: 1);
        await fake.PushRawEventAsync($$"""{"time":1,"self_id":{{fake.SelfId}},"post_type":"brand_new"}""");
        await fake.SendRawAsync("{broken");
        await Within(connection.System.GetLoginInfoAsync(TestToken));

        var ours = Logs.Lines.Where(l => l.Category == "MiraiClient.OneBot.OneBotConnection").ToList();
        foreach (var (id, name, level) in new[]
        {
            (1001, "ConnectAttempt", LogLevel.Debug),
            (1002, "Connected", LogLevel.Information),
            (1003, "Disconnected", LogLevel.Warning),
            (1009, "MalformedFrame", LogLevel.Warning),
            (1010, "UnknownEvent", LogLevel.Information),
            (1015, "StateChanged", LogLevel.Debug),
        })
        {
            Assert.Contains(ours, l => l.EventId.Id == id && l.EventId.Name == name && l.Level == level);
        }

        // Every event id is used with one name only.
        Assert.All(ours.GroupBy(l => l.EventId.Id), g => Assert.Single(g.Select(l => l.EventId.Name).Distinct()));
        Assert.Contains(ours, l => l.EventId.Name == "Connected" && l.Message.Contains(fake.SelfId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
    }

    [Fact]
    public async Task FatalTokenRejection_IsLoggedOnceAsAnError_WithoutTheToken()
    {
        var fake = await StartFakeAsync(o => { o.Profile = FakeOneBotProfile.LLBot; o.AccessToken = "another"; });
        var connection = CreateConnection(FastOptions(fake.Uri, Token));
        await Assert.ThrowsAsync<MiraiConnectionException>(() => Within(connection.ConnectAsync(TestToken)));

        var fatal = Assert.Single(Logs.Lines, l => l.EventId.Name == "Fatal");
        Assert.Equal(1006, fatal.EventId.Id);
        Assert.Equal(LogLevel.Error, fatal.Level);
        Assert.DoesNotContain(Token, Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_OfOptionsAndConnection_NeverShowsTheToken()
    {
        var options = FastOptions(new Uri("ws://127.0.0.1:1/"), Token);
        options.AccessTokenInQuery = true;
        Assert.DoesNotContain(Token, options.ToString(), StringComparison.Ordinal);
        Assert.Contains("***", options.ToString(), StringComparison.Ordinal);
        using var connection = new OneBotConnection(options, LoggerFactory);
        Assert.DoesNotContain(Token, connection.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Token, Internal.OneBotSettings.Create(options).ToString(), StringComparison.Ordinal);

        // A token in the address itself is refused, so it can never reach a log line through the endpoint.
        var leaky = FastOptions(new Uri($"ws://127.0.0.1:1/?access_token={Token}"));
        var error = Assert.Throws<ArgumentException>(() => new OneBotConnection(leaky));
        Assert.DoesNotContain(Token, error.ToString(), StringComparison.Ordinal);
    }

    private static string Describe(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var parts = new List<string>();
        foreach (var tag in tags)
        {
            parts.Add($"{tag.Key}={tag.Value}");
        }

        return string.Join(",", parts);
    }

    private static string Dump(List<(string Instrument, string Tags)> seen) =>
        string.Join("\n", seen.Where(m => m.Instrument.StartsWith("onebot.", StringComparison.Ordinal)).Select(m => $"{m.Instrument} {m.Tags}").Distinct().Take(60));
}
