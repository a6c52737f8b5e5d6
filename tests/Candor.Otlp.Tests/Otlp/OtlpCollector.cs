using System.Net.Http.Headers;
using System.Text;
using Candor.Core.Catalog;
using Candor.Server;
using Candor.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Candor.Otlp.Tests.Otlp;

/// <summary>A real collector on Kestrel at 127.0.0.1 (port 0) over a real DuckDB file in a temporary folder, with the
/// test catalog and one tenant whose policy forbids the usage category. The clock is the system's: the OpenTelemetry
/// SDK stamps records with the real time.</summary>
internal sealed class OtlpCollector : IAsyncDisposable
{
    private readonly string _folder;

    private OtlpCollector(CandorServerHandle handle, string folder, TenantCredentials tenant)
    {
        Handle = handle;
        _folder = folder;
        Tenant = tenant;
        Http = new HttpClient { BaseAddress = handle.Address, Timeout = TimeSpan.FromSeconds(60) };
    }

    public CandorServerHandle Handle { get; }

    public TenantCredentials Tenant { get; }

    public HttpClient Http { get; }

    public Uri LogsUri => new(Handle.Address, "/v1/logs");

    public static async Task<OtlpCollector> StartAsync(CompiledCatalog? catalog = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "candor-otlp-" + Guid.NewGuid().ToString("N"));
        var options = new CandorServerOptions
        {
            Urls = "http://127.0.0.1:0",
            DataDirectory = folder,
            LogLevel = LogLevel.Warning,
        };
        catalog ??= OtlpCatalog.Create();
        options.Catalogs.Add(catalog);
        var handle = await CandorServer.StartAsync(options);
        var tenant = await handle.CreateTenantAsync("tenant-" + Guid.NewGuid().ToString("N")[..8], catalog.Family.Id);
        var collector = new OtlpCollector(handle, folder, tenant);
        using var request = new HttpRequestMessage(HttpMethod.Put, "/v1/admin/policy")
        {
            Content = new StringContent("""
                {"collection":"on","levels":["required"],"categories":["product_and_service_performance"],"retentionDays":90,"uploadIntervalSeconds":60}
                """, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tenant.AdminToken);
        using var response = await collector.Http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, "PUT /v1/admin/policy: " + (int)response.StatusCode);
        return collector;
    }

    /// <summary>Every event the tenant has stored.</summary>
    public async Task<List<StoredEvent>> StoredAsync()
    {
        var events = new List<StoredEvent>();
        await foreach (var e in Handle.Services.GetRequiredService<ICandorStore>().ReadTenantEventsAsync(Tenant.TenantId))
        {
            events.Add(e);
        }

        return events;
    }

    /// <summary>POSTs a body to <c>/v1/logs</c> with the tenant's ingestion key.</summary>
    public async Task<HttpResponseMessage> PostLogsAsync(byte[] body, string contentType, bool gzip = false, string? key = null)
    {
        var content = new ByteArrayContent(gzip ? Gzip(body) : body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (gzip)
        {
            content.Headers.ContentEncoding.Add("gzip");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/logs") { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key ?? Tenant.IngestionKey);
        return await Http.SendAsync(request);
    }

    private static byte[] Gzip(byte[] plain)
    {
        using var output = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Fastest))
        {
            gzip.Write(plain);
        }

        return output.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Handle.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
