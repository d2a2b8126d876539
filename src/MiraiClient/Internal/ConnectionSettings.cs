using System.Net.WebSockets;

namespace MiraiClient.Internal;

internal sealed record ReconnectSettings(
    bool Enabled,
    TimeSpan FirstRetryMaxDelay,
    TimeSpan BaseDelay,
    TimeSpan MaxDelay,
    double Multiplier,
    int? MaxAttempts,
    TimeSpan StableAfter);

internal sealed record HeartbeatSettings(bool Enabled, TimeSpan Interval, TimeSpan Timeout)
{
    /// <summary>Gets how often the heartbeat checks: each of its two waits is rounded up to a tick, so
    /// the tick (at most 500 ms) adds at most a second to detection.</summary>
    public TimeSpan Tick => TimeSpan.FromTicks(Math.Clamp(Math.Min(Interval.Ticks, Timeout.Ticks) / 8, TimeSpan.TicksPerMillisecond * 50, TimeSpan.TicksPerMillisecond * 500));
}

/// <summary>The validated, frozen copy of <see cref="MiraiConnectionOptions"/> a connection runs with.</summary>
internal sealed class ConnectionSettings
{
    private ConnectionSettings(MiraiConnectionOptions o, Uri endpoint, Uri uploadUri)
    {
        Endpoint = endpoint;
        UploadUri = uploadUri;
        HttpAdapterUri = o.HttpAdapterUri;
        VerifyKey = string.IsNullOrEmpty(o.VerifyKey) ? null : o.VerifyKey;
        QQ = o.QQ;
        ReservedSyncId = o.ReservedSyncId;
        Reconnect = new ReconnectSettings(o.Reconnect.Enabled, o.Reconnect.FirstRetryMaxDelay, o.Reconnect.BaseDelay, o.Reconnect.MaxDelay, o.Reconnect.Multiplier, o.Reconnect.MaxAttempts, o.Reconnect.StableAfter);
        Heartbeat = new HeartbeatSettings(o.Heartbeat.Enabled, o.Heartbeat.Interval, o.Heartbeat.Timeout);
        ConnectTimeout = o.ConnectTimeout;
        HandshakeTimeout = o.HandshakeTimeout;
        CommandTimeout = o.CommandTimeout;
        CloseTimeout = o.CloseTimeout;
        DisposeTimeout = o.DisposeTimeout;
        MaxMessageSize = o.MaxMessageSize;
        EventBufferCapacity = o.EventBufferCapacity;
        EventOverflowPolicy = o.EventOverflowPolicy;
        WaitForConnection = o.WaitForConnection;
        ConfigureWebSocket = o.ConfigureWebSocket;
        UseWebSocketPings = o.UseWebSocketPings;
        TimeProvider = o.TimeProvider;
    }

    /// <summary>Gets the full WebSocket address, channel path included. It carries no secret.</summary>
    public Uri Endpoint { get; }

    /// <summary>Gets the base address of the upload routes.</summary>
    public Uri UploadUri { get; }

    /// <summary>Gets the http adapter's base address, if configured.</summary>
    public Uri? HttpAdapterUri { get; }

    public string? VerifyKey { get; }

    public long QQ { get; }

    public string ReservedSyncId { get; }

    public ReconnectSettings Reconnect { get; }

    public HeartbeatSettings Heartbeat { get; }

    public TimeSpan ConnectTimeout { get; }

    public TimeSpan HandshakeTimeout { get; }

    public TimeSpan CommandTimeout { get; }

    public TimeSpan CloseTimeout { get; }

    public TimeSpan DisposeTimeout { get; }

    public int MaxMessageSize { get; }

    public int EventBufferCapacity { get; }

    public EventOverflowPolicy EventOverflowPolicy { get; }

    public bool WaitForConnection { get; }

    public Action<ClientWebSocketOptions>? ConfigureWebSocket { get; }

    public bool UseWebSocketPings { get; }

    public TimeProvider TimeProvider { get; }

    /// <summary>Validates the options and freezes a copy.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public static ConnectionSettings Create(MiraiConnectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var uri = options.Uri ?? throw Invalid("Uri is required (for example ws://127.0.0.1:8080).");
        if (!uri.IsAbsoluteUri || (uri.Scheme != "ws" && uri.Scheme != "wss"))
        {
            throw Invalid($"Uri must be an absolute ws:// or wss:// address; got scheme '{(uri.IsAbsoluteUri ? uri.Scheme : "(relative)")}'.");
        }

        if (!string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            throw Invalid("Uri must not contain user info, a query string or a fragment: the verify key and QQ are sent as headers, never in the address.");
        }

