// The fake mirai-api-http backend as its own process, for black-box checks (the sample bot against a
// server it cannot reach into) and for tests that run the server inside a network namespace.
//
// Usage: MiraiClient.FakeBackendHost <address> <port> [options]
//   --qq <n>                    a bot account; repeat for several (default: 10001)
//   --verify-key <key>          require this verify key (default: none)
//   --single-mode               single mode: no qq needed, the first bot is bound
//   --version <x.y.z>           the mirai-api-http version imitated (default: 2.10.0)
//   --profile mirai|overflow    plain mirai, or mirai-api-http on Overflow (default: mirai)
//   --path-prefix </p>          serve {prefix}/all, {prefix}/message, {prefix}/event (default: none)
//   --debug                     answer upgrades with "Sec-WebSocket-Extensions: frame-log"
//   --relogin-every <duration>  log the first bot out and in again this often (default: never)
//   --relogin-kind new|same     new Bot instance (old sessions go stale) or a network drop on the same one (default: new)
//   --relogin-announce true|false   push the offline (and relogin) event first (default: true)
//   --offline-event force|active|dropped   the event announcing a new-instance relogin (default: force)
//   --offline-window <duration> how long the account stays away in each relogin (default: 0)
//   --stale-signature target-not-found|network-is-dead   how stale sessions' commands fail (default: target-not-found)
//   --log-commands              print every command received as "command <key> <content json>"
// Durations: 500ms, 3s, 2m, or hh:mm:ss.
//
// Standard input, one command per line: "push <event json>", "group <group> <sender> <text>",
// "friend <qq> <text>", "relogin" (one relogin as configured). Standard output: "listening <uri>" once
// the port is open, then "relogin start", "relogin done", "pushed <type>" and "error <message>" lines.
// The process runs until standard input closes. Bad arguments exit with code 2.
using System.Globalization;
using System.Net;
using MiraiClient;
using MiraiClient.Testing;

FakeMiraiBackendOptions options;
FakeRelogin relogin;
TimeSpan? reloginEvery;
bool logCommands;
try
{
    (options, relogin, reloginEvery, logCommands) = Arguments.Parse(args);
}
catch (FormatException ex)
{
    Console.Error.WriteLine($"error {ex.Message}");
    Console.Error.WriteLine("usage: MiraiClient.FakeBackendHost <address> <port> [--qq n] [--verify-key k] [--single-mode] [--version x.y.z] [--profile mirai|overflow] [--path-prefix /p] [--debug] [--relogin-every 20s] [--relogin-kind new|same] [--relogin-announce true|false] [--offline-event force|active|dropped] [--offline-window 3s] [--stale-signature target-not-found|network-is-dead] [--log-commands]");
    return 2;
}

var backend = await FakeMiraiBackend.StartAsync(options);
var output = TextWriter.Synchronized(Console.Out);
output.WriteLine($"listening {backend.Uri}");
using var stop = new CancellationTokenSource();
var reloginGate = new SemaphoreSlim(1, 1);

async Task ReloginOnceAsync()
{
    await reloginGate.WaitAsync(stop.Token);
    try
    {
        output.WriteLine("relogin start");
        await backend.ReloginAsync(relogin, stop.Token);
        output.WriteLine("relogin done");
    }
    finally
    {
        reloginGate.Release();
    }
}

async Task ReloginLoopAsync(TimeSpan every)
{
    while (!stop.IsCancellationRequested)
    {
        await Task.Delay(every, stop.Token);
        try
        {
            await ReloginOnceAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            output.WriteLine($"error relogin failed: {ex.Message.ReplaceLineEndings(" ")}");
        }
    }
}

async Task LogCommandsAsync()
{
    var cursor = backend.CommandCursor();
    while (!stop.IsCancellationRequested)
    {
        try
        {
            var command = await cursor.NextAsync(_ => true, TimeSpan.FromSeconds(1));
            output.WriteLine($"command {command.Key} {(command.Content.ValueKind == System.Text.Json.JsonValueKind.Undefined ? "null" : command.Content.GetRawText())}");
        }
        catch (TimeoutException)
        {
            // Nothing arrived this second; look again.
        }
    }
}

var background = new List<Task>();
if (reloginEvery is { } interval)
{
    background.Add(ReloginLoopAsync(interval));
}

if (logCommands)
{
    background.Add(LogCommandsAsync());
}

string? line;
while ((line = await Console.In.ReadLineAsync()) is not null)
{
    try
    {
        var parts = line.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        switch (parts.FirstOrDefault())
        {
            case null:
                break;
            case "relogin":
                await ReloginOnceAsync();
                break;
            case "push" when parts.Length == 2:
                var value = MiraiJson.DeserializeEvent(parts[1]);
                await backend.PushEventAsync(parts[1]);
                output.WriteLine($"pushed {value.Type}");
                break;
            case "group" when parts.Length == 2 && parts[1].Split(' ', 3) is [var group, var sender, var text]:
                await backend.PushGroupMessageAsync(long.Parse(group, CultureInfo.InvariantCulture), long.Parse(sender, CultureInfo.InvariantCulture), text);
                output.WriteLine("pushed GroupMessage");
                break;
            case "friend" when parts.Length == 2 && parts[1].Split(' ', 2) is [var friend, var text]:
                await backend.PushFriendMessageAsync(long.Parse(friend, CultureInfo.InvariantCulture), text);
                output.WriteLine("pushed FriendMessage");
                break;
            default:
                output.WriteLine($"error unknown command: {line}");
                break;
        }
    }
    catch (Exception ex) when (ex is FormatException or InvalidOperationException or MiraiProtocolException or ArgumentException)
    {
        output.WriteLine($"error {ex.Message.ReplaceLineEndings(" ")}");
    }
}

