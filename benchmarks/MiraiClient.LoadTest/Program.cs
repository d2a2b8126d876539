using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using MiraiClient.LoadTest;
using MiraiClient.Workloads;

// End-to-end load test over loopback. One command runs everything:
//   dotnet run -c Release --project benchmarks/MiraiClient.LoadTest            (full run, several minutes)
//   dotnet run -c Release --project benchmarks/MiraiClient.LoadTest -- --smoke (seconds; CI)
//   dotnet run -c Release --project benchmarks/MiraiClient.LoadTest -- --help
// The server runs in this process; every contestant runs in its own child process.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

if (args.Length > 0 && args[0] == "child")
{
    // child <protocol> <contestant> <base> <warmup events> <events> <sequential> <concurrent> <capacity> <workload> <token> <digest> [quiet|noquiet]
    JitQuiet.Enabled = args.Length <= 12 || args[12] != "noquiet";
    MiraiContestant.Capacity = int.Parse(args[8]);
    Workload.Configure(WorkloadOptions.Decode(args[9]));
    var family = Family.For(args[1]);
    RequireDigest(family.Protocol.Events, args[11]);
    var endpoints = family.Endpoints(new Uri(args[3]));
    var contestant = family.Create(args[2]);
    var mode = Tokens.Parse(args[10]);
    long childWarmup = long.Parse(args[4]), childEvents = long.Parse(args[5]);
    int childSequential = int.Parse(args[6]), childConcurrent = int.Parse(args[7]);

    // A warm-up connection of each kind first, so tiering and pools settle before anything is measured. Then
    // short streams until one ends half a second after the last compilation: the round trips' warm-up came in
    // between, and tiering recompiles the stream's methods only when they are called again.
    await contestant.IngestAsync(endpoints.Stream(childWarmup), childWarmup);
    await contestant.RoundTripsAsync(endpoints.Echo(), Math.Max(100, childSequential / 5), Contestant.InFlight * 20, mode);
    var rewarm = Math.Min(childWarmup, 20_000);
    await JitQuiet.WarmAsync(() => contestant.IngestAsync(endpoints.Stream(rewarm), rewarm));
    Emit(await contestant.IngestAsync(endpoints.Stream(childEvents), childEvents));
    foreach (var sample in await contestant.RoundTripsAsync(endpoints.Echo(), childSequential, childConcurrent, mode))
    {
        Emit(sample);
    }

    if (contestant is IAsyncDisposable owned)
    {
        // A server-mode contestant stops its host, which closes the last dialled socket cleanly.
        await owned.DisposeAsync();
    }

    return 0;
}

if (args.Length > 0 && args[0] == "pair")
{
    // pair <protocol> <contestant> <base> <warmup round trips> <capacity> <workload> <token> <digest> <quiet|noquiet>; then BLOCK n / END on stdin
    JitQuiet.Enabled = args[9] != "noquiet";
    MiraiContestant.Capacity = int.Parse(args[5]);
    Workload.Configure(WorkloadOptions.Decode(args[6]));
    var pairFamily = Family.For(args[1]);
    RequireDigest(pairFamily.Protocol.Events, args[8]);
    await pairFamily.Create(args[2]).PairedAsync(pairFamily.Endpoints(new Uri(args[3])).Echo(), Tokens.Parse(args[7]), int.Parse(args[4]), Console.In, Console.Out);
    return 0;
}

if (args.Length > 0 && args[0] == "resilience")
{
    // resilience <base> <warmup events> <events> <reconnects> <frozen 0|1> <capacity> <workload> <digest>
    MiraiContestant.Capacity = int.Parse(args[6]);
    Workload.Configure(WorkloadOptions.Decode(args[7]));
    RequireDigest(Workload.Mirai, args[8]);
    var figures = await Resilience.RunAsync(Family.Mirai.Endpoints(new Uri(args[1])), long.Parse(args[2]), long.Parse(args[3]), int.Parse(args[4]), args[5] == "1");
    Console.WriteLine("RESILIENCE " + JsonSerializer.Serialize(figures, ReportJson.Default.ResilienceReport));
    return 0;
}

