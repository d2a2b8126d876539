using Microsoft.Extensions.Hosting;
using MiraiClient;

namespace ConsoleBot;

/// <summary>Prints every connection state change.</summary>
internal sealed class StateReporter(IMiraiConnection connection) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        connection.StateChanged += OnStateChanged;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static void OnStateChanged(object? sender, ConnectionStateChangedEventArgs e) => Console.WriteLine($"[state] {e}");
}
