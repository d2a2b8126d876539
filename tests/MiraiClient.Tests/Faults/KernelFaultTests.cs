using System.Diagnostics;
using MiraiClient.Tests.Infrastructure;

namespace MiraiClient.Tests.Faults;

/// <summary>
/// Real kernel faults: the fake backend runs as a process inside a network namespace this test creates,
/// joined to the host by a veth pair, and iptables rules inside that namespace drop or reset its traffic.
/// Needs root, <c>ip</c> and <c>iptables</c>; otherwise each test is skipped with the reason.
/// </summary>
public class KernelFaultTests(ITestOutputHelper output) : ConnectionTestBase(output)
{
    private const int Port = 8080;
    private static int _subnet = (Environment.ProcessId % 100) + 100;

    [Fact]
    public async Task HalfOpen_DropBothWays_IsDetectedWithinTheHeartbeatBound_AndRecoversWhenLifted()
    {
        await using var ns = await TestNamespace.CreateAsync(Output);
        var options = Options(ns);
        options.Heartbeat = new HeartbeatOptions { Interval = TimeSpan.FromSeconds(2), Timeout = TimeSpan.FromSeconds(2) };
        var connection = CreateConnection(options);
        var states = new StateRecorder(connection);
        await Within(connection.ConnectAsync(TestToken), TimeSpan.FromSeconds(20));

        var started = Stopwatch.GetTimestamp();
        await ns.IptablesAsync($"-A INPUT -p tcp --dport {Port} -j DROP");
        await ns.IptablesAsync($"-A OUTPUT -p tcp --sport {Port} -j DROP");
        var drop = await states.WaitForStateAsync(ConnectionState.Reconnecting, TimeSpan.FromSeconds(20));
        var detected = Stopwatch.GetElapsedTime(started);
        Output.WriteLine($"half-open (DROP both ways) detected after {detected.TotalMilliseconds:F0} ms, reason {drop.Reason}");
        Assert.Equal(DisconnectReason.HeartbeatTimeout, drop.Reason);
        Assert.True(detected <= TimeSpan.FromSeconds(2 + 2 + 1 + 1.5), $"took {detected}");

        await ns.IptablesAsync($"-D INPUT -p tcp --dport {Port} -j DROP");
        await ns.IptablesAsync($"-D OUTPUT -p tcp --sport {Port} -j DROP");
        await states.WaitForStateAsync(ConnectionState.Connected, TimeSpan.FromSeconds(30), skip: 1);
        Assert.Equal("2.10.0", (await Within(connection.AboutAsync(TestToken))).Version);
    }

