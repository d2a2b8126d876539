using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MiraiClient.Tests.Infrastructure;

namespace MiraiClient.Tests.Fake;

/// <summary>The fake backend as its own process, scripted from the command line and standard input.</summary>
public class FakeBackendHostTests(ITestOutputHelper output) : ConnectionTestBase(output)
{
    private static string HostDll()
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var dll = Path.Combine(testBin.Parent!.Parent!.Parent!.Parent!.FullName, "MiraiClient.FakeBackendHost", "bin", testBin.Parent!.Name, testBin.Name, "MiraiClient.FakeBackendHost.dll");
        Assert.True(File.Exists(dll), $"The backend host was not built at {dll}.");
        return dll;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class HostProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly BlockingCollection<string> _lines = [];

        public HostProcess(params string[] args)
        {
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add(HostDll());
            foreach (var arg in args)
            {
                info.ArgumentList.Add(arg);
            }

            _process = Process.Start(info)!;
            _process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is { } line)
                {
                    _lines.Add(line);
                }
            };
            _process.BeginOutputReadLine();
        }

        public Process Process => _process;

        public string NextLine(Func<string, bool> predicate, TimeSpan? timeout = null)
        {
            var deadline = Stopwatch.StartNew();
            var limit = timeout ?? TimeSpan.FromSeconds(30);
            while (_lines.TryTake(out var line, limit - deadline.Elapsed < TimeSpan.Zero ? TimeSpan.Zero : limit - deadline.Elapsed))
            {
                if (predicate(line))
                {
                    return line;
                }
            }

            throw new TimeoutException($"The host printed no matching line within {limit}.");
        }

        public async Task SendAsync(string line) => await _process.StandardInput.WriteLineAsync(line);

        public async ValueTask DisposeAsync()
        {
            try
            {
                _process.StandardInput.Close();
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
            }
            catch (TimeoutException)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.Dispose();
        }
    }

    [Fact]
    public void Host_RelogsOnSchedule_WhenGivenAnInterval()
    {
        var host = Track(new HostProcess("127.0.0.1", "0", "--relogin-every", "500ms", "--offline-window", "100ms"));
        host.NextLine(l => l.StartsWith("listening", StringComparison.Ordinal));

        for (var i = 0; i < 2; i++)
        {
            host.NextLine(l => l == "relogin start");
            host.NextLine(l => l == "relogin done");
        }
    }

    [Fact]
    public async Task Host_LeavesSessionsStaleAndLogsCommands_WhenToldToRelogin()
    {
        var port = FreePort();
        var host = Track(new HostProcess("127.0.0.1", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--qq", "20002", "--relogin-announce", "true", "--offline-event", "active", "--offline-window", "300ms", "--log-commands"));
        Output.WriteLine(host.NextLine(l => l.StartsWith("listening", StringComparison.Ordinal)));
        var uri = new Uri($"ws://127.0.0.1:{port}");
        var (client, handshake) = await RawClient.ConnectAndReadHandshakeAsync(uri, qq: 20002);
        Track(client);
        Assert.Equal(0, handshake.GetProperty("data").GetProperty("code").GetInt32());

        await host.SendAsync("relogin");

        var offline = RawClient.Parse((await client.NextFrameAsync())!);
        Assert.Equal("BotOfflineEventActive", offline.GetProperty("data").GetProperty("type").GetString());
        host.NextLine(l => l == "relogin done");
        var send = await client.DataAsync("sendGroupMessage", """{"target":1,"messageChain":[{"type":"Plain","text":"stale?"}]}""");
        Assert.Equal(5, send.GetProperty("code").GetInt32());
        Assert.Contains("\"stale?\"", host.NextLine(l => l.StartsWith("command sendGroupMessage ", StringComparison.Ordinal)), StringComparison.Ordinal);

        // A fresh session gets what is pushed through standard input; the stale one does not.
        var (fresh, _) = await RawClient.ConnectAndReadHandshakeAsync(uri, qq: 20002);
        Track(fresh);
        await host.SendAsync("group 5 6 hello from stdin");
        host.NextLine(l => l == "pushed GroupMessage");
        var pushed = RawClient.Parse((await fresh.NextFrameAsync())!).GetProperty("data");
        Assert.Equal("GroupMessage", pushed.GetProperty("type").GetString());
        Assert.Equal("hello from stdin", pushed.GetProperty("messageChain")[1].GetProperty("text").GetString());
        Assert.Null(await client.FrameWithinAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("--relogin-every", "soon")]
    [InlineData("--profile", "napcat")]
    public async Task Host_ExitsWithCode2_WhenAnOptionIsBad(params string[] options)
    {
        await using var host = new HostProcess(["127.0.0.1", "0", .. options]);

        await host.Process.WaitForExitAsync(TestToken).WaitAsync(TimeSpan.FromSeconds(30), TestToken);

        Assert.Equal(2, host.Process.ExitCode);
    }
}
