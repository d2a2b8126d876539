namespace MiraiClient.Tests.Infrastructure;

/// <summary>Finds the protocol test vectors, which live beside the repository (never inside it).</summary>
public static class ProtocolVectors
{
    public const string EnvironmentVariable = "MIRAI_PROTOCOL_VECTORS";

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
                    var candidate = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "protocol", "vectors"));
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
            Assert.Skip($"Protocol vectors not found: expected ../shared/protocol/vectors beside the repository, or a folder named by {EnvironmentVariable}.");
        }

        return dir!;
    }
}
