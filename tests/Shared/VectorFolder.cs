namespace MiraiClient.TestSupport;

/// <summary>
/// Finds a folder of conformance vectors. They are upstream's data and live beside the repository, never inside
/// it: the folder an environment variable names, or <c>../shared/&lt;path&gt;</c> next to the folder holding
/// MiraiClient.sln. Compiled into each test project that reads vectors.
/// </summary>
internal static class VectorFolder
{
    /// <summary>Gets the folder, or <see langword="null"/> when it cannot be found.</summary>
    /// <param name="environmentVariable">The variable that overrides the location.</param>
    /// <param name="sharedPath">The folder's path under <c>../shared</c>, with '/' separators.</param>
    public static string? Find(string environmentVariable, string sharedPath)
    {
        var configured = Environment.GetEnvironmentVariable(environmentVariable);
        if (!string.IsNullOrEmpty(configured))
        {
            return Directory.Exists(configured) ? configured : null;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MiraiClient.sln")))
            {
                var candidate = Path.GetFullPath(Path.Combine([dir.FullName, "..", "shared", .. sharedPath.Split('/')]));
                return Directory.Exists(candidate) ? candidate : null;
            }
        }

        return null;
    }

    /// <summary>Gets the folder, or skips the calling test with a visible reason.</summary>
    /// <param name="environmentVariable">The variable that overrides the location.</param>
    /// <param name="sharedPath">The folder's path under <c>../shared</c>, with '/' separators.</param>
    /// <param name="what">What the folder holds, for the skip reason (for example "OneBot vectors").</param>
    public static string Require(string environmentVariable, string sharedPath, string what)
    {
        var dir = Find(environmentVariable, sharedPath);
        if (dir is null)
        {
            Assert.Skip($"{what} not found: expected ../shared/{sharedPath} beside the folder holding MiraiClient.sln, or a folder named by {environmentVariable}.");
        }

        return dir!;
    }
}
