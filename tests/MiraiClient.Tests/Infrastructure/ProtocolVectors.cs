using MiraiClient.TestSupport;

namespace MiraiClient.Tests.Infrastructure;

/// <summary>Finds the protocol test vectors, which live beside the repository (never inside it).</summary>
public static class ProtocolVectors
{
    public const string EnvironmentVariable = "MIRAI_PROTOCOL_VECTORS";

    /// <summary>Gets the vectors folder, or <see langword="null"/> when it cannot be found.</summary>
    public static string? Directory => VectorFolder.Find(EnvironmentVariable, "protocol/vectors");

    /// <summary>Gets the vectors folder, or skips the calling test with a visible reason.</summary>
    public static string Require() => VectorFolder.Require(EnvironmentVariable, "protocol/vectors", "Protocol vectors");
}
