using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Candor.Server.Hosting.Tls;

/// <summary>A certificate with its key, read from a PEM certificate file and a PEM key file, and the chain Kestrel sends
/// with it (the certificate file's later certificates, the intermediates). Immutable.</summary>
internal sealed class ServedCertificate
{
    private ServedCertificate(X509Certificate2 certificate, SslStreamCertificateContext context)
    {
        Certificate = certificate;
        Context = context;
    }

    /// <summary>The server's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The certificate and its intermediates as TLS handshakes send them.</summary>
    public SslStreamCertificateContext Context { get; }

    /// <summary>Reads the pair; throws <see cref="CryptographicException"/> (not PEM, no certificate, a key that is not
    /// the certificate's, an encrypted key) or <see cref="IOException"/> with a message fit for an operator.</summary>
    public static ServedCertificate Load(string certificatePath, string keyPath)
    {
        // CreateFromPemFile takes the first certificate of the file and checks that the key is its key.
        var leaf = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        if (OperatingSystem.IsWindows())
        {
            // SChannel cannot use the ephemeral key a PEM import creates; a PKCS#12 round trip gives it a usable one.
            var reimported = X509CertificateLoader.LoadPkcs12(leaf.Export(X509ContentType.Pkcs12), null);
            leaf.Dispose();
            leaf = reimported;
        }

        var all = new X509Certificate2Collection();
        all.ImportFromPemFile(certificatePath);
        var intermediates = new X509Certificate2Collection();
        foreach (var certificate in all)
        {
            if (certificate.Thumbprint != leaf.Thumbprint)
            {
                intermediates.Add(certificate);
            }
        }

        // offline: the chain is built from what the file holds; a collector never fetches intermediates or
        // revocation data from the addresses a certificate names.
        var context = SslStreamCertificateContext.Create(leaf, intermediates, offline: true);
        return new ServedCertificate(leaf, context);
    }
}
