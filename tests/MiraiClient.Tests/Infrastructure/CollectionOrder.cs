using Xunit.Sdk;
using Xunit.v3;

[assembly: TestCollectionOrderer(typeof(MiraiClient.Tests.Infrastructure.LongestFirstOrderer))]

namespace MiraiClient.Tests.Infrastructure;

/// <summary>
/// A test that spends a minute waiting out one of the library's default intervals. The parallel part of the
/// run can end no sooner than it does, so it starts first, and the other collections run beside it.
/// </summary>
[CollectionDefinition(Name)]
public sealed class StartsFirst
{
    public const string Name = "Starts first (waits out a default interval)";
}

/// <summary>
/// Starts the <see cref="StartsFirst"/> collection, then the test classes that take longest one test after
/// another, before the rest (which keep xunit's default order): a long class that started last would run on
/// alone at the end of the parallel part of the run.
/// </summary>
public sealed class LongestFirstOrderer : ITestCollectionOrderer
{
    private static readonly string[] Early =
    [
        StartsFirst.Name,
        .. new[]
        {
            typeof(ConnectionTests),
            typeof(SampleProcessTests),
            typeof(MessageEventReaderTests),
            typeof(Faults.RelayTests),
            typeof(Conformance.ConformanceTests),
            typeof(RealServers.ReloginRecoveryTests),
        }.Select(type => "Test collection for " + type.FullName),
    ];

    public IReadOnlyCollection<TTestCollection> OrderTestCollections<TTestCollection>(IReadOnlyCollection<TTestCollection> testCollections)
        where TTestCollection : ITestCollection =>
        [.. DefaultTestCollectionOrderer.Instance.OrderTestCollections(testCollections).OrderBy(c => Rank(c))];

    private static int Rank(ITestCollection collection)
    {
        var name = collection.TestCollectionDisplayName;
        var index = Array.FindIndex(Early, early => name == early || name.StartsWith(early + " ", StringComparison.Ordinal));
        return index < 0 ? Early.Length : index;
    }
}
