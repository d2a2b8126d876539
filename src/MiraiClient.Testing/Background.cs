namespace MiraiClient.Testing;

/// <summary>Helpers shared by the fake backend and the fault relay for their background work.</summary>
internal static class Background
{
    /// <summary>How long disposal waits for background tasks after resetting every socket.</summary>
    private static readonly TimeSpan ShutdownBound = TimeSpan.FromSeconds(5);

    /// <summary>Makes a gate that is open: awaiting it passes at once until it is replaced by an unset one.</summary>
    /// <returns>The set signal.</returns>
    public static TaskCompletionSource OpenGate()
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        signal.SetResult();
        return signal;
    }

    /// <summary>Waits for background tasks, but never longer than the shutdown bound: the sockets are
    /// already reset, so anything still running then is abandoned rather than waited on forever.</summary>
    /// <param name="tasks">The tasks.</param>
    /// <returns>A task that completes when they ended or the bound passed.</returns>
    public static async Task WaitBoundedAsync(IEnumerable<Task> tasks)
    {
        try
        {
            await Task.WhenAll(tasks).WaitAsync(ShutdownBound).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Abandoned, as documented above.
        }
    }
}
