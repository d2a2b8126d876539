using System.Text.Json.Serialization.Metadata;

namespace MiraiClient.Internal;

/// <summary>A mirai-api-http command: its word, sub-command and content, encoded with the sync id when sent.</summary>
internal readonly struct MiraiRequest : IRequest
{
    private readonly string? _subCommand;
    private readonly JsonTypeInfo? _contentType;
    private readonly object? _content;

    public MiraiRequest(string command, string? subCommand = null)
    {
        Name = command;
        _subCommand = subCommand;
    }

    private MiraiRequest(string command, string? subCommand, JsonTypeInfo contentType, object content)
    {
        Name = command;
        _subCommand = subCommand;
        _contentType = contentType;
        _content = content;
    }

    public string Name { get; }

    /// <summary>A command with content.</summary>
    public static MiraiRequest With<T>(string command, JsonTypeInfo<T> contentType, T content, string? subCommand = null)
        where T : class => new(command, subCommand, contentType, content);

    public RequestFrame Encode(long id) => RequestEncoder.Encode(id, Name, _subCommand, _contentType, _content);
}
