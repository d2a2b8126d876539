using System.Globalization;

namespace MiraiClient.Testing.OneBot;

/// <summary>Which reverse-WebSocket sockets the fake opens.</summary>
public enum FakeOneBotReverseRoles
{
    /// <summary>One <c>Universal</c> socket carrying events and actions (every implementation's default).</summary>
    Universal,

    /// <summary>Two sockets: an API one (<c>X-Client-Role: API</c>, spelled <c>Api</c> by Lagrange) and an
    /// <c>Event</c> one. Only Lagrange and go-cqhttp can do this.</summary>
    ApiAndEvent,
}

/// <summary>How a <see cref="FakeOneBotImplementation"/> dials a reverse-WebSocket server; anything left
/// unset follows the profile.</summary>
public sealed class FakeOneBotDialOptions
{
    /// <summary>Gets or sets the sockets to open (default: <see cref="FakeOneBotReverseRoles.Universal"/>).</summary>
    public FakeOneBotReverseRoles Roles { get; set; } = FakeOneBotReverseRoles.Universal;

    /// <summary>Gets or sets the <c>Event</c> socket's URL when the roles are split (default: the same URL as
    /// the API socket, which the spec allows).</summary>
    public Uri? EventUri { get; set; }

    /// <summary>Gets or sets the fixed pause before redialling after a drop or a failed attempt:
    /// <see langword="null"/> for the profile's (NapCat 5 s, LLBot 3 s, Lagrange 5 s, go-cqhttp 3 s).</summary>
    public TimeSpan? ReconnectInterval { get; set; }

    /// <summary>Gets or sets how long an attempt (TCP connect and upgrade) may take before it is abandoned:
    /// <see langword="null"/> for the profile's (2 s for NapCat and LLBot, no deadline for Lagrange and
    /// go-cqhttp); <see cref="Timeout.InfiniteTimeSpan"/> for none.</summary>
    public TimeSpan? UpgradeTimeout { get; set; }
}

/// <summary>One attempt of a reverse client to open a socket.</summary>
public sealed class FakeOneBotDialAttempt
{
    internal FakeOneBotDialAttempt(string role, Uri uri, TimeSpan at, int statusCode, string? error)
    {
        Role = role;
        Uri = uri;
        At = at;
        StatusCode = statusCode;
        Error = error;
    }

    /// <summary>Gets the <c>X-Client-Role</c> sent (<c>Universal</c>, <c>API</c>, <c>Api</c> or <c>Event</c>).</summary>
    public string Role { get; }

    /// <summary>Gets the URL dialled.</summary>
    public Uri Uri { get; }

    /// <summary>Gets when the attempt ended, measured from the fake's start.</summary>
    public TimeSpan At { get; }

    /// <summary>Gets the HTTP status the server answered (101 when upgraded), or 0 when there was no answer
    /// (refused, reset, or the upgrade deadline passed).</summary>
    public int StatusCode { get; }

    /// <summary>Gets why the attempt failed, or <see langword="null"/> when the socket opened.</summary>
    public string? Error { get; }

    /// <summary>Gets whether the socket opened.</summary>
    public bool Succeeded => Error is null;

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Role} to {Uri} at {At.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s: {(Succeeded ? "opened" : $"{(StatusCode > 0 ? $"HTTP {StatusCode.ToString(CultureInfo.InvariantCulture)}" : "no answer")} ({Error})")}";
}

/// <summary>The reverse-WebSocket side of a <see cref="FakeOneBotImplementation"/>: it dials a server
/// with the profile's headers (<c>X-Self-ID</c>, <c>X-Client-Role</c>, <c>Authorization</c>,
/// <c>User-Agent</c>) and upgrade deadline, redials at a fixed interval after every drop or failed
/// attempt, and serves each open socket exactly as the forward server does (lifecycle first, heartbeats,
/// events, actions, faults).</summary>
/// <remarks>Made by <see cref="FakeOneBotImplementation.DialAsync"/> or
/// <see cref="FakeOneBotImplementation.StartDialing"/>; disposing it (or the fake) stops the dialling and
/// closes its sockets. For several accounts, run one fake per account and let each dial.</remarks>
public sealed class FakeOneBotReverseClient : IAsyncDisposable
{
    private readonly FakeOneBotImplementation _fake;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<FakeOneBotDialAttempt> _attempts = [];
    private readonly List<Task> _loops = [];
    private readonly object _gate = new();
    private int _connected;
    private int _stopped;

