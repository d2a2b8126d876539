using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using MiraiClient.LoadTest;

// End-to-end load test over loopback. One command runs everything:
//   dotnet run -c Release --project benchmarks/MiraiClient.LoadTest            (full run, several minutes)
//   dotnet run -c Release --project benchmarks/MiraiClient.LoadTest -- --smoke (seconds; CI)
// The server runs in this process; every contestant runs in its own child process.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

if (args.Length > 0 && args[0] == "child")
{
    // child <contestant> <base> <warmup events> <events> <sequential> <concurrent> <capacity>
    MiraiContestant.Capacity = int.Parse(args[7]);
    var endpoints = new Server.Endpoints(new Uri(args[2]));
    var contestant = Contestant.Create(args[1]);
    long childWarmup = long.Parse(args[3]), childEvents = long.Parse(args[4]);
    int childSequential = int.Parse(args[5]), childConcurrent = int.Parse(args[6]);

    // A warm-up connection of each kind first, so tiering and pools settle before anything is measured.
    await contestant.IngestAsync(endpoints.Stream(childWarmup), childWarmup);
    await contestant.RoundTripsAsync(endpoints.Echo(), Math.Max(100, childSequential / 5), Contestant.InFlight * 20);
    Emit(await contestant.IngestAsync(endpoints.Stream(childEvents), childEvents));
    foreach (var sample in await contestant.RoundTripsAsync(endpoints.Echo(), childSequential, childConcurrent))
    {
        Emit(sample);
    }

    return 0;
}

if (args.Length > 0 && args[0] == "resilience")
{
    // resilience <base> <warmup events> <events> <reconnects> <frozen 0|1> <capacity>
    MiraiContestant.Capacity = int.Parse(args[6]);
    var figures = await Resilience.RunAsync(new Server.Endpoints(new Uri(args[1])), long.Parse(args[2]), long.Parse(args[3]), int.Parse(args[4]), args[5] == "1");
    Console.WriteLine("RESILIENCE " + JsonSerializer.Serialize(figures, ReportJson.Default.ResilienceReport));
    return 0;
}

if (args.Length > 0 && args[0] == "serve")
{
    // For experiments: run the server alone and point a child at it.
    await using var alone = await Server.StartAsync();
    Console.WriteLine(alone.BaseUri);
    await alone.WaitForShutdownAsync();
    return 0;
}

var smoke = args.Contains("--smoke");
var reps = Option("--reps", smoke ? 1 : 5);
var events = Option("--events", smoke ? 5_000 : 1_000_000);
var warmupEvents = Option("--warmup", smoke ? 2_000 : 100_000);
var sequential = Option("--sequential", smoke ? 200 : 10_000);
var concurrent = Option("--concurrent", smoke ? Contestant.InFlight * 10 : Contestant.InFlight * 2_000);
var memoryEvents = Option("--memory-events", smoke ? 10_000 : 1_000_000);
var reconnects = Option("--reconnects", smoke ? 10 : 1_000);
var frozen = !smoke && !args.Contains("--no-frozen");
var capacity = Option("--capacity", new MiraiClient.MiraiConnectionOptions().EventBufferCapacity);
var only = Array.IndexOf(args, "--contestants") is var at and >= 0 ? args[at + 1].Split(',') : null;
string[] contestants = only ?? ["raw", "stj", "peer", "mirai"];

await using var server = await Server.StartAsync();
Console.WriteLine($"MiraiClient load test: {(smoke ? "smoke" : "full")} run, {reps} repetition(s), {events:N0} events, {sequential:N0} sequential and {concurrent:N0} concurrent requests per contestant; server {server.BaseUri}");
Console.WriteLine($"MiraiConnection event buffer: {capacity} events per subscriber");
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}; frame sizes {Workload.EventFrames.Min(f => f.Length)}-{Workload.EventFrames.Max(f => f.Length)} B over {Workload.Variants} variants");