if (args.Length > 0 && args[0] == "serve")
{
    // For experiments: run the server alone (serve [seed,senders,groups,variants]) and point a child at it.
    Workload.Configure(args.Length > 1 ? WorkloadOptions.Decode(args[1]) : new WorkloadOptions());
    await using var alone = await Server.StartAsync();
    Console.WriteLine(alone.BaseUri);
    Console.WriteLine($"workload {Workload.Options.Encode()}: mirai digest {Workload.Mirai.Digest}, onebot digest {Workload.OneBot.Digest}");
    await alone.WaitForShutdownAsync();
    return 0;
}

if (args.Length > 0 && args[0] == "describe")
{
    // describe [seed,senders,groups,variants]: the generated workload, without running anything.
    Workload.Configure(args.Length > 1 ? WorkloadOptions.Decode(args[1]) : new WorkloadOptions());
    Console.WriteLine(Workload.Describe());
    foreach (var family in Family.All)
    {
        var frames = family.Protocol.Events;
        Console.WriteLine($"{family.Title}: {frames.Describe()}; digest {frames.Digest}");
        foreach (var kind in Workload.Corpus.Messages.GroupBy(m => m.Kind).OrderBy(g => g.Key))
        {
            var sizes = kind.Select(m => frames.Frames[m.Index].Length).Order().ToArray();
            Console.WriteLine($"  {kind.Key,-9} {sizes.Length,5} messages, bytes min {sizes[0]}, median {sizes[sizes.Length / 2]}, max {sizes[^1]}");
        }
    }

    return 0;
}

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(Help());
    return 0;
}