    [Fact]
    public async Task SynBlackhole_EachAttemptIsBoundedByTheConnectTimeout()
    {
        await using var ns = await TestNamespace.CreateAsync(Output);
        await ns.IptablesAsync($"-A INPUT -p tcp --dport {Port} --syn -j DROP");
        var options = Options(ns);
        options.ConnectTimeout = TimeSpan.FromMilliseconds(1500);
        var connection = CreateConnection(options);
        var states = new StateRecorder(connection);
        var started = Stopwatch.GetTimestamp();
        var connect = StartConnecting(connection);
        var first = await states.WaitForAsync(c => c.RetryDelay is not null, TimeSpan.FromSeconds(20));
        var elapsed = Stopwatch.GetElapsedTime(started);
        Output.WriteLine($"SYN blackhole: first attempt ended after {elapsed.TotalMilliseconds:F0} ms ({first.Reason}); the kernel alone would retry SYNs for about 127 s");
        Assert.Equal(DisconnectReason.ConnectTimeout, first.Reason);
        Assert.InRange(elapsed, TimeSpan.FromMilliseconds(1400), TimeSpan.FromSeconds(4));

        await ns.IptablesAsync($"-D INPUT -p tcp --dport {Port} --syn -j DROP");
        await Within(connect, TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task RejectWithTcpReset_IsClassifiedAsADrop_AndReconnects()
    {
        await using var ns = await TestNamespace.CreateAsync(Output);
        var options = Options(ns);
        options.Heartbeat = new HeartbeatOptions { Interval = TimeSpan.FromSeconds(1), Timeout = TimeSpan.FromSeconds(2) };
        var connection = CreateConnection(options);
        var states = new StateRecorder(connection);
        await Within(connection.ConnectAsync(TestToken), TimeSpan.FromSeconds(20));

        var started = Stopwatch.GetTimestamp();
        await ns.IptablesAsync($"-A INPUT -p tcp --dport {Port} -j REJECT --reject-with tcp-reset");
        var drop = await states.WaitForStateAsync(ConnectionState.Reconnecting, TimeSpan.FromSeconds(20));
        Output.WriteLine($"REJECT tcp-reset noticed after {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms ({drop.Reason})");
        Assert.Equal(DisconnectReason.TransportError, drop.Reason);
        await ns.IptablesAsync($"-D INPUT -p tcp --dport {Port} -j REJECT --reject-with tcp-reset");
        await states.WaitForStateAsync(ConnectionState.Connected, TimeSpan.FromSeconds(30), skip: 1);
    }

    private static MiraiConnectionOptions Options(TestNamespace ns)
    {
        var options = FastOptions(new Uri($"ws://{ns.BackendAddress}:{Port}"));
        options.ConnectTimeout = TimeSpan.FromSeconds(3);
        return options;
    }

    /// <summary>A network namespace with a veth pair and the fake backend running inside it.</summary>
    private sealed class TestNamespace : IAsyncDisposable
    {
        private readonly ITestOutputHelper _output;
        private Process? _backend;

        private TestNamespace(ITestOutputHelper output, int subnet)
        {
            _output = output;
            Name = $"mirai-t{subnet}";
            HostAddress = $"10.231.{subnet}.1";
            BackendAddress = $"10.231.{subnet}.2";
            HostLink = $"mh{subnet}";
            NamespaceLink = $"mn{subnet}";
        }

        public string Name { get; }

        public string HostAddress { get; }

        public string BackendAddress { get; }

        private string HostLink { get; }

        private string NamespaceLink { get; }

        public static async Task<TestNamespace> CreateAsync(ITestOutputHelper output)
        {
            if (!OperatingSystem.IsLinux())
            {
                Assert.Skip("Kernel fault tests need Linux network namespaces.");
            }

            var (uid, _) = await RunAsync("id", "-u");
            if (uid.Trim() != "0")
            {
                Assert.Skip("Kernel fault tests need root (network namespaces and iptables); run them as root, as CI does.");
            }

            foreach (var tool in new[] { "ip", "iptables" })
            {
                var (path, code) = await RunAsync("sh", "-c", $"command -v {tool}");
                if (code != 0 || string.IsNullOrWhiteSpace(path))
                {
                    Assert.Skip($"Kernel fault tests need '{tool}' (Debian packages iproute2 and iptables).");
                }
            }

            var ns = new TestNamespace(output, Interlocked.Increment(ref _subnet));
            try
            {
                await ns.SetUpAsync();
            }
            catch
            {
                await ns.DisposeAsync();
                throw;
            }

            return ns;
        }

        public Task IptablesAsync(string rule) => MustAsync("ip", $"netns exec {Name} iptables {rule}".Split(' '));

        public async ValueTask DisposeAsync()
        {
            if (_backend is { HasExited: false } backend)
            {
                backend.Kill(entireProcessTree: true);
                await backend.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }

            _backend?.Dispose();
            await RunAsync("ip", "netns", "del", Name);
            await RunAsync("ip", "link", "del", HostLink);
        }

        private static async Task<(string Output, int Code)> RunAsync(string file, params string[] args)
        {
            var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in args)
            {
                info.ArgumentList.Add(arg);
            }

            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            return ((await stdout) + (await stderr), process.ExitCode);
        }

        private static async Task MustAsync(string file, params string[] args)
        {
            var (text, code) = await RunAsync(file, args);
            if (code != 0)
            {
                throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({code}): {text}");
            }
        }

        private async Task SetUpAsync()
        {
            await RunAsync("ip", "netns", "del", Name);
            var (addText, addCode) = await RunAsync("ip", "netns", "add", Name);
            if (addCode != 0)
            {
                Assert.Skip($"Cannot create a network namespace here: {addText.Trim()}");
            }

            await MustAsync("ip", "link", "add", HostLink, "type", "veth", "peer", "name", NamespaceLink);
            await MustAsync("ip", "link", "set", NamespaceLink, "netns", Name);
            await MustAsync("ip", "addr", "add", $"{HostAddress}/24", "dev", HostLink);
            await MustAsync("ip", "link", "set", HostLink, "up");
            await MustAsync("ip", "netns", "exec", Name, "ip", "addr", "add", $"{BackendAddress}/24", "dev", NamespaceLink);
            await MustAsync("ip", "netns", "exec", Name, "ip", "link", "set", NamespaceLink, "up");
            await MustAsync("ip", "netns", "exec", Name, "ip", "link", "set", "lo", "up");

            var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var dll = Path.Combine(testBin.Parent!.Parent!.Parent!.Parent!.FullName, "MiraiClient.FakeBackendHost", "bin", testBin.Parent!.Name, testBin.Name, "MiraiClient.FakeBackendHost.dll");
            Assert.True(File.Exists(dll), $"The backend host was not built at {dll}.");
            var info = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { "netns", "exec", Name, "dotnet", dll, BackendAddress, Port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            {
                info.ArgumentList.Add(arg);
            }

            _backend = Process.Start(info)!;
            var line = await _backend.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            _output.WriteLine($"namespace {Name}: backend {line}");
            Assert.StartsWith("listening", line, StringComparison.Ordinal);
        }
    }
}
