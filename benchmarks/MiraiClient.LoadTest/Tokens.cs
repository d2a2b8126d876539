namespace MiraiClient.LoadTest;

/// <summary>The token a round trip is called with, as a caller would pass it.</summary>
internal enum TokenMode
{
    /// <summary><see cref="CancellationToken.None"/>: nothing to register (the figure recorded before the token was added).</summary>
    None,

    /// <summary>The token of one long-lived source, passed to every call: what the hosted bot service hands each handler.</summary>
    Shared,

    /// <summary>A source linked to the long-lived one, created and disposed around each call: a handler that scopes its own work.</summary>
    Linked,

    /// <summary><see cref="Linked"/> plus a 30-second deadline per call (<see cref="CancellationTokenSource.CancelAfter(TimeSpan)"/>).</summary>
    Deadline,
}

internal static class Tokens
{
    public static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(30);

    public static TokenMode Parse(string text) => text switch
    {
        "none" => TokenMode.None,
        "shared" => TokenMode.Shared,
        "linked" => TokenMode.Linked,
        "deadline" => TokenMode.Deadline,
        _ => throw new ArgumentException($"--token must be none, shared, linked or deadline, not '{text}'"),
    };

    public static string Name(TokenMode mode) => mode.ToString().ToLowerInvariant();

    public static string Describe(TokenMode mode) => mode switch
    {
        TokenMode.None => "CancellationToken.None",
        TokenMode.Shared => "one long-lived source's token for every call (as the hosted service passes to handlers)",
        TokenMode.Linked => "a source linked to a long-lived one, created and disposed around each call",
        _ => "a linked source per call with a 30 s CancelAfter deadline",
    };

    /// <summary>The per-call source of <see cref="TokenMode.Linked"/> and <see cref="TokenMode.Deadline"/>; the caller disposes it.</summary>
    public static CancellationTokenSource PerCall(TokenMode mode, CancellationToken lifetime)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(lifetime);
        if (mode == TokenMode.Deadline)
        {
            source.CancelAfter(CallDeadline);
        }

        return source;
    }

    /// <summary>Bytes the caller itself allocates per call for its token (included in every contestant's
    /// allocated bytes per request), measured on this thread with nobody registering.</summary>
    public static double CallerBytesPerCall(TokenMode mode)
    {
        if (mode is TokenMode.None or TokenMode.Shared)
        {
            return 0;
        }

        using var lifetime = new CancellationTokenSource();
        for (var i = 0; i < 1000; i++)
        {
            PerCall(mode, lifetime.Token).Dispose();
        }

        const int Calls = 10_000;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Calls; i++)
        {
            PerCall(mode, lifetime.Token).Dispose();
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Calls;
    }
}