string[] flags = ["--smoke", "--no-frozen"];
string[] valued = ["--pair-rounds", "--pair-block", "--reps", "--events", "--warmup", "--sequential", "--concurrent", "--memory-events", "--reconnects", "--capacity", "--contestants", "--protocol", "--token", "--seed", "--senders", "--groups", "--variants"];
for (var i = 0; i < args.Length; i++)
{
    if (valued.Contains(args[i]) && i + 1 < args.Length)
    {
        i++;
    }
    else if (!flags.Contains(args[i]))
    {
        Console.Error.WriteLine($"unknown or incomplete option '{args[i]}'\n\n{Help()}");
        return 2;
    }
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
var pairRounds = Option("--pair-rounds", smoke ? 2 : 40);
var pairBlock = Option("--pair-block", smoke ? 20 : 500);
var capacity = Option("--capacity", new MiraiClient.MiraiConnectionOptions().EventBufferCapacity);
var token = Tokens.Parse(Text("--token", "linked"));
var protocol = Text("--protocol", smoke ? "all" : "mirai");
var families = protocol == "all" ? Family.All : [Family.For(protocol)];
var only = Array.IndexOf(args, "--contestants") is var at and >= 0 ? args[at + 1].Split(',') : null;
if (only?.FirstOrDefault(name => !families.Any(f => f.Contestants.Any(c => c.Name == name))) is { } unknown)
{
    Console.Error.WriteLine($"no selected protocol has a contestant '{unknown}'");
    return 2;
}

var defaults = new WorkloadOptions();
var workload = new WorkloadOptions(Option("--seed", defaults.Seed), Option("--senders", defaults.Senders), Option("--groups", defaults.Groups), Option("--variants", defaults.Variants));
Workload.Configure(workload);
var callerBytes = Tokens.CallerBytesPerCall(token);

await using var server = await Server.StartAsync();
Console.WriteLine($"MiraiClient load test: {(smoke ? "smoke" : "full")} run, {reps} repetition(s), {events:N0} events, {sequential:N0} sequential and {concurrent:N0} concurrent requests per contestant; server {server.BaseUri}");
Console.WriteLine($"SDK connections' event buffer: {capacity} events per subscriber");
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
var workloadLines = new List<string> { $"workload: {Workload.Describe()} (--seed {workload.Seed} --senders {workload.Senders} --groups {workload.Groups} --variants {workload.Variants})" };
foreach (var family in families)
{
    workloadLines.Add($"{family.Title} {family.Protocol.Events.Describe()}; digest {family.Protocol.Events.Digest}");
}

workloadLines.Add($"round trips called with {Tokens.Describe(token)} (--token {Tokens.Name(token)}); the caller's own token costs {callerBytes:0} B per call, included in every contestant's B/request");
foreach (var line in workloadLines)
{
    Console.WriteLine(line);
}

var samples = new List<(Family Family, int Rep, Sample Sample)>();
var failed = false;
foreach (var family in families)
{
    var contestants = family.Contestants.Where(c => only is null || only.Contains(c.Name)).Select(c => c.Name).ToArray();
    for (var rep = 0; rep < reps; rep++)
    {
        // Rotate the order, so no contestant always runs first or last.
        for (var k = 0; k < contestants.Length; k++)
        {
            var name = contestants[(k + rep) % contestants.Length];
            // A server-mode contestant asks, one line per phase, to be dialled: "DIAL <its endpoint> <this server's endpoint>".
            var dials = new List<Task>();
            using var hangUp = new CancellationTokenSource();
            var lines = await RunChildAsync(["child", family.Key, name, server.BaseUri.ToString(), warmupEvents.ToString(), events.ToString(), sequential.ToString(), concurrent.ToString(), capacity.ToString(), workload.Encode(), Tokens.Name(token), family.Protocol.Events.Digest, smoke ? "noquiet" : "quiet"], line =>
            {
                if (line.StartsWith("DIAL ", StringComparison.Ordinal) && line.Split(' ') is [_, var target, var endpoint])
                {
                    dials.Add(Server.DialAsync(new Uri(target), new Uri(endpoint), hangUp.Token));
                }
            });
            await AwaitDialsAsync(dials, hangUp, name);
            foreach (var line in lines.Where(l => l.StartsWith("SAMPLE ", StringComparison.Ordinal)))
            {
                var sample = JsonSerializer.Deserialize(line["SAMPLE ".Length..], ReportJson.Default.Sample)!;
                samples.Add((family, rep, sample));
                failed |= !sample.Valid;
                Console.WriteLine($"  {(families.Length > 1 ? family.Key + " " : "")}rep {rep + 1} {sample.Contestant,-5} {sample.Scenario,-6} {Describe(sample)}");
            }
        }
    }
}

// Latency in turns: every round-trip contestant at once, each in its own process, taking turns in short blocks.
var turns = new Dictionary<(Family Family, string Contestant), List<double>>();
foreach (var family in families)
{
    var contestants = family.Contestants.Where(c => c.ServerModeOf is null && (only is null || only.Contains(c.Name))).Select(c => c.Name).ToArray();
    if (contestants.Length < 2 || pairRounds < 1)
    {
        continue;
    }

    Console.WriteLine($"  {(families.Length > 1 ? family.Key + " " : "")}round trips in turns: {pairRounds} rounds of {pairBlock} per contestant ({string.Join(", ", contestants)})");
    var blocks = await RunInTurnsAsync(contestants, name => ["pair", family.Key, name, server.BaseUri.ToString(), Math.Max(200, sequential / 5).ToString(), capacity.ToString(), workload.Encode(), Tokens.Name(token), family.Protocol.Events.Digest, smoke ? "noquiet" : "quiet"], pairRounds, pairBlock);
    foreach (var (name, p50s) in blocks)
    {
        turns[(family, name)] = p50s;
    }
}

ResilienceReport? resilience = null;
if (families.Contains(Family.Mirai))
{
    var resilienceLines = await RunChildAsync(["resilience", server.BaseUri.ToString(), warmupEvents.ToString(), memoryEvents.ToString(), reconnects.ToString(), frozen ? "1" : "0", capacity.ToString(), workload.Encode(), Workload.Mirai.Digest]);
    resilience = JsonSerializer.Deserialize(resilienceLines.Single(l => l.StartsWith("RESILIENCE ", StringComparison.Ordinal))["RESILIENCE ".Length..], ReportJson.Default.ResilienceReport)!;
    failed |= !resilience.Valid;
}

var report = new StringBuilder();
report.AppendLine($"Medians over {reps} repetition(s), min–max in brackets. Ratios are computed within each repetition, then summarized.");
report.AppendLine();
foreach (var line in workloadLines)
{
    report.AppendLine($"- {line}");
}

foreach (var family in families)
{
    report.AppendLine();
    if (families.Length > 1)
    {
        report.AppendLine($"## {family.Title}");
        report.AppendLine();
    }

    var familyTurns = turns.Where(t => t.Key.Family == family).ToDictionary(t => t.Key.Contestant, t => t.Value);
    report.Append(Report(family, samples.Where(s => s.Family == family).Select(s => (s.Rep, s.Sample)).ToList(), familyTurns, pairBlock, family == Family.Mirai ? resilience : null));
}

var text = report.ToString();
Console.WriteLine();
Console.WriteLine(text);
var output = Path.Combine(FindRoot(), "artifacts", "loadtest");
Directory.CreateDirectory(output);
await File.WriteAllTextAsync(Path.Combine(output, smoke ? "report.smoke.md" : "report.md"), text);
Console.WriteLine($"written to {Path.Combine(output, smoke ? "report.smoke.md" : "report.md")}");
if (failed)
{
    Console.Error.WriteLine("A run was not valid (wrong fingerprints or bytes, a failed spot check, dropped events, failed requests or an ignored cancellation): see above.");
    return 1;
}

return 0;

int Option(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1]) : fallback;
}

