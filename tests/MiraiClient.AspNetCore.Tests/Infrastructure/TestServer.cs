using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MiraiClient.AspNetCore.Tests.Infrastructure;

/// <summary>A real Kestrel host on 127.0.0.1 (port 0) with both reverse endpoints mapped and every log line kept.</summary>
internal sealed class TestServer : IAsyncDisposable
{
    public const string OneBotPath = "/onebot/v11/ws";
    public const string MiraiPath = "/mah";

    private TestServer(WebApplication app, LogSink logs)
    {
        App = app;
        Logs = logs;
        OneBot = app.Services.GetRequiredService<OneBotAccounts>();
        Mirai = app.Services.GetRequiredService<MiraiAccounts>();
    }

    public WebApplication App { get; }

    public LogSink Logs { get; }

    public OneBotAccounts OneBot { get; }

    public MiraiAccounts Mirai { get; }

    public Uri BaseUri { get; private set; } = null!;

    public Uri OneBotUri => At(OneBotPath);

    public Uri MiraiUri => At(MiraiPath);

    public static async Task<TestServer> StartAsync(Action<OneBotReverseWebSocketOptions>? onebot = null, Action<MiraiReverseWebSocketOptions>? mirai = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var logs = new LogSink();
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddOneBotReverseWebSocket().AddMiraiReverseWebSocket();
        var app = builder.Build();
        app.MapOneBotReverseWebSocket(OneBotPath, onebot);
        app.MapMiraiReverseWebSocket(MiraiPath, mirai);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestServer(app, logs) { BaseUri = new Uri(address.Replace("http://", "ws://", StringComparison.Ordinal)) };
    }

    public Uri At(string pathAndQuery) => new(BaseUri, pathAndQuery);

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await App.StopAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
        }

        await App.DisposeAsync();
    }
}

/// <summary>Keeps every log line (formatted) for assertions.</summary>
internal sealed class LogSink : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Category, LogLevel Level, int EventId, string Text)> _lines = new();

    public IReadOnlyList<(string Category, LogLevel Level, int EventId, string Text)> Lines => [.. _lines];

    public string AllText => string.Join("\n", _lines.Select(l => $"{l.Category} {l.Level} {l.EventId} {l.Text}"));

    /// <summary>Gets the lines this SDK wrote (ASP.NET Core's own request log prints query strings, which is why the
    /// docs prefer the header form of the token).</summary>
    public string OwnText => string.Join("\n", _lines.Where(l => l.Category.StartsWith("MiraiClient", StringComparison.Ordinal)).Select(l => $"{l.Category} {l.Level} {l.EventId} {l.Text}"));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (sink._lines.Count < 200_000)
            {
                sink._lines.Enqueue((category, logLevel, eventId.Id, formatter(state, exception) + (exception is null ? "" : " | " + exception.Message)));
            }
        }
    }
}

internal static class Wait
{
    public static async Task UntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> describe)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not within {timeout.TotalSeconds:0.#} s: {describe()}");
            }

            await Task.Delay(20);
        }
    }
}
