using System.Diagnostics;

namespace MiraiClient.Testing.OneBot;

/// <summary>Wakes waiters whenever the fake's state changes, and runs the bounded waits behind every
/// <c>WaitFor…</c> method and cursor.</summary>
internal sealed class ChangeSignal
{
    private readonly object _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Tells every waiter to look again.</summary>
    public void Signal()
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    /// <summary>Waits until <paramref name="probe"/> finds something, looking again on every change.</summary>
    /// <exception cref="TimeoutException">Nothing was found in time; the message comes from <paramref name="describe"/>.</exception>
    public async Task<T> WaitUntilAsync<T>(Func<T?> probe, TimeSpan limit, Func<string> describe)
        where T : class
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
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

            var left = TimeSpan.FromSeconds((deadline - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency);
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException(describe());
            }

            // A change signals; the short cap also covers states that change without a signal.
            await Task.WhenAny(changed, Task.Delay(left < TimeSpan.FromMilliseconds(50) ? left : TimeSpan.FromMilliseconds(50))).ConfigureAwait(false);
        }
    }
}
