namespace MiraiClient.Testing.OneBot;

/// <summary>The OneBot v11 implementation a <see cref="FakeOneBotImplementation"/> imitates: it decides
/// every quirk a client can observe (paths, authentication failures, response envelopes, heartbeats,
/// message format, reverse-WebSocket headers).</summary>
public enum FakeOneBotProfile
{
    /// <summary>NapCat (headless NTQQ): the most common implementation, and the default.</summary>
    NapCat,

    /// <summary>LLBot / LuckyLilliaBot (ex-LLOneBot).</summary>
    LLBot,

    /// <summary>Lagrange.OneBot V1 (pure protocol, C#; sunset).</summary>
    Lagrange,

    /// <summary>go-cqhttp (legacy; the reference for extension action names).</summary>
    GoCqhttp,
}

/// <summary>Where a forward-WebSocket server reads the access token from, and how.</summary>
internal enum TokenReading
{
    /// <summary>The <c>access_token</c> query wins when non-empty, else the header after <c>Bearer </c>
    /// (a header without that prefix is taken whole) — NapCat.</summary>
    QueryFirst,

    /// <summary>The header after <c>Bearer </c> (taken whole without it), else the query — LLBot.</summary>
    HeaderFirst,

    /// <summary>A header must start with <c>Bearer </c>; the query is read only when there is no header — Lagrange.</summary>
    BearerHeaderElseQuery,

    /// <summary>The header after its first space, whatever the scheme, else the query — go-cqhttp.</summary>
    AnySchemeHeaderElseQuery,
}

/// <summary>What a forward-WebSocket server does when the token is missing or wrong.</summary>
internal enum AuthFailure
{
    /// <summary>101, a <c>retcode</c> 1403 frame with <c>echo: null</c>, then a Close without a status (1005) — NapCat.</summary>
    InBandThenCloseWithoutStatus,

    /// <summary>101, a 1403 frame without <c>echo</c>, then Close 1008 — LLBot.</summary>
    InBandThenClose1008,

    /// <summary>HTTP 403 before the upgrade, missing and wrong alike — Lagrange.</summary>
    Http403,

    /// <summary>HTTP 401 when missing, 403 when wrong, before the upgrade — go-cqhttp.</summary>
    Http401Or403,
}

/// <summary>How a response carries the request's <c>echo</c>.</summary>
internal enum EchoRule
{
    /// <summary>The request's value; <c>""</c> when it had none (handler responses), <c>null</c> for errors before dispatch — NapCat.</summary>
    EmptyWhenAbsent,

    /// <summary>Present only when the request's echo was present and not null — LLBot.</summary>
    OmittedWhenNull,

    /// <summary>Always present; <c>null</c> when the request had none — Lagrange.</summary>
    NullWhenAbsent,

    /// <summary>Present only when the request had an <c>echo</c> key — go-cqhttp.</summary>
    OnlyWhenSent,
}

/// <summary>The text fields of a response.</summary>
internal enum ResponseText
{
    /// <summary><c>message</c> and <c>wording</c> always (empty on success) — NapCat, LLBot.</summary>
    MessageAndWording,

    /// <summary>None — Lagrange.</summary>
    None,

    /// <summary><c>message</c> always (<c>""</c> on success); on failure also <c>wording</c> and the <c>msg</c> code — go-cqhttp.</summary>
    GoCqhttp,
}

/// <summary>What a server does with frames a client sends on <c>/event</c>.</summary>
internal enum EventPathActions
{
    /// <summary>Executes them like <c>/</c> — NapCat.</summary>
    Execute,

    /// <summary>Reads and ignores them — LLBot, Lagrange.</summary>
    Ignore,

    /// <summary>Never reads the socket: no pings answered, no Close processed — go-cqhttp.</summary>
    NeverRead,
}

/// <summary>The <c>status</c> object of heartbeats and <c>get_status</c>.</summary>
internal enum StatusShape
{
    /// <summary><c>{online, good}</c>; an unknown online state reads as true — NapCat.</summary>
    OnlineDefaultTrue,

