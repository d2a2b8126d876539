using System.Globalization;
using System.Text.Json;
using MiraiClient.OneBot;

namespace MiraiClient.Testing.OneBot;

/// <summary>Which kind of socket a connection of a <see cref="FakeOneBotImplementation"/> is.</summary>
public enum FakeOneBotEndpoint
{
    /// <summary>Events and actions on one socket: forward <c>/</c>, or a reverse <c>Universal</c> client.</summary>
    Universal,

    /// <summary>Actions only: forward <c>/api</c>, or a reverse <c>API</c> client.</summary>
    Api,

    /// <summary>Events only: forward <c>/event</c>, or a reverse <c>Event</c> client.</summary>
    Event,
}

/// <summary>An action frame the fake implementation received and handled.</summary>
/// <remarks>Besides the raw <see cref="Params"/>, the getters (<see cref="GetInt64"/>,
/// <see cref="GetString"/>, <see cref="GetMessage"/>, …) read parameters leniently, as the implementations
/// do (numeric strings count as numbers), and <see cref="Send"/> views a send action as target and message.
/// Frames an implementation ignores (on LLBot's <c>/event</c>, for example) are not recorded.</remarks>
public sealed class ReceivedAction
{
    private static readonly string[] SendActions = ["send_msg", "send_private_msg", "send_group_msg"];
    private SentOneBotMessage? _send;
    private bool _sendRead;

    internal ReceivedAction(int connectionId, FakeOneBotEndpoint endpoint, string action, JsonElement parameters, string? echoJson, string rawJson)
    {
        ConnectionId = connectionId;
        Endpoint = endpoint;
        Action = action;
        Params = parameters;
        EchoJson = echoJson;
        RawJson = rawJson;
    }

    /// <summary>Gets the number of the connection it arrived on (1 for the first one, forward or reverse).</summary>
    public int ConnectionId { get; }

    /// <summary>Gets the kind of socket it arrived on.</summary>
    public FakeOneBotEndpoint Endpoint { get; }

    /// <summary>Gets the action name exactly as sent (suffixes such as <c>_async</c> included).</summary>
    public string Action { get; }

    /// <summary>Gets the <c>params</c> value as sent; <see cref="JsonValueKind.Undefined"/> when the frame had none.</summary>
    public JsonElement Params { get; }

    /// <summary>Gets the <c>echo</c> as raw JSON (for example <c>"17"</c> with its quotes, <c>17</c>, or
    /// <c>{"seq":1}</c>), or <see langword="null"/> when the frame had no <c>echo</c> key.</summary>
    public string? EchoJson { get; }

    /// <summary>Gets whether the frame had an <c>echo</c> key.</summary>
    public bool HasEcho => EchoJson is not null;

    /// <summary>Gets the echo as text when it is a JSON string (the SDK's form), else <see langword="null"/>.</summary>
    public string? Echo => EchoJson is { Length: > 1 } json && json[0] == '"' ? JsonSerializer.Deserialize(json, TestingJsonContext.Default.String) : null;

    /// <summary>Gets the whole frame as received.</summary>
    public string RawJson { get; }

    /// <summary>Gets the send action (<c>send_msg</c>, <c>send_private_msg</c>, <c>send_group_msg</c>, with or
    /// without an <c>_async</c>/<c>_rate_limited</c> suffix) as a message, or <see langword="null"/> for any other action.</summary>
    /// <exception cref="FormatException">It is a send, but without a target or a valid message.</exception>
    public SentOneBotMessage? Send
    {
        get
        {
            if (!_sendRead)
            {
                _send = SentOneBotMessage.From(this);
                _sendRead = true;
            }

            return _send;
        }
    }

    /// <summary>Gets the order in which the fake received it (across all connections), for cursors.</summary>
    internal long Sequence { get; set; }

    /// <summary>Gets the action name without an <c>_async</c> or <c>_rate_limited</c> suffix.</summary>
    internal string BaseName => Strip(Action);

    internal bool IsSend => Array.IndexOf(SendActions, BaseName) >= 0;

