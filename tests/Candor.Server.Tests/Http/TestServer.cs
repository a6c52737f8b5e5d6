using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Candor.Server.Catalogs;
using Candor.Server.Stores;
using Candor.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Candor.Server.Tests.Http;

/// <summary>A real collector on Kestrel at 127.0.0.1 (port 0) over a real DuckDB file in a temporary folder,
/// with the test catalog and a fake clock set to <see cref="Events.Now"/>. Captures every log line.</summary>
internal sealed class TestServer : IAsyncDisposable
{
    public const string OperatorToken = "operator-token-for-the-tests-0123456789";

    private TestServer(CandorServerHandle handle, string folder, FakeTimeProvider time, ConcurrentQueue<string> logs)
    {
        Handle = handle;
        Folder = folder;
        Time = time;
        Logs = logs;
        Http = new HttpClient { BaseAddress = handle.Address, Timeout = TimeSpan.FromSeconds(60) };
    }

    public CandorServerHandle Handle { get; }

    public string Folder { get; }

    public FakeTimeProvider Time { get; }

    public ConcurrentQueue<string> Logs { get; }

    public HttpClient Http { get; }

    public ICandorStore Store => Handle.Services.GetRequiredService<ICandorStore>();

    public static async Task<TestServer> StartAsync(Action<CandorServerOptions>? configure = null,
        Func<ICandorStore, ICandorStore>? wrapStore = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "candor-server-" + Guid.NewGuid().ToString("N"));
        var time = new FakeTimeProvider(Events.Now);
        var logs = new ConcurrentQueue<string>();
        var options = new CandorServerOptions
        {
            Urls = "http://127.0.0.1:0",
            DataDirectory = folder,
            OperatorToken = OperatorToken,
            TimeProvider = time,
            LogLevel = LogLevel.Trace,
            ConfigureLogging = logging =>
            {
                logging.ClearProviders();
                logging.AddProvider(new ListLoggerProvider(logs));
                logging.AddFilter(_ => true);
            },
        };
        options.Catalogs.Add(TestCatalogs.Create());
        options.Catalogs.Add(TestCatalogs.Create("open-clients", Core.Model.DataLevel.Required, Core.Model.DataLevel.Optional));
        configure?.Invoke(options);
        CandorServerHandle handle;
        if (wrapStore is null)
        {
            handle = await CandorServer.StartAsync(options);
        }
        else
        {
            var errors = new List<string>();
            var catalogs = CatalogRegistry.Create(options.Catalogs, null, errors);
            var store = wrapStore(await StoreFactory.OpenAsync(options, default));
            handle = await CandorServer.StartWithStoreAsync(options, catalogs, store, default);
        }

        return new TestServer(handle, folder, time, logs);
    }

    public Task<TenantCredentials> CreateTenantAsync(string? name = null, string family = TestCatalogs.Family) =>
        Handle.CreateTenantAsync(name ?? "tenant-" + Guid.NewGuid().ToString("N")[..8], family);

    public Task<HttpResponseMessage> PostAsync(string key, string json, bool gzip = false) =>
        PostBytesAsync(key, Encoding.UTF8.GetBytes(json), gzip);

    public async Task<HttpResponseMessage> PostBytesAsync(string? key, byte[] body, bool gzip = false, string contentType = "application/json")
    {
        var content = new ByteArrayContent(gzip ? Gzip(body) : body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (gzip)
        {
            content.Headers.ContentEncoding.Add("gzip");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/events") { Content = content };

        // As a careful client would: a body the collector refuses by its length is never sent, so the 413 arrives
        // instead of a connection reset mid-upload.
        request.Headers.ExpectContinue = body.Length > 64 * 1024;
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return await Http.SendAsync(request);
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, string? json = null,
        Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        configure?.Invoke(request);
        return await Http.SendAsync(request);
    }

    public static async Task<JsonObject> JsonAsync(HttpResponseMessage response) =>
        (JsonObject)(await response.Content.ReadFromJsonAsync<JsonNode>())!;

    public static async Task<System.Text.Json.Nodes.JsonArray> JsonAsync2(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonNode>())!.AsArray();

    public static byte[] Gzip(byte[] plain)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
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
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    internal sealed class ListLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ListLogger(categoryName, lines);

        public void Dispose()
        {
        }
    }

    private sealed class ListLogger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var structured = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}"))
                : "";
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {structured} {exception}");
        }
    }
}
