namespace MiraiClient.Testing;

/// <summary>What <see cref="MiraiBotTestHost"/> needs to know about a backend to point a bot at it and to
/// explain why a bot did not get connected.</summary>
public sealed partial class FakeMiraiBackend
{
    /// <summary>Gets the verify key a client must send, or <see langword="null"/> when verification is off.</summary>
    internal string? VerifyKey => _options.VerifyKey;

    /// <summary>Gets whether the backend binds every session to its first bot, whatever QQ the client names.</summary>
    internal bool SingleMode => _options.SingleMode;

    /// <summary>Gets the bot accounts a client may connect as.</summary>
    internal IReadOnlyList<long> KnownBots => _accounts.Known;
}
