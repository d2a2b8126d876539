namespace MiraiClient.Hosting;

/// <summary>One bot account run by the bot host: its name, its connection and its own QQ number.</summary>
public sealed class MiraiBot
{
    private long _qq;

    internal MiraiBot(string name, IMiraiConnection connection, long qq)
    {
        Name = name;
        Connection = connection;
        _qq = qq;
    }

    /// <summary>Gets the bot's name: the key of its connection (<c>alpha</c> for <c>Mirai:Bots:alpha</c> or
    /// <c>AddMiraiClient("alpha", …)</c>), or the empty string for the one unnamed connection.</summary>
    public string Name { get; }

    /// <summary>Gets the connection the bot's events arrive on and its replies go through.</summary>
    public IMiraiConnection Connection { get; }

    /// <summary>Gets the bot's own QQ number: the configured <c>QQ</c>, or, when none is configured (single-mode
    /// servers), the account the server reports for the session, learned once per connection as soon as it
    /// connects. Handlers always see it known, unless the server could not be asked (then 0, and a warning is logged).</summary>
    public long QQ => Interlocked.Read(ref _qq);

    /// <inheritdoc/>
    public override string ToString() => $"MiraiBot {{ Name = {DisplayName}, QQ = {QQ} }}";

    /// <summary>Gets the name used in logs: the name, or <c>default</c> for the unnamed connection.</summary>
    internal string DisplayName => Name.Length == 0 ? "default" : Name;

    internal void SetQQ(long qq) => Interlocked.Exchange(ref _qq, qq);
}

/// <summary>The bot host registered by <c>AddMiraiBot</c>: which bots it runs, and when they are ready.</summary>
/// <remarks>Resolve it from the host's services, for example to wait in a test until the bot can receive events.</remarks>
public interface IMiraiBotHost
{
    /// <summary>Gets the bots, in registration order; empty until the host has started.</summary>
    IReadOnlyList<MiraiBot> Bots { get; }

    /// <summary>Waits until the host has started and every bot has connected once and knows its own QQ, so an
    /// event pushed from now on reaches its handlers.</summary>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when every bot is ready.</returns>
    /// <exception cref="InvalidOperationException">The bot host could not start (its configuration is invalid), a
    /// connection stopped for good, or the host stopped before every connection was ready; the message says why.
    /// One connection that stops for good fails the wait at once, whatever the others do.</exception>
    Task WaitUntilReadyAsync(CancellationToken cancellationToken = default);
}