var samples = new List<(int Rep, Sample Sample)>();
var failed = false;
for (var rep = 0; rep < reps; rep++)
{
    // Rotate the order, so no contestant always runs first or last.
    for (var k = 0; k < contestants.Length; k++)
    {
        var name = contestants[(k + rep) % contestants.Length];
        var lines = await RunChildAsync(["child", name, server.BaseUri.ToString(), warmupEvents.ToString(), events.ToString(), sequential.ToString(), concurrent.ToString(), capacity.ToString()]);
        foreach (var line in lines.Where(l => l.StartsWith("SAMPLE ", StringComparison.Ordinal)))
        {
            var sample = JsonSerializer.Deserialize(line["SAMPLE ".Length..], ReportJson.Default.Sample)!;
            samples.Add((rep, sample));
            failed |= !sample.Valid;
            Console.WriteLine($"  rep {rep + 1} {sample.Contestant,-5} {sample.Scenario,-6} {Describe(sample)}");
        }
    }
}

var resilienceLines = await RunChildAsync(["resilience", server.BaseUri.ToString(), warmupEvents.ToString(), memoryEvents.ToString(), reconnects.ToString(), frozen ? "1" : "0", capacity.ToString()]);
var resilience = JsonSerializer.Deserialize(resilienceLines.Single(l => l.StartsWith("RESILIENCE ", StringComparison.Ordinal))["RESILIENCE ".Length..], ReportJson.Default.ResilienceReport)!;
failed |= !resilience.Valid;

var report = Report(samples, resilience);
Console.WriteLine();
Console.WriteLine(report);
var output = Path.Combine(FindRoot(), "artifacts", "loadtest");
Directory.CreateDirectory(output);
await File.WriteAllTextAsync(Path.Combine(output, smoke ? "report.smoke.md" : "report.md"), report);
Console.WriteLine($"written to {Path.Combine(output, smoke ? "report.smoke.md" : "report.md")}");
if (failed)
{
    Console.Error.WriteLine("A run was not valid (wrong checksum, dropped events or failed requests): see above.");
    return 1;
}

return 0;

int Option(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1]) : fallback;
}

static void Emit(Sample sample) => Console.WriteLine("SAMPLE " + JsonSerializer.Serialize(sample, ReportJson.Default.Sample));

static string Describe(Sample s) => s.Scenario switch
{
    "ingest" => $"{s.PerSecond,10:N0} events/s {s.CpuMicrosecondsPerItem,6:0.00} µs CPU/event {s.BytesPerItem,7:N0} B/event {s.Gen0Per100k,6:0.0} gen0/100k  {s.Note}",
    "rtt1" => $"p50 {s.P50Microseconds,7:0.0} µs  p99 {s.P99Microseconds,7:0.0} µs {s.BytesPerItem,7:N0} B/request",
    _ => $"{s.PerSecond,10:N0} requests/s {s.CpuMicrosecondsPerItem,6:0.00} µs CPU/request {s.BytesPerItem,7:N0} B/request{(s.Valid ? "" : "  INVALID")}",
};

static async Task<List<string>> RunChildAsync(string[] arguments)
{
    var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
    if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
    {
        start.ArgumentList.Add(typeof(Server).Assembly.Location);
    }

    foreach (var argument in arguments)
    {
        start.ArgumentList.Add(argument);
    }

    using var process = Process.Start(start)!;
    var stdout = process.StandardOutput.ReadToEndAsync();
    var stderr = process.StandardError.ReadToEndAsync();
    using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
    try
    {
        await process.WaitForExitAsync(timeout.Token);
    }
    catch (OperationCanceledException)
    {
        process.Kill(entireProcessTree: true);
        throw new TimeoutException($"{string.Join(' ', arguments.Take(2))} did not finish within 10 minutes");
    }

    var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"{string.Join(' ', arguments.Take(2))} exited with {process.ExitCode}:\n{await stderr}\n{string.Join('\n', lines)}");
    }

    return lines;
}

