using System.Runtime.CompilerServices;
using MiraiClient.Testing;
using MiraiClient.Tests.Infrastructure;

namespace MiraiClient.Tests.Faults;

public class CollectabilityTests(ITestOutputHelper output) : ConnectionTestBase(output)
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<WeakReference> ConnectAndForgetAsync(FakeMiraiBackend backend, bool subscribe)
    {
        var options = new MiraiConnectionOptions { Uri = backend.Uri, QQ = 10001, Heartbeat = { Interval = TimeSpan.FromMilliseconds(300), Timeout = TimeSpan.FromSeconds(1) } };
        var connection = new MiraiConnection(options);
        if (subscribe)
        {
            _ = connection.GetEventsAsync();
        }

        await connection.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(15));
        return new WeakReference(connection);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AnUndisposedConnection_IsCollectedAfterItsOwnerLetsGo_AndShutsItsSocket(bool subscribe)
    {
        var backend = await StartBackendAsync();
        var weak = await ConnectAndForgetAsync(backend, subscribe);
        await backend.WaitForConnectionCountAsync(1);

        // Heartbeat probes keep running in the background meanwhile; none of it may root the connection.
        for (var i = 0; i < 50 && weak.IsAlive; i++)
        {
            AssemblyMonitor.CollectGarbage();
            await Task.Delay(100, TestToken);
        }

        Assert.False(weak.IsAlive, "the connection is still reachable after its owner let go");
        await backend.WaitForConnectionCountAsync(0, TimeSpan.FromSeconds(15));
        Output.WriteLine("collected, and the finalizer closed its socket");
    }
}
