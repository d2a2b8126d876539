namespace MiraiClient.OneBot;

/// <summary>The implementation answered an action with a failure: any <c>status</c> other than
/// <c>ok</c> (or, for actions that must return data, <c>async</c>).</summary>
/// <remarks>Common <see cref="RetCode"/> values: 100 (go-cqhttp failure, code in <see cref="ErrorCode"/>),
/// 200 and 1200 (the handler threw), 1400 (bad parameters), 1403 (wrong access token), 404 and 1404
/// (unknown action), 9000 (Lagrange: send not confirmed), other values passed through from QQ.</remarks>
public sealed class OneBotApiException : MiraiException, MiraiClient.Internal.IPeerError
{
    /// <summary>Initializes a new instance of the <see cref="OneBotApiException"/> class.</summary>
    /// <param name="action">The action name.</param>
    /// <param name="status">The response's <c>status</c>.</param>
    /// <param name="retCode">The response's <c>retcode</c>.</param>
    /// <param name="serverMessage">The response's <c>message</c>, if any.</param>
    /// <param name="wording">The response's <c>wording</c>, if any.</param>
    /// <param name="errorCode">The response's <c>msg</c> (go-cqhttp's machine code), if any.</param>
    public OneBotApiException(string action, string status, int retCode, string? serverMessage = null, string? wording = null, string? errorCode = null)
        : base(Describe(action, status, retCode, Best(wording, serverMessage, errorCode)))
    {
        Action = action;
        Status = status;
        RetCode = retCode;
        ServerMessage = serverMessage;
        Wording = wording;
        ErrorCode = errorCode;
    }

    /// <summary>Gets the action that failed.</summary>
    public string Action { get; }

    /// <summary>Gets the response's <c>status</c>: usually <c>failed</c>; <c>async</c> when an action that
    /// must return data was only accepted for later execution.</summary>
    public string Status { get; }

    /// <summary>Gets the response's <c>retcode</c>.</summary>
    public int RetCode { get; }

    /// <summary>Gets the response's <c>message</c>, as sent.</summary>
    public string? ServerMessage { get; }

    /// <summary>Gets the response's <c>wording</c>, as sent.</summary>
    public string? Wording { get; }

    /// <summary>Gets the response's <c>msg</c> (go-cqhttp's machine code, such as <c>API_NOT_FOUND</c>), as sent.</summary>
    public string? ErrorCode { get; }

    /// <summary>Gets the best description sent: <c>wording</c>, else <c>message</c>, else <c>msg</c>.</summary>
    public string? Text => Best(Wording, ServerMessage, ErrorCode);

    /// <summary>Gets whether the implementation does not know the action (retcode 404 or 1404).</summary>
    public bool IsUnsupportedAction => RetCode is 404 or 1404;

    /// <summary>Gets whether the access token was missing or wrong (retcode 1401 or 1403).</summary>
    public bool IsAuthenticationFailure => RetCode is 1401 or 1403;

    private static string? Best(string? wording, string? message, string? code) =>
        !string.IsNullOrEmpty(wording) ? wording : !string.IsNullOrEmpty(message) ? message : string.IsNullOrEmpty(code) ? null : code;

    private static string Describe(string action, string status, int retCode, string? text) =>
        status == "async"
            ? $"Action '{action}' was only accepted for asynchronous execution (retcode {retCode}) and returned no result."
            : $"Action '{action}' failed with status '{status}' and retcode {retCode}" + (text is null ? "." : $": {text}");

    int MiraiClient.Internal.IPeerError.Code => RetCode;

    string MiraiClient.Internal.IPeerError.FailureTag =>
        IsAuthenticationFailure ? "authentication"
        : IsUnsupportedAction ? "unsupported_action"
        : Status == "failed" ? "failed"
        : "unknown";
}
