using System.Text.Json.Serialization;

namespace MiraiClient.Benchmarks;

// The best-practice baseline: plain records decoded by System.Text.Json source generation, with the
// envelope and the chain elements as flat records (no discriminator dispatch).

public sealed record StjFrame(string SyncId, StjGroupMessage Data);

public sealed record StjGroupMessage(string Type, StjElement[] MessageChain, StjMember Sender);

public sealed record StjElement(string Type, int? Id, long? Time, long? Target, string? Display, string? Text, int? FaceId, string? Name, string? ImageId, string? Url, int? Width, int? Height);

public sealed record StjMember(long Id, string MemberName, string SpecialTitle, string Permission, long JoinTimestamp, long LastSpeakTimestamp, int MuteTimeRemaining, StjGroup Group);

public sealed record StjGroup(long Id, string Name, string Permission);

public sealed record StjSendContent(long Target, int? Quote, StjPlain[] MessageChain);

public sealed record StjPlain(string Type, string Text);

public sealed record StjRequest(string SyncId, string Command, string? SubCommand, StjSendContent Content);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(StjFrame))]
[JsonSerializable(typeof(StjRequest))]
internal sealed partial class BaselineJsonContext : JsonSerializerContext
{
}

// The peer stack: Newtonsoft JObject.Parse followed by ToObject, as the most used C# Mirai library does.

public sealed class NewtonsoftGroupMessage
{
    public string? Type { get; set; }

    public Newtonsoft.Json.Linq.JArray? MessageChain { get; set; }

    public NewtonsoftMember? Sender { get; set; }
}

public sealed class NewtonsoftMember
{
    public long Id { get; set; }

    public string? MemberName { get; set; }

    public string? Permission { get; set; }

    public NewtonsoftGroup? Group { get; set; }
}

public sealed class NewtonsoftGroup
{
    public long Id { get; set; }

    public string? Name { get; set; }
}
