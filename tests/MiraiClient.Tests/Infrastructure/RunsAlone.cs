namespace MiraiClient.Tests.Infrastructure;

/// <summary>
/// The tests that measure or disturb something the whole process shares: the library's static meter and
/// activity sources (every connection in the process reports to them), the managed heap and the thread
/// count, the thread pool. The rest of the suite runs test classes in parallel; this collection runs after
/// them, one test at a time, with nothing else running, so what these tests see is their own.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "Runs alone (process-wide measurements)";
}
