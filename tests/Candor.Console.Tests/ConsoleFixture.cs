using System.Net.Http.Headers;
using Candor.Catalog.Compilation;
using Candor.Catalog.Loading;
using Candor.Fleet.Load;
using Candor.Fleet.Simulation;
using Candor.Fleet.Wire;
using Candor.Server;
using Candor.Server.Tenants;
using Candor.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Xunit;

namespace Candor.Console.Tests;

/// <summary>One real collector for the console tests: loopback Kestrel, the embedded DuckDB store in a temporary folder,
/// the shipped catalog, and two tenants: <c>acme</c> fed by the simulated fleet (as <c>./candor demo</c> does, smaller)
/// with an owner, an analyst and a privacy officer token, and <c>globex</c> with no events at all. The fleet ends at
/// today's midnight, so the default range (the last 30 days) covers all of it on both the pages and the API. And one
/// headless Debian chromium, never a downloaded browser.</summary>
public class ConsoleFixture : IAsyncLifetime
{
    public const string Family = "dynamics365-clients";

    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    private readonly string _folder = Directory.CreateTempSubdirectory("candor-console-").FullName;
    private CandorServerHandle? _server;
    private IPlaywright? _playwright;

    public Uri Url => _server!.Address;

    public TenantCredentials Acme { get; private set; } = default!;

    public TenantCredentials Globex { get; private set; } = default!;

    public string AnalystToken { get; private set; } = "";

    public string PrivacyOfficerToken { get; private set; } = "";

    public IBrowser Browser { get; private set; } = default!;

    /// <summary>Where the tests write their screenshots (docs/console.md).</summary>
    public static string Artifacts { get; } = Path.Combine(RepositoryRoot(), "artifacts", "console");

    public async Task InitializeAsync()
    {
        var compiled = CatalogCompiler.Compile(CatalogLoader.Load(Path.Combine(RepositoryRoot(), "catalog", Family)));
        var options = new CandorServerOptions
        {
            Urls = "http://127.0.0.1:0",
            DataDirectory = Path.Combine(_folder, "data"),
            Store = await OpenStoreAsync(),
            LogLevel = LogLevel.Warning,
        };
        options.Catalogs.Add(compiled);
        _server = await CandorServer.StartAsync(options);
        Acme = await _server.CreateTenantAsync("acme", Family);
        Globex = await _server.CreateTenantAsync("globex", Family);
        var tenants = _server.Services.GetRequiredService<TenantService>();
        AnalystToken = (await tenants.IssueAsync(Acme.TenantId, CredentialKind.Admin, "analyst", "test", CancellationToken.None)).Secret;
        PrivacyOfficerToken = (await tenants.IssueAsync(Acme.TenantId, CredentialKind.Admin, "privacy_officer", "test", CancellationToken.None)).Secret;

        var now = TimeProvider.System.GetUtcNow();
        var end = new DateTimeOffset(now.Year, now.Month, now.Day, 0, 0, 0, TimeSpan.Zero);
        var fleet = new FleetSimulator(compiled, new FleetOptions { Seed = 1, Devices = 40, Days = 5, End = end });
        var batches = LoadGenerator.Prepare(BatchWriter.Batches(fleet), gzip: true);
        var load = new LoadOptions
        {
            Url = Url,
            Key = Acme.IngestionKey,
            Events = Math.Max(1, batches.Sum(b => (long)b.EventCount)),
            Concurrency = 2,
            Gzip = true,
        };
        var report = await new LoadGenerator(load, TimeProvider.System).RunAsync(batches, 0);
        Assert.True(report.BatchesFailed == 0 && report.Accepted > 0, $"the fleet was not taken: {report.FirstError}");

        using var http = Api(Acme.AdminToken);
        (await http.PostAsync("/v1/analytics/refresh", null)).EnsureSuccessStatusCode();

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ChromiumArgs,
        });
        Directory.CreateDirectory(Artifacts);
    }

    /// <summary>An API client of the collector with <paramref name="token"/> as its bearer.</summary>
    public HttpClient Api(string token)
    {
        var http = new HttpClient { BaseAddress = Url };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    /// <summary>A fresh browser context (no cookies) of the given width, and a page in it.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Url.ToString().TrimEnd('/'),
            ViewportSize = new ViewportSize { Width = width, Height = 900 },
        });
        return await context.NewPageAsync();
    }

    /// <summary>A page signed in with <paramref name="token"/> through the sign-in form.</summary>
    public async Task<IPage> SignedInAsync(string token, int width = 1280)
    {
        var page = await NewPageAsync(width);
        await page.GotoAsync("/console/sign-in");
        await page.FillAsync("#token", token);
        await page.ClickAsync("button[type=submit]");
        // Signed in once the overview's document is parsed (its figures are in the server's HTML); waiting for its load
        // event too (every stylesheet, script and font) timed out once on a loaded machine.
        await page.WaitForURLAsync("**/console", new PageWaitForURLOptions { WaitUntil = WaitUntilState.DOMContentLoaded });
        return page;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        await DropStoreAsync();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>The collector's <c>--store</c>: the embedded DuckDB here.</summary>
    protected virtual Task<string> OpenStoreAsync() => Task.FromResult("duckdb");

    /// <summary>Removes what <see cref="OpenStoreAsync"/> made outside the temporary folder, after the collector stopped.</summary>
    protected virtual Task DropStoreAsync() => Task.CompletedTask;

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Candor.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Candor.slnx not found above " + AppContext.BaseDirectory);
    }
}

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "console";
}
