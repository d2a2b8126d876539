using System.Text.Json.Serialization;
using Newtonsoft.Json.Linq;

namespace MiraiClient.Baselines;

// Shared by the micro-benchmarks and the load test, so both measure the same baselines.

// The best-practice baseline's records, decoded by System.Text.Json source generation.
internal sealed record StjFrame(string SyncId, StjGroupMessage Data);

internal sealed record StjGroupMessage(string Type, StjElement[] MessageChain, StjMember Sender);

// The fields a bot reads from the element types real traffic carries (Source, Quote, At, Plain, Face, Image).
internal sealed record StjElement(string Type, int? Id, long? Time, long? SenderId, StjElement[]? Origin, long? Target, string? Display, string? Text, int? FaceId, string? Name, string? ImageId, string? Url, int? Width, int? Height, long? Size);

internal sealed record StjMember(long Id, string MemberName, string SpecialTitle, string Permission, long JoinTimestamp, long LastSpeakTimestamp, int MuteTimeRemaining, StjGroup Group);

internal sealed record StjGroup(long Id, string Name, string Permission);

internal sealed record StjSendContent(long Target, int? Quote, StjPlain[] MessageChain);

internal sealed record StjPlain(string Type, string Text);

internal sealed record StjRequest(string SyncId, string Command, string? SubCommand, StjSendContent Content);

internal sealed record StjReplyFrame(string SyncId, StjReply? Data);

internal sealed record StjReply(int Code, string? Msg, int MessageId);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(StjFrame))]
[JsonSerializable(typeof(StjRequest))]
[JsonSerializable(typeof(StjReplyFrame))]
internal sealed partial class StjJson : JsonSerializerContext
{
}

// The peer stack's classes, as Newtonsoft binds them.
internal sealed class PeerGroupMessage
{
    public string? Type { get; set; }

    public JArray? MessageChain { get; set; }

    public PeerMember? Sender { get; set; }
}

internal sealed class PeerMember
{
    public long Id { get; set; }

    public string? MemberName { get; set; }

    public string? SpecialTitle { get; set; }

    public string? Permission { get; set; }

    public PeerGroup? Group { get; set; }
}

internal sealed class PeerGroup
{
    public long Id { get; set; }

    public string? Name { get; set; }

    public string? Permission { get; set; }
}

internal sealed class PeerReply
{
    public int Code { get; set; }

    public string? Msg { get; set; }

    public int MessageId { get; set; }
}

internal sealed class PeerRequest
{
    public string? SyncId { get; set; }

    public string? Command { get; set; }

    public string? SubCommand { get; set; }

    public PeerSendContent? Content { get; set; }
}

internal sealed class PeerSendContent
{
    public long Target { get; set; }

    public PeerPlain[]? MessageChain { get; set; }
}

internal sealed class PeerPlain
{
    public string? Type { get; set; }

    public string? Text { get; set; }
}

internal static class PeerJson
{
    public static readonly Newtonsoft.Json.JsonSerializerSettings Settings = new()
    {
        ContractResolver = new Newtonsoft.Json.Serialization.CamelCasePropertyNamesContractResolver(),
    };
}
