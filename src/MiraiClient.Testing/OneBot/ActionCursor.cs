namespace MiraiClient.Testing.OneBot;

/// <summary>A position in the stream of actions a <see cref="FakeOneBotImplementation"/> receives: a test
/// sees only what arrives after it, one match at a time.</summary>
/// <remarks>
/// <para>Make one before the step under test, then take each expected action in turn:</para>
/// <code>
/// var cursor = fake.ActionCursor();
/// await fake.PushGroupMessageAsync(100100, 12345678, "/ping");
/// var reply = await cursor.NextSendAsync();       // the bot's answer, not an earlier one
/// Assert.Equal("pong", reply.Text);
/// </code>
/// <para>Each call returns the first matching action after the cursor's start and after the previous match,
/// skipping actions that do not match. A cursor is meant for one test's sequential awaits, not for
/// concurrent readers. Actions forgotten by <see cref="FakeOneBotImplementation.ClearReceived"/> are gone
/// for cursors too.</para>
/// </remarks>
public sealed class ActionCursor
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    private readonly FakeOneBotImplementation _fake;
    private readonly long _start;
    private readonly object _gate = new();
    private long _position;

    internal ActionCursor(FakeOneBotImplementation fake, long start)
    {
        _fake = fake;
        _start = start;
        _position = start;
    }

    /// <summary>Gets every action received since the cursor was made, matched or not, in arrival order.</summary>
    public IReadOnlyList<ReceivedAction> Received => _fake.ReceivedAfter(_start);

    /// <summary>Waits up to 10 s for the next action with the given name after the previous match.</summary>
    /// <param name="action">The action name, exactly as sent (for example <c>send_group_msg</c>).</param>
    /// <returns>The action.</returns>
    /// <exception cref="TimeoutException">None arrived in time; the message lists what did arrive.</exception>
    public Task<ReceivedAction> NextAsync(string action) => NextAsync(action, DefaultTimeout);

    /// <summary>Waits for the next action with the given name after the previous match.</summary>
    /// <param name="action">The action name, exactly as sent.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>The action.</returns>
    /// <exception cref="TimeoutException">None arrived in time; the message lists what did arrive.</exception>
    public Task<ReceivedAction> NextAsync(string action, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(action);
        return NextAsync(a => a.Action == action, $"'{action}' action", timeout);
    }

    /// <summary>Waits up to 10 s for the next action matching <paramref name="predicate"/> after the previous match.</summary>
    /// <param name="predicate">The condition.</param>
    /// <returns>The action.</returns>
    /// <exception cref="TimeoutException">None arrived in time; the message lists what did arrive.</exception>
    public Task<ReceivedAction> NextAsync(Func<ReceivedAction, bool> predicate) => NextAsync(predicate, DefaultTimeout);

    /// <summary>Waits for the next action matching <paramref name="predicate"/> after the previous match.</summary>
    /// <param name="predicate">The condition.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>The action.</returns>
    /// <exception cref="TimeoutException">None arrived in time; the message lists what did arrive.</exception>
    public Task<ReceivedAction> NextAsync(Func<ReceivedAction, bool> predicate, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return NextAsync(predicate, "matching action", timeout);
    }

    /// <summary>Waits for the next message the client sent (<c>send_msg</c>, <c>send_private_msg</c> or
    /// <c>send_group_msg</c>, suffixes included) after the previous match.</summary>
    /// <param name="timeout">How long to wait (default: 10 s).</param>
    /// <returns>The message.</returns>
    /// <exception cref="TimeoutException">None arrived in time; the message lists what did arrive.</exception>
    /// <exception cref="FormatException">The send has no target or no valid message.</exception>
    public async Task<SentOneBotMessage> NextSendAsync(TimeSpan? timeout = null)
    {
        var action = await NextAsync(a => a.IsSend, "sent message", timeout ?? DefaultTimeout).ConfigureAwait(false);
        return action.Send!;
    }

    private async Task<ReceivedAction> NextAsync(Func<ReceivedAction, bool> predicate, string what, TimeSpan limit)
    {
        var found = await _fake.Changes.WaitUntilAsync(
            () =>
            {
                lock (_gate)
                {
                    return _fake.ReceivedAfter(_position).FirstOrDefault(predicate);
                }
            },
            limit,
            () => Describe(what, limit)).ConfigureAwait(false);
        lock (_gate)
        {
            _position = Math.Max(_position, found.Sequence);
        }

        return found;
    }

    private string Describe(string what, TimeSpan limit)
    {
        long position;
        lock (_gate)
        {
            position = _position;
        }

        return FakeOneBotImplementation.DescribeMissing($"{what} after the cursor's position", _fake.ReceivedAfter(position), limit) + " " + _fake.DescribeClients();
    }
}
