namespace MiraiClient.OneBot.Tests.Infrastructure;

/// <summary>Finds the OneBot v11 vectors, which live beside the repository (never inside it).</summary>
public static class OneBotVectors
{
    public const string EnvironmentVariable = "ONEBOT_VECTORS";

    /// <summary>Gets the vectors folder, or <see langword="null"/> when it cannot be found.</summary>
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
