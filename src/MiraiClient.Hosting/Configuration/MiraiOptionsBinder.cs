using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;

namespace MiraiClient.Hosting.Configuration;

/// <summary>Where an options object was bound from and what did not parse. Kept beside the object rather
/// than thrown from the binder, so reading the options never throws and the host can report every
/// problem, with its configuration key, in one line when it starts.</summary>
internal sealed class OptionsBinding(string path, string? defaultsPath, bool empty)
{
    private static readonly ConditionalWeakTable<object, OptionsBinding> Bindings = new();

    /// <summary>Gets the section path, for example <c>Mirai</c> or <c>Mirai:Bots:alpha</c>.</summary>
    public string Path { get; } = path;

    /// <summary>Gets the path of the section that gives shared defaults, if any (<c>Mirai</c> for a bot under <c>Mirai:Bots</c>).</summary>
    public string? DefaultsPath { get; } = defaultsPath;

    /// <summary>Gets whether the section (and the defaults) held no value at all, a hint at a misnamed section.</summary>
    public bool Empty { get; } = empty;

    public List<string> Errors { get; } = [];

    public static OptionsBinding? Of(object options) => Bindings.TryGetValue(options, out var binding) ? binding : null;

    public static OptionsBinding Attach(object options, IConfiguration section, IConfiguration? defaults)
    {
        var binding = new OptionsBinding(PathOf(section), defaults is null ? null : PathOf(defaults), !HasValues(section) && (defaults is null || !HasValues(defaults)));
        Bindings.AddOrUpdate(options, binding);
        return binding;
    }

    /// <summary>Names the configuration key of an option path such as <c>Reconnect.MaxDelay</c>.</summary>
    public string KeyOf(string optionPath)
    {
        var relative = optionPath.Replace('.', ':');
        var key = Path.Length > 0 ? $"{Path}:{relative}" : relative;
        return DefaultsPath is null ? $"'{key}'" : $"'{key}' (or the shared '{(DefaultsPath.Length > 0 ? $"{DefaultsPath}:{relative}" : relative)}')";
    }

    private static string PathOf(IConfiguration section) => section is IConfigurationSection s ? s.Path : "";

    private static bool HasValues(IConfiguration section) => section.AsEnumerable().Any(pair => pair.Value is not null);
}

/// <summary>Reads <see cref="MiraiConnectionOptions"/> from configuration, every option by its own name
/// (<c>Uri</c>, <c>VerifyKey</c>, <c>QQ</c>, <c>Reconnect:MaxDelay</c>, …).</summary>
internal static class MiraiOptionsBinder
{
    /// <summary>Binds <paramref name="defaults"/> (when given) and then <paramref name="configuration"/> on top.</summary>
    public static void Bind(IConfiguration configuration, IConfiguration? defaults, MiraiConnectionOptions options)
    {
        var binding = OptionsBinding.Attach(options, configuration, defaults);
        if (defaults is not null)
        {
            Bind(new ConfigurationReader(defaults, binding.Errors), options);
        }

        Bind(new ConfigurationReader(configuration, binding.Errors), options);
    }

