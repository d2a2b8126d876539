namespace MiraiClient.Testing;

/// <summary>How a <see cref="FakeMiraiBackend"/> is configured, mirroring the server's <c>setting.yml</c>.</summary>
/// <remarks>The defaults imitate mirai-api-http 2.10.0 on mirai with one bot account, <b>10001</b>, no
/// verify key, and the endpoints at the root (<c>ws://127.0.0.1:{port}/all</c>). A client must use
/// one of <see cref="Bots"/> as its QQ: any other number gets handshake code 2, which a client retries.</remarks>
public sealed class FakeMiraiBackendOptions
{
    /// <summary>Gets or sets the verify key; <see langword="null"/> disables verification, as
    /// <c>enableVerify: false</c> does (default: <see langword="null"/>).</summary>
    public string? VerifyKey { get; set; }

    /// <summary>Gets the bot accounts the backend knows (default: one, 10001). Replace the default with
    /// <c>options.Bots.Clear(); options.Bots.Add(yourQQ);</c> to match your bot's configuration. The first
    /// one is the account of single mode and of <see cref="FakeMiraiBackend.ReloginAsync"/> by default.</summary>
    public ICollection<long> Bots { get; } = new List<long> { 10001 };

    /// <summary>Gets or sets whether the backend runs in single mode (default: <see langword="false"/>):
    /// a handshake needs no <c>qq</c> (one given is ignored), binds the first of <see cref="Bots"/>, and
    /// gets the session key <c>SINGLE_SESSION</c>.</summary>
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

    /// <summary>Gets or sets the mirai-api-http version the backend imitates (default: 2.10.0); <c>about</c>
    /// reports it. Older versions change what a client can see: before 2.1 a failed command is answered
    /// with a bare <c>{"code":…,"msg":…}</c> without its sync id and file objects carry only
    /// <c>isDictionary</c>; before 2.3 a failed handshake comes without the <c>{syncId, data}</c> envelope;
    /// commands and events added later (for example <c>sessionInfo</c> and the sync messages in 2.5,
    /// <c>botList</c> in 2.6, <c>FriendAddEvent</c> in 2.10) answer code 6 or are never sent; from 2.8 to
    /// 2.9 a Forward element without <c>display</c> is refused with 400. Read once, when the backend starts.</summary>
    public Version ServerVersion { get; set; } = new(2, 10, 0);

    /// <summary>Gets or sets the kind of deployment imitated (default: <see cref="FakeServerProfile.Mirai"/>).
    /// Read once, when the backend starts.</summary>
    public FakeServerProfile Profile { get; set; } = FakeServerProfile.Mirai;

    /// <summary>Gets or sets a path in front of the endpoints, as a reverse proxy adds (default: none).
    /// The WebSocket endpoints are exactly <c>{prefix}/all</c>, <c>{prefix}/message</c> and
    /// <c>{prefix}/event</c>, and the upload routes sit under the same prefix; any other path, such as
    /// <c>/all/all</c>, gets 404 as on the real server.</summary>
    public string PathPrefix { get; set; } = "";

    /// <summary>Gets or sets how long a push waits for a client when none has connected yet (since the
    /// start, a restart, or a relogin that made every session stale) before it fails with an error that
    /// names the likely cause (default: 5 s).</summary>
    public TimeSpan ClientWaitTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets whether the backend imitates <c>debug: true</c>, whose frame logger answers
    /// every upgrade with <c>Sec-WebSocket-Extensions: frame-log</c> (default: <see langword="false"/>).</summary>
    public bool Debug { get; set; }
}
