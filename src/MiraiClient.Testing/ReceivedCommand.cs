using System.Globalization;
using System.Text.Json;

namespace MiraiClient.Testing;

/// <summary>A request frame the fake backend received.</summary>
/// <remarks>Besides the raw <see cref="Content"/>, the typed getters (<see cref="GetInt64"/>,
/// <see cref="GetString"/>, <see cref="GetMessageChain"/>, …) read content fields, and
/// <see cref="SentMessage"/> views a send command as target, quote and message chain.</remarks>
public sealed class ReceivedCommand
{
    private SentMessage? _sent;
    private bool _sentRead;

    internal ReceivedCommand(int connectionId, string? syncId, string command, string? subCommand, JsonElement content, string rawJson)
    {
        ConnectionId = connectionId;
        SyncId = syncId;
        Command = command;
        SubCommand = subCommand;
        Content = content;
        RawJson = rawJson;
    }

    /// <summary>Gets the number of the connection it arrived on (1 for the first accepted connection).</summary>
    public int ConnectionId { get; }

    /// <summary>Gets the request's sync id as text, or <see langword="null"/> when it was JSON null.</summary>
    public string? SyncId { get; }

    /// <summary>Gets the command word.</summary>
    public string Command { get; }

    /// <summary>Gets the sub-command, if any.</summary>
    public string? SubCommand { get; }

    /// <summary>Gets the <c>content</c> value (<see cref="JsonValueKind.Null"/> when null or absent).</summary>
    public JsonElement Content { get; }

    /// <summary>Gets the whole frame as received.</summary>
    public string RawJson { get; }

    /// <summary>Gets the command word with its sub-command, as <c>Handle</c> names it: for example
    /// <c>about</c> or <c>groupConfig.get</c>.</summary>
    public string Key => SubCommand is null ? Command : $"{Command}.{SubCommand}";

    /// <summary>Gets the send command as a message, or <see langword="null"/> when this is not one of
    /// <c>sendFriendMessage</c>, <c>sendGroupMessage</c>, <c>sendTempMessage</c> or <c>sendOtherClientMessage</c>.</summary>
    /// <exception cref="MiraiProtocolException">The command is a send, but its content is no valid message
    /// (no target, or a <c>messageChain</c> that is not a chain).</exception>
    public SentMessage? SentMessage
    {
        get
        {
            if (!_sentRead)
            {
                _sent = SentMessage.From(this);
                _sentRead = true;
            }

            return _sent;
        }
    }

    /// <summary>Gets the order in which the backend received it (across all connections), for cursors.</summary>
    internal long Sequence { get; set; }

