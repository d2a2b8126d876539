namespace MiraiClient.Testing;

/// <summary>A position in the stream of commands a <see cref="FakeMiraiBackend"/> receives: a test sees
/// only what arrives after it, one match at a time.</summary>
/// <remarks>
/// <para>Make one before the action under test, then take each expected command in turn:</para>
/// <code>
/// var cursor = backend.CommandCursor();
/// await backend.PushGroupMessageAsync(1, 2, "/ping");
/// var reply = await cursor.NextMessageAsync();      // the bot's answer, not an earlier one
/// Assert.Equal("pong", reply.Text);
/// </code>
/// <para>Each call returns the first matching command after the cursor's start and after the previous
/// match, skipping commands that do not match. A cursor is meant for one test's sequential awaits; it is
/// not for concurrent readers. Commands forgotten by <see cref="FakeMiraiBackend.ClearReceived"/> are
/// gone for cursors too.</para>
/// </remarks>
public sealed class CommandCursor
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    private readonly FakeMiraiBackend _backend;
    private readonly long _start;
    private readonly object _gate = new();
    private long _position;

    internal CommandCursor(FakeMiraiBackend backend, long start)
    {
        _backend = backend;
        _start = start;
        _position = start;
    }

    /// <summary>Gets every command received since the cursor was made, matched or not, in arrival order.</summary>
    public IReadOnlyList<ReceivedCommand> Received => _backend.ReceivedAfter(_start);

    /// <summary>Waits up to 10 s for the next command with the given word after the previous match.</summary>
    /// <param name="command">The command word (<c>groupConfig</c> matches every sub-command), or
    /// <c>command.sub</c> for one sub-command (for example <c>groupConfig.update</c>).</param>
    /// <returns>The command.</returns>
    /// <exception cref="TimeoutException">None arrived in time; the message lists what did arrive.</exception>
    public Task<ReceivedCommand> NextAsync(string command) => NextAsync(command, DefaultTimeout);

    /// <summary>Waits for the next command with the given word after the previous match.</summary>
    /// <param name="command">The command word (<c>groupConfig</c> matches every sub-command), or
    /// <c>command.sub</c> for one sub-command (for example <c>groupConfig.update</c>).</param>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>The command.</returns>
    /// <exception cref="TimeoutException">None arrived in time; the message lists what did arrive.</exception>
    public Task<ReceivedCommand> NextAsync(string command, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(command);
        return NextAsync(c => c.Command == command || c.Key == command, $"'{command}'", timeout);
    }

    /// <summary>Waits up to 10 s for the next command matching <paramref name="predicate"/> after the previous match.</summary>
    /// <param name="predicate">The condition.</param>
    /// <returns>The command.</returns>
    /// <exception cref="TimeoutException">None arrived in time; the message lists what did arrive.</exception>
    public Task<ReceivedCommand> NextAsync(Func<ReceivedCommand, bool> predicate) => NextAsync(predicate, DefaultTimeout);

    /// <summary>Waits for the next command matching <paramref name="predicate"/> after the previous match.</summary>
    /// <param name="predicate">The condition.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>The command.</returns>
    /// <exception cref="TimeoutException">None arrived in time; the message lists what did arrive.</exception>
    public Task<ReceivedCommand> NextAsync(Func<ReceivedCommand, bool> predicate, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return NextAsync(predicate, "matching command", timeout);
    }

    /// <summary>Waits for the next message the client sent (any of the four send commands) after the
    /// previous match.</summary>
    /// <param name="timeout">How long to wait (default: 10 s).</param>
    /// <returns>The message.</returns>
    /// <exception cref="TimeoutException">None arrived in time; the message lists what did arrive.</exception>
    /// <exception cref="MiraiProtocolException">The send's content is no valid message.</exception>
    public async Task<SentMessage> NextMessageAsync(TimeSpan? timeout = null)
    {
        var command = await NextAsync(
            c => c.Command is "sendFriendMessage" or "sendGroupMessage" or "sendTempMessage" or "sendOtherClientMessage",
            "sent message",
            timeout ?? DefaultTimeout).ConfigureAwait(false);
        return command.SentMessage!;
    }

    private async Task<ReceivedCommand> NextAsync(Func<ReceivedCommand, bool> predicate, string what, TimeSpan limit)
    {
        var found = await _backend.WaitUntilAsync(
            () =>
            {
                lock (_gate)
                {
                    return _backend.ReceivedAfter(_position).FirstOrDefault(predicate);
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

        var since = _backend.ReceivedAfter(position);
        var arrived = since.Count == 0
            ? "nothing"
            : string.Join(", ", since.Take(20).Select(c => $"{c.Key} (connection {c.ConnectionId})")) + (since.Count > 20 ? $" and {since.Count - 20} more" : "");
        return $"No {what} arrived within {limit.TotalSeconds:0.###} s after the cursor's position. Arrived since: {arrived}. {_backend.DescribeClients()}";
    }
}
