using System.Text.Json;
using MiraiClient.OneBot.Internal;

namespace MiraiClient.OneBot;

/// <summary>The account and the implementation: login info, status, version, credentials, restart, cache,
/// quick operations, other clients, OCR and the account's own profile.</summary>
/// <remarks>Every method sends one action and throws <see cref="OneBotApiException"/> when the
/// implementation reports a failure. The class can be subclassed to substitute it in tests.</remarks>
public class OneBotSystemActions
{
    private readonly IOneBotActionInvoker? _invoker;

    /// <summary>Initializes a new instance of the <see cref="OneBotSystemActions"/> class for substitution in tests.</summary>
    protected OneBotSystemActions()
    {
    }

    internal OneBotSystemActions(IOneBotActionInvoker invoker) => _invoker = invoker;

    /// <summary>Gets the logged-in account (<c>get_login_info</c>); works on every implementation.</summary>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The account.</returns>
    public virtual Task<LoginInfo> GetLoginInfoAsync(CancellationToken cancellationToken = default) =>
        ActionCalls.Invoke(_invoker, "get_login_info", OneBotReplyShape.Data(OneBotJsonContext.Default.LoginInfo), cancellationToken);

    /// <summary>Gets cookies for a QQ web domain (<c>get_cookies</c>). They are secrets: never log them.</summary>
    /// <param name="domain">The domain, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The cookies.</returns>
    public virtual Task<string> GetCookiesAsync(string? domain = null, CancellationToken cancellationToken = default) =>
        ActionCalls.Invoke(_invoker, "get_cookies", new DomainParams(domain), OneBotJsonContext.Default.DomainParams, OneBotReplyShape.Field(OneBotJsonContext.Default.CookiesResult, r => r.Cookies, "cookies"), cancellationToken);

    /// <summary>Gets the CSRF token for QQ web interfaces (<c>get_csrf_token</c>).</summary>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The token.</returns>
    public virtual Task<long> GetCsrfTokenAsync(CancellationToken cancellationToken = default) =>
        ActionCalls.Invoke(_invoker, "get_csrf_token", OneBotReplyShape.Field(OneBotJsonContext.Default.TokenResult, r => r.Token, "token"), cancellationToken);

    /// <summary>Gets cookies and the CSRF token together (<c>get_credentials</c>).</summary>
    /// <param name="domain">The domain, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The credentials.</returns>
    public virtual Task<OneBotCredentials> GetCredentialsAsync(string? domain = null, CancellationToken cancellationToken = default) =>
        ActionCalls.Invoke(_invoker, "get_credentials", new DomainParams(domain), OneBotJsonContext.Default.DomainParams, OneBotReplyShape.Data(OneBotJsonContext.Default.OneBotCredentials), cancellationToken);

    /// <summary>Gets the implementation's status (<c>get_status</c>); cheap enough to probe liveness with.</summary>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The status.</returns>
    public virtual Task<OneBotStatus> GetStatusAsync(CancellationToken cancellationToken = default) =>
        ActionCalls.Invoke(_invoker, "get_status", OneBotReplyShape.Data(OneBotJsonContext.Default.OneBotStatus), cancellationToken);

    /// <summary>Gets the implementation's name and version (<c>get_version_info</c>).</summary>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The version.</returns>
    public virtual Task<VersionInfo> GetVersionInfoAsync(CancellationToken cancellationToken = default) =>
        ActionCalls.Invoke(_invoker, "get_version_info", OneBotReplyShape.Data(OneBotJsonContext.Default.VersionInfo), cancellationToken);

    /// <summary>Restarts the implementation (<c>set_restart</c>); it answers <c>async</c> and the connection drops.</summary>
    /// <param name="delay">How long to wait first (whole milliseconds), or <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the implementation has accepted.</returns>
    public virtual Task SetRestartAsync(TimeSpan? delay = null, CancellationToken cancellationToken = default)
    {
        long? milliseconds = delay is { } value
            ? value < TimeSpan.Zero ? throw new ArgumentOutOfRangeException(nameof(delay), value, "The delay cannot be negative.") : (long)value.TotalMilliseconds
            : null;
        return ActionCalls.Run(_invoker, "set_restart", new SetRestartParams(milliseconds), OneBotJsonContext.Default.SetRestartParams, cancellationToken);
    }