    /// <summary><c>{online, good}</c>; online may be null — LLBot.</summary>
    OnlineNullable,

    /// <summary><c>{app_initialized, app_enabled, app_good, online, good}</c> with online always true — Lagrange.</summary>
    AlwaysOnline,

    /// <summary>Full <c>get_status</c> data with <c>plugins_good: null</c> and <c>stat</c> counters — go-cqhttp.</summary>
    WithStatistics,
}

/// <summary>How <c>_async</c> and <c>_rate_limited</c> action names are treated.</summary>
internal enum SuffixRule
{
    /// <summary>Both are aliases of the plain action (synchronous, <c>status: ok</c>) — NapCat, LLBot.</summary>
    BothAliases,

    /// <summary><c>_async</c> is stripped; <c>_rate_limited</c> is an unknown action — go-cqhttp.</summary>
    AsyncOnly,

    /// <summary>Neither is recognised — Lagrange.</summary>
    None,
}

/// <summary>What a server answers to a frame it cannot parse.</summary>
internal enum BadFrameRule
{
    /// <summary><c>retcode</c> 1400 with <c>echo: null</c> — NapCat.</summary>
    Reply1400EchoNull,

    /// <summary><c>retcode</c> 1400, the echo recovered from the raw text when possible — LLBot.</summary>
    Reply1400RecoverEcho,

    /// <summary>Nothing; the call times out — Lagrange.</summary>
    Silent,

    /// <summary>Dispatches whatever <c>action</c> it can find in the text — go-cqhttp.</summary>
    Lenient,
}

/// <summary>Every quirk of one implementation in one place (ONEBOT11.md §1.3–1.5, §2, §3, §6, §7); the
/// fake's code asks this table instead of switching on the profile.</summary>
internal sealed record OneBotProfileRules
{
    public required FakeOneBotProfile Profile { get; init; }

    public required string AppName { get; init; }

    public required string AppVersion { get; init; }

    /// <summary>Extra keys of <c>get_version_info</c>, as JSON members (with a leading comma), or empty.</summary>
    public string VersionExtras { get; init; } = "";

    // ---- forward WebSocket paths ----
    public required EventPathActions EventPath { get; init; }

    /// <summary>Whether <c>/api/</c> and <c>/event/</c> fall through to the <c>/</c> handler (go-cqhttp's ServeMux).</summary>
    public bool SlashedPathsAreUniversal { get; init; }

    /// <summary>Whether an unknown path is accepted but dead (LLBot) instead of treated as <c>/</c>.</summary>
    public bool OtherPathsDead { get; init; }

    /// <summary>Whether the forward lifecycle <c>connect</c> carries <c>_post_method: 2</c> and the server's start time (go-cqhttp).</summary>
    public bool LifecycleCarriesStartTime { get; init; }

    // ---- authentication ----
    public required TokenReading TokenReading { get; init; }

    public required AuthFailure AuthFailure { get; init; }

    // ---- responses ----
    public required EchoRule Echo { get; init; }

    public required ResponseText Text { get; init; }

    /// <summary>Whether responses carry NapCat's <c>stream</c> marker.</summary>
    public bool StreamMarker { get; init; }

    public required int UnknownActionRetCode { get; init; }

    /// <summary>Makes the unknown-action text from the action name, or null when the profile sends none.</summary>
    public required Func<string, string?> UnknownActionText { get; init; }

    public required int HandlerErrorRetCode { get; init; }

    public required SuffixRule Suffixes { get; init; }

    public required BadFrameRule BadFrame { get; init; }

    /// <summary>Whether an empty message is refused with go-cqhttp's <c>retcode</c> 100 <c>EMPTY_MSG_ERROR</c>.</summary>
    public bool RefusesEmptyMessage { get; init; }