    /// <summary>Reads a whole-number parameter (a number, or a string holding one).</summary>
    /// <param name="name">The parameter name, for example <c>group_id</c>.</param>
    /// <returns>The value, or <see langword="null"/> when absent or null.</returns>
    /// <exception cref="FormatException">The parameter holds something else.</exception>
    public long? GetInt64(string name) => Field(name) is { } value
        ? value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt64(out var number) => number,
            JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) => number,
            _ => throw Mismatch(name, "a whole number", value),
        }
        : null;

    /// <summary>Reads a 32-bit parameter, such as <c>message_id</c>.</summary>
    /// <param name="name">The parameter name.</param>
    /// <returns>The value, or <see langword="null"/> when absent or null.</returns>
    /// <exception cref="FormatException">The parameter holds something else or does not fit 32 bits.</exception>
    public int? GetInt32(string name) => GetInt64(name) is { } value
        ? value is >= int.MinValue and <= int.MaxValue ? (int)value : throw new FormatException($"Parameter '{name}' of '{Action}' does not fit 32 bits: {value}.")
        : null;

    /// <summary>Reads a text parameter (a number's text is returned too, as implementations coerce it).</summary>
    /// <param name="name">The parameter name.</param>
    /// <returns>The text, or <see langword="null"/> when absent or null.</returns>
    /// <exception cref="FormatException">The parameter is an object, array or boolean.</exception>
    public string? GetString(string name) => Field(name) is { } value
        ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => throw Mismatch(name, "a string", value),
        }
        : null;

    /// <summary>Reads a true/false parameter (<c>true</c>/<c>false</c>, or the strings and numbers the
    /// implementations accept for them).</summary>
    /// <param name="name">The parameter name.</param>
    /// <returns>The value, or <see langword="null"/> when absent or null.</returns>
    /// <exception cref="FormatException">The parameter holds something else.</exception>
    public bool? GetBoolean(string name) => Field(name) is { } value
        ? value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when value.GetString() is "true" or "1" or "yes" => true,
            JsonValueKind.String when value.GetString() is "false" or "0" or "no" => false,
            JsonValueKind.Number when value.GetRawText() is "1" or "0" => value.GetRawText() == "1",
            _ => throw Mismatch(name, "true or false", value),
        }
        : null;

    /// <summary>Reads a parameter that holds a message: an array of segments, one segment, or a CQ string.</summary>
    /// <param name="name">The parameter name, for example <c>message</c>.</param>
    /// <returns>The message, or <see langword="null"/> when absent or null.</returns>
    /// <exception cref="FormatException">The parameter is not a message.</exception>
    public OneBotMessage? GetMessage(string name)
    {
        if (Field(name) is not { } value)
        {
            return null;
        }

        try
        {
            return OneBotMessage.FromJson(value.GetRawText());
        }
        catch (MiraiProtocolException ex)
        {
            throw new FormatException($"Parameter '{name}' of '{Action}' is not a message: {ex.Message}", ex);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => RawJson;

    internal static string Strip(string action) =>
        action.EndsWith("_rate_limited", StringComparison.Ordinal) ? action[..^"_rate_limited".Length]
        : action.EndsWith("_async", StringComparison.Ordinal) ? action[..^"_async".Length]
        : action;

    private JsonElement? Field(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Params.ValueKind == JsonValueKind.Object && Params.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : null;
    }

    private FormatException Mismatch(string name, string expected, JsonElement value) =>
        new($"Parameter '{name}' of '{Action}' is not {expected}: {value.GetRawText()}.");
}

/// <summary>A message a client sent through the fake implementation: where it went and what it said.</summary>
public sealed class SentOneBotMessage
{
    private SentOneBotMessage(ReceivedAction request, OneBotChatType chatType, long targetId, OneBotMessage message, bool autoEscape)
    {
        Request = request;
        ChatType = chatType;
        TargetId = targetId;
        Message = message;
        AutoEscape = autoEscape;
    }

    /// <summary>Gets the action that carried it.</summary>
    public ReceivedAction Request { get; }

    /// <summary>Gets whether it went to a friend (private) or a group.</summary>
    public OneBotChatType ChatType { get; }

    /// <summary>Gets the user or group it went to.</summary>
    public long TargetId { get; }

    /// <summary>Gets the message; a CQ string sent with <c>auto_escape</c> is one text segment, as the implementation reads it.</summary>
    public OneBotMessage Message { get; }

    /// <summary>Gets whether <c>auto_escape</c> was set.</summary>
    public bool AutoEscape { get; }

    /// <summary>Gets the text of the message's text segments.</summary>
    public string Text => Message.ToPlainText();

    /// <inheritdoc/>
    public override string ToString() => $"{(ChatType == OneBotChatType.Group ? "group" : "private")} {TargetId.ToString(CultureInfo.InvariantCulture)}: {Message.ToCqString()}";

    internal static SentOneBotMessage? From(ReceivedAction action)
    {
        if (!action.IsSend)
        {
            return null;
        }

        var chatType = action.BaseName switch
        {
            "send_private_msg" => OneBotChatType.Private,
            "send_group_msg" => OneBotChatType.Group,
            _ => action.GetString("message_type") switch
            {
                "private" => OneBotChatType.Private,
                "group" => OneBotChatType.Group,
                _ when action.GetInt64("group_id") is not null => OneBotChatType.Group,
                _ => OneBotChatType.Private,
            },
        };
        var key = chatType == OneBotChatType.Group ? "group_id" : "user_id";
        var target = action.GetInt64(key) ?? throw new FormatException($"'{action.Action}' has no {key}: {action.RawJson}");
        var autoEscape = action.GetBoolean("auto_escape") ?? false;
        var message = autoEscape && action.Params.TryGetProperty("message", out var literal) && literal.ValueKind == JsonValueKind.String
            ? OneBotMessage.FromText(literal.GetString()!)
            : action.GetMessage("message") ?? throw new FormatException($"'{action.Action}' has no message: {action.RawJson}");
        return new SentOneBotMessage(action, chatType, target, message, autoEscape);
    }
}
