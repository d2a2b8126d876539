using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using MiraiClient.Tests.Infrastructure;

namespace MiraiClient.Tests.RealServers;

/// <summary>Plumbing for the tests of what real deployments do above the socket: the library's default options,
/// bounded waits on a condition, and recorders for bot-state changes and metrics.</summary>
public abstract class RealServerTestBase(ITestOutputHelper output) : ConnectionTestBase(output)
{
    /// <summary>The options a user who sets only the address and the account gets: every other value is the
    /// library's default.</summary>
    protected static MiraiConnectionOptions DefaultOptions(Uri uri, long qq = 10001) => new() { Uri = uri, QQ = qq };

    /// <summary>Waits until <paramref name="condition"/> holds, failing the test after <paramref name="bound"/>.</summary>
    protected static async Task<TimeSpan> WaitUntilAsync(Func<bool> condition, TimeSpan? bound = null, string? what = null)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < (bound ?? Bound), $"{what ?? "The condition"} did not hold within {(bound ?? Bound).TotalSeconds:0.#} s.");
            await Task.Delay(20, TestToken);
        }

        return watch.Elapsed;
    }

    /// <summary>Whether the connection runs a session bound to the live account: connected, the account online,
    /// and at least <paramref name="handshakes"/> handshakes seen by the backend.</summary>
    protected static bool Recovered(MiraiConnection connection, Testing.FakeMiraiBackend backend, int handshakes = 2) =>
        backend.HandshakeCount >= handshakes && connection.State == ConnectionState.Connected && connection.BotState == BotState.Online;
}

/// <summary>Records every <see cref="BotStateChangedEventArgs"/> a connection raises.</summary>
public sealed class BotStateRecorder
{
    private readonly ConcurrentQueue<BotStateChangedEventArgs> _changes = new();

    public BotStateRecorder(IMiraiConnection connection)
    {
        connection.BotStateChanged += (_, e) => _changes.Enqueue(e);
    }

    public IReadOnlyList<BotStateChangedEventArgs> Changes => [.. _changes];

    /// <summary>The states in the order they were entered.</summary>
    public IReadOnlyList<BotState> States => [.. _changes.Select(c => c.CurrentState)];

    public override string ToString() => string.Join("; ", _changes);
}

/// <summary>Records the measurements of the <c>MiraiClient</c> meter while it lives. The meter is static, so a
/// test that uses this is in the <see cref="RunsAlone"/> collection: nothing else runs beside it, and what it
/// records is this test's.</summary>
public sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener;
    private readonly ConcurrentQueue<(string Instrument, long Value, Dictionary<string, string?> Tags)> _measurements = new();

    public MetricRecorder()
    {
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "MiraiClient")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var copy = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value?.ToString();
            }

            _measurements.Enqueue((instrument.Name, value, copy));
        });
        _listener.Start();
    }

    /// <summary>The measurements of one instrument, in order, with their tags.</summary>
    public IReadOnlyList<(long Value, Dictionary<string, string?> Tags)> Of(string instrument) =>
        [.. _measurements.Where(m => m.Instrument == instrument).Select(m => (m.Value, m.Tags))];

    /// <summary>The sum of an instrument's measurements whose tags include every given pair.</summary>
    public long Sum(string instrument, params (string Key, string Value)[] tags) =>
        Of(instrument).Where(m => tags.All(t => m.Tags.TryGetValue(t.Key, out var v) && v == t.Value)).Sum(m => m.Value);

    public void Dispose() => _listener.Dispose();
}
