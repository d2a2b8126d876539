using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MiraiClient.Tests;

public class DependencyInjectionTests
{
    private static void Valid(MiraiConnectionOptions o)
    {
        o.Uri = new Uri("ws://127.0.0.1:1");
        o.QQ = 1;
    }

    [Fact]
    public async Task AddMiraiClient_RegistersOneSingleton_ResolvableByClassAndInterface()
    {
        var services = new ServiceCollection().AddMiraiClient(Valid);
        Assert.Equal(ServiceLifetime.Singleton, services.Single(d => d.ServiceType == typeof(MiraiConnection)).Lifetime);
        Assert.Equal(ServiceLifetime.Singleton, services.Single(d => d.ServiceType == typeof(IMiraiConnection)).Lifetime);
        await using var provider = services.BuildServiceProvider();
        var connection = provider.GetRequiredService<MiraiConnection>();
        Assert.Same(connection, provider.GetRequiredService<IMiraiConnection>());
        Assert.Same(connection, provider.GetRequiredService<MiraiConnection>());
    }

    [Fact]
    public async Task AddMiraiClient_CalledTwice_KeepsTheFirstRegistration()
    {
        var seen = new List<string>();
        var services = new ServiceCollection()
            .AddMiraiClient(o => { Valid(o); seen.Add("first"); })
            .AddMiraiClient(o => { Valid(o); seen.Add("second"); });
        Assert.Single(services, d => d.ServiceType == typeof(MiraiConnection));
        await using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IMiraiConnection>();
        Assert.Equal(["first"], seen);
    }

    [Fact]
    public async Task UserRegistration_Wins()
    {
        await using var mine = new MiraiConnection(new MiraiConnectionOptions { Uri = new Uri("ws://127.0.0.1:2"), QQ = 2 });
        var services = new ServiceCollection();
        services.AddSingleton<IMiraiConnection>(mine);
        services.AddMiraiClient(Valid);
        await using var provider = services.BuildServiceProvider();
        Assert.Same(mine, provider.GetRequiredService<IMiraiConnection>());
    }

    [Fact]
    public async Task LoggerFactory_IsTakenFromTheContainer()
    {
        var factory = new CountingLoggerFactory();
        var services = new ServiceCollection().AddSingleton<ILoggerFactory>(factory).AddMiraiClient(Valid);
        await using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<MiraiConnection>();
        Assert.Contains("MiraiClient.MiraiConnection", factory.Categories);
    }

    [Fact]
    public async Task KeyedRegistrations_GiveEachBotItsOwnConnection()
    {
        var services = new ServiceCollection()
            .AddMiraiClient("alpha", o => { Valid(o); o.QQ = 111; })
            .AddMiraiClient("beta", o => { Valid(o); o.QQ = 222; });
        await using var provider = services.BuildServiceProvider();
        var alpha = provider.GetRequiredKeyedService<IMiraiConnection>("alpha");
        var beta = provider.GetRequiredKeyedService<IMiraiConnection>("beta");
        Assert.NotSame(alpha, beta);
        Assert.Same(alpha, provider.GetRequiredKeyedService<MiraiConnection>("alpha"));
        Assert.Null(provider.GetService<IMiraiConnection>());
    }

    [Fact]
    public async Task InvalidOptions_FailWhenTheConnectionIsBuilt_WithAClearMessage()
    {
        var services = new ServiceCollection().AddMiraiClient(o => o.Uri = new Uri("http://127.0.0.1:8080"));
        await using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<ArgumentException>(() => provider.GetRequiredService<IMiraiConnection>());
        Assert.Contains("ws:// or wss://", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisposingTheContainer_DisposesTheConnection_SyncAndAsync()
    {
        var services = new ServiceCollection().AddMiraiClient(Valid);
        var asyncProvider = services.BuildServiceProvider();
        var first = asyncProvider.GetRequiredService<MiraiConnection>();
        await asyncProvider.DisposeAsync();
        Assert.Equal(ConnectionState.Disposed, first.State);

        var syncProvider = services.BuildServiceProvider();
        var second = syncProvider.GetRequiredService<MiraiConnection>();
        syncProvider.Dispose();
        await second.DisposeAsync();
        Assert.Equal(ConnectionState.Disposed, second.State);
    }

    [Fact]
    public void NullArguments_AreRejected()
    {
        var services = new ServiceCollection();
        Assert.Throws<ArgumentNullException>(() => services.AddMiraiClient((Action<MiraiConnectionOptions>)null!));
        Assert.Throws<ArgumentException>(() => services.AddMiraiClient("", Valid));
    }

    private sealed class CountingLoggerFactory : ILoggerFactory
    {
        public List<string> Categories { get; } = [];

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public ILogger CreateLogger(string categoryName)
        {
            Categories.Add(categoryName);
            return NullLogger.Instance;
        }

        public void Dispose()
        {
        }
    }
}
