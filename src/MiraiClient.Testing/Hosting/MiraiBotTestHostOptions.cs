using Microsoft.Extensions.Logging;

namespace MiraiClient.Testing;

/// <summary>How <see cref="MiraiBotTestHost"/> runs a bot: which fake backend, extra configuration, several
/// bots, and its time bounds. The defaults suit one bot registered from the <c>Mirai</c> section.</summary>
public sealed class MiraiBotTestHostOptions
{
    /// <summary>Gets or sets a running backend to use; the test host leaves it running when it is disposed
    /// (default: none, so the test host starts one with <see cref="BackendOptions"/> and disposes it).</summary>
    public FakeMiraiBackend? Backend { get; set; }

    /// <summary>Gets or sets the options of the backend the test host starts when <see cref="Backend"/> is not
    /// set (default: the fake's defaults: bot 10001, no verify key). The QQ numbers of <see cref="Bots"/> are
    /// added to its <see cref="FakeMiraiBackendOptions.Bots"/>.</summary>
    public FakeMiraiBackendOptions? BackendOptions { get; set; }

    /// <summary>Gets or sets the configuration section the bot's connections bind from, as passed to
    /// <c>AddMiraiClient(builder.Configuration.GetSection(…))</c> (default: <c>Mirai</c>).</summary>
    public string Section { get; set; } = "Mirai";

    /// <summary>Gets the bots of a several-bot configuration, by name, with the QQ each connects as: each becomes
    /// <c>Mirai:Bots:{name}:QQ</c>, and the backend the test host starts knows every one (default: none, one
    /// unnamed bot that connects as the backend's first bot, 10001 by default).</summary>
    public IDictionary<string, long> Bots { get; } = new Dictionary<string, long>(StringComparer.Ordinal);

    /// <summary>Gets further configuration values for the bot, for example <c>["Bot:ReplyDelay"] = "00:00:01"</c>.
    /// They win over the values the test host sets, so a test can give a bot another QQ on purpose.</summary>
    public IDictionary<string, string?> Configuration { get; } = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets how long starting the host and waiting until every bot is connected and knows its
    /// QQ may take before <see cref="TimeoutException"/> names the likely cause (default: 15 s).</summary>
    public TimeSpan ReadyTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Gets or sets the shutdown token's timeout when the host stops; the bot host cancels its handlers
    /// well before that (default: 10 s). Stopping fails with <see cref="TimeoutException"/> when the host has
    /// not stopped 10 s after it, which means a hosted service ignores its token.</summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets the lowest level captured in <see cref="MiraiBotTestHost.Logs"/> (default:
    /// <see cref="LogLevel.Debug"/>).</summary>
    public LogLevel MinimumLogLevel { get; set; } = LogLevel.Debug;

    /// <summary>Gets or sets where each captured entry is also written as a line, for example a test framework's
    /// output (<c>TestContext.Current.TestOutputHelper!.WriteLine</c> in xunit v3); an exception it throws is
    /// ignored (default: nowhere).</summary>
    public Action<string>? LogWriter { get; set; }
}
