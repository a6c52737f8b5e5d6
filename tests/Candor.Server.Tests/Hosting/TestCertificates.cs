using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Candor.Server.Tests.Hosting;

/// <summary>Certificates made in the test (self-signed, or a root, an intermediate and a server certificate), written as
/// the PEM files a collector is configured with, and an HTTP client that trusts exactly what the test says and records
/// the certificate each connection was served.</summary>
internal static class TestCertificates
{
    public static X509Certificate2 SelfSigned(string name = "collector.test") => Issue(name, issuer: null, isAuthority: false);

    /// <summary>A certificate for 127.0.0.1 and <paramref name="name"/>, signed by <paramref name="issuer"/> (or by itself).</summary>
    public static X509Certificate2 Issue(string name, X509Certificate2? issuer, bool isAuthority)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(isAuthority, false, 0, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        if (isAuthority)
        {
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        }
        else
        {
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName(name);
            names.AddDnsName("localhost");
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }

        var now = TimeProvider.System.GetUtcNow();
        if (issuer is null)
        {
            return request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(30));
        }

        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        var serial = RandomNumberGenerator.GetBytes(12);
        using var signed = request.Create(issuer, now.AddMinutes(-5), now.AddDays(30), serial);
        return signed.CopyWithPrivateKey(key);
    }

    /// <summary>Writes the certificate (then <paramref name="chain"/>) and its key as PEM files.</summary>
    public static void Write(string certificatePath, string keyPath, X509Certificate2 certificate, params X509Certificate2[] chain)
    {
        var pem = string.Concat(new[] { certificate }.Concat(chain).Select(c => c.ExportCertificatePem() + "\n"));
        // Written beside and moved into place, as certbot and cert-manager do, so a poll never reads half a file.
        File.WriteAllText(certificatePath + ".new", pem);
        File.WriteAllText(keyPath + ".new", certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        File.Move(keyPath + ".new", keyPath, overwrite: true);
        File.Move(certificatePath + ".new", certificatePath, overwrite: true);
    }

    /// <summary>A client that accepts a server certificate only when <paramref name="trust"/> says so and records the
    /// thumbprint it was served; a new client (so a new connection) per use.</summary>
    public static HttpClient Client(Uri address, Func<X509Certificate2, X509Chain?, bool> trust, Action<string>? served = null)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.Zero,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
                {
                    if (certificate is not X509Certificate2 x509)
                    {
                        return false;
                    }

                    served?.Invoke(x509.Thumbprint);
                    return trust(x509, chain);
                },
            },
        };
        return new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public static HttpClient Trusting(Uri address, X509Certificate2 certificate, Action<string>? served = null) =>
        Client(address, (c, _) => c.Thumbprint == certificate.Thumbprint, served);

    public static HttpRequestMessage Get(string path, string? host = null, string? bearer = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (host is not null)
        {
            request.Headers.Host = host;
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return request;
    }
}
