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

    /// <summary>How long the <c>WaitFor…</c> methods wait when not told.</summary>
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(10);

    /// <summary>Gets the commands received after the given sequence number, in arrival order.</summary>
    internal List<ReceivedCommand> ReceivedAfter(long sequence)
    {
        lock (_gate)
        {
            return [.. _received.Where(c => c.Sequence > sequence)];
        }
    }

    /// <summary>Waits until <paramref name="probe"/> finds something, re-checking on every state change.</summary>
    /// <exception cref="TimeoutException">Nothing was found in time; the message comes from <paramref name="describe"/>.</exception>
    internal async Task<T> WaitUntilAsync<T>(Func<T?> probe, TimeSpan limit, Func<string> describe)
        where T : class
    {
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
                throw new TimeoutException(describe());
            }

            // A state change signals; the short cap also covers counts that drop without a signal.
            await Task.WhenAny(changed, Task.Delay(left < TimeSpan.FromMilliseconds(50) ? left : TimeSpan.FromMilliseconds(50))).ConfigureAwait(false);
        }
    }

    /// <summary>Says who is connected and why others were not, for timeout messages.</summary>
    internal string DescribeClients()
    {
        var open = _connections.Values.Where(c => c.Authenticated).ToList();
        var stale = open.Count(c => _accounts.IsStale(c.BotQQ, c.Instance, out _));
        var text = open.Count == 0
            ? "No client is connected."
            : $"{open.Count} client(s) connected{(stale > 0 ? $", {stale} of them on a stale session (opened before a relogin replaced the bot instance; a stale session gets no events until its client reconnects)" : "")}.";
        if (AcceptCount == 0)
        {
            text += " No client has even opened a TCP connection: is the bot started, and pointed at " + Uri + "?";
        }

        lock (_gate)
        {
            if (_rejections.Count > 0)
            {
                var reasons = _rejections.GroupBy(r => r, StringComparer.Ordinal).Select(g => g.Count() == 1 ? g.Key : $"{g.Key} (×{g.Count()})");
                text += $" {_rejectedHandshakes} handshake(s) rejected: {string.Join("; ", reasons)}.";
            }
        }

        return text + $" The fake's bots: {_accounts.Describe()}.";
    }

    private string DescribeMissing(string what, TimeSpan limit)
    {
        var received = ReceivedCommands;
        var arrived = received.Count == 0
            ? "nothing"
            : string.Join(", ", received.TakeLast(20).Select(c => $"{c.Key} (connection {c.ConnectionId})")) + (received.Count > 20 ? $" (the last 20 of {received.Count})" : "");
        return $"The fake backend did not see {what} within {limit.TotalSeconds:0.###} s. Received: {arrived}. {DescribeClients()}";
    }

    private void RecordRejection(string reason)
    {
        lock (_gate)
        {
            _rejectedHandshakes++;
            if (_rejections.Count < 50)
            {
                _rejections.Add(reason);
            }
        }

        Signal();
    }
}
