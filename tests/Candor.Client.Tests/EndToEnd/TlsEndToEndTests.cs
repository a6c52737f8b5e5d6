using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Candor.Client.Tests.Infrastructure;
using Candor.Server;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Candor.Client.Tests.EndToEnd;

/// <summary>The SDK uploading to a collector that serves https itself (issue 15 §2), with a certificate made in the
/// test that the app trusts through <see cref="CandorClientOptions.HttpHandler"/>, as an app pinning a private CA
/// would; an app that does not trust it uploads nothing and keeps its events.</summary>
public sealed class TlsEndToEndTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task The_sdk_uploads_over_https_when_it_trusts_the_collectors_certificate_and_keeps_its_events_when_it_does_not()
    {
        using var certificate = SelfSigned();
        var tls = Directory.CreateDirectory(_temp.Sub("tls")).FullName;
        var certificatePath = Path.Combine(tls, "tls.crt");
        var keyPath = Path.Combine(tls, "tls.key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        var options = new CandorServerOptions
        {
            Urls = "https://127.0.0.1:0",
            DataDirectory = _temp.Sub("server"),
            LogLevel = LogLevel.Warning,
            TlsCertificatePath = certificatePath,
            TlsKeyPath = keyPath,
        };
        options.Catalogs.Add(TestCatalogs.Shipped);
        TenantCredentials tenant;
        await using (var server = await CandorServer.StartAsync(options))
        {
            Assert.Equal("https", server.Address.Scheme);
            tenant = await server.CreateTenantAsync("contoso", TestCatalogs.Shipped.Family.Id);
            using (var http = new HttpClient(Trusting(certificate)) { BaseAddress = server.Address })
            using (var put = new HttpRequestMessage(HttpMethod.Put, "/v1/admin/policy"))
            {
                put.Content = new StringContent(
                    """{"collection":"on","levels":["required"],"categories":["product_and_service_performance"],"retentionDays":90,"uploadIntervalSeconds":60}""",
                    Encoding.UTF8, "application/json");
                put.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tenant.AdminToken);
                using var response = await http.SendAsync(put);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            // An app that does not trust the certificate: nothing leaves, nothing is lost, nothing is thrown.
            await using (var untrusting = CandorClient.Create(Options(server.Address, tenant.IngestionKey, _temp.Sub("untrusting"), handler: null)))
            {
                untrusting.Track("fieldservice.sync.completed", new Dictionary<string, object?> { ["durationMs"] = 7, ["result"] = "success" });
                var receipt = await untrusting.FlushAsync(TimeSpan.FromSeconds(3));
                Assert.False(receipt.Completed);
                untrusting.PersistPending();
                Assert.True(untrusting.QueueForTests.Count > 0, "the events wait in the queue");
            }

            await using var client = CandorClient.Create(Options(server.Address, tenant.IngestionKey, _temp.Sub("client"), Trusting(certificate)));
            client.Track("fieldservice.sync.completed", new Dictionary<string, object?> { ["durationMs"] = 1840, ["result"] = "success" });
            var flushed = await client.FlushAsync(TimeSpan.FromSeconds(20));
            Assert.True(flushed.Completed, "the flush over https emptied the queue");
        }

        var stored = LoopbackCollector.ReadStore(_temp.Sub("server"), tenant.TenantId);
        Assert.Contains(stored, r => r.Name == "fieldservice.sync.completed" && r.Data.Contains("1840", StringComparison.Ordinal));
        Assert.DoesNotContain(stored, r => r.Name == "fieldservice.sync.completed" && r.Data.Contains("\"durationMs\":7,", StringComparison.Ordinal));
    }

    private static SocketsHttpHandler Trusting(X509Certificate2 certificate) => new()
    {
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, served, _, _) => served is X509Certificate2 x509 && x509.Thumbprint == certificate.Thumbprint,
        },
    };

    private static CandorClientOptions Options(Uri collector, string key, string dataFolder, HttpMessageHandler? handler) => new()
    {
        CollectorUrl = collector,
        IngestionKey = key,
        ProductId = TestCatalogs.Product,
        AppVersion = "9.3.2411.1",
        DataFolder = dataFolder,
        Catalog = TestCatalogs.Shipped,
        AutomaticUpload = false,
        CaptureUnhandledExceptions = false,
        HttpHandler = handler,
    };

    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=collector.test", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = TimeProvider.System.GetUtcNow();
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
    }
}
