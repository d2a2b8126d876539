using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MiraiClient.Tests.Infrastructure;

namespace MiraiClient.Tests.Faults;

public class TlsTests(ITestOutputHelper output) : ConnectionTestBase(output)
{
    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=mirai-fake-backend", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    [Fact]
    public async Task Wss_WorksWithAValidationCallbackThatTrustsTheServersCertificate()
    {
        using var certificate = SelfSigned();
        var backend = await StartBackendAsync(o => o.Certificate = certificate);
        Assert.Equal("wss", backend.Uri.Scheme);
        var options = FastOptions(backend.Uri);
        options.ConfigureWebSocket = socket => socket.RemoteCertificateValidationCallback =
            (_, presented, _, _) => presented is not null && presented.GetCertHashString() == certificate.GetCertHashString();
        var connection = CreateConnection(options);
        await Within(connection.ConnectAsync(TestToken));
        Assert.Equal("2.10.0", (await Within(connection.AboutAsync(TestToken))).Version);

        // Uploads use https on the same port.
        using var image = new MemoryStream([1, 2, 3]);
        await Assert.ThrowsAnyAsync<MiraiException>(() => Within(connection.Uploads.UploadImageAsync(image, "a.png", UploadTarget.Group, TestToken)));
    }

    [Fact]
    public async Task Wss_FailsWithAClearTypedError_WhenTheCertificateIsNotTrusted()
    {
        using var certificate = SelfSigned();
        var backend = await StartBackendAsync(o => o.Certificate = certificate);
        var options = FastOptions(backend.Uri);
        options.Reconnect.MaxAttempts = 1;

        // The one attempt must end on the certificate, not on the fast options' 2 s connect timeout, which a
        // TLS handshake can outlast on a busy machine.
        options.ConnectTimeout = Bound;
        var connection = CreateConnection(options);
        var error = await Assert.ThrowsAsync<MiraiConnectionException>(() => Within(connection.ConnectAsync(TestToken)));
        Output.WriteLine(error.Message);
        Assert.Equal(DisconnectReason.ConnectFailed, error.Reason);
        Assert.Contains("TLS handshake failed", error.Message, StringComparison.Ordinal);
    }
}
