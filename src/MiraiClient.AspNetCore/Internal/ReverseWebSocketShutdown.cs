using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MiraiClient.AspNetCore.Internal;

/// <summary>Closes every accepted account with 1001 as the application starts stopping: the held-open upgrade
/// requests then end, so the web server's drain does not wait for its shutdown timeout. Accounts a bot host serves
/// are left to it: it closes them after its handlers drained (it stops at the same early point).</summary>
internal sealed class ReverseWebSocketShutdown(IServiceProvider services) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => ShutdownAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => ShutdownAsync(cancellationToken);

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private Task ShutdownAsync(CancellationToken cancellationToken)
    {
        var onebot = services.GetService<OneBotAccounts>() is { Registry.HostManaged: false } onebotAccounts ? onebotAccounts.ShutdownAsync() : Task.CompletedTask;
        var mirai = services.GetService<MiraiAccounts>() is { Registry.HostManaged: false } miraiAccounts ? miraiAccounts.ShutdownAsync() : Task.CompletedTask;

        // Each connection's disposal is bounded; the host's token bounds the whole.
        return Task.WhenAll(onebot, mirai).WaitAsync(cancellationToken);
    }
}
