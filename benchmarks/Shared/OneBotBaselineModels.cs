using System.Text.Json;
using System.Text.Json.Serialization;

namespace MiraiClient.Baselines;

// The OneBot v11 best-practice baseline: System.Text.Json source-generated records of a group message
// event (array format) and of an action's request and response.
internal sealed record ObGroupMessageEvent(long SelfId, long UserId, long Time, int MessageId, string? MessageType, ObSender Sender, string RawMessage, int Font, string? SubType, ObSegment[] Message, string? PostType, long GroupId, string? GroupName);

internal sealed record ObSender(long UserId, string? Nickname, string? Card, string? Role);

internal sealed record ObSegment(string Type, ObSegmentData? Data);

// The union of the data fields of the segments a bot reads (text, at, face, image, reply).
internal sealed record ObSegmentData(string? Text, string? Qq, string? Id, string? File, string? Url, string? Summary, string? FileSize);

// A response's data depends on the action, and the echo may be any JSON value: both stay JSON until the
// pending call that owns the echo reads them.
internal sealed record ObResponse(string? Status, int Retcode, JsonElement? Data, string? Message, string? Wording, JsonElement? Echo);

internal sealed record ObSentMessage(int MessageId);

internal sealed record ObRequest(string Action, ObSendGroupParams Params, string Echo);

internal sealed record ObSendGroupParams(long GroupId, ObTextSegment[] Message);

internal sealed record ObTextSegment(string Type, ObText Data);

internal sealed record ObText(string Text);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ObGroupMessageEvent))]
[JsonSerializable(typeof(ObResponse))]
[JsonSerializable(typeof(ObSentMessage))]
[JsonSerializable(typeof(ObRequest))]
internal sealed partial class ObJson : JsonSerializerContext
{
}
