using System.Text.Json;
using MiraiClient.OneBot.Internal;

namespace MiraiClient.OneBot;

/// <summary>Every OneBot v11 action, grouped, plus a raw call for actions the SDK does not type.</summary>
/// <remarks>
/// <para>The groups cover the 38 public actions of the v11 standard, the hidden
/// <c>.handle_quick_operation</c>, and the extension actions frameworks call (go-cqhttp's and NapCat's);
/// <c>docs/onebot-coverage.md</c> maps each action to its method. Not every implementation has every
/// extension: an unknown action fails with <see cref="OneBotApiException.IsUnsupportedAction"/>.</para>
/// <para>To substitute actions in tests, derive from this class and from the groups the code under test
/// uses (their protected constructors make instances with no connection), and override what it calls.</para>
/// </remarks>
public class OneBotActions
{
    private readonly IOneBotActionInvoker? _invoker;
    private readonly OneBotMessageActions? _messages;
    private readonly OneBotGroupActions? _groups;
    private readonly OneBotUserActions? _users;
    private readonly OneBotFileActions? _files;
    private readonly OneBotSystemActions? _system;

    /// <summary>Initializes a new instance of the <see cref="OneBotActions"/> class for substitution in tests.</summary>
    protected OneBotActions()
    {
    }

    internal OneBotActions(IOneBotActionInvoker invoker)
    {
        _invoker = invoker;
        _messages = new OneBotMessageActions(invoker);
        _groups = new OneBotGroupActions(invoker);
        _users = new OneBotUserActions(invoker);
        _files = new OneBotFileActions(invoker);
        _system = new OneBotSystemActions(invoker);
    }

    /// <summary>Gets the message actions: send, recall, fetch, forward, history, read marks.</summary>
    public virtual OneBotMessageActions Messages => _messages ?? throw NotConnected();

    /// <summary>Gets the group actions: members, mutes, admins, requests, honours, essence, announcements.</summary>
    public virtual OneBotGroupActions Groups => _groups ?? throw NotConnected();

    /// <summary>Gets the friend and user actions: likes, friend requests, profiles, pokes.</summary>
    public virtual OneBotUserActions Users => _users ?? throw NotConnected();

    /// <summary>Gets the file actions: uploads, downloads, group file system.</summary>
    public virtual OneBotFileActions Files => _files ?? throw NotConnected();

    /// <summary>Gets the account and implementation actions: login info, status, version, restart.</summary>
    public virtual OneBotSystemActions System => _system ?? throw NotConnected();

    /// <summary>Calls any action by name, for actions the SDK does not type.</summary>
    /// <param name="action">The action name, sent verbatim (suffixes such as <c>_async</c> included).</param>
    /// <param name="parameters">The parameters (a JSON object), or <see langword="null"/> to send none. Typed
    /// parameters become one with <c>JsonSerializer.SerializeToElement(value, jsonTypeInfo)</c>.</param>
    /// <param name="cancellationToken">Abandons the wait (the action may still run).</param>
    /// <returns>The response's <c>data</c>; JSON null when there is none or the action was only accepted (<c>status: async</c>).</returns>
    /// <exception cref="OneBotApiException">The implementation reported a failure.</exception>
    public virtual Task<JsonElement> CallAsync(string action, JsonElement? parameters = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(action);
        if (parameters is { ValueKind: not JsonValueKind.Object })
        {
            throw new ArgumentException("Action parameters must be a JSON object.", nameof(parameters));
        }

        return parameters is { } value
            ? Require().InvokeAsync(action, value, OneBotJsonContext.Default.JsonElement, OneBotReplyShape.Raw, KindOf(action), cancellationToken)
            : Require().InvokeAsync<NoParams, JsonElement>(action, null, null, OneBotReplyShape.Raw, KindOf(action), cancellationToken);
    }

    /// <summary>Transfers get the longer deadline: uploads, downloads, file resolution and NapCat's stream actions.</summary>
    internal static OneBotActionKind KindOf(string action) =>
        action.StartsWith("upload_", StringComparison.Ordinal) || action.StartsWith("download_", StringComparison.Ordinal)
        || action.EndsWith("_stream", StringComparison.Ordinal) || action is "get_file" or "get_image" or "get_record" or "set_group_portrait" or "ocr_image" or ".ocr_image"
            ? OneBotActionKind.Transfer
            : OneBotActionKind.Default;

    private static InvalidOperationException NotConnected() =>
        new("This instance was created for substitution in tests and has no connection; override the members the test uses.");

    private IOneBotActionInvoker Require() => _invoker ?? throw NotConnected();
}
