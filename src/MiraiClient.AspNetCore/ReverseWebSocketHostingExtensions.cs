using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MiraiClient.AspNetCore.Internal;
using MiraiClient.Hosting;
using MiraiClient.Hosting.Configuration;
using MiraiClient.Hosting.Served;
using MiraiClient.OneBot;

namespace MiraiClient.AspNetCore;

/// <summary>Lets the Generic Host bot host (<c>AddOneBot</c>, <c>AddMiraiBot</c>) serve the accounts that dial in over
/// reverse WebSocket, with a server it runs itself: no ASP.NET Core application to write.</summary>
/// <remarks>Each account that dials in becomes a bot of the host, named by its QQ number, beside any connection the
/// host dials itself: handlers see its <see cref="OneBotAccount"/> or <see cref="MiraiBot"/>, and replies go through
/// its own socket. <see cref="MiraiBotOptions.MaxConcurrentHandlersPerBot"/> keeps one busy account from taking every
/// handler slot. When the host stops it takes no new events, lets handlers drain, then closes every account's
/// sockets with 1001 and stops listening. An application that maps the endpoint itself
/// (<see cref="ReverseWebSocketEndpointRouteBuilderExtensions.MapOneBotReverseWebSocket"/>) gets the same serving
/// from the bot host without these methods.</remarks>
public static class ReverseWebSocketHostingExtensions
{
    /// <summary>The OneBot endpoint's route when none is configured.</summary>
    public const string DefaultOneBotPath = "/onebot/v11/ws";

    /// <summary>The mirai-api-http endpoint's route when none is configured (mirai-api-http's default destination path).</summary>
    public const string DefaultMiraiPath = "/";

    /// <summary>Serves the OneBot v11 implementations (NapCat, LLBot, Lagrange, go-cqhttp) that dial in at
    /// <paramref name="url"/> + <paramref name="path"/>, on a Kestrel server the bot host starts and stops.</summary>
    /// <param name="builder">The OneBot bot host's builder.</param>
    /// <param name="url">Where to listen, for example <c>http://0.0.0.0:8080</c> (port 0 picks a free port).</param>
    /// <param name="path">The endpoint's route, for example <see cref="DefaultOneBotPath"/>.</param>
    /// <param name="configure">Sets the endpoint's options (access token, pings, connection options), or <see langword="null"/>.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="url"/> is not an absolute http address, or <paramref name="path"/> does not start with '/'.</exception>
    public static IOneBotBuilder ServeReverseWebSocket(this IOneBotBuilder builder, string url, string path, Action<OneBotReverseWebSocketOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ThrowIfInvalid(url, path);
        AddOneBot(builder.Services, new EmbeddedServerSettings(url, path, null), configure);
        return builder;
    }

    /// <summary>Serves the OneBot v11 implementations that dial in, with the server's settings bound from configuration:
    /// <c>Url</c> (required), <c>Path</c>, <c>AccessToken</c>, <c>KeepAliveInterval</c>, <c>KeepAliveTimeout</c>, for
    /// example under <c>OneBot:Server</c>.</summary>
    /// <param name="builder">The OneBot bot host's builder.</param>
    /// <param name="configuration">The server's section.</param>
    /// <returns>The same builder.</returns>
    /// <remarks>A missing or bad value stops the host at start with exit code 3 and one log line naming the key
    /// (never the token), as a bad connection setting does.</remarks>
    public static IOneBotBuilder ServeReverseWebSocket(this IOneBotBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        var settings = Read(configuration, DefaultOneBotPath, out _, out var shared);
        AddOneBot(builder.Services, settings, options => shared(options));
        return builder;
    }

    /// <summary>Serves the mirai-api-http instances whose <c>reverse-ws</c> adapter dials in at <paramref name="url"/> +
    /// <paramref name="path"/>, on a Kestrel server the bot host starts and stops.</summary>
    /// <param name="builder">The mirai bot host's builder.</param>
    /// <param name="url">Where to listen, for example <c>http://0.0.0.0:8080</c> (port 0 picks a free port).</param>
    /// <param name="path">The endpoint's route: mirai-api-http's destination <c>path</c>, for example <see cref="DefaultMiraiPath"/>.</param>
    /// <param name="configure">Sets the endpoint's options (verify key, access token, default QQ, connection options), or <see langword="null"/>.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="url"/> is not an absolute http address, or <paramref name="path"/> does not start with '/'.</exception>
    public static IMiraiBotBuilder ServeReverseWebSocket(this IMiraiBotBuilder builder, string url, string path, Action<MiraiReverseWebSocketOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ThrowIfInvalid(url, path);
        AddMirai(builder.Services, new EmbeddedServerSettings(url, path, null), configure);
        return builder;
    }

    /// <summary>Serves the mirai-api-http instances that dial in, with the server's settings bound from configuration:
    /// <c>Url</c> (required), <c>Path</c>, <c>VerifyKey</c>, <c>AccessToken</c>, <c>DefaultQQ</c>,
    /// <c>KeepAliveInterval</c>, <c>KeepAliveTimeout</c>, for example under <c>Mirai:Server</c>.</summary>
    /// <param name="builder">The mirai bot host's builder.</param>
    /// <param name="configuration">The server's section.</param>
    /// <returns>The same builder.</returns>
    /// <remarks>A missing or bad value stops the host at start with exit code 3 and one log line naming the key
    /// (never a key's secret value), as a bad connection setting does.</remarks>
    public static IMiraiBotBuilder ServeReverseWebSocket(this IMiraiBotBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        var settings = Read(configuration, DefaultMiraiPath, out var reader, out var shared);
        var verifyKey = reader.String("VerifyKey");
        var defaultQQ = reader.Int64("DefaultQQ", 0);
        if (settings.Problem is null && reader.Errors.Count > 0)
        {
            settings = settings with { Problem = MiraiOptionsBinder.Summarize(reader.Errors) };
        }

        AddMirai(builder.Services, settings, options =>
        {
            shared(options);
            options.VerifyKey = string.IsNullOrEmpty(verifyKey) ? null : verifyKey;
            options.DefaultQQ = defaultQQ ?? options.DefaultQQ;
        });
        return builder;
    }

