using System.Text.Json.Nodes;
using MiraiClient.TestSupport;

namespace MiraiClient.AspNetCore.Tests.Infrastructure;

/// <summary>Finds the OneBot v11 vectors (which also hold mirai-api-http's reverse-ws frames); they live beside the
/// repository, never inside it.</summary>
internal static class SharedVectors
{
    /// <summary>The same override the OneBot suite reads.</summary>
    public const string EnvironmentVariable = "ONEBOT_VECTORS";

    public static string? Directory => VectorFolder.Find(EnvironmentVariable, "onebot/vectors");

    /// <summary>Gets the vectors folder, or skips the calling test with a visible reason.</summary>
    public static string Require() => VectorFolder.Require(EnvironmentVariable, "onebot/vectors", "OneBot vectors");

    /// <summary>Gets the files of a folder (relative, '/' separators).</summary>
    public static IReadOnlyList<string> In(string dir, string folder) =>
        System.IO.Directory.EnumerateFiles(Path.Combine(dir, folder), "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(dir, p).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

    public static string Text(string relativePath) => File.ReadAllText(Path.Combine(Require(), relativePath));

    public static JsonObject Json(string relativePath) => JsonNode.Parse(Text(relativePath))!.AsObject();
}