string Text(string name, string fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
}

static void RequireDigest(EventFrames frames, string expected)
{
    if (frames.Digest != expected)
    {
        throw new InvalidOperationException($"this process generated frames with digest {frames.Digest}, the server {expected}: the workload is not deterministic");
    }
}

static string Help() => """
    MiraiClient load test: contestants in separate processes against a server on 127.0.0.1.

    usage: dotnet run -c Release --project benchmarks/MiraiClient.LoadTest -- [options]

    run size
      --smoke               tiny sizes, every protocol, correctness only (CI); no timing is judged
      --reps N              repetitions, contestant order rotating each time (5; smoke 1)
      --events N            events streamed to each contestant (1000000; smoke 5000)
      --warmup N            events of the warm-up connection (100000; smoke 2000)
      --sequential N        round trips with 1 in flight (10000; smoke 200)
      --concurrent N        round trips with 64 in flight, in total (128000; smoke 640)
      --contestants a,b     only these (mirai: raw,stj,peer,mirai,mirai-paced,mirai-server;
                            onebot: raw,stj,onebot,onebot-server)
      --protocol P          mirai, onebot or all (mirai; smoke all)
      --pair-rounds N       rounds of round trips in turns, every contestant at once (40; smoke 2; 0 skips)
      --pair-block N        round trips per contestant per round in turns (500; smoke 20)

    workload (the same seeded frames reach every contestant)
      --seed N              corpus seed (20261201)
      --senders N           distinct senders, each with a distinct member name (256)
      --groups N            groups the senders are spread over (8)
      --variants N          distinct messages, streamed in a cycle (4096)
      --token MODE          the token round trips are called with:
                              none      CancellationToken.None (the figure recorded before tokens)
                              shared    one long-lived source's token (what the hosted service passes)
                              linked    a linked source per call from a long-lived one (default)
                              deadline  linked, plus a 30 s CancelAfter per call

    the SDK's connections
      --capacity N          event buffer per subscriber, MiraiConnection and OneBotConnection (the SDK's default)

    MiraiConnection only
      --memory-events N     events of the memory-drift run (1000000; smoke 10000)
      --reconnects N        reconnect cycles measured (1000; smoke 10)
      --no-frozen           skip the frozen-backend detection (about 18 s; skipped in smoke)

    Server mode: mirai-server and onebot-server host the SDK's reverse WebSocket endpoint (MiraiClient.AspNetCore,
    Kestrel on 127.0.0.1) in the child, and this process dials them and plays the same workload; the report
    compares each with its dialling twin (mirai, onebot) within each repetition.

    The report is printed and written to artifacts/loadtest/report.md (report.smoke.md for --smoke).
    "describe [seed,senders,groups,variants]" prints the generated workload's mix and frame sizes and exits.
    """;

static void Emit(Sample sample) => Console.WriteLine("SAMPLE " + JsonSerializer.Serialize(sample, ReportJson.Default.Sample));