    /// <summary>Spec actions this implementation lacks (answered as unknown).</summary>
    public IReadOnlySet<string> MissingActions { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Built-in actions only this implementation has.</summary>
    public IReadOnlySet<string> ExtraActions { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    // ---- events and heartbeats ----
    public required FakeOneBotMessageFormat PostFormat { get; init; }

    /// <summary>Whether message events carry <c>message_format</c> (NapCat, LLBot).</summary>
    public bool ReportsMessageFormat { get; init; }

    /// <summary>Whether group messages leave out a null <c>anonymous</c> (NTQQ implementations) instead of writing <c>null</c>.</summary>
    public bool OmitsNullAnonymous { get; init; }

    public required TimeSpan DefaultHeartbeat { get; init; }

    /// <summary>Whether one timer serves every event client (NapCat, go-cqhttp) rather than one per connection.</summary>
    public bool SharedHeartbeat { get; init; }

    public required StatusShape Status { get; init; }

    // ---- reverse WebSocket ----
    public required string UserAgent { get; init; }

    /// <summary>The role header's name as written (NapCat and LLBot write it in lower case).</summary>
    public required string RoleHeader { get; init; }

    /// <summary>The role value of a split API socket, or null when the implementation dials Universal only.</summary>
    public string? ApiRole { get; init; }

    /// <summary>The <c>Authorization</c> scheme.</summary>
    public required string AuthScheme { get; init; }

    /// <summary>Whether <c>Authorization</c> is sent even without a token (<c>Bearer </c> with nothing after it).</summary>
    public bool AlwaysSendsAuthorization { get; init; }

    /// <summary>How long an upgrade may take before the attempt is abandoned, or null for no deadline.</summary>
    public TimeSpan? UpgradeDeadline { get; init; }

    public required TimeSpan DefaultReconnect { get; init; }

    public static OneBotProfileRules For(FakeOneBotProfile profile) => profile switch
    {
        FakeOneBotProfile.NapCat => NapCat,
        FakeOneBotProfile.LLBot => LLBot,
        FakeOneBotProfile.Lagrange => Lagrange,
        FakeOneBotProfile.GoCqhttp => GoCqhttp,
        _ => throw new ArgumentOutOfRangeException(nameof(profile), profile, "Unknown OneBot profile."),
    };

    private static readonly OneBotProfileRules NapCat = new()
    {
        Profile = FakeOneBotProfile.NapCat,
        AppName = "NapCat.Onebot",
        AppVersion = "4.17.55",
        EventPath = EventPathActions.Execute,
        TokenReading = TokenReading.QueryFirst,
        AuthFailure = AuthFailure.InBandThenCloseWithoutStatus,
        Echo = EchoRule.EmptyWhenAbsent,
        Text = ResponseText.MessageAndWording,
        StreamMarker = true,
        UnknownActionRetCode = 1404,
        UnknownActionText = action => $"不支持的API {action}",
        HandlerErrorRetCode = 1200,
        Suffixes = SuffixRule.BothAliases,
        BadFrame = BadFrameRule.Reply1400EchoNull,
        MissingActions = new HashSet<string>(StringComparer.Ordinal) { "set_group_anonymous_ban", "set_group_anonymous" },
        ExtraActions = new HashSet<string>(StringComparer.Ordinal) { ".handle_quick_operation", "test_download_stream" },
        PostFormat = FakeOneBotMessageFormat.Array,
        ReportsMessageFormat = true,
        OmitsNullAnonymous = true,
        DefaultHeartbeat = TimeSpan.FromSeconds(30),
        SharedHeartbeat = true,
        Status = StatusShape.OnlineDefaultTrue,
        UserAgent = "OneBot/11",
        RoleHeader = "x-client-role",
        AuthScheme = "Bearer",
        AlwaysSendsAuthorization = true,
        UpgradeDeadline = TimeSpan.FromSeconds(2),
        DefaultReconnect = TimeSpan.FromSeconds(5),
    };

    private static readonly OneBotProfileRules LLBot = new()
    {
        Profile = FakeOneBotProfile.LLBot,
        AppName = "LLOneBot",
        AppVersion = "8.1.7",
        EventPath = EventPathActions.Ignore,
        OtherPathsDead = true,
        TokenReading = TokenReading.HeaderFirst,
        AuthFailure = AuthFailure.InBandThenClose1008,
        Echo = EchoRule.OmittedWhenNull,
        Text = ResponseText.MessageAndWording,
        UnknownActionRetCode = 1404,
        UnknownActionText = action => $"{action} API 不存在",
        HandlerErrorRetCode = 200,
        Suffixes = SuffixRule.BothAliases,
        BadFrame = BadFrameRule.Reply1400RecoverEcho,
        PostFormat = FakeOneBotMessageFormat.Array,
        ReportsMessageFormat = true,
        OmitsNullAnonymous = true,
        DefaultHeartbeat = TimeSpan.FromSeconds(60),
        Status = StatusShape.OnlineNullable,
        UserAgent = "LLOneBot/8.1.7",
        RoleHeader = "x-client-role",
        AuthScheme = "Bearer",
        AlwaysSendsAuthorization = true,
        UpgradeDeadline = TimeSpan.FromSeconds(2),
        DefaultReconnect = TimeSpan.FromSeconds(3),
    };

    private static readonly OneBotProfileRules Lagrange = new()
    {
        Profile = FakeOneBotProfile.Lagrange,
        AppName = "Lagrange.OneBot",
        AppVersion = "0.0.3",
        EventPath = EventPathActions.Ignore,
        TokenReading = TokenReading.BearerHeaderElseQuery,
        AuthFailure = AuthFailure.Http403,
        Echo = EchoRule.NullWhenAbsent,
        Text = ResponseText.None,
        UnknownActionRetCode = 404,
        UnknownActionText = _ => null,
        HandlerErrorRetCode = 200,
        Suffixes = SuffixRule.None,
        BadFrame = BadFrameRule.Silent,
        PostFormat = FakeOneBotMessageFormat.Array,
        DefaultHeartbeat = TimeSpan.FromSeconds(5),
        Status = StatusShape.AlwaysOnline,
        UserAgent = "Lagrange.OneBot",
        RoleHeader = "X-Client-Role",
        ApiRole = "Api",
        AuthScheme = "Bearer",
        AlwaysSendsAuthorization = true,
        DefaultReconnect = TimeSpan.FromSeconds(5),
    };

    private static readonly OneBotProfileRules GoCqhttp = new()
    {
        Profile = FakeOneBotProfile.GoCqhttp,
        AppName = "go-cqhttp",
        AppVersion = "v1.2.0",
        VersionExtras = ",\"app_full_name\":\"go-cqhttp-v1.2.0_linux_amd64-go1.20\",\"coolq_edition\":\"pro\",\"coolq_directory\":\"\",\"go-cqhttp\":true,\"plugin_version\":\"4.15.0\",\"plugin_build_number\":99,\"plugin_build_configuration\":\"release\",\"runtime_version\":\"go1.20\",\"runtime_os\":\"linux\",\"version\":\"v1.2.0\"",
        EventPath = EventPathActions.NeverRead,
        SlashedPathsAreUniversal = true,
        LifecycleCarriesStartTime = true,
        TokenReading = TokenReading.AnySchemeHeaderElseQuery,
        AuthFailure = AuthFailure.Http401Or403,
        Echo = EchoRule.OnlyWhenSent,
        Text = ResponseText.GoCqhttp,
        UnknownActionRetCode = 404,
        UnknownActionText = _ => "API不存在",
        HandlerErrorRetCode = 100,
        Suffixes = SuffixRule.AsyncOnly,
        BadFrame = BadFrameRule.Lenient,
        RefusesEmptyMessage = true,
        ExtraActions = new HashSet<string>(StringComparer.Ordinal) { ".handle_quick_operation" },
        PostFormat = FakeOneBotMessageFormat.String,
        DefaultHeartbeat = TimeSpan.FromSeconds(5),
        SharedHeartbeat = true,
        Status = StatusShape.WithStatistics,
        UserAgent = "CQHttp/4.15.0",
        RoleHeader = "X-Client-Role",
        ApiRole = "API",
        AuthScheme = "Token",
        DefaultReconnect = TimeSpan.FromSeconds(3),
    };
}
