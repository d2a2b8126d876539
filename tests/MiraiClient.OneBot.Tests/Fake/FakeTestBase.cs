using MiraiClient.Testing.OneBot;

namespace MiraiClient.OneBot.Tests.Fake;

/// <summary>Starts fakes and clients for a test and disposes them afterwards, newest first.</summary>
public abstract class FakeTestBase : IAsyncLifetime
{
    /// <summary>A bound for awaits that must not hang; generous, because the machine is shared.</summary>
    protected static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private readonly List<IAsyncDisposable> _owned = [];

    protected static CancellationToken TestToken => TestContext.Current.CancellationToken;

    protected T Track<T>(T value)
        where T : IAsyncDisposable
    {
        lock (_owned)
        {
            _owned.Add(value);
        }

        return value;
    }

    protected async Task<FakeOneBotImplementation> StartFakeAsync(Action<FakeOneBotOptions>? configure = null)
    {
        var options = new FakeOneBotOptions();
        configure?.Invoke(options);
        return Track(await FakeOneBotImplementation.StartAsync(options));
    }

    protected async Task<OneBotRawClient> ConnectAsync(FakeOneBotImplementation fake, string path = "/", string? bearer = null, string? authorization = null) =>
        Track(await OneBotRawClient.ConnectAsync(fake.Uri, path, bearer, authorization));

    protected static async Task<T> Within<T>(Task<T> task) => await task.WaitAsync(Bound);

    protected static async Task Within(Task task) => await task.WaitAsync(Bound);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        List<IAsyncDisposable> owned;
        lock (_owned)
        {
            owned = [.. _owned];
        }

        owned.Reverse();
        foreach (var item in owned)
        {
            await item.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
