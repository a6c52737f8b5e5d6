using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Xunit;

namespace Candor.Cli.Tests.Serve;

public sealed class ServeCommandTests
{
    [Fact]
    public async Task Invalid_settings_are_all_reported_at_once()
    {
        var data = Path.Combine(Path.GetTempPath(), "candor-serve-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        var config = Path.Combine(data, "candor.json");
        await File.WriteAllTextAsync(config, """{ "Limits": { "MaxEventsPerBatch": "lots" }, "CacheSecond": 5, "LogFormat": "xml", "AnalyticsIntervalSeconds": 0, "DuckDb": { "MemoryLimitMiB": 8, "Threads": 999 } }""");

        var result = await CandorProcess.RunAsync(data, "serve", "--data", data, "--urls", "ftp://127.0.0.1:1", "--config", config);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Urls", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Limits:MaxEventsPerBatch", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("CacheSecond", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("LogFormat", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("DuckDb:MemoryLimitMiB", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("DuckDb:Threads", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("AnalyticsIntervalSeconds", result.Stderr, StringComparison.Ordinal);
        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public async Task Serve_starts_on_a_fresh_data_folder_and_is_ready()
    {
        var data = Path.Combine(Path.GetTempPath(), "candor-serve-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        await using (var server = await ServeProcess.StartAsync(data))
        {
            using var http = new HttpClient { BaseAddress = server.Address };
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);
            Assert.True(File.Exists(Path.Combine(data, "candor.duckdb")));
        }

        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public async Task Serve_serves_https_from_the_tls_flags_and_reads_the_proxies_from_the_settings_file()
    {
        var data = Path.Combine(Path.GetTempPath(), "candor-serve-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=collector.test", key, HashAlgorithmName.SHA256);
        var now = TimeProvider.System.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        var certificatePath = Path.Combine(data, "tls.crt");
        var keyPath = Path.Combine(data, "tls.key");
        await File.WriteAllTextAsync(certificatePath, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(keyPath, key.ExportPkcs8PrivateKeyPem());
        var config = Path.Combine(data, "candor.json");
        await File.WriteAllTextAsync(config, """{ "ForwardedHeaders": { "KnownProxies": ["10.0.5.10", "10.0.6.0/24"] }, "Tls": { "HstsMaxAgeSeconds": 600 } }""");

        await using (var server = await ServeProcess.StartAsync(data, "--urls", "https://127.0.0.1:0", "--config", config,
            "--tls-cert", certificatePath, "--tls-key", keyPath))
        {
            Assert.Equal("https", server.Address.Scheme);
            string? served = null;
            using var handler = new SocketsHttpHandler
            {
                SslOptions = new SslClientAuthenticationOptions
                {
                    RemoteCertificateValidationCallback = (_, c, _, _) => (served = (c as X509Certificate2)?.Thumbprint) == certificate.Thumbprint,
                },
            };
            using var http = new HttpClient(handler) { BaseAddress = server.Address };
            using var health = new HttpRequestMessage(HttpMethod.Get, "/healthz");
            health.Headers.Host = "collector.test";
            using var response = await http.SendAsync(health);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(certificate.Thumbprint, served);
            Assert.Equal("max-age=600", Assert.Single(response.Headers.GetValues("Strict-Transport-Security")));
        }

        // An https URL without a certificate, and a proxy that is no address, are reported together.
        await File.WriteAllTextAsync(config, """{ "ForwardedHeaders": { "KnownProxies": ["proxy.local"] } }""");
        var refused = await CandorProcess.RunAsync(data, "serve", "--data", data, "--urls", "https://127.0.0.1:0", "--config", config);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("Tls:CertificatePath", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("ForwardedHeaders:KnownProxies: 'proxy.local'", refused.Stderr, StringComparison.Ordinal);
        Directory.Delete(data, recursive: true);
    }
}