    private static void AddOneBot(IServiceCollection services, EmbeddedServerSettings settings, Action<OneBotReverseWebSocketOptions>? configure)
    {
        if (services.Any(d => d.ServiceType == typeof(OneBotServeRegistration)))
        {
            throw new InvalidOperationException("ServeReverseWebSocket was already called for the OneBot bot host; one server serves every account.");
        }

        services.AddOneBotReverseWebSocket();
        services.AddSingleton(new OneBotServeRegistration(settings, configure));
    }

    private static void AddMirai(IServiceCollection services, EmbeddedServerSettings settings, Action<MiraiReverseWebSocketOptions>? configure)
    {
        if (services.Any(d => d.ServiceType == typeof(MiraiServeRegistration)))
        {
            throw new InvalidOperationException("ServeReverseWebSocket was already called for the mirai bot host; one server serves every account.");
        }

        services.AddMiraiReverseWebSocket();
        services.AddSingleton(new MiraiServeRegistration(settings, configure));
    }

    private static void ThrowIfInvalid(string url, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(url);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (UrlProblem(url) is { } problem)
        {
            throw new ArgumentException($"The server address {problem}", nameof(url));
        }

        if (!path.StartsWith('/'))
        {
            throw new ArgumentException($"The endpoint path must start with '/'; got '{path}'.", nameof(path));
        }
    }

    /// <summary>Why an address cannot be listened on, or <see langword="null"/>; never echoes a query.</summary>
    private static string? UrlProblem(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https" && parsed.PathAndQuery == "/"
            ? null
            : $"must be an absolute http address without a path, such as http://0.0.0.0:8080; got '{url.Split('?')[0]}'.";

    /// <summary>Reads the settings every protocol's server shares; problems become the settings' <c>Problem</c>,
    /// reported when the host starts.</summary>
    private static EmbeddedServerSettings Read(IConfiguration configuration, string defaultPath, out ServerConfiguration reader, out Action<ReverseWebSocketOptions> shared)
    {
        reader = new ServerConfiguration(configuration);
        var url = reader.String("Url");
        var path = reader.String("Path") ?? defaultPath;
        var token = reader.String("AccessToken");
        var interval = reader.Duration("KeepAliveInterval");
        var timeout = reader.Duration("KeepAliveTimeout");
        string? problem = null;
        if (string.IsNullOrWhiteSpace(url))
        {
            problem = $"Configuration key {reader.KeyOf("Url")} is missing: set the address the bot listens on for the accounts that dial in, such as http://0.0.0.0:8080.";
        }
        else if (UrlProblem(url) is { } bad)
        {
            problem = $"Configuration key {reader.KeyOf("Url")} is not valid: it {bad}";
        }
        else if (!path.StartsWith('/'))
        {
            problem = $"Configuration key {reader.KeyOf("Path")} is not valid: it must start with '/'; got '{path}'.";
        }
        else if (interval < TimeSpan.Zero || timeout < TimeSpan.Zero)
        {
            problem = $"Configuration key {reader.KeyOf(interval < TimeSpan.Zero ? "KeepAliveInterval" : "KeepAliveTimeout")} is not valid: it must not be negative (0 turns pings off).";
        }
        else if (reader.Errors.Count > 0)
        {
            problem = MiraiOptionsBinder.Summarize(reader.Errors);
        }

        shared = options =>
        {
            options.AccessToken = string.IsNullOrEmpty(token) ? null : token;
            options.KeepAliveInterval = interval ?? options.KeepAliveInterval;
            options.KeepAliveTimeout = timeout ?? options.KeepAliveTimeout;
        };
        return new EmbeddedServerSettings(url ?? "", path, problem);
    }

    /// <summary>A server section read with the bot host's configuration reader, keeping its errors.</summary>
    private sealed class ServerConfiguration(IConfiguration section)
    {
        public List<string> Errors { get; } = [];

        public string KeyOf(string key) => section is IConfigurationSection named ? $"{named.Path}:{key}" : key;

        public string? String(string key) => section[key];

        public TimeSpan? Duration(string key) => Collect(reader => reader.Duration(key));

        public long? Int64(string key, long min) => Collect(reader => reader.Int64(key, min));

        private T? Collect<T>(Func<ConfigurationReader, T?> read)
            where T : struct => read(new ConfigurationReader(section, Errors));
    }
}

/// <summary>The OneBot bot host runs its own reverse WebSocket server (<c>ServeReverseWebSocket</c>).</summary>
internal sealed record OneBotServeRegistration(EmbeddedServerSettings Settings, Action<OneBotReverseWebSocketOptions>? Configure);

/// <summary>The mirai bot host runs its own reverse WebSocket server (<c>ServeReverseWebSocket</c>).</summary>
internal sealed record MiraiServeRegistration(EmbeddedServerSettings Settings, Action<MiraiReverseWebSocketOptions>? Configure);
