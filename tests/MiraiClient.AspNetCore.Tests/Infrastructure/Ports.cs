using System.Net;
using System.Net.Sockets;

namespace MiraiClient.AspNetCore.Tests.Infrastructure;

internal static class Ports
{
    /// <summary>A loopback port free a moment ago: the bot host is given a concrete address, as a user would give it.</summary>
    public static int FreeLoopback()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
