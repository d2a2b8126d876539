namespace MiraiClient.Tests.Infrastructure;

/// <summary>
/// The tests that measure or disturb something the whole process shares: the library's static meter and
/// activity source (every connection in the process reports to them), the managed heap and the thread count,
/// the thread pool, a 200-client herd. This collection runs after the others, one test at a time, with
/// nothing else running, so what these tests see is their own.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "Runs alone (process-wide measurements)";
}

/// <summary>
/// Long test classes that spend their time waiting on timers and sockets, not on the CPU, and touch nothing
/// process-wide (see <see cref="RunsAlone"/>). Each runs in its own collection beside the rest of the suite,
/// which otherwise runs one test at a time; the assembly's <c>CollectionBehavior</c> explains the layout.
/// </summary>
public static class RunsBeside
{
    /// <summary>Account relogin recovery, including the minute-long one at the default liveness interval.</summary>
    public const string Relogin = "Beside: relogin recovery";

    /// <summary>The fault relay's slow and lossy links.</summary>
    public const string Relay = "Beside: fault relay";

    /// <summary>Liveness bounds at the default heartbeat (a frozen server is found within 20 s).</summary>
    public const string Connection = "Beside: connection liveness";

    /// <summary>The sample bot as a separate process.</summary>
    public const string SampleProcess = "Beside: sample process";
}
