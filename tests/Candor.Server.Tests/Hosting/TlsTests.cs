using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Candor.Server.Tests.Http;
using Xunit;

namespace Candor.Server.Tests.Hosting;

/// <summary>Issue 15 §2: <c>candor serve</c> over https from PEM files, on a real Kestrel on 127.0.0.1 with certificates
/// made in the test: the client sees the configured certificate, a replaced pair is served without a restart, a broken
/// replacement leaves the old one in place, the intermediates are sent, and https responses carry HSTS.</summary>
public sealed class TlsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("candor-tls-").FullName;

    private string CertificatePath => Path.Combine(_folder, "tls.crt");

    private string KeyPath => Path.Combine(_folder, "tls.key");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private Task<TestServer> StartHttpsAsync(Action<CandorServerOptions>? configure = null) =>
        TestServer.StartAsync(o =>
        {
            o.Urls = "https://127.0.0.1:0";
            o.TlsCertificatePath = CertificatePath;
            o.TlsKeyPath = KeyPath;
            o.TlsReloadInterval = TimeSpan.FromMilliseconds(100);
            configure?.Invoke(o);
        });

    [Fact]
    public async Task Https_is_served_with_the_configured_certificate_and_carries_hsts()
    {
        using var certificate = TestCertificates.SelfSigned();
        TestCertificates.Write(CertificatePath, KeyPath, certificate);
        await using var server = await StartHttpsAsync();
        Assert.Equal("https", server.Handle.Address.Scheme);
        var tenant = await server.CreateTenantAsync();

        var served = new ConcurrentBag<string>();
        using var http = TestCertificates.Trusting(server.Handle.Address, certificate, served.Add);
        using (var health = await http.SendAsync(TestCertificates.Get("/healthz", host: "collector.test")))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal("max-age=31536000", Assert.Single(health.Headers.GetValues("Strict-Transport-Security")));
        }

        Assert.Equal(certificate.Thumbprint, Assert.Single(served.Distinct()));

        // An ingestion request over https is stored like any other.
        using var content = new StringContent(Events.Batch(Events.Valid()), Encoding.UTF8, "application/json");
        using var post = new HttpRequestMessage(HttpMethod.Post, "/v1/events") { Content = content };
        post.Headers.Authorization = new("Bearer", tenant.IngestionKey);
        using var accepted = await http.SendAsync(post);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(1, (await TestServer.JsonAsync(accepted))["accepted"]!.GetValue<int>());

        // Loopback names get no HSTS (a browser would pin every local development site), as ASP.NET Core decides.
        using var local = await http.SendAsync(TestCertificates.Get("/healthz"));
        Assert.False(local.Headers.Contains("Strict-Transport-Security"));

        // A client that does not trust the certificate does not get through.
        using var untrusting = TestCertificates.Client(server.Handle.Address, (_, _) => false);
        await Assert.ThrowsAsync<HttpRequestException>(() => untrusting.GetAsync("/healthz"));
    }

    [Fact]
    public async Task A_replaced_certificate_is_served_without_a_restart_and_a_broken_replacement_is_not()
    {
        using var first = TestCertificates.SelfSigned("first.test");
        using var second = TestCertificates.SelfSigned("second.test");
        using var third = TestCertificates.SelfSigned("third.test");
        TestCertificates.Write(CertificatePath, KeyPath, first);
        await using var server = await StartHttpsAsync();
        Assert.Equal(first.Thumbprint, await ServedThumbprintAsync(server));

        TestCertificates.Write(CertificatePath, KeyPath, second);
        await Eventually(async () => await ServedThumbprintAsync(server) == second.Thumbprint, "the second certificate is served");

        // The third certificate written with the second's key: it does not load, and the second stays in service.
        // (Replacing two files is never atomic, so a refusal may already have been logged in between; count from here.)
        var refusals = Refusals(server);
        File.WriteAllText(CertificatePath + ".tmp", third.ExportCertificatePem());
        File.Move(CertificatePath + ".tmp", CertificatePath, overwrite: true);
        await Eventually(() => Task.FromResult(Refusals(server) > refusals), "the refusal is logged");
        await Task.Delay(TimeSpan.FromMilliseconds(600)); // several polls of the same content
        Assert.Equal(second.Thumbprint, await ServedThumbprintAsync(server));
        Assert.Equal(refusals + 1, Refusals(server)); // once per content, not once per poll

        // Its key arrives: now the third is served.
        TestCertificates.Write(CertificatePath, KeyPath, third);
        await Eventually(async () => await ServedThumbprintAsync(server) == third.Thumbprint, "the third certificate is served");
        Assert.Contains(server.Logs, l => l.Contains("now serving CN=third.test", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_intermediates_of_the_certificate_file_are_sent_so_a_client_that_trusts_only_the_root_connects()
    {
        using var root = TestCertificates.Issue("Candor Test Root", issuer: null, isAuthority: true);
        using var intermediate = TestCertificates.Issue("Candor Test Intermediate", root, isAuthority: true);
        using var leaf = TestCertificates.Issue("collector.test", intermediate, isAuthority: false);
        TestCertificates.Write(CertificatePath, KeyPath, leaf, intermediate);
        await using var server = await StartHttpsAsync();

        // The client knows the root only; the intermediate can come from nowhere but the handshake.
        var chains = new ConcurrentBag<int>();
        using var http = TestCertificates.Client(server.Handle.Address, (certificate, sent) =>
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(root);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.DisableCertificateDownloads = true;
            chain.ChainPolicy.ExtraStore.AddRange(sent!.ChainPolicy.ExtraStore);
            var built = chain.Build(certificate);
            chains.Add(built ? chain.ChainElements.Count : 0);
            return built;
        });
        using var response = await http.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, Assert.Single(chains));
    }

    [Fact]
    public async Task A_collector_does_not_start_on_https_without_a_certificate_or_with_a_key_that_is_not_its_own()
    {
        var missing = await Assert.ThrowsAsync<CandorConfigurationException>(() => TestServer.StartAsync(o => o.Urls = "https://127.0.0.1:0"));
        Assert.Contains(missing.Errors, e => e.Contains("Tls:CertificatePath", StringComparison.Ordinal));

        using var certificate = TestCertificates.SelfSigned();
        using var other = TestCertificates.SelfSigned("other.test");
        TestCertificates.Write(CertificatePath, KeyPath, other);
        File.WriteAllText(CertificatePath, certificate.ExportCertificatePem());
        var mismatch = await Assert.ThrowsAsync<CandorConfigurationException>(() => StartHttpsAsync());
        Assert.Contains(mismatch.Errors, e => e.StartsWith("Tls:CertificatePath, Tls:KeyPath: cannot serve", StringComparison.Ordinal));

        var options = new CandorServerOptions { Urls = "http://127.0.0.1:0", TlsCertificatePath = CertificatePath };
        options.KnownProxies.Add("not-an-address");
        var errors = options.Validate();
        Assert.Contains(errors, e => e.StartsWith("Tls:CertificatePath, Tls:KeyPath: set both", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("ForwardedHeaders:KnownProxies: 'not-an-address'", StringComparison.Ordinal));
    }

    private static int Refusals(TestServer server) => server.Logs.Count(l => l.Contains("do not load", StringComparison.Ordinal));

    private async Task<string?> ServedThumbprintAsync(TestServer server)
    {
        string? served = null;
        using var http = TestCertificates.Client(server.Handle.Address, (_, _) => true, t => served = t);
        using var response = await http.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return served;
    }

    private static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(20);
        while (!await condition())
        {
            Assert.True(TimeProvider.System.GetUtcNow() < deadline, "timed out waiting until " + what);
            await Task.Delay(100);
        }
    }
}
