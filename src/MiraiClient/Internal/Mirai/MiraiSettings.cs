namespace MiraiClient.Internal;

/// <summary>The mirai-api-http settings of a <see cref="MiraiConnection"/>, validated and frozen, beside the
/// engine's <see cref="ConnectionSettings"/>.</summary>
internal sealed class MiraiSettings
{
    private static readonly OptionCheck Check = new(nameof(MiraiConnectionOptions));

    private MiraiSettings(MiraiConnectionOptions o, ConnectionSettings connection, Uri uploadUri)
    {
        Connection = connection;
        UploadUri = uploadUri;
        HttpAdapterUri = o.HttpAdapterUri;
        VerifyKey = string.IsNullOrEmpty(o.VerifyKey) ? null : o.VerifyKey;
        QQ = o.QQ;
        ReservedSyncId = o.ReservedSyncId;
        BotLiveness = new BotLivenessOptionsSnapshot(o.BotLiveness.Enabled, o.BotLiveness.CheckInterval, o.BotLiveness.RecoveryPollInterval);
    }

    public BotLivenessOptionsSnapshot BotLiveness { get; }

    public ConnectionSettings Connection { get; }

    public Uri Endpoint => Connection.Endpoint;

    public Uri UploadUri { get; }

    public Uri? HttpAdapterUri { get; }

    public string? VerifyKey { get; }

    public long QQ { get; }

    public string ReservedSyncId { get; }

    public static MiraiSettings Create(MiraiConnectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var uri = options.Uri ?? throw Check.Invalid("Uri is required (for example ws://127.0.0.1:8080).");
        if (!uri.IsAbsoluteUri || (uri.Scheme != "ws" && uri.Scheme != "wss"))
        {
            throw Check.Invalid($"Uri must be an absolute ws:// or wss:// address; got scheme '{(uri.IsAbsoluteUri ? uri.Scheme : "(relative)")}'.");
        }

        if (!string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            throw Check.Invalid("Uri must not contain user info, a query string or a fragment: the verify key and QQ are sent as headers, never in the address.");
        }

        if (options.QQ < 0)
        {
            throw Check.Invalid("QQ must be a positive account number, or 0 to leave it out (single-mode servers only).");
        }

        if (string.IsNullOrEmpty(options.ReservedSyncId))
        {
            throw Check.Invalid("ReservedSyncId must be a non-empty string matching the server's reservedSyncId (default \"-1\").");
        }

        if (!Enum.IsDefined(options.Channel))
        {
            throw Check.Invalid($"Channel {options.Channel} is not a known channel.");
        }

        var (endpoint, basePath) = ChannelEndpoint(uri, options.Channel);
        var upload = options.UploadUri ?? new UriBuilder(uri) { Scheme = uri.Scheme == "wss" ? "https" : "http", Path = basePath }.Uri;
        foreach (var (http, name) in new[] { (upload, nameof(options.UploadUri)), (options.HttpAdapterUri, nameof(options.HttpAdapterUri)) })
        {
            if (http is not null && (!http.IsAbsoluteUri || (http.Scheme != "http" && http.Scheme != "https") || !string.IsNullOrEmpty(http.Query)))
            {
                throw Check.Invalid($"{name} must be an absolute http:// or https:// address without a query string.");
            }
        }

        var liveness = options.BotLiveness ?? throw Check.Invalid("BotLiveness must not be null.");
        Check.Positive(liveness.CheckInterval, "BotLiveness.CheckInterval");
        Check.Positive(liveness.RecoveryPollInterval, "BotLiveness.RecoveryPollInterval");
        var connection = ConnectionSettings.Create(options, endpoint, Check);
        return new MiraiSettings(options, connection, upload);
    }

    public override string ToString() => $"MiraiSettings {{ Endpoint = {Endpoint}, QQ = {QQ}, VerifyKey = {(VerifyKey is null ? "(none)" : "***")} }}";

    /// <summary>The channel's address under the server's base address. An address that already ends in the
    /// channel's path (as many guides write it) is taken as it is, never extended to <c>/all/all</c>; one that
    /// ends in another channel's path contradicts <see cref="MiraiConnectionOptions.Channel"/>.</summary>
    private static (Uri Endpoint, string BasePath) ChannelEndpoint(Uri uri, MiraiChannel channel)
    {
        var name = ChannelPath(channel);
        var path = uri.AbsolutePath.TrimEnd('/');
        var last = path[(path.LastIndexOf('/') + 1)..];
        foreach (var other in Enum.GetValues<MiraiChannel>())
        {
            if (!string.Equals(last, ChannelPath(other), StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (other != channel)
            {
                throw Check.Invalid($"Uri ends in the /{last} channel but Channel is {channel}; give the server's base address (for example ws://127.0.0.1:8080) or set Channel to {other}.");
            }

            var basePath = path[..^last.Length];
            return (new UriBuilder(uri) { Path = basePath + name }.Uri, basePath.Length == 0 ? "/" : basePath);
        }

        var prefix = path + "/";
        return (new UriBuilder(uri) { Path = prefix + name }.Uri, prefix);
    }

    private static string ChannelPath(MiraiChannel channel) => channel switch
    {
        MiraiChannel.Message => "message",
        MiraiChannel.Event => "event",
        _ => "all",
    };
}
