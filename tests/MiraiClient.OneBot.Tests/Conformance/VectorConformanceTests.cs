using System.Text.RegularExpressions;
using MiraiClient.OneBot.Tests.Infrastructure;

namespace MiraiClient.OneBot.Tests.Conformance;

/// <summary>
/// The OneBot v11 conformance suite: one case per vector file, enumerated from the folder at run time.
/// Each file is exercised by the rule for its folder (events decode with key fields checked, messages
/// round-trip, spec requests are reproduced by the encoder through the typed method, responses and
/// errors decode through it). The reverse-transport folders are exercised by the server suite
/// (tests/MiraiClient.AspNetCore.Tests, Conformance/ReverseVectorTests.cs); the enumeration test checks that every
/// file is claimed by one of the two, so none is left out and none shows as skipped.
/// </summary>
public partial class VectorConformanceTests
{
    private const string Missing = "(vectors not found)";

    public static TheoryData<string> Files
    {
        get
        {
            var data = new TheoryData<string>();
            if (OneBotVectors.Directory is { } dir)
            {
                foreach (var file in OneBotVectors.All(dir).Where(VectorCases.IsOwn))
                {
                    data.Add(file);
                }
            }
            else
            {
                data.Add(Missing);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Vector_IsExercised_WhenEnumerated(string path)
    {
        if (path == Missing)
        {
            OneBotVectors.Require();
        }

        await VectorCases.ExerciseAsync(path);
    }

    [Fact]
    public void Enumeration_MatchesIndex_WhenVectorsPresent()
    {
        var dir = OneBotVectors.Require();
        var files = OneBotVectors.All(dir);
        var index = File.ReadAllText(Path.Combine(dir, "INDEX.md"));

        // The total and every folder count the index states.
        var total = int.Parse(TotalPattern().Match(index).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(total, files.Count);
        foreach (Match row in FolderRowPattern().Matches(index))
        {
            var folder = row.Groups[1].Value;
            var count = int.Parse(row.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
            var inFolder = folder == "messages/"
                ? files.Count(f => f.StartsWith("messages/segments/", StringComparison.Ordinal) || f.StartsWith("messages/strings/", StringComparison.Ordinal))
                : files.Count(f => f.StartsWith(folder, StringComparison.Ordinal) && !f[folder.Length..].Contains('/', StringComparison.Ordinal));
            Assert.True(count == inFolder, $"INDEX.md says {folder} has {count} files; found {inFolder}.");
        }

        // Every file is claimed by exactly one suite: this one (the theory above) or the server suite, which
        // owns whole folders and checks its own claims file by file.
        Assert.All(VectorCases.ServerSuiteFolders, f => Assert.Contains(files, p => p.StartsWith(f, StringComparison.Ordinal)));
        var unclaimed = files.Where(f => !Owned(f) && !VectorCases.ServerSuiteFolders.Any(p => f.StartsWith(p, StringComparison.Ordinal))).ToList();
        Assert.True(unclaimed.Count == 0, $"Claimed by neither suite: {string.Join(", ", unclaimed)}");
        Assert.All(files.Where(VectorCases.IsOwn), f => Assert.True(Owned(f), $"No rule of this suite exercises {f}."));

        // Every file the index names exists, and every file exists in the index.
        var named = NamePattern().Matches(index).Select(m => m.Groups[1].Value).Where(n => n.EndsWith(".json", StringComparison.Ordinal) && !n.Contains('*', StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        Assert.Empty(named.Except(files));
        Assert.Empty(files.Except(named));
    }

    [Fact]
    public void Expectations_NameOnlyExistingVectors_WhenVectorsPresent()
    {
        var files = OneBotVectors.All(OneBotVectors.Require()).ToHashSet(StringComparer.Ordinal);
        Assert.All(EventExpectations.All.Keys, k => Assert.Contains(k, files));
        Assert.Equal(files.Count(f => f.StartsWith("events/", StringComparison.Ordinal)), EventExpectations.All.Count);
        var specRequests = files.Where(f => f.StartsWith("actions/", StringComparison.Ordinal) && f.Count(c => c == '/') == 1 && f.EndsWith(".request.json", StringComparison.Ordinal)).ToList();
        Assert.Equal(39, specRequests.Count);
        Assert.Equal(39, ActionCases.Spec.Count);
    }

    /// <summary>The folders the theory's rules cover (VectorCases.ExerciseAsync fails any other file).</summary>
    private static bool Owned(string path) =>
        path.StartsWith("events/", StringComparison.Ordinal) || path.StartsWith("messages/", StringComparison.Ordinal) || path.StartsWith("actions/", StringComparison.Ordinal);

    [GeneratedRegex(@"Total \*\*(\d+)\*\*")]
    private static partial Regex TotalPattern();

    [GeneratedRegex(@"^\| `([a-z/\-]+/)` \| (\d+) \|$", RegexOptions.Multiline)]
    private static partial Regex FolderRowPattern();

    [GeneratedRegex(@"`([^`]+)`")]
    private static partial Regex NamePattern();
}