    internal FakeOneBotReverseClient(FakeOneBotImplementation fake, Uri uri, Uri? eventUri, FakeOneBotReverseRoles roles, TimeSpan reconnectInterval, TimeSpan? upgradeTimeout)
    {
        _fake = fake;
        Uri = uri;
        EventUri = eventUri;
        Roles = roles;
        ReconnectInterval = reconnectInterval;
        UpgradeTimeout = upgradeTimeout;
    }

    /// <summary>Gets the URL dialled (the API socket's when the roles are split).</summary>
    public Uri Uri { get; }

    /// <summary>Gets the <c>Event</c> socket's URL when the roles are split, else <see langword="null"/>.</summary>
    public Uri? EventUri { get; }

    /// <summary>Gets the sockets it opens.</summary>
    public FakeOneBotReverseRoles Roles { get; }

    /// <summary>Gets the fixed pause before each redial.</summary>
    public TimeSpan ReconnectInterval { get; }

    /// <summary>Gets the deadline of each attempt, or <see langword="null"/> for none.</summary>
    public TimeSpan? UpgradeTimeout { get; }

    /// <summary>Gets how many of its sockets are open now (at most 1, or 2 when the roles are split).</summary>
    public int ConnectedCount => Volatile.Read(ref _connected);

    /// <summary>Gets every attempt so far, in order.</summary>
    public IReadOnlyList<FakeOneBotDialAttempt> Attempts
    {
        get
        {
            lock (_gate)
            {
                return [.. _attempts];
            }
        }
    }

    internal CancellationToken Stopping => _stopping.Token;

    private int SocketCount => Roles == FakeOneBotReverseRoles.ApiAndEvent ? 2 : 1;

    /// <summary>Waits until every socket of this client is open.</summary>
    /// <param name="timeout">How long to wait (default: 10 s).</param>
    /// <returns>A task that completes when they are.</returns>
    /// <exception cref="TimeoutException">Not in time; the message lists the attempts and their outcomes.</exception>
    public Task WaitForConnectedAsync(TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        return _fake.Changes.WaitUntilAsync(() => ConnectedCount >= SocketCount ? (object)true : null, limit, () => $"The fake's reverse client did not get its {SocketCount} socket(s) open within {limit.TotalSeconds:0.###} s. {Describe()}");
    }

    /// <summary>Waits until at least <paramref name="count"/> attempts have ended, successful or not.</summary>
    /// <param name="count">The number of attempts.</param>
    /// <param name="timeout">How long to wait (default: 10 s).</param>
    /// <returns>A task that completes when reached.</returns>
    /// <exception cref="TimeoutException">Not in time; the message lists the attempts so far.</exception>
    public Task WaitForAttemptsAsync(int count, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        return _fake.Changes.WaitUntilAsync(() => Attempts.Count >= count ? (object)true : null, limit, () => $"The fake's reverse client did not make {count} attempt(s) within {limit.TotalSeconds:0.###} s. {Describe()}");
    }

    /// <summary>Stops dialling and closes its open sockets with a normal close.</summary>
    /// <returns>A task that completes when its dial loops have ended (bounded).</returns>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        Cancel();
        await _fake.StopDialerAsync(this).ConfigureAwait(false);
        Task[] loops;
        lock (_gate)
        {
            loops = [.. _loops];
        }

        await Background.WaitBoundedAsync(loops).ConfigureAwait(false);
        if (loops.All(l => l.IsCompleted))
        {
            // A loop abandoned by the bound may still look at the token; leave it to the collector then.
            _stopping.Dispose();
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => new(StopAsync());

    internal void Cancel()
    {
        try
        {
            _stopping.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already stopped.
        }
    }

    internal void AddLoop(Task loop)
    {
        lock (_gate)
        {
            _loops.Add(loop);
        }
    }

    internal void Record(FakeOneBotDialAttempt attempt)
    {
        lock (_gate)
        {
            if (_attempts.Count >= 1000)
            {
                _attempts.RemoveAt(0);
            }

            _attempts.Add(attempt);
        }
    }

    internal void Opened() => Interlocked.Increment(ref _connected);

    internal void Closed() => Interlocked.Decrement(ref _connected);

    internal string Describe()
    {
        var attempts = Attempts;
        var text = $"Reverse dialling of {Uri}{(EventUri is { } e ? $" (events: {e})" : "")}: {ConnectedCount} of {SocketCount} socket(s) open, {attempts.Count} attempt(s)";
        if (attempts.Count == 0)
        {
            return text + ".";
        }

        return $"{text}, the last: {string.Join("; ", attempts.TakeLast(5))}.";
    }
}