    /// <summary>Clears the implementation's cache (<c>clean_cache</c>).</summary>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the implementation has answered.</returns>
    public virtual Task CleanCacheAsync(CancellationToken cancellationToken = default) =>
        ActionCalls.Run(_invoker, "clean_cache", cancellationToken);

    /// <summary>Runs a quick operation on an event (hidden action <c>.handle_quick_operation</c>; NapCat, go-cqhttp).
    /// Ordinary actions do the same and work everywhere.</summary>
    /// <param name="context">The event object (may be trimmed to its identifying fields).</param>
    /// <param name="operation">The operation, for example <c>{"reply":"…","at_sender":true}</c>.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the implementation has answered.</returns>
    public virtual Task HandleQuickOperationAsync(JsonElement context, JsonElement operation, CancellationToken cancellationToken = default)
    {
        if (context.ValueKind != JsonValueKind.Object || operation.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("The context and the operation must be JSON objects.", nameof(context));
        }

        return ActionCalls.Run(_invoker, ".handle_quick_operation", new QuickOperationParams(context, operation), OneBotJsonContext.Default.QuickOperationParams, cancellationToken);
    }

    /// <summary>Lists the account's other online clients (<c>get_online_clients</c>).</summary>
    /// <param name="noCache">Whether to bypass the cache, or <see langword="null"/> to leave it out.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The clients.</returns>
    public virtual Task<IReadOnlyList<OneBotDevice>> GetOnlineClientsAsync(bool? noCache = null, CancellationToken cancellationToken = default) =>
        ActionCalls.Invoke(_invoker, "get_online_clients", new NoCacheParams(noCache), OneBotJsonContext.Default.NoCacheParams, OneBotReplyShape.Custom(ReplyReaders.OnlineClients), cancellationToken);

    /// <summary>Recognizes text in an image (<c>ocr_image</c>). go-cqhttp answers <c>{texts, language}</c>,
    /// NapCat passes QQ's own result through, so the data is returned raw.</summary>
    /// <param name="image">The image id (go-cqhttp) or file, address or <c>base64://…</c> (NapCat).</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The data as sent.</returns>
    public virtual Task<JsonElement> OcrImageAsync(string image, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(image);
        return ActionCalls.Invoke(_invoker, "ocr_image", new ImageParams(image), OneBotJsonContext.Default.ImageParams, OneBotReplyShape.Raw, cancellationToken, OneBotActionKind.Transfer);
    }

    /// <summary>Gets the keys that sign image addresses (<c>get_rkey</c>; NapCat), as sent.</summary>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The data as sent.</returns>
    public virtual Task<JsonElement> GetRkeyAsync(CancellationToken cancellationToken = default) =>
        ActionCalls.Invoke(_invoker, "get_rkey", OneBotReplyShape.Raw, cancellationToken);

    /// <summary>Changes the account's nickname and signature (<c>set_qq_profile</c>).</summary>
    /// <param name="nickname">The nickname.</param>
    /// <param name="personalNote">The signature, or <see langword="null"/> to keep it.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the implementation has answered.</returns>
    public virtual Task SetQqProfileAsync(string nickname, string? personalNote = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(nickname);
        return ActionCalls.Run(_invoker, "set_qq_profile", new QqProfileParams(nickname, personalNote), OneBotJsonContext.Default.QqProfileParams, cancellationToken);
    }

    /// <summary>Sets the account's online status (<c>set_online_status</c>; NapCat).</summary>
    /// <param name="status">The status code (10 online, 30 away, 50 busy, …).</param>
    /// <param name="extStatus">The extended status code (0 for none).</param>
    /// <param name="batteryStatus">The battery level shown.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the implementation has answered.</returns>
    public virtual Task SetOnlineStatusAsync(int status, int extStatus = 0, int batteryStatus = 0, CancellationToken cancellationToken = default) =>
        ActionCalls.Run(_invoker, "set_online_status", new OnlineStatusParams(status, extStatus, batteryStatus), OneBotJsonContext.Default.OnlineStatusParams, cancellationToken);
}
