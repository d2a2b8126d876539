using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace MiraiClient.Hosting;

/// <summary>Reads <see cref="MiraiConnectionOptions"/> from configuration by hand: no reflection (trim and
/// AOT safe) and an error that names the key when a value does not parse. Values are never echoed for
/// the verify key.</summary>
internal static class MiraiOptionsBinder
{
    public static void Bind(IConfiguration configuration, MiraiConnectionOptions options)
    {
        if (configuration["Uri"] is { Length: > 0 } uri)
        {
            options.Uri = Uri.TryCreate(uri, UriKind.Absolute, out var parsed) ? parsed : throw Invalid(configuration, "Uri", uri, "an absolute ws:// or wss:// address");
        }

        if (configuration["VerifyKey"] is { } key)
        {
            options.VerifyKey = key;
        }

        if (Int64(configuration, "QQ") is { } qq)
        {
            options.QQ = qq;
        }

        if (Enumeration<MiraiChannel>(configuration, "Channel") is { } channel)
        {
            options.Channel = channel;
        }

        if (configuration["ReservedSyncId"] is { } reserved)
        {
            options.ReservedSyncId = reserved;
        }

        options.ConnectTimeout = Duration(configuration, "ConnectTimeout") ?? options.ConnectTimeout;
        options.HandshakeTimeout = Duration(configuration, "HandshakeTimeout") ?? options.HandshakeTimeout;
        options.CommandTimeout = Duration(configuration, "CommandTimeout") ?? options.CommandTimeout;
        options.CloseTimeout = Duration(configuration, "CloseTimeout") ?? options.CloseTimeout;
        options.DisposeTimeout = Duration(configuration, "DisposeTimeout") ?? options.DisposeTimeout;
        options.MaxMessageSize = (int?)Int64(configuration, "MaxMessageSize", int.MaxValue) ?? options.MaxMessageSize;
        options.EventBufferCapacity = (int?)Int64(configuration, "EventBufferCapacity", int.MaxValue) ?? options.EventBufferCapacity;
        options.EventOverflowPolicy = Enumeration<EventOverflowPolicy>(configuration, "EventOverflowPolicy") ?? options.EventOverflowPolicy;
        options.WaitForConnection = Boolean(configuration, "WaitForConnection") ?? options.WaitForConnection;

        var reconnect = configuration.GetSection("Reconnect");
        var r = options.Reconnect;
        r.Enabled = Boolean(reconnect, "Enabled") ?? r.Enabled;
        r.FirstRetryMaxDelay = Duration(reconnect, "FirstRetryMaxDelay") ?? r.FirstRetryMaxDelay;
        r.BaseDelay = Duration(reconnect, "BaseDelay") ?? r.BaseDelay;
        r.MaxDelay = Duration(reconnect, "MaxDelay") ?? r.MaxDelay;
        r.Multiplier = Number(reconnect, "Multiplier") ?? r.Multiplier;
        r.MaxAttempts = (int?)Int64(reconnect, "MaxAttempts", int.MaxValue) ?? r.MaxAttempts;
        r.StableAfter = Duration(reconnect, "StableAfter") ?? r.StableAfter;

        var heartbeat = configuration.GetSection("Heartbeat");
        var h = options.Heartbeat;
        h.Enabled = Boolean(heartbeat, "Enabled") ?? h.Enabled;
        h.Interval = Duration(heartbeat, "Interval") ?? h.Interval;
        h.Timeout = Duration(heartbeat, "Timeout") ?? h.Timeout;
    }

    private static long? Int64(IConfiguration section, string key, long max = long.MaxValue) =>
        section[key] is not { Length: > 0 } text ? null
        : long.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value <= max ? value
        : throw Invalid(section, key, text, "a whole number");

    private static double? Number(IConfiguration section, string key) =>
        section[key] is not { Length: > 0 } text ? null
        : double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value
        : throw Invalid(section, key, text, "a number");

    private static bool? Boolean(IConfiguration section, string key) =>
        section[key] is not { Length: > 0 } text ? null
        : bool.TryParse(text.Trim(), out var value) ? value
        : throw Invalid(section, key, text, "true or false");

    private static TimeSpan? Duration(IConfiguration section, string key) =>
        section[key] is not { Length: > 0 } text ? null
        : TimeSpan.TryParse(text.Trim(), CultureInfo.InvariantCulture, out var value) ? value
        : throw Invalid(section, key, text, "a duration such as 00:00:10");

    private static T? Enumeration<T>(IConfiguration section, string key)
        where T : struct, Enum =>
        section[key] is not { Length: > 0 } text ? null
        : Enum.TryParse<T>(text.Trim(), ignoreCase: true, out var value) && Enum.IsDefined(value) ? value
        : throw Invalid(section, key, text, "one of " + string.Join(", ", Enum.GetNames<T>()));

    private static InvalidOperationException Invalid(IConfiguration section, string key, string value, string expected)
    {
        var path = section is IConfigurationSection s ? $"{s.Path}:{key}" : key;
        return new InvalidOperationException($"Configuration value '{path}' = '{value}' is not valid: expected {expected}.");
    }
}
