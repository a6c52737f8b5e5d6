using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace Candor.Analytics.Alerts;

/// <summary>Resolves a host name to its addresses (the system's DNS in production; tests pass their own, so that no
/// test ever asks the system resolver or reaches a real network).</summary>
internal delegate Task<IPAddress[]> WebhookResolver(string host, CancellationToken cancellationToken);

/// <summary>Thrown inside the connect callback when no address of a webhook's host passes the
/// <see cref="WebhookAddressFilter"/>; the delivery reports it as "refused".</summary>
internal sealed class WebhookRefusedException(string host)
    : Exception($"No address of '{host}' is public or on the operator's webhook allowlist.");

/// <summary>POSTs signed alert deliveries to tenants' webhooks, connecting only to addresses the
/// <see cref="WebhookAddressFilter"/> lets through: the host is resolved here, the resolved addresses vetted, and
/// the socket connected to a vetted address (so a name that resolves differently a moment later cannot slip a
/// private address in). Redirects are not followed and no proxy is used, since either would connect somewhere
/// the filter never saw. The answer to the tenant is "refused" or "failed" with a short reason, never the socket's
/// error text (which would tell which internal ports answer). Thread-safe; dispose it once.</summary>
internal sealed class WebhookClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly WebhookResolver _resolve;

    /// <param name="filter">Which addresses may be reached.</param>
    /// <param name="resolve">Name resolution; null for the system's DNS.</param>
    /// <param name="timeout">How long one delivery may take, connection included. Default 10 s.</param>
    public WebhookClient(WebhookAddressFilter filter, WebhookResolver? resolve = null, TimeSpan? timeout = null)
    {
        Filter = filter;
        _resolve = resolve ?? ((host, ct) => Dns.GetHostAddressesAsync(host, ct));
        Timeout = timeout ?? TimeSpan.FromSeconds(10);
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            ConnectTimeout = Timeout,
            // A pooled connection was vetted when it was opened; recycling bounds how long a changed DNS answer
            // is ignored.
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = ConnectAsync,
        };
        _http = new HttpClient(handler) { Timeout = Timeout };
    }

    /// <summary>The address filter in force.</summary>
    public WebhookAddressFilter Filter { get; }

    /// <summary>How long one delivery may take.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Why a webhook URL is refused before anything is resolved (a literal address the filter refuses),
    /// or null when it may be set; a host name is judged at delivery, when it is resolved.</summary>
    public string? RefusalOf(Uri url) =>
        IPAddress.TryParse(url.IdnHost.Trim('[', ']'), out var literal) && !Filter.Allows(url.IdnHost, literal)
            ? "refused: the address is not public and not on the operator's webhook allowlist."
            : null;

    /// <summary>Posts <paramref name="body"/> (JSON) to <paramref name="url"/> with the signature header; returns
    /// null when the receiver answered 2xx, else the error to show the tenant ("refused: ..." or "failed: ...").</summary>
    public async Task<string?> PostAsync(Uri url, byte[] body, string signature, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(WebhookSignature.HeaderName, signature);
        if (url.UserInfo.Length > 0)
        {
            // Credentials written into the URL are how many receivers authenticate a sender: send them as Basic.
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(url.UserInfo))));
        }

        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            return status switch
            {
                >= 200 and < 300 => null,
                >= 300 and < 400 => string.Create(CultureInfo.InvariantCulture, $"failed: HTTP {status} (redirects are not followed)."),
                _ => string.Create(CultureInfo.InvariantCulture, $"failed: HTTP {status}."),
            };
        }
        catch (HttpRequestException ex) when (Refused(ex))
        {
            return "refused: the address is not public and not on the operator's webhook allowlist.";
        }
        catch (HttpRequestException)
        {
            return "failed: no answer (could not connect, or the connection broke).";
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return string.Create(CultureInfo.InvariantCulture, $"failed: no answer within {Timeout.TotalSeconds:0.#} s.");
        }
    }

    public void Dispose() => _http.Dispose();

    private static bool Refused(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is WebhookRefusedException)
            {
                return true;
            }
        }

        return false;
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await _resolve(host, cancellationToken).ConfigureAwait(false);
        var vetted = Array.FindAll(addresses, a => Filter.Allows(host, a));
        if (vetted.Length == 0)
        {
            throw new WebhookRefusedException(host);
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(vetted, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
