using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MiraiClient.Testing;
using MiraiClient.Tests.Infrastructure;

namespace MiraiClient.Tests;

/// <summary>The sample's contract, checked through the real process: replies, reconnects, SIGTERM
/// exit times in three states, and a non-zero exit for a rejected key.</summary>
// The sample runs as a separate process; the test waits for its output.
[Collection(RunsBeside.SampleProcess)]
public class SampleProcessTests(ITestOutputHelper output) : ConnectionTestBase(output)
{
    private static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task EmbeddedDemo_PlaysAndExitsZero()
    {
        await using var sample = SampleProcess.Start([]);
        var (code, elapsed) = await sample.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Output.WriteLine($"demo ran {elapsed.TotalSeconds:F1} s\n{sample.Output}");
        Assert.Equal(0, code);
        Assert.Contains("[demo] done", sample.Output, StringComparison.Ordinal);
        Assert.Contains("Reconnecting -> Connected", sample.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ping_GetsOnePong_ThenAfterABackendRestart_PongAgain_ThenSigtermExitsZero()
    {
        var key = AssemblyMonitor.Secret("sample-key-" + Guid.NewGuid().ToString("N"));
        var backend = await StartBackendAsync(o => o.VerifyKey = key);
        await using var sample = SampleProcess.Start([$"--Mirai:Uri={backend.Uri}", $"--Mirai:VerifyKey={key}", "--Mirai:QQ=10001"]);
        await backend.WaitForHandshakesAsync(1, TimeSpan.FromSeconds(30));

        await backend.PushGroupMessageAsync(555, 1, "  /ping ");
        var pong = await backend.WaitForCommandAsync("sendGroupMessage");
        Assert.Equal(555, pong.Content.GetProperty("target").GetInt64());
        Assert.Equal("pong", pong.Content.GetProperty("messageChain")[0].GetProperty("text").GetString());
        await backend.PushFriendMessageAsync(777, "/echo 你好 🌸 world");
        var echo = await backend.WaitForCommandAsync("sendFriendMessage");
        Assert.Equal(777, echo.Content.GetProperty("target").GetInt64());
        Assert.Equal("你好 🌸 world", echo.Content.GetProperty("messageChain")[0].GetProperty("text").GetString());
        await backend.PushGroupMessageAsync(555, 1, "/pingpong");
        await backend.SendRawAsync("garbage that is not json");
        await backend.PushEventAsync("""{"type":"SomethingNew"}""");
        await Task.Delay(300, TestToken);
        Assert.Single(backend.ReceivedCommands, c => c.Command == "sendGroupMessage");

        await backend.RestartAsync(TimeSpan.FromSeconds(1), TestToken);
        await backend.WaitForHandshakesAsync(2, TimeSpan.FromSeconds(30));
        await backend.PushGroupMessageAsync(555, 1, "/ping");
        await backend.WaitForCommandAsync(c => c.Command == "sendGroupMessage" && backend.ReceivedCommands.Count(x => x.Command == "sendGroupMessage") == 2);

        var (code, elapsed) = await sample.TerminateAsync(ExitBound + TimeSpan.FromSeconds(5));
        Output.WriteLine($"SIGTERM while connected: exit {code} after {elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal(0, code);
        Assert.True(elapsed <= ExitBound, $"took {elapsed}");
        Assert.DoesNotContain(key, sample.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigterm_WhileBackingOffFromADownBackend_ExitsZeroWithin5s()
    {
        var backend = await StartBackendAsync();
        backend.StopListening();
        await using var sample = SampleProcess.Start([$"--Mirai:Uri={backend.Uri}", "--Mirai:QQ=10001"]);
        await sample.WaitForOutputAsync("Retrying in", TimeSpan.FromSeconds(30));
        var (code, elapsed) = await sample.TerminateAsync(ExitBound + TimeSpan.FromSeconds(5));
        Output.WriteLine($"SIGTERM while backing off: exit {code} after {elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal(0, code);
        Assert.True(elapsed <= ExitBound, $"took {elapsed}");
    }

    [Fact]
    public async Task Sigterm_WhileStuckConnectingToABackendThatNeverAnswers_ExitsZeroWithin5s()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using var sample = SampleProcess.Start([$"--Mirai:Uri=ws://127.0.0.1:{port}", "--Mirai:QQ=10001"]);
        using var held = await listener.AcceptTcpClientAsync(TestToken).AsTask().WaitAsync(TimeSpan.FromSeconds(30), TestToken);
        await Task.Delay(500, TestToken);
        var (code, elapsed) = await sample.TerminateAsync(ExitBound + TimeSpan.FromSeconds(5));
        Output.WriteLine($"SIGTERM while stuck connecting: exit {code} after {elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal(0, code);
        Assert.True(elapsed <= ExitBound, $"took {elapsed}");
    }

    [Fact]
    public async Task WrongVerifyKey_ExitsNonZeroWithin15s_NamingTheCauseButNotTheKey()
    {
        var wrong = AssemblyMonitor.Secret("sample-wrong-" + Guid.NewGuid().ToString("N"));
        var backend = await StartBackendAsync(o => o.VerifyKey = AssemblyMonitor.Secret("sample-right-" + Guid.NewGuid().ToString("N")));
        await using var sample = SampleProcess.Start([$"--Mirai:Uri={backend.Uri}", $"--Mirai:VerifyKey={wrong}", "--Mirai:QQ=10001"]);
        var (code, elapsed) = await sample.WaitForExitAsync(TimeSpan.FromSeconds(15));
        Output.WriteLine($"wrong key: exit {code} after {elapsed.TotalMilliseconds:F0} ms\n{sample.Output}");
        Assert.NotEqual(0, code);
        Assert.Contains("verify key", sample.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, sample.Output, StringComparison.Ordinal);
        Assert.Equal(1, backend.AcceptCount);
    }

    [Fact]
    public async Task MissingQQ_ExitsNonZeroWithin15s()
    {
        var backend = await StartBackendAsync();
        await using var sample = SampleProcess.Start([$"--Mirai:Uri={backend.Uri}"]);
        var (code, elapsed) = await sample.WaitForExitAsync(TimeSpan.FromSeconds(15));
        Output.WriteLine($"missing qq: exit {code} after {elapsed.TotalMilliseconds:F0} ms");
        Assert.NotEqual(0, code);
        Assert.Contains("400", sample.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigterm_WhileASlowCommandRuns_CancelsItAndExitsZeroWithin3s()
    {
        var backend = await StartBackendAsync();
        await using var sample = SampleProcess.Start([$"--Mirai:Uri={backend.Uri}", "--Mirai:QQ=10001"]);
        await backend.WaitForHandshakesAsync(1, TimeSpan.FromSeconds(30));
        await backend.PushGroupMessageAsync(555, 1, "/slow");
        await backend.WaitForCommandAsync(c => c.Command == "sendGroupMessage" && c.Content.GetProperty("messageChain")[0].GetProperty("text").GetString() == "working on it…");

        // The sample keeps the host's default ShutdownTimeout (30 s); the bot's 1 s drain is what bounds the stop.
        var (code, elapsed) = await sample.TerminateAsync(TimeSpan.FromSeconds(15));
        Output.WriteLine($"SIGTERM during a 60 s command: exit {code} after {elapsed.TotalMilliseconds:F0} ms\n{sample.Output}");
        Assert.Equal(0, code);
        Assert.True(elapsed < TimeSpan.FromSeconds(3), $"took {elapsed}");
        Assert.Contains("cancelling them", sample.Output, StringComparison.Ordinal);
        Assert.Single(backend.ReceivedCommands, c => c.Command == "sendGroupMessage");
    }

    [Theory]
    [InlineData("--Mirai:CommandTimeout=30", "'Mirai:CommandTimeout' = '30' is not valid: a bare number is ambiguous")]
    [InlineData("--Mirai:Uri=http://127.0.0.1:8080", "Configuration key 'Mirai:Uri' is not valid: Uri must be an absolute ws:// or wss:// address")]
    [InlineData("--Mirai:Hosting:Ordering=sometimes", "'Mirai:Hosting:Ordering' = 'sometimes' is not valid")]
    public async Task InvalidConfiguration_ExitsWithCode3_AndOneLineNamingTheKey_NeverAStackTrace(string argument, string expected)
    {
        await using var sample = SampleProcess.Start(["--Mirai:Uri=ws://127.0.0.1:1", "--Mirai:QQ=10001", argument]);
        var (code, elapsed) = await sample.WaitForExitAsync(TimeSpan.FromSeconds(15));
        Output.WriteLine($"{argument}: exit {code} after {elapsed.TotalMilliseconds:F0} ms\n{sample.Output}");
        Assert.Equal(3, code);
        var line = Assert.Single(sample.Output.Split('\n'), l => l.Contains("The bot cannot start", StringComparison.Ordinal));
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", sample.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", sample.Output, StringComparison.Ordinal);
    }

    /// <summary>The built sample as a child process, with its output captured.</summary>
    private sealed class SampleProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _lines = new();
        private readonly Stopwatch _clock = new();

        private SampleProcess(Process process) => _process = process;

        public string Output => string.Join("\n", _lines);

        public static SampleProcess Start(string[] args)
        {
            if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
            {
                Assert.Skip("The sample process tests send POSIX signals; they run on Linux and macOS.");
            }

            var dll = SampleDll();
            var info = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = Path.GetDirectoryName(dll)!,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            info.ArgumentList.Add(dll);
            foreach (var arg in args)
            {
                info.ArgumentList.Add(arg);
            }

            info.Environment["DOTNET_ENVIRONMENT"] = "Production";
            var sample = new SampleProcess(new Process { StartInfo = info });
            sample._process.OutputDataReceived += (_, e) => { if (e.Data is not null) sample._lines.Enqueue(e.Data); };
            sample._process.ErrorDataReceived += (_, e) => { if (e.Data is not null) sample._lines.Enqueue(e.Data); };
            sample._process.Start();
            sample._process.BeginOutputReadLine();
            sample._process.BeginErrorReadLine();
            return sample;
        }

        public async Task WaitForOutputAsync(string text, TimeSpan timeout)
        {
            var deadline = Stopwatch.StartNew();
            while (!Output.Contains(text, StringComparison.Ordinal))
            {
                if (deadline.Elapsed > timeout || _process.HasExited)
                {
                    throw new TimeoutException($"The sample did not print '{text}'. Output:\n{Output}");
                }

                await Task.Delay(50);
            }
        }

        public async Task<(int Code, TimeSpan Elapsed)> TerminateAsync(TimeSpan timeout)
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            _clock.Restart();
            return await WaitForExitAsync(timeout);
        }

        public async Task<(int Code, TimeSpan Elapsed)> WaitForExitAsync(TimeSpan timeout)
        {
            if (!_clock.IsRunning)
            {
                _clock.Start();
            }

            try
            {
                await _process.WaitForExitAsync().WaitAsync(timeout);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"The sample did not exit within {timeout}. Output:\n{Output}");
            }

            // Let the asynchronous output readers drain.
            _process.WaitForExit();
            return (_process.ExitCode, _clock.Elapsed);
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }

        private static string SampleDll()
        {
            // tests/MiraiClient.Tests/bin/<Configuration>/net10.0/ → samples/ConsoleBot/bin/<Configuration>/net10.0/ConsoleBot.dll
            var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var configuration = testBin.Parent!.Name;
            var root = testBin.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
            var dll = Path.Combine(root, "samples", "ConsoleBot", "bin", configuration, testBin.Name, "ConsoleBot.dll");
            Assert.True(File.Exists(dll), $"The sample was not built at {dll}; build the solution first.");
            return dll;
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Ping_IsAnsweredAgain_AfterTheSeparateServerProcessRelogsTheBot_WithOrWithoutEvents(bool announced)
    {
        await using var server = FakeServerProcess.Start("--offline-window", "1s", "--relogin-announce", announced ? "true" : "false", "--log-commands");
        var uri = server.WaitForListening();

        // Without events only the liveness check can notice the relogin; the sample takes its interval from
        // configuration like any other option (the default is 60 s).
        string[] liveness = announced ? [] : ["--Mirai:BotLiveness:CheckInterval=2s"];
        await using var sample = SampleProcess.Start([$"--Mirai:Uri={uri}", "--Mirai:QQ=10001", .. liveness]);
        await sample.WaitForOutputAsync("Bot 10001 is Online", TimeSpan.FromSeconds(30));
        await server.SendAsync("group 555 1 /ping");
        Assert.Contains("\"pong\"", server.WaitForLine(l => l.StartsWith("command sendGroupMessage ", StringComparison.Ordinal)), StringComparison.Ordinal);

        var clock = Stopwatch.StartNew();
        await server.SendAsync("relogin");
        server.WaitForLine(l => l == "relogin done");
        await WaitForOccurrencesAsync(() => sample.Output, "Bot 10001 is Online", 2, TimeSpan.FromSeconds(30));
        var recovered = clock.Elapsed;
        await server.SendAsync("group 555 1 /ping");
        Assert.Contains("\"pong\"", server.WaitForLine(l => l.StartsWith("command sendGroupMessage ", StringComparison.Ordinal)), StringComparison.Ordinal);

        Output.WriteLine($"{(announced ? "announced" : "silent")} relogin of the server process: the sample was bound to the new bot {recovered.TotalMilliseconds:F0} ms after the relogin started (1 s offline)\n{sample.Output}");
        Assert.Contains(announced ? "offline event" : "liveness check failed", sample.Output, StringComparison.Ordinal);
        Assert.Contains("StaleSession", sample.Output, StringComparison.Ordinal);
        var (code, _) = await sample.TerminateAsync(ExitBound + TimeSpan.FromSeconds(5));
        Assert.Equal(0, code);
    }

    private static async Task WaitForOccurrencesAsync(Func<string> output, string text, int count, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (output().Split(text).Length - 1 < count)
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"'{text}' did not appear {count} times within {timeout}. Output:\n{output()}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>The fake server as its own process (tests/MiraiClient.FakeBackendHost), driven through its
    /// standard input and read through its standard output.</summary>
    private sealed class FakeServerProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly BlockingCollection<string> _lines = [];

        private FakeServerProcess(Process process) => _process = process;

        public static FakeServerProcess Start(params string[] options)
        {
            // tests/MiraiClient.Tests/bin/<Configuration>/net10.0/ → tests/MiraiClient.FakeBackendHost/bin/<Configuration>/net10.0/
            var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var dll = Path.Combine(testBin.Parent!.Parent!.Parent!.Parent!.FullName, "MiraiClient.FakeBackendHost", "bin", testBin.Parent!.Name, testBin.Name, "MiraiClient.FakeBackendHost.dll");
            Assert.True(File.Exists(dll), $"The fake server host was not built at {dll}; build the solution first.");
            var info = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add(dll);
            info.ArgumentList.Add("127.0.0.1");
            info.ArgumentList.Add("0");
            foreach (var option in options)
            {
                info.ArgumentList.Add(option);
            }

            var server = new FakeServerProcess(new Process { StartInfo = info });
            server._process.OutputDataReceived += (_, e) => { if (e.Data is not null) server._lines.Add(e.Data); };
            server._process.ErrorDataReceived += (_, e) => { if (e.Data is not null) server._lines.Add("stderr " + e.Data); };
            server._process.Start();
            server._process.BeginOutputReadLine();
            server._process.BeginErrorReadLine();
            return server;
        }

        public Uri WaitForListening() => new(WaitForLine(l => l.StartsWith("listening ", StringComparison.Ordinal))["listening ".Length..]);

        /// <summary>Takes lines until one matches (the lines before it are consumed).</summary>
        public string WaitForLine(Func<string, bool> predicate, TimeSpan? timeout = null)
        {
            var limit = timeout ?? TimeSpan.FromSeconds(30);
            var clock = Stopwatch.StartNew();
            var seen = new List<string>();
            while (clock.Elapsed < limit && _lines.TryTake(out var line, limit - clock.Elapsed))
            {
                if (predicate(line))
                {
                    return line;
                }

                seen.Add(line);
            }

            throw new TimeoutException($"The fake server printed no matching line within {limit}; it printed:\n{string.Join("\n", seen)}");
        }

        public async Task SendAsync(string line)
        {
            await _process.StandardInput.WriteLineAsync(line);
            await _process.StandardInput.FlushAsync();
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                // Closing standard input stops it.
                _process.StandardInput.Close();
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
            }
            catch (TimeoutException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
            _lines.Dispose();
        }
    }
}