        if (options.QQ < 0)
        {
            throw Invalid("QQ must be a positive account number, or 0 to leave it out (single-mode servers only).");
        }

        if (string.IsNullOrEmpty(options.ReservedSyncId))
        {
            throw Invalid("ReservedSyncId must be a non-empty string matching the server's reservedSyncId (default \"-1\").");
        }

        if (!Enum.IsDefined(options.Channel))
        {
            throw Invalid($"Channel {options.Channel} is not a known channel.");
        }

        if (!Enum.IsDefined(options.EventOverflowPolicy))
        {
            throw Invalid($"EventOverflowPolicy {options.EventOverflowPolicy} is not a known policy.");
        }

        Positive(options.ConnectTimeout, nameof(options.ConnectTimeout));
        Positive(options.HandshakeTimeout, nameof(options.HandshakeTimeout));
        Positive(options.CommandTimeout, nameof(options.CommandTimeout));
        Positive(options.CloseTimeout, nameof(options.CloseTimeout));
        Positive(options.DisposeTimeout, nameof(options.DisposeTimeout));
        if (options.MaxMessageSize < 1024)
        {
            throw Invalid($"MaxMessageSize must be at least 1024 bytes; got {options.MaxMessageSize}.");
        }

        if (options.EventBufferCapacity < 1)
        {
            throw Invalid($"EventBufferCapacity must be at least 1; got {options.EventBufferCapacity}.");
        }

        var reconnect = options.Reconnect ?? throw Invalid("Reconnect must not be null.");
        NonNegative(reconnect.FirstRetryMaxDelay, "Reconnect.FirstRetryMaxDelay");
        Positive(reconnect.BaseDelay, "Reconnect.BaseDelay");
        Positive(reconnect.MaxDelay, "Reconnect.MaxDelay");
        NonNegative(reconnect.StableAfter, "Reconnect.StableAfter");
        if (reconnect.MaxDelay < reconnect.BaseDelay)
        {
            throw Invalid("Reconnect.MaxDelay must not be shorter than Reconnect.BaseDelay.");
        }

        if (!(reconnect.Multiplier >= 1.0) || double.IsInfinity(reconnect.Multiplier))
        {
            throw Invalid($"Reconnect.Multiplier must be a finite number of at least 1; got {reconnect.Multiplier}.");
        }

        if (reconnect.MaxAttempts is < 1)
        {
            throw Invalid($"Reconnect.MaxAttempts must be at least 1, or null for no limit; got {reconnect.MaxAttempts}.");
        }

        var heartbeat = options.Heartbeat ?? throw Invalid("Heartbeat must not be null.");
        Positive(heartbeat.Interval, "Heartbeat.Interval");
        Positive(heartbeat.Timeout, "Heartbeat.Timeout");

        var channel = options.Channel switch
        {
            MiraiChannel.Message => "message",
            MiraiChannel.Event => "event",
            _ => "all",
        };
        var basePath = uri.AbsolutePath.EndsWith('/') ? uri.AbsolutePath : uri.AbsolutePath + "/";
        var endpoint = new UriBuilder(uri) { Path = basePath + channel }.Uri;
        var upload = options.UploadUri ?? new UriBuilder(uri) { Scheme = uri.Scheme == "wss" ? "https" : "http", Path = basePath }.Uri;
        foreach (var (http, name) in new[] { (upload, nameof(options.UploadUri)), (options.HttpAdapterUri, nameof(options.HttpAdapterUri)) })
        {
            if (http is not null && (!http.IsAbsoluteUri || (http.Scheme != "http" && http.Scheme != "https") || !string.IsNullOrEmpty(http.Query)))
            {
                throw Invalid($"{name} must be an absolute http:// or https:// address without a query string.");
            }
        }

        return new ConnectionSettings(options, endpoint, upload);
    }

    /// <inheritdoc/>
    public override string ToString() => $"ConnectionSettings {{ Endpoint = {Endpoint}, QQ = {QQ}, VerifyKey = {(VerifyKey is null ? "(none)" : "***")} }}";

    private static ArgumentException Invalid(string message) => new($"Invalid MiraiConnectionOptions: {message}");

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero || value == Timeout.InfiniteTimeSpan || value > TimeSpan.FromDays(1))
        {
            throw Invalid($"{name} must be positive and at most one day; got {value}.");
        }
    }

    private static void NonNegative(TimeSpan value, string name)
    {
        if (value < TimeSpan.Zero || value > TimeSpan.FromDays(1))
        {
            throw Invalid($"{name} must be between zero and one day; got {value}.");
        }
    }
}