static string Describe(Sample s) => s.Scenario switch
{
    "ingest" => $"{s.PerSecond,10:N0} events/s {s.CpuMicrosecondsPerItem,6:0.00} µs CPU/event {s.BytesPerItem,7:N0} B/event {s.Gen0Per100k,6:0.0} gen0/100k {s.JitMethods,4} jitted  {s.Note}",
    "rtt1" => $"p50 {s.P50Microseconds,7:0.0} µs  p99 {s.P99Microseconds,7:0.0} µs {s.CpuMicrosecondsPerItem,6:0.0} µs CPU/request {s.BytesPerItem,7:N0} B/request {s.JitMethods,4} jitted{(s.Valid ? "" : "  INVALID")}  {s.Note}",
    _ => $"{s.PerSecond,10:N0} requests/s {s.CpuMicrosecondsPerItem,6:0.00} µs CPU/request {s.BytesPerItem,7:N0} B/request {s.JitMethods,4} jitted{(s.Valid ? "" : "  INVALID")}",
};

static async Task AwaitDialsAsync(List<Task> dials, CancellationTokenSource hangUp, string name)
{
    // The child closed every socket when it stopped its host; a session still open after that is hung up.
    var all = Task.WhenAll(dials);
    if (await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(30))) != all)
    {
        await hangUp.CancelAsync();
        Console.Error.WriteLine($"  {name}: {dials.Count(d => !d.IsCompleted)} dialled session(s) still open 30 s after the contestant exited; hung up");
    }

    await all;
}

static async Task<List<string>> RunChildAsync(string[] arguments, Action<string>? onLine = null)
{
    using var process = Process.Start(ChildStart(arguments, commands: false))!;

    // Line by line, so a request the child makes while it runs (a server-mode contestant's DIAL) is served at once.
    var stdout = Task.Run(async () =>
    {
        var read = new List<string>();
        while (await process.StandardOutput.ReadLineAsync() is { } raw)
        {
            var line = raw.Trim();
            if (line.Length > 0)
            {
                read.Add(line);
                onLine?.Invoke(line);
            }
        }

        return read;
    });
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

    var lines = await stdout;
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"{string.Join(' ', arguments.Take(2))} exited with {process.ExitCode}:\n{await stderr}\n{string.Join('\n', lines)}");
    }

    return lines;
}

static async Task<Dictionary<string, List<double>>> RunInTurnsAsync(string[] contestants, Func<string, string[]> arguments, int rounds, int block)
{
    var children = new List<(string Name, Process Process, Task<string> Errors)>();
    try
    {
        foreach (var name in contestants)
        {
            var process = Process.Start(ChildStart(arguments(name), commands: true))!;
            children.Add((name, process, process.StandardError.ReadToEndAsync()));
        }

        // Every reply is bounded: a child that stops answering fails the run instead of hanging it.
        async Task<string> ReplyAsync(string name, Process process)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            try
            {
                return await process.StandardOutput.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException($"{name} (in turns) exited with {(process.WaitForExit(5000) ? process.ExitCode : -1)} before answering:\n{await ErrorsOf(name)}");
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{name} (in turns) did not answer within 2 minutes");
            }
        }

        // The child's standard error, once it has exited (its read ends with the process).
        async Task<string> ErrorsOf(string name)
        {
            var errors = children.First(c => c.Name == name).Errors;
            return await Task.WhenAny(errors, Task.Delay(TimeSpan.FromSeconds(5))) == errors ? await errors : "(standard error still open)";
        }

        foreach (var (name, process, _) in children)
        {
            var ready = await ReplyAsync(name, process);
            if (ready != "READY")
            {
                throw new InvalidOperationException($"{name} (in turns) said '{ready}' instead of READY");
            }
        }

        var p50s = contestants.ToDictionary(n => n, _ => new List<double>());
        for (var round = 0; round < rounds; round++)
        {
            for (var k = 0; k < children.Count; k++)
            {
                var (name, process, _) = children[(k + round) % children.Count];
                await process.StandardInput.WriteLineAsync($"BLOCK {block}");
                await process.StandardInput.FlushAsync();
                var answer = (await ReplyAsync(name, process)).Split(' ');
                if (answer is not ["BLOCK", var p50, var ok] || int.Parse(ok, CultureInfo.InvariantCulture) != block)
                {
                    throw new InvalidOperationException($"{name} (in turns) answered '{string.Join(' ', answer)}': not every round trip returned a message id");
                }

                p50s[name].Add(double.Parse(p50, CultureInfo.InvariantCulture));
            }

            Console.WriteLine($"    round {round + 1,3}: {string.Join("  ", contestants.Select(n => $"{n} {p50s[n][^1],6:0.0}"))} µs p50 (first: {children[round % children.Count].Name})");
        }

        foreach (var (name, process, _) in children)
        {
            await process.StandardInput.WriteLineAsync("END");
            await process.StandardInput.FlushAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await process.WaitForExitAsync(timeout.Token);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{name} (in turns) exited with {process.ExitCode}:\n{await ErrorsOf(name)}");
            }
        }

        return p50s;
    }
    finally
    {
        foreach (var (_, process, _) in children)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
        }
    }
}