    /// <summary>Reads a whole-number content field (a number, or a string holding one, as the server accepts).</summary>
    /// <param name="name">The field name, for example <c>target</c>.</param>
    /// <returns>The value, or <see langword="null"/> when the field is absent or null.</returns>
    /// <exception cref="FormatException">The field holds something else.</exception>
    public long? GetInt64(string name) => Field(name) is { } value
        ? value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt64(out var number) => number,
            JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) => number,
            _ => throw Mismatch(name, "a whole number", value),
        }
        : null;

    /// <summary>Reads a 32-bit content field, such as a <c>messageId</c> or <c>quote</c>.</summary>
    /// <param name="name">The field name.</param>
    /// <returns>The value, or <see langword="null"/> when the field is absent or null.</returns>
    /// <exception cref="FormatException">The field holds something else or does not fit 32 bits.</exception>
    public int? GetInt32(string name) => GetInt64(name) is { } value
        ? value is >= int.MinValue and <= int.MaxValue ? (int)value : throw new FormatException($"Content field '{name}' of '{Key}' does not fit 32 bits: {value}.")
        : null;

    /// <summary>Reads a text content field.</summary>
    /// <param name="name">The field name.</param>
    /// <returns>The text (escapes decoded), or <see langword="null"/> when the field is absent or null.</returns>
    /// <exception cref="FormatException">The field holds something else.</exception>
    public string? GetString(string name) => Field(name) is { } value
        ? value.ValueKind == JsonValueKind.String ? value.GetString() : throw Mismatch(name, "a string", value)
        : null;

    /// <summary>Reads a true/false content field.</summary>
    /// <param name="name">The field name.</param>
    /// <returns>The value, or <see langword="null"/> when the field is absent or null.</returns>
    /// <exception cref="FormatException">The field holds something else.</exception>
    public bool? GetBoolean(string name) => Field(name) is { } value
        ? value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Mismatch(name, "true or false", value),
        }
        : null;

    /// <summary>Reads a content field that holds a message chain, such as <c>messageChain</c> or
    /// <c>cmd_execute</c>'s <c>command</c>.</summary>
    /// <param name="name">The field name.</param>
    /// <returns>The chain, or <see langword="null"/> when the field is absent or null.</returns>
    /// <exception cref="MiraiProtocolException">The field is not a message chain.</exception>
    public MessageChain? GetMessageChain(string name) => Field(name) is { } value ? MiraiJson.DeserializeMessageChain(value.GetRawText()) : null;

    /// <inheritdoc/>
    public override string ToString() => RawJson;

    private JsonElement? Field(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Content.ValueKind == JsonValueKind.Object && Content.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : null;
    }

    private FormatException Mismatch(string name, string expected, JsonElement value) =>
        new($"Content field '{name}' of '{Key}' is not {expected}: {value.GetRawText()}.");
}

/// <summary>What the fake backend does with a command.</summary>
public sealed class CommandReply
{
    private CommandReply(string? dataJson, TimeSpan delay)
    {
        DataJson = dataJson;
        Delay = delay;
    }

    /// <summary>Gets a reply that never comes (the server swallowed the request).</summary>
    public static CommandReply None { get; } = new(null, TimeSpan.Zero);

    /// <summary>Gets the JSON of the reply's <c>data</c> value, or <see langword="null"/> for no reply.</summary>
    public string? DataJson { get; }

    /// <summary>Gets how long to wait before replying; the backend handles nothing else on that connection meanwhile, as the real server does.</summary>
    public TimeSpan Delay { get; }

    /// <summary>Replies with the given <c>data</c> JSON.</summary>
    /// <param name="dataJson">The reply's <c>data</c> value as JSON.</param>
    /// <param name="delay">How long to wait first.</param>
    /// <returns>The reply.</returns>
    public static CommandReply Data(string dataJson, TimeSpan delay = default)
    {
        ArgumentNullException.ThrowIfNull(dataJson);
        return new CommandReply(dataJson, delay);
    }

    /// <summary>Replies with a status <c>{"code":code,"msg":msg}</c>, the server's shape for errors.</summary>
    /// <param name="code">The status code.</param>
    /// <param name="message">The message.</param>
    /// <returns>The reply.</returns>
    public static CommandReply Status(int code, string message = "success") =>
        new(JsonSerializer.Serialize(new StatusBody(code, message), TestingJsonContext.Default.StatusBody), TimeSpan.Zero);
}

/// <summary>An HTTP upload the fake backend received.</summary>
public sealed class ReceivedUpload
{
    internal ReceivedUpload(string route, IReadOnlyDictionary<string, string> fields, IReadOnlyDictionary<string, (string FileName, byte[] Content)> files)
    {
        Route = route;
        Fields = fields;
        Files = files;
    }

    /// <summary>Gets the route, for example <c>/uploadImage</c>.</summary>
    public string Route { get; }

    /// <summary>Gets the text form fields (the session key included).</summary>
    public IReadOnlyDictionary<string, string> Fields { get; }

    /// <summary>Gets the file parts by field name.</summary>
    public IReadOnlyDictionary<string, (string FileName, byte[] Content)> Files { get; }
}
