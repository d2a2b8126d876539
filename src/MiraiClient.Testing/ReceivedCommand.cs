using System.Text.Json;

namespace MiraiClient.Testing;

/// <summary>A request frame the fake backend received.</summary>
public sealed class ReceivedCommand
{
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

    /// <inheritdoc/>
    public override string ToString() => RawJson;
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
