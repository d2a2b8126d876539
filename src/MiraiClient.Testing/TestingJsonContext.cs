using System.Text.Json.Serialization;

namespace MiraiClient.Testing;

/// <summary>The body of a status reply, <c>{"code":…,"msg":…}</c>.</summary>
internal sealed record StatusBody(int Code, string Msg);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(StatusBody))]
[JsonSerializable(typeof(string))]
internal sealed partial class TestingJsonContext : JsonSerializerContext
{
}
