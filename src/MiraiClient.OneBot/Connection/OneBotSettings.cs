using MiraiClient.Internal;

namespace MiraiClient.OneBot.Internal;

/// <summary>The OneBot settings of a <see cref="OneBotConnection"/>, validated and frozen, beside the engine's
/// <see cref="ConnectionSettings"/>.</summary>
internal sealed class OneBotSettings
{
    private static readonly OptionCheck Check = new(nameof(OneBotConnectionOptions));

    private OneBotSettings(OneBotConnectionOptions options, ConnectionSettings connection)
    {
        Connection = connection;
        AccessToken = string.IsNullOrEmpty(options.AccessToken) ? null : options.AccessToken;
        AccessTokenInQuery = options.AccessTokenInQuery;
        TransferTimeout = options.TransferTimeout;
    }

    public ConnectionSettings Connection { get; }

    public string? AccessToken { get; }

    public bool AccessTokenInQuery { get; }

    public TimeSpan TransferTimeout { get; }

    public static OneBotSettings Create(OneBotConnectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var uri = options.Uri ?? throw Check.Invalid("Uri is required (for example ws://127.0.0.1:3001/).");
        if (!uri.IsAbsoluteUri || (uri.Scheme != "ws" && uri.Scheme != "wss"))
        {
            throw Check.Invalid($"Uri must be an absolute ws:// or wss:// address; got scheme '{(uri.IsAbsoluteUri ? uri.Scheme : "(relative)")}'.");
        }

        if (!string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Fragment))
        {
            throw Check.Invalid("Uri must not contain user info or a fragment.");
        }

        if (uri.Query.Contains("access_token", StringComparison.OrdinalIgnoreCase))
        {
            throw Check.Invalid("Uri must not carry the access token (it would be logged); set AccessToken instead.");
        }

        Check.Positive(options.TransferTimeout, nameof(options.TransferTimeout));
        var connection = ConnectionSettings.Create(options, uri, Check);
        return new OneBotSettings(options, connection);
    }

    public override string ToString() => $"OneBotSettings {{ Endpoint = {Connection.Endpoint}, AccessToken = {(AccessToken is null ? "(none)" : "***")} }}";
}
