namespace MiraiClient.Testing;

/// <summary>How a <see cref="FakeMiraiBackend"/> is configured, mirroring the server's <c>setting.yml</c>.</summary>
public sealed class FakeMiraiBackendOptions
{
    /// <summary>Gets or sets the verify key; <see langword="null"/> disables verification, as
    /// <c>enableVerify: false</c> does (default: <see langword="null"/>).</summary>
    public string? VerifyKey { get; set; }

    /// <summary>Gets the bot accounts the backend knows (default: 10001).</summary>
    public ICollection<long> Bots { get; } = new List<long> { 10001 };

    /// <summary>Gets or sets whether the backend runs in single mode, ignoring <c>qq</c> (default: <see langword="false"/>).</summary>
    public bool SingleMode { get; set; }

    /// <summary>Gets or sets the reserved sync id of pushed events (default: <c>"-1"</c>).</summary>
    public string ReservedSyncId { get; set; } = "-1";

    /// <summary>Gets or sets whether the backend serves the HTTP upload routes <c>/uploadImage</c>,
    /// <c>/uploadVoice</c> and <c>/uploadShortVideo</c> on its port, as the 2.10 WebSocket adapter does
    /// (default: <see langword="true"/>), and <c>/file/upload</c>, as the http adapter does.</summary>
    public bool ServeUploads { get; set; } = true;

    /// <summary>Gets or sets a server certificate (with its private key); when set the backend serves
    /// <c>wss://</c> and <c>https://</c> instead of plain text (default: none).</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? Certificate { get; set; }

    /// <summary>Gets or sets the address to listen on (default: 127.0.0.1). Use another only for an
    /// address of a test network namespace the test created itself.</summary>
    public System.Net.IPAddress Address { get; set; } = System.Net.IPAddress.Loopback;

    /// <summary>Gets or sets the TCP port (default: 0, an ephemeral port).</summary>
    public int Port { get; set; }
}
