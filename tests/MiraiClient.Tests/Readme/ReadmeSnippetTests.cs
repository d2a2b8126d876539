using System.Text.RegularExpressions;
using Snippets.Testing;

namespace MiraiClient.Tests.Readme;

/// <summary>README.md shows only compiled code: every C# block names a <c>#region</c> in samples/Snippets and
/// shows exactly its lines (indentation aside), and the testing blocks run as written.</summary>
public partial class ReadmeSnippetTests
{
    [Fact]
    public void Readme_EveryCSharpBlock_NamesTheCompiledSnippetItShows()
    {
        var unnamed = ReadmeBlocks().Where(b => b.Source is null).Select(b => $"line {b.Line}").ToList();
        Assert.True(unnamed.Count == 0, $"README.md has C# blocks with no '<!-- snippet: samples/Snippets/File.cs#region -->' line before them: {string.Join(", ", unnamed)}.");
        Assert.NotEmpty(ReadmeBlocks());
    }

    [Fact]
    public void Readme_EveryCSharpBlock_EqualsItsSnippet_IndentationAside()
    {
        var root = RepositoryRoot();
        foreach (var block in ReadmeBlocks().Where(b => b.Source is not null))
        {
            var (file, region) = block.Source!.Value;
            var expected = Snippet.Region(Path.Combine(root, file), region);
            Assert.True(
                Snippet.Normalize(block.Code) == expected,
                $"README.md line {block.Line} differs from {file}#{region}. The block should read:\n{expected}");
        }
    }

    [Fact]
    public void Snippets_EveryRegion_IsShownInTheReadme()
    {
        var root = RepositoryRoot();
        var shown = ReadmeBlocks().Where(b => b.Source is not null).Select(b => $"{b.Source!.Value.File}#{b.Source.Value.Region}").ToHashSet(StringComparer.Ordinal);
        var regions = Directory.EnumerateFiles(Path.Combine(root, "samples", "Snippets"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => Snippet.RegionNames(f).Select(r => $"{Path.GetRelativePath(root, f).Replace('\\', '/')}#{r}"))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        Assert.NotEmpty(regions);
        Assert.All(regions, r => Assert.Contains(r, shown));
    }

    [Fact]
    public void Snippet_Normalize_IgnoresIndentationButNotContent()
    {
        Assert.Equal("a\n    b", Snippet.Normalize("        a\n            b\n"));
        Assert.NotEqual(Snippet.Normalize("a\nb"), Snippet.Normalize("a\nc"));
        Assert.NotEqual(Snippet.Normalize("a\n    b"), Snippet.Normalize("a\nb"));
    }

    // The README's testing section, run exactly as it is shown.
    [Fact]
    public Task ReadmeTestingSnippet_Ping_RunsAsWritten() => new MyBotTests().Ping_IsAnsweredWithPong();

    [Fact]
    public Task ReadmeTestingSnippet_Ask_RunsAsWritten() => new MyBotTests().Ask_QuotesTheQuestion_InTheLlmsAnswer();

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MiraiClient.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("MiraiClient.sln was not found above the test binary.");
    }

    private static List<ReadmeBlock> ReadmeBlocks()
    {
        var lines = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md")).ReplaceLineEndings("\n").Split('\n');
        var blocks = new List<ReadmeBlock>();
        for (var i = 0; i < lines.Length; i++)
        {
            var fence = lines[i].Trim();
            if (!fence.StartsWith("```", StringComparison.Ordinal) || !CSharpFence().IsMatch(fence))
            {
                continue;
            }

            var start = i;
            var code = new List<string>();
            for (i++; i < lines.Length && lines[i].Trim() != "```"; i++)
            {
                code.Add(lines[i]);
            }

            var marker = start > 0 ? SnippetMarker().Match(lines[start - 1].Trim()) : Match.Empty;
            blocks.Add(new ReadmeBlock(start + 1, string.Join('\n', code), marker.Success ? (marker.Groups[1].Value, marker.Groups[2].Value) : null));
        }

        return blocks;
    }

    [GeneratedRegex(@"^```\s*(csharp|cs|c#)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex CSharpFence();

    [GeneratedRegex(@"^<!--\s*snippet:\s*(\S+)#(\S+)\s*-->$")]
    private static partial Regex SnippetMarker();

    private sealed record ReadmeBlock(int Line, string Code, (string File, string Region)? Source);
}

/// <summary>Reads <c>#region name</c> … <c>#endregion</c> snippets from a C# file.</summary>
internal static class Snippet
{
    /// <summary>The lines of every region with this name in the file, each region dedented, joined by a blank line.</summary>
    public static string Region(string file, string name)
    {
        Assert.True(File.Exists(file), $"{file} does not exist.");
        var parts = new List<string>();
        List<string>? current = null;
        foreach (var line in File.ReadAllText(file).ReplaceLineEndings("\n").Split('\n'))
        {
            var trimmed = line.Trim();
            if (current is null && trimmed == $"#region {name}")
            {
                current = [];
            }
            else if (current is not null && trimmed.StartsWith("#region", StringComparison.Ordinal))
            {
                Assert.Fail($"{file}: region '{name}' contains another region; snippets do not nest.");
            }
            else if (current is not null && trimmed.StartsWith("#endregion", StringComparison.Ordinal))
            {
                parts.Add(Normalize(string.Join('\n', current)));
                current = null;
            }
            else
            {
                current?.Add(line);
            }
        }

        Assert.True(current is null, $"{file}: region '{name}' has no #endregion.");
        Assert.True(parts.Count > 0, $"{file} has no region '{name}'.");
        return string.Join("\n\n", parts);
    }

    public static IEnumerable<string> RegionNames(string file) =>
        File.ReadLines(file).Select(l => l.Trim()).Where(l => l.StartsWith("#region ", StringComparison.Ordinal)).Select(l => l["#region ".Length..].Trim());

    /// <summary>Trailing white space and blank lines at either end removed, and the common indentation.</summary>
    public static string Normalize(string code)
    {
        var lines = code.ReplaceLineEndings("\n").Split('\n').Select(l => l.TrimEnd()).ToList();
        while (lines.Count > 0 && lines[0].Length == 0)
        {
            lines.RemoveAt(0);
        }

        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        var indent = lines.Where(l => l.Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return string.Join('\n', lines.Select(l => l.Length == 0 ? l : l[indent..]));
    }
}
