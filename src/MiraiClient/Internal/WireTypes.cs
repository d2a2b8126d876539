using System.Text.Json.Serialization;

namespace MiraiClient.Internal;

// Request contents and reply shapes of the commands. Every declared key is written, nulls included,
// because the server treats a nullable key without a default as mandatory.

internal sealed record SendMessageContent(long Target, int? Quote, MessageChain MessageChain);

internal sealed record SendTempMessageContent(long Qq, long Group, int? Quote, MessageChain MessageChain);

internal sealed record RecallContent(long Target, int MessageId);

internal sealed record SendNudgeContent(long Target, long Subject, string Kind);

/// <summary>Shape S: <c>{"code":0,"msg":"success"}</c>.</summary>
internal sealed record StatusReply
{
    public int? Code { get; init; }

    public string? Msg { get; init; }
}

/// <summary>Shape M: <c>{"code":0,"msg":"success","messageId":123}</c>.</summary>
internal sealed record SendMessageReply
{
    public int? Code { get; init; }

    public string? Msg { get; init; }

    public int MessageId { get; init; }
}

/// <summary>Shape R: <c>{"code":0,"msg":"","data":…}</c>.</summary>
internal sealed record RestfulReply<T>
{
    public int? Code { get; init; }

    public string? Msg { get; init; }

    [JsonPropertyName("data")]
    public T? Data { get; init; }
}
