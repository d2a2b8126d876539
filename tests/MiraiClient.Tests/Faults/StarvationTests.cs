using MiraiClient.Tests.Infrastructure;

namespace MiraiClient.Tests.Faults;

// One test blocks every thread-pool thread: it would stall every other test, and they would disturb it.
[Collection(RunsAlone.Name)]
public class StarvationTests(ITestOutputHelper output) : ConnectionTestBase(output)
{
    [Fact]
    public async Task ThreadPoolStarvationShorterThanTheHeartbeatTimeout_CausesNoFalseDisconnect()
    {
        var backend = await StartBackendAsync();
        var options = FastOptions(backend.Uri);
        options.Heartbeat = new HeartbeatOptions { Interval = TimeSpan.FromSeconds(1), Timeout = TimeSpan.FromSeconds(3) };
        var connection = CreateConnection(options);
        var states = new StateRecorder(connection);
        await Within(connection.ConnectAsync(TestToken));

        // Occupy every thread the pool has for 1.5 s, twice: for that time nothing else runs until the
        // pool injects threads. 1.5 s is half the heartbeat timeout.
        for (var round = 0; round < 2; round++)
        {
            var threads = ThreadPool.ThreadCount;
            using var blocked = new CountdownEvent(threads);
            for (var i = 0; i < threads; i++)
            {
                ThreadPool.UnsafeQueueUserWorkItem(
                    _ =>
                    {
                        Thread.Sleep(1500);
                        blocked.Signal();
                    },
                    null);
            }

            await Task.Run(() => blocked.Wait(TimeSpan.FromSeconds(30)), TestToken);
            await Task.Delay(500, TestToken);
        }

        await Task.Delay(TimeSpan.FromSeconds(2), TestToken);
        Output.WriteLine($"every pool thread ({ThreadPool.ThreadCount} now) blocked for 1.5 s, twice; states: {string.Join(", ", states.Changes)}");
        foreach (var line in Logs.Lines.Where(l => l.EventId.Id is 1003 or 1020 or 1022))
        {
            Output.WriteLine(line.ToString());
        }
        Assert.Equal(1, backend.HandshakeCount);
        Assert.DoesNotContain(states.Changes, c => c.CurrentState == ConnectionState.Reconnecting);
    }

    [Fact]
    public async Task HandlerBlockingForThreeHeartbeatTimeouts_CausesNoFalseDisconnect()
    {
        var backend = await StartBackendAsync();
        var options = FastOptions(backend.Uri);
        options.Heartbeat = new HeartbeatOptions { Interval = TimeSpan.FromSeconds(1), Timeout = TimeSpan.FromSeconds(1) };
        var connection = CreateConnection(options);
        var states = new StateRecorder(connection);
        var events = connection.GetEventsAsync(TestToken);
        await Within(connection.ConnectAsync(TestToken));
        var handler = Task.Run(async () =>
        {
            await foreach (var unused in events)
            {
                // A badly written handler: blocks its thread for 3× the heartbeat timeout.
                Thread.Sleep(TimeSpan.FromSeconds(3));
                return;
            }
        }, TestToken);
        await backend.PushFriendMessageAsync(1, "block");
        await Within(handler);
        await Task.Delay(TimeSpan.FromSeconds(1), TestToken);
        Assert.Equal(1, backend.HandshakeCount);
        Assert.DoesNotContain(states.Changes, c => c.CurrentState == ConnectionState.Reconnecting);
    }
}