    private static void Bind(ConfigurationReader config, MiraiConnectionOptions options)
    {
        options.Uri = config.AbsoluteUri("Uri", "an absolute ws:// or wss:// address") ?? options.Uri;
        options.UploadUri = config.AbsoluteUri("UploadUri", "an absolute http:// or https:// address") ?? options.UploadUri;
        options.HttpAdapterUri = config.AbsoluteUri("HttpAdapterUri", "an absolute http:// or https:// address") ?? options.HttpAdapterUri;
        options.VerifyKey = config.String("VerifyKey") ?? options.VerifyKey;
        options.QQ = config.Int64("QQ") ?? options.QQ;
        options.Channel = config.Enumeration<MiraiChannel>("Channel") ?? options.Channel;
        options.ReservedSyncId = config.String("ReservedSyncId") ?? options.ReservedSyncId;
        options.ConnectTimeout = config.Duration("ConnectTimeout") ?? options.ConnectTimeout;
        options.HandshakeTimeout = config.Duration("HandshakeTimeout") ?? options.HandshakeTimeout;
        options.CommandTimeout = config.Duration("CommandTimeout") ?? options.CommandTimeout;
        options.CloseTimeout = config.Duration("CloseTimeout") ?? options.CloseTimeout;
        options.DisposeTimeout = config.Duration("DisposeTimeout") ?? options.DisposeTimeout;
        options.MaxMessageSize = config.Int32("MaxMessageSize") ?? options.MaxMessageSize;
        options.EventBufferCapacity = config.Int32("EventBufferCapacity") ?? options.EventBufferCapacity;
        options.EventOverflowPolicy = config.Enumeration<EventOverflowPolicy>("EventOverflowPolicy") ?? options.EventOverflowPolicy;
        options.WaitForConnection = config.Boolean("WaitForConnection") ?? options.WaitForConnection;
        options.AllowUndeliveredSends = config.Boolean("AllowUndeliveredSends") ?? options.AllowUndeliveredSends;

        var pacing = config.Section("SendRateLimit");
        var p = options.SendRateLimit;
        p.Enabled = pacing.Boolean("Enabled") ?? p.Enabled;
        p.AccountBurst = pacing.Int32("AccountBurst") ?? p.AccountBurst;
        p.AccountInterval = pacing.Duration("AccountInterval") ?? p.AccountInterval;
        p.ConversationBurst = pacing.Int32("ConversationBurst") ?? p.ConversationBurst;
        p.ConversationInterval = pacing.Duration("ConversationInterval") ?? p.ConversationInterval;
        p.MaxWait = pacing.Duration("MaxWait") ?? p.MaxWait;

        var liveness = config.Section("BotLiveness");
        var l = options.BotLiveness;
        l.Enabled = liveness.Boolean("Enabled") ?? l.Enabled;
        l.CheckInterval = liveness.Duration("CheckInterval") ?? l.CheckInterval;
        l.RecoveryPollInterval = liveness.Duration("RecoveryPollInterval") ?? l.RecoveryPollInterval;

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

    /// <summary>Checks bound options: the first value that did not parse, else the first option the
    /// connection would refuse, in a message naming its configuration key.</summary>
    /// <returns>The problem, or <see langword="null"/> if the options are valid.</returns>
    public static string? Check(MiraiConnectionOptions options)
    {
        var binding = OptionsBinding.Of(options);
        if (binding is { Errors.Count: > 0 })
        {
            return Summarize(binding.Errors);
        }

        try
        {
            options.Validate();
            return null;
        }
        catch (ArgumentException ex)
        {
            return binding is null ? ex.Message : NameTheKey(ex.Message, binding, "Invalid MiraiConnectionOptions: ", KnownOptions);
        }
    }

    internal static string Summarize(List<string> errors) =>
        errors.Count == 1 ? errors[0] : $"{errors[0]} ({errors.Count - 1} more: {string.Join(" ", errors.Skip(1))})";

    /// <summary>Turns "Invalid MiraiConnectionOptions: Reconnect.MaxDelay must …" into a message naming
    /// <c>Mirai:Reconnect:MaxDelay</c>. A message of another shape is kept, with the section named.</summary>
    internal static string NameTheKey(string message, OptionsBinding binding, string prefix, HashSet<string> knownOptions)
    {
        var detail = message.StartsWith(prefix, StringComparison.Ordinal) ? message[prefix.Length..] : message;
        var option = detail.Split(' ', 2)[0];
        var hint = binding.Empty ? $" The configuration section '{binding.Path}' has no values; check its name." : "";
        return knownOptions.Contains(option)
            ? $"Configuration key {binding.KeyOf(option)} is not valid: {detail}{hint}"
            : $"Configuration section '{binding.Path}' is not valid: {detail}{hint}";
    }

    private static readonly HashSet<string> KnownOptions =
    [
        "Uri", "UploadUri", "HttpAdapterUri", "VerifyKey", "QQ", "Channel", "ReservedSyncId", "ConnectTimeout",
        "HandshakeTimeout", "CommandTimeout", "CloseTimeout", "DisposeTimeout", "MaxMessageSize", "EventBufferCapacity",
        "EventOverflowPolicy", "WaitForConnection", "Reconnect.Enabled", "Reconnect.FirstRetryMaxDelay", "Reconnect.BaseDelay",
        "Reconnect.MaxDelay", "Reconnect.Multiplier", "Reconnect.MaxAttempts", "Reconnect.StableAfter", "Heartbeat.Enabled",
        "Heartbeat.Interval", "Heartbeat.Timeout", "AllowUndeliveredSends", "SendRateLimit", "SendRateLimit.Enabled",
        "SendRateLimit.AccountBurst", "SendRateLimit.AccountInterval", "SendRateLimit.ConversationBurst",
        "SendRateLimit.ConversationInterval", "SendRateLimit.MaxWait", "BotLiveness", "BotLiveness.Enabled",
        "BotLiveness.CheckInterval", "BotLiveness.RecoveryPollInterval",
    ];
}

/// <summary>Reads <see cref="MiraiBotOptions"/> from configuration and checks them.</summary>
internal static class MiraiBotOptionsBinder
{
    public static void Bind(IConfiguration configuration, MiraiBotOptions options)
    {
        var binding = OptionsBinding.Attach(options, configuration, null);
        var config = new ConfigurationReader(configuration, binding.Errors);
        options.MaxConcurrentHandlers = config.Int32("MaxConcurrentHandlers") ?? options.MaxConcurrentHandlers;
        options.MaxQueuedEvents = config.Int32("MaxQueuedEvents") ?? options.MaxQueuedEvents;
        options.MaxConcurrentHandlersPerBot = config.Int32("MaxConcurrentHandlersPerBot") ?? options.MaxConcurrentHandlersPerBot;
        options.Ordering = config.Enumeration<ConversationOrdering>("Ordering") ?? options.Ordering;
        if (config.Boolean("OrderPerConversation") == false)
        {
            options.Ordering = ConversationOrdering.None;
        }

        options.DrainTimeout = config.Duration("DrainTimeout") ?? options.DrainTimeout;
        options.AbandonTimeout = config.Duration("AbandonTimeout") ?? options.AbandonTimeout;
        options.FatalExitCode = config.Int32("FatalExitCode") ?? options.FatalExitCode;
    }

