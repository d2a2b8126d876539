using Microsoft.Extensions.Configuration;
using MiraiClient.OneBot;

namespace MiraiClient.Hosting.Configuration;

/// <summary>Reads <see cref="OneBotConnectionOptions"/> from configuration, every option by its own name
/// (<c>Uri</c>, <c>AccessToken</c>, <c>CommandTimeout</c>, <c>Reconnect:MaxDelay</c>, …), with the same
/// readers and the same one-line errors naming the key as the mirai options.</summary>
internal static class OneBotOptionsBinder
{
    private static readonly HashSet<string> KnownOptions =
    [
        "Uri", "AccessToken", "AccessTokenInQuery", "ConnectTimeout", "HandshakeTimeout", "CommandTimeout", "TransferTimeout",
        "CloseTimeout", "DisposeTimeout", "MaxMessageSize", "EventBufferCapacity", "EventOverflowPolicy", "WaitForConnection",
        "Reconnect.Enabled", "Reconnect.FirstRetryMaxDelay", "Reconnect.BaseDelay", "Reconnect.MaxDelay", "Reconnect.Multiplier",
        "Reconnect.MaxAttempts", "Reconnect.StableAfter", "Heartbeat.Enabled", "Heartbeat.Interval", "Heartbeat.Timeout",
        "SendRateLimit", "SendRateLimit.Enabled", "SendRateLimit.AccountBurst", "SendRateLimit.AccountInterval",
        "SendRateLimit.ConversationBurst", "SendRateLimit.ConversationInterval", "SendRateLimit.MaxWait",
    ];

    /// <summary>Binds <paramref name="defaults"/> (when given) and then <paramref name="configuration"/> on top.</summary>
    public static void Bind(IConfiguration configuration, IConfiguration? defaults, OneBotConnectionOptions options)
    {
        var binding = OptionsBinding.Attach(options, configuration, defaults);
        if (defaults is not null)
        {
            Bind(new ConfigurationReader(defaults, binding.Errors), options);
        }

        Bind(new ConfigurationReader(configuration, binding.Errors), options);
    }

    /// <summary>Checks bound options: the first value that did not parse, else the first option the
    /// connection would refuse, in a message naming its configuration key.</summary>
    /// <returns>The problem, or <see langword="null"/> if the options are valid.</returns>
    public static string? Check(OneBotConnectionOptions options)
    {
        var binding = OptionsBinding.Of(options);
        if (binding is { Errors.Count: > 0 })
        {
            return MiraiOptionsBinder.Summarize(binding.Errors);
        }

        try
        {
            options.Validate();
            return null;
        }
        catch (ArgumentException ex)
        {
            return binding is null ? ex.Message : MiraiOptionsBinder.NameTheKey(ex.Message, binding, "Invalid OneBotConnectionOptions: ", KnownOptions);
        }
    }

    private static void Bind(ConfigurationReader config, OneBotConnectionOptions options)
    {
        options.Uri = config.AbsoluteUri("Uri", "an absolute ws:// or wss:// address") ?? options.Uri;
        options.AccessToken = config.String("AccessToken") ?? options.AccessToken;
        options.AccessTokenInQuery = config.Boolean("AccessTokenInQuery") ?? options.AccessTokenInQuery;
        options.ConnectTimeout = config.Duration("ConnectTimeout") ?? options.ConnectTimeout;
        options.HandshakeTimeout = config.Duration("HandshakeTimeout") ?? options.HandshakeTimeout;
        options.CommandTimeout = config.Duration("CommandTimeout") ?? options.CommandTimeout;
        options.TransferTimeout = config.Duration("TransferTimeout") ?? options.TransferTimeout;
        options.CloseTimeout = config.Duration("CloseTimeout") ?? options.CloseTimeout;
        options.DisposeTimeout = config.Duration("DisposeTimeout") ?? options.DisposeTimeout;
        options.MaxMessageSize = config.Int32("MaxMessageSize") ?? options.MaxMessageSize;
        options.EventBufferCapacity = config.Int32("EventBufferCapacity") ?? options.EventBufferCapacity;
        options.EventOverflowPolicy = config.Enumeration<EventOverflowPolicy>("EventOverflowPolicy") ?? options.EventOverflowPolicy;
        options.WaitForConnection = config.Boolean("WaitForConnection") ?? options.WaitForConnection;

        var pacing = config.Section("SendRateLimit");
        var p = options.SendRateLimit;
        p.Enabled = pacing.Boolean("Enabled") ?? p.Enabled;
        p.AccountBurst = pacing.Int32("AccountBurst") ?? p.AccountBurst;
        p.AccountInterval = pacing.Duration("AccountInterval") ?? p.AccountInterval;
        p.ConversationBurst = pacing.Int32("ConversationBurst") ?? p.ConversationBurst;
        p.ConversationInterval = pacing.Duration("ConversationInterval") ?? p.ConversationInterval;
        p.MaxWait = pacing.Duration("MaxWait") ?? p.MaxWait;

        var reconnect = config.Section("Reconnect");
        var r = options.Reconnect;
        r.Enabled = reconnect.Boolean("Enabled") ?? r.Enabled;
        r.FirstRetryMaxDelay = reconnect.Duration("FirstRetryMaxDelay") ?? r.FirstRetryMaxDelay;
        r.BaseDelay = reconnect.Duration("BaseDelay") ?? r.BaseDelay;
        r.MaxDelay = reconnect.Duration("MaxDelay") ?? r.MaxDelay;
        r.Multiplier = reconnect.Number("Multiplier") ?? r.Multiplier;
        r.MaxAttempts = reconnect.Int32("MaxAttempts") ?? r.MaxAttempts;
        r.StableAfter = reconnect.Duration("StableAfter") ?? r.StableAfter;

        var heartbeat = config.Section("Heartbeat");
        var h = options.Heartbeat;
        h.Enabled = heartbeat.Boolean("Enabled") ?? h.Enabled;
        h.Interval = heartbeat.Duration("Interval") ?? h.Interval;
        h.Timeout = heartbeat.Duration("Timeout") ?? h.Timeout;
    }
}