/// <summary>How a child process of this load test starts: this program again, with the arguments; its output read
/// by the parent, and its input too when it takes commands.</summary>
static ProcessStartInfo ChildStart(IEnumerable<string> arguments, bool commands)
{
    var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardInput = commands, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
    if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
    {
        start.ArgumentList.Add(typeof(Server).Assembly.Location);
    }

    foreach (var argument in arguments)
    {
        start.ArgumentList.Add(argument);
    }

    return start;
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

static string Report(Family family, List<(int Rep, Sample Sample)> samples, Dictionary<string, List<double>> turns, int turnBlock, ResilienceReport? resilience)
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

    string Ratio(string contestant, string scenario, string over, Func<Sample, double> metric) =>
        Stat(reps.Select(r => (Get(r, contestant, scenario), Get(r, over, scenario))).Where(p => p.Item1 is not null && p.Item2 is not null).Select(p => metric(p.Item1!) / metric(p.Item2!)), "0.00");

    bool Has(string name) => family.Contestants.Any(c => c.Name == name);

    // In turns, a ratio is taken within each round (blocks measured within a second of each other), then summarized.
    string TurnRatio(string contestant, string over) =>
        Stat(turns[contestant].Zip(turns[over]).Select(p => p.First / p.Second), "0.00");

    var b = new StringBuilder();
    b.AppendLine("### Event ingest");
    b.AppendLine();
    b.AppendLine("| Contestant | events/s | client CPU µs/event | allocated B/event | gen0 per 100k events | methods JIT-compiled while measured |");
    b.AppendLine("|---|---:|---:|---:|---:|---:|");
    foreach (var c in family.Contestants)
    {
        b.AppendLine($"| {c.IngestLabel} | {Column(c.Name, "ingest", s => s.PerSecond, "N0")} | {Column(c.Name, "ingest", s => s.CpuMicrosecondsPerItem, "0.00")} | {Column(c.Name, "ingest", s => s.BytesPerItem, "N0")} | {Column(c.Name, "ingest", s => s.Gen0Per100k, "0.0")} | {Column(c.Name, "ingest", s => s.JitMethods, "0")} |");
    }

    b.AppendLine();
    b.AppendLine($"### Command round trips ({family.RoundTrip})");
    b.AppendLine();
    b.AppendLine("| Contestant | p50 µs (1 in flight) | p99 µs (1 in flight) | allocated B/request (1 in flight) | requests/s (64 in flight) | client CPU µs/request (64 in flight) | allocated B/request (64 in flight) | methods JIT-compiled while measured (1 in flight) |");
    b.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
    foreach (var c in family.Contestants)
    {
        b.AppendLine($"| {c.RoundTripLabel} | {Column(c.Name, "rtt1", s => s.P50Microseconds, "0")} | {Column(c.Name, "rtt1", s => s.P99Microseconds, "0")} | {Column(c.Name, "rtt1", s => s.BytesPerItem, "N0")} | {Column(c.Name, "rtt64", s => s.PerSecond, "N0")} | {Column(c.Name, "rtt64", s => s.CpuMicrosecondsPerItem, "0.00")} | {Column(c.Name, "rtt64", s => s.BytesPerItem, "N0")} | {Column(c.Name, "rtt1", s => s.JitMethods, "0")} |");
    }

    if (turns.Count > 0)
    {
        b.AppendLine();
        b.AppendLine($"### Round trips in turns ({family.RoundTrip}, 1 in flight)");
        b.AppendLine();
        b.AppendLine($"Every contestant's process runs at once, connected and warmed up; they take turns, {turns.First().Value.Count} rounds of {turnBlock} round trips each, the order rotating every round. Each block's p50 is compared with the other contestants' blocks of the same round, measured within a second of it; the phases above are a minute apart, on a machine whose speed drifts.");
        b.AppendLine();
        b.AppendLine("| Contestant | p50 µs per block | ÷ raw, within each round |");
        b.AppendLine("|---|---:|---:|");
        foreach (var c in family.Contestants.Where(c => turns.ContainsKey(c.Name)))
        {
            b.AppendLine($"| {c.RoundTripLabel} | {Stat(turns[c.Name], "0")} | {(turns.ContainsKey("raw") ? TurnRatio(c.Name, "raw") : "—")} |");
        }
    }

    if (family.Sdk is { } sdk)
    {
        b.AppendLine();
        b.AppendLine($"### {family.SdkTitle} ratios against the targets");
        b.AppendLine();
        b.AppendLine("| Figure | Ratio | Target |");
        b.AppendLine("|---|---:|---:|");
        b.AppendLine($"| events/s ÷ best practice | {Ratio(sdk, "ingest", "stj", s => s.PerSecond)} | ≥ 1.5 (stretch 1.75) |");
        if (Has("peer"))
        {
            b.AppendLine($"| events/s ÷ peer stack | {Ratio(sdk, "ingest", "peer", s => s.PerSecond)} | ≥ 3 |");
        }

        b.AppendLine($"| events/s ÷ raw limit | {Ratio(sdk, "ingest", "raw", s => s.PerSecond)} | — |");
        b.AppendLine($"| CPU/event ÷ best practice | {Ratio(sdk, "ingest", "stj", s => s.CpuMicrosecondsPerItem)} | ≤ 0.75 (stretch 0.7) |");
        b.AppendLine($"| CPU/event ÷ raw limit | {Ratio(sdk, "ingest", "raw", s => s.CpuMicrosecondsPerItem)} | — |");
        b.AppendLine($"| allocated B/event ÷ best practice | {Ratio(sdk, "ingest", "stj", s => s.BytesPerItem)} | ≤ 0.4 |");
        b.AppendLine($"| round trip p50 ÷ raw (1 in flight) | {Ratio(sdk, "rtt1", "raw", s => s.P50Microseconds)} | ≤ 1.15 |");
        if (turns.ContainsKey(sdk) && turns.ContainsKey("raw"))
        {
            b.AppendLine($"| round trip p50 ÷ raw (1 in flight), in turns | {TurnRatio(sdk, "raw")} | ≤ 1.15 |");
        }

        b.AppendLine($"| round trip p50 ÷ best practice | {Ratio(sdk, "rtt1", "stj", s => s.P50Microseconds)} | — |");
        b.AppendLine($"| client CPU/request ÷ raw (1 in flight) | {Ratio(sdk, "rtt1", "raw", s => s.CpuMicrosecondsPerItem)} | — |");
        b.AppendLine($"| requests/s ÷ raw (64 in flight) | {Ratio(sdk, "rtt64", "raw", s => s.PerSecond)} | ≥ 0.9 |");
        b.AppendLine($"| requests/s ÷ best practice (64 in flight) | {Ratio(sdk, "rtt64", "stj", s => s.PerSecond)} | — |");
        b.AppendLine($"| allocated B/request, 1 in flight | {Column(sdk, "rtt1", s => s.BytesPerItem, "N0")} | ≤ 800 |");
        b.AppendLine($"| allocated B/request, 64 in flight | {Column(sdk, "rtt64", s => s.BytesPerItem, "N0")} | ≤ 800 |");
        if (Has($"{sdk}-paced"))
        {
            b.AppendLine($"| round trip p50, pacing on but not limiting ÷ pacing off (1 in flight) | {Ratio($"{sdk}-paced", "rtt1", sdk, s => s.P50Microseconds)} | ≤ 1.05 |");
            if (turns.ContainsKey(sdk) && turns.ContainsKey($"{sdk}-paced"))
            {
                b.AppendLine($"| round trip p50, pacing on but not limiting ÷ pacing off (1 in flight), in turns | {TurnRatio($"{sdk}-paced", sdk)} | ≤ 1.05 |");
            }

            b.AppendLine($"| client CPU/request, pacing on but not limiting ÷ pacing off (1 in flight) | {Ratio($"{sdk}-paced", "rtt1", sdk, s => s.CpuMicrosecondsPerItem)} | — |");
            b.AppendLine($"| requests/s, pacing on but not limiting ÷ pacing off (64 in flight) | {Ratio($"{sdk}-paced", "rtt64", sdk, s => s.PerSecond)} | — |");
        }
    }
    else
    {
        b.AppendLine();
        b.AppendLine($"The SDK's {family.SdkTitle} is not a contestant yet; best practice against the physical limit:");
        b.AppendLine();
        b.AppendLine("| Figure | Ratio |");
        b.AppendLine("|---|---:|");
        b.AppendLine($"| events/s, best practice ÷ raw limit | {Ratio("stj", "ingest", "raw", s => s.PerSecond)} |");
        b.AppendLine($"| CPU/event, best practice ÷ raw limit | {Ratio("stj", "ingest", "raw", s => s.CpuMicrosecondsPerItem)} |");
        b.AppendLine($"| round trip p50, best practice ÷ raw | {Ratio("stj", "rtt1", "raw", s => s.P50Microseconds)} |");
        b.AppendLine($"| requests/s, best practice ÷ raw (64 in flight) | {Ratio("stj", "rtt64", "raw", s => s.PerSecond)} |");
    }

    var serverModes = family.Contestants.Where(c => c.ServerModeOf is not null && samples.Any(s => s.Sample.Contestant == c.Name) && samples.Any(s => s.Sample.Contestant == c.ServerModeOf)).ToList();
    if (serverModes.Count > 0)
    {
        b.AppendLine();
        b.AppendLine("### Server mode ÷ dialing mode");
        b.AppendLine();
        b.AppendLine("The same connection type, workload and calls; in server mode the contestant hosts the SDK's reverse WebSocket endpoint (Kestrel) and the load generator dials it. Below 1 is better for CPU, bytes and latency; above 1 is better for events/s and requests/s.");
        b.AppendLine();
        b.AppendLine($"| Figure | {string.Join(" | ", serverModes.Select(c => $"{c.Name} ÷ {c.ServerModeOf}"))} |");
        b.AppendLine($"|---|{string.Concat(serverModes.Select(_ => "---:|"))}");
        void Row(string figure, string scenario, Func<Sample, double> metric) =>
            b.AppendLine($"| {figure} | {string.Join(" | ", serverModes.Select(c => Ratio(c.Name, scenario, c.ServerModeOf!, metric)))} |");
        Row("events/s", "ingest", s => s.PerSecond);
        Row("client CPU µs/event", "ingest", s => s.CpuMicrosecondsPerItem);
        Row("allocated B/event", "ingest", s => s.BytesPerItem);
        Row("round trip p50 (1 in flight)", "rtt1", s => s.P50Microseconds);
        Row("round trip p99 (1 in flight)", "rtt1", s => s.P99Microseconds);
        Row("client CPU µs/request (1 in flight)", "rtt1", s => s.CpuMicrosecondsPerItem);
        Row("allocated B/request (1 in flight)", "rtt1", s => s.BytesPerItem);
        Row("requests/s (64 in flight)", "rtt64", s => s.PerSecond);
        Row("client CPU µs/request (64 in flight)", "rtt64", s => s.CpuMicrosecondsPerItem);
        Row("allocated B/request (64 in flight)", "rtt64", s => s.BytesPerItem);
    }

    if (resilience is not null)
    {
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
    }

    return b.ToString();
}