    /// <returns>The first problem, naming the configuration key when the options were bound; or <see langword="null"/>.</returns>
    public static string? Check(MiraiBotOptions options)
    {
        var binding = OptionsBinding.Of(options);
        if (binding is { Errors.Count: > 0 })
        {
            return MiraiOptionsBinder.Summarize(binding.Errors);
        }

        var problem =
            options.MaxConcurrentHandlers is < 1 or > 10_000 ? ("MaxConcurrentHandlers", $"must be between 1 and 10000; got {options.MaxConcurrentHandlers}.")
            : options.MaxConcurrentHandlersPerBot is < 0 or > 10_000 ? ("MaxConcurrentHandlersPerBot", $"must be between 0 (no limit of its own) and 10000; got {options.MaxConcurrentHandlersPerBot}.")
            : options.MaxQueuedEvents is < 1 or > 1_000_000 ? ("MaxQueuedEvents", $"must be between 1 and 1000000; got {options.MaxQueuedEvents}.")
            : !Enum.IsDefined(options.Ordering) ? ("Ordering", $"must be one of {string.Join(", ", Enum.GetNames<ConversationOrdering>())}; got {options.Ordering}.")
            : options.DrainTimeout < TimeSpan.Zero || options.DrainTimeout > TimeSpan.FromHours(1) ? ("DrainTimeout", $"must be between zero and one hour; got {options.DrainTimeout}.")
            : options.AbandonTimeout < TimeSpan.Zero || options.AbandonTimeout > TimeSpan.FromHours(1) ? ("AbandonTimeout", $"must be between zero and one hour; got {options.AbandonTimeout}.")
            : options.FatalExitCode is < 1 or > 255 ? ("FatalExitCode", $"must be between 1 and 255; got {options.FatalExitCode}.")
            : default((string Option, string Detail)?);
        return problem is not { } p ? null
            : binding is null ? $"Invalid MiraiBotOptions: {p.Option} {p.Detail}"
            : $"Configuration key {binding.KeyOf(p.Option)} is not valid: {p.Option} {p.Detail}";
    }
}
