using System.Net;
using System.Net.Sockets;

namespace MiraiClient.Testing;

/// <summary>A TCP listener that stops and starts again on the same port, as a restarted server does;
/// each start runs a fresh accept loop. The first start picks the port when none was given.</summary>
/// <param name="address">The address to listen on.</param>
/// <param name="port">The port, or 0 for an ephemeral one.</param>
internal sealed class RestartableListener(IPAddress address, int port)
{
    private readonly object _gate = new();
    private TcpListener? _listener;

    /// <summary>Gets the port: the one given, or the one the first start was assigned.</summary>
    public int Port { get; private set; } = port;

    /// <summary>Starts listening unless already listening.</summary>
    /// <param name="acceptLoop">Runs for the new listener until it is stopped.</param>
    /// <returns>The started accept loop, or <see langword="null"/> when already listening.</returns>
    public Task? Start(Func<TcpListener, Task> acceptLoop)
    {
        lock (_gate)
        {
            if (_listener is not null)
            {
                return null;
            }

            var listener = new TcpListener(address, Port);

            // A restart binds the same port at once, while the last connections may still be closing.
            listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Start();
            Port = ((IPEndPoint)listener.LocalEndpoint).Port;
            _listener = listener;
            return acceptLoop(listener);
        }
    }

    /// <summary>Stops listening; new connections are refused and the accept loop ends.</summary>
    public void Stop()
    {
        TcpListener? listener;
        lock (_gate)
        {
            listener = _listener;
            _listener = null;
        }

        listener?.Stop();
    }
}
