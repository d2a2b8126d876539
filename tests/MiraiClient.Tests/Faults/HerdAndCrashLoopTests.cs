using System.Diagnostics;
using MiraiClient.Testing;
using MiraiClient.Tests.Infrastructure;

namespace MiraiClient.Tests.Faults;

// Two hundred clients at once: it would crowd the tests beside it.
[Collection(RunsAlone.Name)]
public class HerdAndCrashLoopTests(ITestOutputHelper output) : ConnectionTestBase(output)
{
    [Fact]
    public async Task Herd_200ClientsLosingTheBackendAtOnce_DoNotReconnectInABurst()
    {
        const int Clients = 200;
        var backend = await StartBackendAsync();
        var connections = new List<MiraiConnection>();
        for (var i = 0; i < Clients; i++)
        {
            // Default reconnect schedule: first retry U[0, 250 ms], then 0.5–1 s, 1–2 s, …
            var options = FastOptions(backend.Uri);
            options.Reconnect = new ReconnectOptions();
            options.Heartbeat.Enabled = false;
            connections.Add(CreateConnection(options));
        }

        await Within(Task.WhenAll(connections.Select(c => c.ConnectAsync(TestToken))), TimeSpan.FromSeconds(60));
        var downtime = TimeSpan.FromSeconds(3);
        var crashedAt = backend.AcceptTimes.Count;
        var crashTime = Stopwatch.GetTimestamp();
        await backend.RestartAsync(downtime, TestToken);
        var listeningAgain = Stopwatch.GetElapsedTime(crashTime);
        await backend.WaitForConnectionCountAsync(Clients, TimeSpan.FromSeconds(60));

        var accepts = backend.AcceptTimes.Skip(crashedAt).ToList();
        var first = accepts.Min();
        var peak = accepts.Max(t => accepts.Count(u => u >= t && u < t + TimeSpan.FromMilliseconds(50)));
        Output.WriteLine($"{Clients} clients, backend down {downtime.TotalSeconds} s: {accepts.Count} accepts after it came back; peak {peak} in any 50 ms window ({100.0 * peak / Clients:F0} %); all reconnected {(accepts.Max() - first).TotalMilliseconds:F0} ms after the first");
        Assert.True(peak <= Clients * 0.3, $"peak {peak} accepts in 50 ms");
        Assert.Equal(Clients, accepts.Count);
        Assert.True(listeningAgain >= downtime);
    }

    [Fact]
    public async Task CrashLoopingBackend_AttemptsFollowTheSchedule_AndDoNotResetToTheMinimum()
    {
        var backend = await StartBackendAsync();
        var options = FastOptions(backend.Uri);
        options.Reconnect = new ReconnectOptions
        {
            FirstRetryMaxDelay = TimeSpan.FromMilliseconds(100),
            BaseDelay = TimeSpan.FromMilliseconds(200),
            MaxDelay = TimeSpan.FromSeconds(2),
            StableAfter = TimeSpan.FromSeconds(5),
        };
        var connection = CreateConnection(options);
        var states = new StateRecorder(connection);
        await Within(connection.ConnectAsync(TestToken));

        // The backend accepts, handshakes, and dies 1 s later, again and again.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestToken);
        var crasher = Task.Run(async () =>
        {
            var handshakes = 1;
            while (!stop.IsCancellationRequested)
            {
                await backend.WaitForHandshakesAsync(handshakes, TimeSpan.FromSeconds(30));
                await Task.Delay(1000, stop.Token);
                backend.AbortConnections();
                handshakes++;
            }
        }, TestToken);

        var retries = new List<ConnectionStateChangedEventArgs>();
        for (var i = 0; i < 6; i++)
        {
            retries.Add(await states.WaitForAsync(c => c.RetryDelay is not null, TimeSpan.FromSeconds(30), skip: i));
        }

        await stop.CancelAsync();
        try
        {
            await crasher.WaitAsync(Bound, TestToken);
        }
        catch (OperationCanceledException)
        {
            // Stopped inside its delay rather than between rounds.
        }

        Output.WriteLine("crash loop (dies 1 s after each handshake): retries " + string.Join(", ", retries.Select(r => $"#{r.Attempt} {r.RetryDelay!.Value.TotalMilliseconds:F0} ms")));
        Assert.Equal([1, 2, 3, 4, 5, 6], retries.Select(r => r.Attempt));
        for (var i = 1; i < retries.Count; i++)
        {
            var step = Math.Min(200 * Math.Pow(2, i - 1), 2000);
            Assert.InRange(retries[i].RetryDelay!.Value.TotalMilliseconds, step * 0.5 - 1, step + 1);
        }
    }

    [Fact]
    public async Task LongOutage_AttemptsStaySpacedWithinTheirWindows()
    {
        var backend = await StartBackendAsync();
        backend.StopListening();
        var options = FastOptions(backend.Uri);
        options.Reconnect = new ReconnectOptions { FirstRetryMaxDelay = TimeSpan.FromMilliseconds(50), BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromMilliseconds(400) };
        var connection = CreateConnection(options);
        var states = new StateRecorder(connection);
        _ = StartConnecting(connection);
        await Task.Delay(TimeSpan.FromSeconds(4), TestToken);
        var retries = states.Changes.Where(c => c.RetryDelay is not null).ToList();
        Output.WriteLine($"{retries.Count} attempts in 4 s of outage; delays: {string.Join(", ", retries.Select(r => r.RetryDelay!.Value.TotalMilliseconds.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))}");
        Assert.All(retries.Skip(4), r => Assert.InRange(r.RetryDelay!.Value.TotalMilliseconds, 200 - 1, 400 + 1));

        // 4 s at 200–400 ms per attempt plus the ramp: no tight loop.
        Assert.InRange(retries.Count, 8, 25);
    }
}
