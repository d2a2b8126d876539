using System.Text.Json.Nodes;

namespace MiraiClient.AspNetCore.Tests.Infrastructure;

/// <summary>Finds the OneBot v11 vectors (which also hold mirai-api-http's reverse-ws frames); they live beside the
/// repository, never inside it.</summary>
internal static class SharedVectors
{
    /// <summary>The same override the OneBot suite reads.</summary>
    public const string EnvironmentVariable = "ONEBOT_VECTORS";

    public static string? Directory
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (!string.IsNullOrEmpty(configured))
            {
                return System.IO.Directory.Exists(configured) ? configured : null;
            }

            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "MiraiClient.sln")))
                {
                    var candidate = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "onebot", "vectors"));
                    return System.IO.Directory.Exists(candidate) ? candidate : null;
                }
            }

            return null;
        }
    }

    /// <summary>Gets the vectors folder, or skips the calling test with a visible reason.</summary>
    public static string Require()
    {
        var dir = Directory;
        if (dir is null)
        {
            Assert.Skip($"OneBot vectors not found: expected ../shared/onebot/vectors beside the folder holding MiraiClient.sln, or a folder named by {EnvironmentVariable}.");
        }

        return dir!;
    }

    /// <summary>Gets the files of a folder (relative, '/' separators).</summary>
    public static IReadOnlyList<string> In(string dir, string folder) =>
        System.IO.Directory.EnumerateFiles(Path.Combine(dir, folder), "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(dir, p).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

    public static string Text(string relativePath) => File.ReadAllText(Path.Combine(Require(), relativePath));

    public static JsonObject Json(string relativePath) => JsonNode.Parse(Text(relativePath))!.AsObject();
}
