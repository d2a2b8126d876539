namespace MiraiClient.Testing;

/// <summary>Bookkeeping shared by the layers: tracked background tasks, the change signal that wakes
/// waiters, the freeze gate, and the bounded wait behind every <c>WaitFor…</c> method.</summary>
public sealed partial class FakeMiraiBackend
{
    private Task Gate()
    {
        lock (_gate)
        {
            return _thawed.Task;
        }
    }

    private Task Track(Task task)
    {
        _tasks.TryAdd(task, 0);
        _ = task.ContinueWith(t => _tasks.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return task;
    }

    private void Signal()
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    private async Task<T> WaitUntilAsync<T>(Func<T?> probe, TimeSpan? timeout, string what)
        where T : class
    {
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        var deadline = System.Diagnostics.Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            if (probe() is { } found)
            {
                return found;
            }

            var left = TimeSpan.FromSeconds((deadline - System.Diagnostics.Stopwatch.GetTimestamp()) / (double)System.Diagnostics.Stopwatch.Frequency);
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"The fake backend did not see {what} within {limit.TotalSeconds:0.###} s.");
            }

            // A state change signals; the short cap also covers counts that drop without a signal.
            await Task.WhenAny(changed, Task.Delay(left < TimeSpan.FromMilliseconds(50) ? left : TimeSpan.FromMilliseconds(50))).ConfigureAwait(false);
        }
    }
}