static string FindRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "MiraiClient.sln")))
        {
            return dir.FullName;
        }
    }

    return Directory.GetCurrentDirectory();
}

static string Report(List<(int Rep, Sample Sample)> samples, ResilienceReport resilience)
{
    var reps = samples.Select(s => s.Rep).Distinct().Order().ToList();
    Sample? Get(int rep, string contestant, string scenario) => samples.FirstOrDefault(s => s.Rep == rep && s.Sample.Contestant == contestant && s.Sample.Scenario == scenario).Sample;
    string Stat(IEnumerable<double> values, string format)
    {
        var list = values.Order().ToList();
        if (list.Count == 0)
        {
            return "—";
        }

        var median = list.Count % 2 == 1 ? list[list.Count / 2] : (list[(list.Count / 2) - 1] + list[list.Count / 2]) / 2;
        return list.Count == 1 ? median.ToString(format) : $"{median.ToString(format)} ({list[0].ToString(format)}–{list[^1].ToString(format)})";
    }

    string Column(string contestant, string scenario, Func<Sample, double> metric, string format) =>
        Stat(reps.Select(r => Get(r, contestant, scenario)).Where(s => s is not null).Select(s => metric(s!)), format);

    string Ratio(string scenario, string over, Func<Sample, double> metric, string contestant = "mirai") =>
        Stat(reps.Select(r => (Get(r, contestant, scenario), Get(r, over, scenario))).Where(p => p.Item1 is not null && p.Item2 is not null).Select(p => metric(p.Item1!) / metric(p.Item2!)), "0.00");

    var b = new StringBuilder();
    b.AppendLine($"Medians over {reps.Count} repetition(s), min–max in brackets. Ratios are computed within each repetition, then summarized.");
    b.AppendLine();
    b.AppendLine("### Event ingest");
    b.AppendLine();
    b.AppendLine("| Contestant | events/s | client CPU µs/event | allocated B/event | gen0 per 100k events |");
    b.AppendLine("|---|---:|---:|---:|---:|");
    foreach (var (name, label) in new[] { ("raw", "raw ClientWebSocket, discard (physical limit)"), ("stj", "raw + STJ source-gen records (best practice)"), ("peer", "Websocket.Client + Newtonsoft (peer stack)"), ("mirai", "MiraiConnection, await foreach") })
    {
        b.AppendLine($"| {label} | {Column(name, "ingest", s => s.PerSecond, "N0")} | {Column(name, "ingest", s => s.CpuMicrosecondsPerItem, "0.00")} | {Column(name, "ingest", s => s.BytesPerItem, "N0")} | {Column(name, "ingest", s => s.Gen0Per100k, "0.0")} |");
    }

    b.AppendLine();
    b.AppendLine("### Command round trips (sendGroupMessage)");
    b.AppendLine();
    b.AppendLine("| Contestant | p50 µs (1 in flight) | p99 µs (1 in flight) | allocated B/request (1 in flight) | requests/s (64 in flight) | client CPU µs/request (64 in flight) | allocated B/request (64 in flight) |");
    b.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
    foreach (var (name, label) in new[] { ("raw", "raw ClientWebSocket (physical limit)"), ("stj", "raw + STJ source-gen records"), ("peer", "Websocket.Client + Newtonsoft"), ("mirai", "MiraiConnection.SendGroupMessageAsync") })
    {
        b.AppendLine($"| {label} | {Column(name, "rtt1", s => s.P50Microseconds, "0")} | {Column(name, "rtt1", s => s.P99Microseconds, "0")} | {Column(name, "rtt1", s => s.BytesPerItem, "N0")} | {Column(name, "rtt64", s => s.PerSecond, "N0")} | {Column(name, "rtt64", s => s.CpuMicrosecondsPerItem, "0.00")} | {Column(name, "rtt64", s => s.BytesPerItem, "N0")} |");
    }

    b.AppendLine();
    b.AppendLine("### MiraiConnection ratios against the targets");
    b.AppendLine();
    b.AppendLine("| Figure | Ratio | Target |");
    b.AppendLine("|---|---:|---:|");
    b.AppendLine($"| events/s ÷ best practice | {Ratio("ingest", "stj", s => s.PerSecond)} | ≥ 1.5 (stretch 1.75) |");
    b.AppendLine($"| events/s ÷ peer stack | {Ratio("ingest", "peer", s => s.PerSecond)} | ≥ 3 |");
    b.AppendLine($"| events/s ÷ raw limit | {Ratio("ingest", "raw", s => s.PerSecond)} | — |");
    b.AppendLine($"| CPU/event ÷ best practice | {Ratio("ingest", "stj", s => s.CpuMicrosecondsPerItem)} | ≤ 0.75 (stretch 0.7) |");
    b.AppendLine($"| CPU/event ÷ raw limit | {Ratio("ingest", "raw", s => s.CpuMicrosecondsPerItem)} | — |");
    b.AppendLine($"| allocated B/event ÷ best practice | {Ratio("ingest", "stj", s => s.BytesPerItem)} | ≤ 0.4 |");
    b.AppendLine($"| round trip p50 ÷ raw (1 in flight) | {Ratio("rtt1", "raw", s => s.P50Microseconds)} | ≤ 1.15 |");
    b.AppendLine($"| round trip p50 ÷ best practice | {Ratio("rtt1", "stj", s => s.P50Microseconds)} | — |");
    b.AppendLine($"| requests/s ÷ raw (64 in flight) | {Ratio("rtt64", "raw", s => s.PerSecond)} | ≥ 0.9 |");
    b.AppendLine($"| requests/s ÷ best practice (64 in flight) | {Ratio("rtt64", "stj", s => s.PerSecond)} | — |");
    b.AppendLine($"| allocated B/request, 1 in flight | {Column("mirai", "rtt1", s => s.BytesPerItem, "N0")} | ≤ 800 |");
    b.AppendLine($"| allocated B/request, 64 in flight | {Column("mirai", "rtt64", s => s.BytesPerItem, "N0")} | ≤ 800 |");
    b.AppendLine();
    b.AppendLine("### Reconnects, dead peers and memory (MiraiConnection)");
    b.AppendLine();
    b.AppendLine("| Figure | Value | Target |");
    b.AppendLine("|---|---:|---:|");
    b.AppendLine($"| reconnect overhead: Connected minus the scheduled attempt, median (p90, max) over {resilience.Reconnects} cycles | {resilience.OverheadP50Ms:0.0} ms ({resilience.OverheadP90Ms:0.0}, {resilience.OverheadMaxMs:0.0}) | ≤ 50 ms median |");
    b.AppendLine($"| backoff delay chosen, median | {resilience.ScheduledDelayP50Ms:0.0} ms | — |");
    b.AppendLine($"| frozen backend detected at default options (10 s + 8 s) | {(resilience.FrozenDetectionSeconds > 0 ? $"{resilience.FrozenDetectionSeconds:0.0} s" : "not run")} | ≤ 20 s |");
    b.AppendLine($"| managed heap: after warm-up → after {resilience.Events:N0} events → after {resilience.Reconnects} reconnects | {resilience.HeapWarmMiB:0.00} → {resilience.HeapAfterEventsMiB:0.00} → {resilience.HeapAfterReconnectsMiB:0.00} MiB | drift < 5 MB |");
    b.AppendLine($"| working set: same points | {resilience.WorkingSetWarmMiB:0.0} → {resilience.WorkingSetAfterEventsMiB:0.0} → {resilience.WorkingSetAfterReconnectsMiB:0.0} MiB | drift < 5 MB |");
    b.AppendLine();
    b.AppendLine($"Memory run: {resilience.Note}.");
    return b.ToString();
}