await stop.CancelAsync();
foreach (var task in background)
{
    try
    {
        await task;
    }
    catch (OperationCanceledException)
    {
        // Stopping.
    }
}

await backend.DisposeAsync();
return 0;

/// <summary>The command line, parsed into the fake's options and the relogin script.</summary>
internal static class Arguments
{
    public static (FakeMiraiBackendOptions Options, FakeRelogin Relogin, TimeSpan? ReloginEvery, bool LogCommands) Parse(string[] args)
    {
        if (args.Length < 2)
        {
            throw new FormatException("an address and a port are required.");
        }

        var options = new FakeMiraiBackendOptions
        {
            Address = IPAddress.TryParse(args[0], out var address) ? address : throw new FormatException($"'{args[0]}' is not an IP address."),
            Port = int.TryParse(args[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var port) && port is >= 0 and <= 65535 ? port : throw new FormatException($"'{args[1]}' is not a port."),
        };
        var bots = new List<long>();
        TimeSpan? every = null;
        var kind = FakeReloginKind.NewBotInstance;
        var announce = true;
        var offlineEvent = FakeOfflineEvent.Force;
        var window = TimeSpan.Zero;
        var signature = ClosedBotSignature.TargetNotFound;
        var logCommands = false;
        for (var i = 2; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--qq":
                    bots.Add(long.TryParse(Value(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var qq) && qq > 0 ? qq : throw new FormatException($"--qq: '{args[i]}' is not a QQ number."));
                    break;
                case "--verify-key":
                    options.VerifyKey = Value();
                    break;
                case "--single-mode":
                    options.SingleMode = true;
                    break;
                case "--version":
                    options.ServerVersion = Version.TryParse(Value(), out var version) ? version : throw new FormatException($"--version: '{args[i]}' is not a version such as 2.10.0.");
                    break;
                case "--profile":
                    options.Profile = Value() switch
                    {
                        "mirai" => FakeServerProfile.Mirai,
                        "overflow" => FakeServerProfile.Overflow,
                        var other => throw new FormatException($"--profile: '{other}' is neither mirai nor overflow."),
                    };
                    break;
                case "--path-prefix":
                    options.PathPrefix = Value();
                    break;
                case "--debug":
                    options.Debug = true;
                    break;
                case "--relogin-every":
                    every = Duration(Value(), "--relogin-every");
                    if (every <= TimeSpan.Zero)
                    {
                        throw new FormatException("--relogin-every must be positive.");
                    }

                    break;
                case "--relogin-kind":
                    kind = Value() switch
                    {
                        "new" => FakeReloginKind.NewBotInstance,
                        "same" => FakeReloginKind.SameBotInstance,
                        var other => throw new FormatException($"--relogin-kind: '{other}' is neither new nor same."),
                    };
                    break;
                case "--relogin-announce":
                    announce = bool.TryParse(Value(), out var flag) ? flag : throw new FormatException($"--relogin-announce: '{args[i]}' is neither true nor false.");
                    break;
                case "--offline-event":
                    offlineEvent = Value() switch
                    {
                        "force" => FakeOfflineEvent.Force,
                        "active" => FakeOfflineEvent.Active,
                        "dropped" => FakeOfflineEvent.Dropped,
                        var other => throw new FormatException($"--offline-event: '{other}' is not force, active or dropped."),
                    };
                    break;
                case "--offline-window":
                    window = Duration(Value(), "--offline-window");
                    break;
                case "--stale-signature":
                    signature = Value() switch
                    {
                        "target-not-found" => ClosedBotSignature.TargetNotFound,
                        "network-is-dead" => ClosedBotSignature.NetworkIsDead,
                        var other => throw new FormatException($"--stale-signature: '{other}' is not target-not-found or network-is-dead."),
                    };
                    break;
                case "--log-commands":
                    logCommands = true;
                    break;
                default:
                    throw new FormatException($"unknown option '{args[i]}'.");
            }
        }

        if (bots.Count > 0)
        {
            options.Bots.Clear();
            foreach (var bot in bots)
            {
                options.Bots.Add(bot);
            }
        }

        var script = new FakeRelogin { Kind = kind, Announce = announce, OfflineEvent = offlineEvent, OfflineWindow = window, StaleSignature = signature };
        return (options, script, every, logCommands);
    }

    /// <summary>Reads 500ms, 3s, 2m or hh:mm:ss.</summary>
    private static TimeSpan Duration(string text, string option)
    {
        static double Number(string digits, string option, string text) =>
            double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0
                ? value
                : throw new FormatException($"{option}: '{text}' is not a duration such as 500ms, 3s, 2m or 00:00:03.");

        if (text.EndsWith("ms", StringComparison.Ordinal))
        {
            return TimeSpan.FromMilliseconds(Number(text[..^2], option, text));
        }

        if (text.EndsWith('s'))
        {
            return TimeSpan.FromSeconds(Number(text[..^1], option, text));
        }

        if (text.EndsWith('m'))
        {
            return TimeSpan.FromMinutes(Number(text[..^1], option, text));
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) && value >= TimeSpan.Zero
            ? value
            : throw new FormatException($"{option}: '{text}' is not a duration such as 500ms, 3s, 2m or 00:00:03.");
    }
}
