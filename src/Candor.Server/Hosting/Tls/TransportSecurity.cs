using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.HttpOverrides;
using IPNetwork = System.Net.IPNetwork;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Candor.Server.Hosting.Tls;

/// <summary>The collector's transport: https from a PEM certificate and key reloaded when they change
/// (<see cref="CertificateReloader"/>), <c>Strict-Transport-Security</c> on https responses, and
/// <c>X-Forwarded-For</c>/<c>X-Forwarded-Proto</c> believed only from <see cref="CandorServerOptions.KnownProxies"/>.
/// The forwarded headers run first, so every later part (the authentication throttle, the per-address concurrency
/// bound, HSTS) sees the client's address and scheme as the proxy reported them, and a client that talks to the
/// collector directly cannot claim another address. There is deliberately no http-to-https redirect: an API client
/// that sent its key over http has exposed it before any redirect is answered (docs/operations.md, "TLS").</summary>
internal static class TransportSecurity
{
    /// <summary>The longest HSTS max-age accepted: two years, what the preload list asks for.</summary>
    public const int MaxHstsMaxAgeSeconds = 63_072_000;

    /// <summary>Adds one line per problem with the transport settings.</summary>
    public static void Validate(CandorServerOptions options, List<string> errors)
    {
        var hasCertificate = !string.IsNullOrWhiteSpace(options.TlsCertificatePath);
        var hasKey = !string.IsNullOrWhiteSpace(options.TlsKeyPath);
        if (hasCertificate != hasKey)
        {
            errors.Add("Tls:CertificatePath, Tls:KeyPath: set both (the PEM certificate and its PEM key) or neither.");
        }

        if (hasCertificate && !File.Exists(options.TlsCertificatePath))
        {
            errors.Add($"Tls:CertificatePath: file '{options.TlsCertificatePath}' does not exist.");
        }

        if (hasKey && !File.Exists(options.TlsKeyPath))
        {
            errors.Add($"Tls:KeyPath: file '{options.TlsKeyPath}' does not exist.");
        }

        var urls = (options.Urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var https = urls.Where(u => u.StartsWith("https://", StringComparison.OrdinalIgnoreCase)).ToList();
        if (https.Count > 0 && !(hasCertificate && hasKey))
        {
            errors.Add($"Urls: '{https[0]}' is https, which needs Tls:CertificatePath and Tls:KeyPath (--tls-cert, --tls-key).");
        }

        if (hasCertificate && hasKey && https.Count == 0 && urls.Length > 0)
        {
            errors.Add("Tls:CertificatePath: a certificate is set but no URL in Urls is https (for example https://0.0.0.0:5443).");
        }

        if (options.HstsMaxAgeSeconds < 0 || options.HstsMaxAgeSeconds > MaxHstsMaxAgeSeconds)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture,
                $"Tls:HstsMaxAgeSeconds: must be between 0 (no header) and {MaxHstsMaxAgeSeconds}, not {options.HstsMaxAgeSeconds}."));
        }

        if (options.TlsReloadInterval <= TimeSpan.Zero)
        {
            errors.Add("TlsReloadInterval: must be positive.");
        }

        foreach (var entry in options.KnownProxies)
        {
            if (!IPAddress.TryParse(entry, out _) && !IPNetwork.TryParse(entry, out _))
            {
                errors.Add($"ForwardedHeaders:KnownProxies: '{entry}' is neither an IP address nor a CIDR range such as 10.0.0.0/8.");
            }
        }
    }

    /// <summary>Registers https (when a certificate is set), HSTS and the forwarded headers. Throws
    /// <see cref="CandorConfigurationException"/> when the certificate does not load.</summary>
    public static void AddTransportSecurity(this WebApplicationBuilder builder, CandorServerOptions options)
    {
        if (options.TlsCertificatePath is { } certificatePath && options.TlsKeyPath is { } keyPath)
        {
            var first = CertificateReloader.LoadFirst(certificatePath, keyPath);
            builder.Services.AddSingleton(services => new CertificateReloader(certificatePath, keyPath, options.TlsReloadInterval, first,
                services.GetRequiredService<ILoggerFactory>()));
            builder.Services.AddHostedService(services => services.GetRequiredService<CertificateReloader>());

            // The slim builder leaves https out of Kestrel unless asked.
            builder.WebHost.UseKestrelHttpsConfiguration();
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https =>
            {
                var reloader = kestrel.ApplicationServices.GetRequiredService<CertificateReloader>();

                // The selector tells Kestrel a certificate exists (so it never looks for a development one) and answers
                // for any path that asks it; OnAuthenticate, which runs after Kestrel has filled in the handshake's
                // options, hands over the whole chain instead, so that the intermediates of the PEM file are sent.
                https.ServerCertificateSelector = (_, _) => reloader.Current.Certificate;
                https.OnAuthenticate = (_, ssl) =>
                {
                    ssl.ServerCertificateSelectionCallback = null;
                    ssl.ServerCertificate = null;
                    ssl.ServerCertificateContext = reloader.Current.Context;
                };
            }));
        }

        if (options.HstsMaxAgeSeconds > 0)
        {
            // ASP.NET Core's middleware, with its default exclusions kept: localhost and the loopback addresses get no
            // header (a browser would otherwise refuse http to every local development site for a year), and browsers
            // ignore the header for IP addresses anyway. No includeSubDomains: other hosts of the domain are not ours.
            builder.Services.AddHsts(hsts => hsts.MaxAge = TimeSpan.FromSeconds(options.HstsMaxAgeSeconds));
        }

        if (options.KnownProxies.Count > 0)
        {
            builder.Services.Configure<ForwardedHeadersOptions>(forwarded =>
            {
                forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;

                // Only the operator's proxies: ASP.NET Core would otherwise trust loopback by default.
                forwarded.KnownProxies.Clear();
                forwarded.KnownIPNetworks.Clear();
                foreach (var entry in options.KnownProxies)
                {
                    if (IPAddress.TryParse(entry, out var address))
                    {
                        forwarded.KnownProxies.Add(address);
                    }
                    else
                    {
                        forwarded.KnownIPNetworks.Add(IPNetwork.Parse(entry));
                    }
                }

                // No hop limit: entries are taken from the right while the address they came from is a known proxy, and
                // the first entry added by a peer that is not one (what a client wrote itself) stops the walk.
                forwarded.ForwardLimit = null;
                forwarded.RequireHeaderSymmetry = false;
            });
        }
    }

    /// <summary>The transport middleware, first in the pipeline: the forwarded headers, then HSTS.</summary>
    public static void UseTransportSecurity(this WebApplication app, CandorServerOptions options)
    {
        if (options.KnownProxies.Count > 0)
        {
            app.UseForwardedHeaders();
        }

        if (options.HstsMaxAgeSeconds > 0)
        {
            app.UseHsts();
        }
    }
}
