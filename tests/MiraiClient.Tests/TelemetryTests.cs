using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MiraiClient.Hosting;
using MiraiClient.Testing;
using MiraiClient.Tests.Infrastructure;

namespace MiraiClient.Tests;

// The MiraiClient meter and activity source are static: any connection in the process reports to them.
[Collection(RunsAlone.Name)]
public sealed class TelemetryTests(ITestOutputHelper output) : ConnectionTestBase(output)
{
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = new();
    private readonly ConcurrentQueue<Activity> _activities = new();
    private MeterListener? _meters;
    private ActivityListener? _tracing;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "MiraiClient")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _meters.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _meters.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _meters.Start();
        _tracing = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("MiraiClient", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => _activities.Enqueue(a),
        };
        ActivitySource.AddActivityListener(_tracing);
    }

    // The runner calls only DisposeAsync here; listeners left running would record every later test.
    public override async ValueTask DisposeAsync()
    {
        _meters?.Dispose();
        _tracing?.Dispose();
        await base.DisposeAsync();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        _measurements.Enqueue((instrument.Name, value, copy));
    }

    private double Sum(string instrument, string? tag = null, object? value = null) =>
        _measurements.Where(m => m.Instrument == instrument && (tag is null || Equals(m.Tags.GetValueOrDefault(tag)?.ToString(), value?.ToString()))).Sum(m => m.Value);

    private int Count(string instrument) => _measurements.Count(m => m.Instrument == instrument);

    [Fact]
    public async Task OneAbort_CountsOneReconnectWithItsCause_AndItsDuration()
    {
        var backend = await StartBackendAsync();
        var connection = CreateConnection(FastOptions(backend.Uri));
        var states = new StateRecorder(connection);
        await Within(connection.ConnectAsync(TestToken));
        backend.AbortConnections();
        await states.WaitForAsync(c => c.PreviousState == ConnectionState.Reconnecting && c.CurrentState == ConnectionState.Connected);

        Assert.Equal(1, Sum("mirai.reconnects"));
        Assert.Equal(1, Sum("mirai.reconnects", "mirai.cause", "TransportError"));
        Assert.Equal(1, Count("mirai.reconnect.duration"));
        Assert.Equal(2, Sum("mirai.connect.attempts", "mirai.result", "connected"));
        Assert.Equal(1, Sum("mirai.connections", "mirai.state", "connected"));
        Assert.Equal(0, Sum("mirai.connections", "mirai.state", "reconnecting"));
        Output.WriteLine($"reconnect took {_measurements.Single(m => m.Instrument == "mirai.reconnect.duration").Value * 1000:F0} ms");
    }

    [Fact]
    public async Task Events_AreCountedByType_AndDropsToo()
    {
        var backend = await StartBackendAsync();
        var options = FastOptions(backend.Uri);
        options.EventBufferCapacity = 2;
        var connection = CreateConnection(options);
        var slow = connection.GetEventsAsync(TestToken);
        await Within(connection.ConnectAsync(TestToken));
        for (var i = 0; i < 5; i++)
        {
            await backend.PushGroupMessageAsync(1, 2, "x");
        }

        await backend.PushEventAsync("""{"type":"VeryNew"}""");
        await Within(Task.Run(async () =>
        {
            while (Sum("mirai.events.received") < 6)
            {
                await Task.Delay(10, TestToken);
            }
        }, TestToken));
        Assert.Equal(5, Sum("mirai.events.received", "mirai.event", "GroupMessage"));
        Assert.Equal(1, Sum("mirai.events.received", "mirai.event", "Unknown"));
        Assert.Equal(4, Sum("mirai.events.dropped"));
        Assert.Equal(connection.DroppedEventCount, Sum("mirai.events.dropped"));
        await using var enumerator = slow.GetAsyncEnumerator(TestToken);
    }

    [Fact]
    public async Task Commands_AreCountedTimedAndTraced_WithTheirServerCodes()
    {
        var backend = await StartBackendAsync();
        var connection = CreateConnection(FastOptions(backend.Uri));
        await Within(connection.ConnectAsync(TestToken));
        backend.Handle("recall", _ => CommandReply.Status(5, "指定对象不存在"));
        await Within(connection.SendGroupMessageAsync(1, "hi", cancellationToken: TestToken));
        await Assert.ThrowsAsync<MiraiApiException>(() => Within(connection.RecallAsync(1, 2, TestToken)));

        Assert.Equal(1, Sum("mirai.commands.sent", "mirai.command", "sendGroupMessage"));
        Assert.Equal(1, Sum("mirai.commands.sent", "mirai.command", "recall"));
        Assert.Equal(1, Sum("mirai.command.errors", "mirai.code", 5));
        var durations = _measurements.Where(m => m.Instrument == "mirai.command.duration").ToList();
        Assert.Contains(durations, d => Equals(d.Tags["mirai.command"], "sendGroupMessage") && Equals(d.Tags["mirai.outcome"], "ok"));
        Assert.Contains(durations, d => Equals(d.Tags["mirai.command"], "recall") && Equals(d.Tags["mirai.outcome"], "server_error"));

        var send = Assert.Single(_activities, a => a.OperationName == "sendGroupMessage");
        Assert.Equal(ActivityKind.Client, send.Kind);
        Assert.Equal("sendGroupMessage", send.GetTagItem("mirai.command"));
        var syncId = backend.ReceivedCommands.Single(c => c.Command == "sendGroupMessage").SyncId;
        Assert.Equal(syncId, send.GetTagItem("mirai.sync_id")!.ToString());
        Assert.Equal(0, send.GetTagItem("mirai.result_code"));
        var recall = Assert.Single(_activities, a => a.OperationName == "recall");
        Assert.Equal(5, recall.GetTagItem("mirai.result_code"));
        Assert.Equal(ActivityStatusCode.Error, recall.Status);
    }

    [Fact]
    public async Task AReplyFromAHandler_IsTracedAsAChildOfItsEvent()
    {
        var backend = await StartBackendAsync();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Mirai:Uri"] = backend.Uri.ToString(), ["Mirai:QQ"] = "10001" });
        builder.Services.AddMiraiClient(builder.Configuration.GetSection("Mirai"));
        builder.Services.AddMiraiBot().OnGroupMessage((ctx, ct) => ctx.ReplyAsync("pong", cancellationToken: ct));
        using var host = builder.Build();
        await host.StartAsync(TestToken);
        await Within(host.Services.GetRequiredService<IMiraiConnection>().ConnectAsync(TestToken));
        await backend.PushGroupMessageAsync(1, 2, "/ping");
        await backend.WaitForCommandAsync("sendGroupMessage");
        await Within(Task.Run(async () =>
        {
            while (!_activities.Any(a => a.OperationName == "mirai.event GroupMessage"))
            {
                await Task.Delay(10, TestToken);
            }
        }, TestToken));
        var eventActivity = _activities.Single(a => a.OperationName == "mirai.event GroupMessage");
        var reply = _activities.Single(a => a.OperationName == "sendGroupMessage");
        Assert.Equal(eventActivity.SpanId, reply.ParentSpanId);
        Assert.Equal(eventActivity.TraceId, reply.TraceId);
        await host.StopAsync(TestToken);
    }

    [Fact]
    public async Task NoTag_EverCarriesASecret()
    {
        var key = AssemblyMonitor.Secret("telemetry-key-" + Guid.NewGuid().ToString("N"));
        var backend = await StartBackendAsync(o => o.VerifyKey = key);
        var options = FastOptions(backend.Uri);
        options.VerifyKey = key;
        var connection = CreateConnection(options);
        await Within(connection.ConnectAsync(TestToken));
        await Within(connection.AboutAsync(TestToken));
        var session = (await Within(connection.GetSessionInfoAsync(TestToken))).SessionKey;
        var everything = string.Join("|", _measurements.SelectMany(m => m.Tags.Values.Select(v => v?.ToString())))
            + string.Join("|", _activities.SelectMany(a => a.TagObjects.Select(t => t.Value?.ToString())));
        Assert.DoesNotContain(key, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(session, everything, StringComparison.Ordinal);
    }
}
