using MiraiClient.TestSupport;

namespace MiraiClient.OneBot.Tests.Infrastructure;

/// <summary>Finds the OneBot v11 vectors, which live beside the repository (never inside it).</summary>
public static class OneBotVectors
{
    public const string EnvironmentVariable = "ONEBOT_VECTORS";

    /// <summary>Gets the vectors folder, or <see langword="null"/> when it cannot be found.</summary>
    public static string? Directory => VectorFolder.Find(EnvironmentVariable, "onebot/vectors");

    /// <summary>Gets the vectors folder, or skips the calling test with a visible reason.</summary>
    public static string Require() => VectorFolder.Require(EnvironmentVariable, "onebot/vectors", "OneBot vectors");

    /// <summary>Gets every vector file (all but INDEX.md) as a path relative to the folder, with '/' separators.</summary>
    public static IReadOnlyList<string> All(string dir) =>
        System.IO.Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(dir, p).Replace('\\', '/'))
            .Where(p => p != "INDEX.md")
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>Reads a vector's bytes.</summary>
    public static byte[] Bytes(string relativePath) => File.ReadAllBytes(Path.Combine(Require(), relativePath));
}
