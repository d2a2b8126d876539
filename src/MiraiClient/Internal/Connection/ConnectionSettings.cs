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
    public TimeSpan Tick => TimeSpan.FromTicks(Math.Clamp(Math.Min(Interval.Ticks, Timeout.Ticks) / 8, TimeSpan.TicksPerMillisecond * 50, TimeSpan.TicksPerMillisecond * 500));
}

/// <summary>The options every protocol's connection has, as its public options type exposes them.</summary>
internal interface IConnectionOptions
{
    ReconnectOptions Reconnect { get; }

    HeartbeatOptions Heartbeat { get; }

    TimeSpan ConnectTimeout { get; }

    TimeSpan HandshakeTimeout { get; }

    TimeSpan CommandTimeout { get; }

    TimeSpan CloseTimeout { get; }

    TimeSpan DisposeTimeout { get; }

    int MaxMessageSize { get; }

    int EventBufferCapacity { get; }

    EventOverflowPolicy EventOverflowPolicy { get; }

    bool WaitForConnection { get; }

    Action<ClientWebSocketOptions>? ConfigureWebSocket { get; }

    bool UseWebSocketPings { get; }

    TimeProvider TimeProvider { get; }

    SendRateLimitOptions SendRateLimit { get; }
}

/// <summary>The connection engine's settings: validated once and frozen, so later changes to the options
/// cannot affect a live connection. Protocol-specific settings live beside it (<see cref="MiraiSettings"/>).</summary>
internal sealed class ConnectionSettings
{
    private ConnectionSettings(IConnectionOptions o, Uri endpoint)
    {
        Endpoint = endpoint;
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
        SendRateLimit = o.SendRateLimit.Freeze();
    }

    public Uri Endpoint { get; }

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

    public Pacing.SendRateLimitSettings SendRateLimit { get; }

    /// <summary>Validates the options every protocol shares and freezes them.</summary>
    /// <param name="options">The options.</param>
    /// <param name="endpoint">The address the connection dials, already validated by the protocol.</param>
    /// <param name="check">The protocol's checker, which names its options type in every message.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public static ConnectionSettings Create(IConnectionOptions options, Uri endpoint, OptionCheck check)
    {
        if (!Enum.IsDefined(options.EventOverflowPolicy))
        {
            throw check.Invalid($"EventOverflowPolicy {options.EventOverflowPolicy} is not a known policy.");
        }

        check.Positive(options.ConnectTimeout, nameof(options.ConnectTimeout));
        check.Positive(options.HandshakeTimeout, nameof(options.HandshakeTimeout));
        check.Positive(options.CommandTimeout, nameof(options.CommandTimeout));
        check.Positive(options.CloseTimeout, nameof(options.CloseTimeout));
        check.Positive(options.DisposeTimeout, nameof(options.DisposeTimeout));
        if (options.MaxMessageSize < 1024)
        {
            throw check.Invalid($"MaxMessageSize must be at least 1024 bytes; got {options.MaxMessageSize}.");
        }

        if (options.EventBufferCapacity < 1)
        {
            throw check.Invalid($"EventBufferCapacity must be at least 1; got {options.EventBufferCapacity}.");
        }

        var reconnect = options.Reconnect ?? throw check.Invalid("Reconnect must not be null.");
        check.NonNegative(reconnect.FirstRetryMaxDelay, "Reconnect.FirstRetryMaxDelay");
        check.Positive(reconnect.BaseDelay, "Reconnect.BaseDelay");
        check.Positive(reconnect.MaxDelay, "Reconnect.MaxDelay");
        check.NonNegative(reconnect.StableAfter, "Reconnect.StableAfter");
        if (reconnect.MaxDelay < reconnect.BaseDelay)
        {
            throw check.Invalid("Reconnect.MaxDelay must not be shorter than Reconnect.BaseDelay.");
        }

        if (!(reconnect.Multiplier >= 1.0) || double.IsInfinity(reconnect.Multiplier))
        {
            throw check.Invalid($"Reconnect.Multiplier must be a finite number of at least 1; got {reconnect.Multiplier}.");
        }

        if (reconnect.MaxAttempts is < 1)
        {
            throw check.Invalid($"Reconnect.MaxAttempts must be at least 1, or null for no limit; got {reconnect.MaxAttempts}.");
        }

        var heartbeat = options.Heartbeat ?? throw check.Invalid("Heartbeat must not be null.");
        check.Positive(heartbeat.Interval, "Heartbeat.Interval");
        check.Positive(heartbeat.Timeout, "Heartbeat.Timeout");
        var pacing = options.SendRateLimit ?? throw check.Invalid("SendRateLimit must not be null.");
        foreach (var error in pacing.Validate("SendRateLimit"))
        {
            throw check.Invalid(error);
        }

        return new ConnectionSettings(options, endpoint);
    }
}

/// <summary>Builds option errors that name the options type and the option.</summary>
/// <param name="OptionsName">The public options type's name.</param>
internal readonly record struct OptionCheck(string OptionsName)
{
    public ArgumentException Invalid(string message) => new($"Invalid {OptionsName}: {message}");

    public void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero || value == Timeout.InfiniteTimeSpan || value > TimeSpan.FromDays(1))
        {
            throw Invalid(value == Timeout.InfiniteTimeSpan
                ? $"{name} must be positive and at most one day; an infinite value is not allowed (every wait is bounded)."
                : $"{name} must be positive and at most one day; got {value}.");
        }
    }

    public void NonNegative(TimeSpan value, string name)
    {
        if (value < TimeSpan.Zero || value > TimeSpan.FromDays(1))
        {
            throw Invalid($"{name} must be between zero and one day; got {value}.");
        }
    }
}
