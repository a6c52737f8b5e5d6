using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Candor.Cli.Serve;
using Candor.Server;
using Candor.Server.Access;
using Candor.Server.Stores;
using Candor.Server.Tenants;
using Candor.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Candor.Cli.WebConsole;

/// <summary><c>candor console bench</c>: signs in to a running collector's console with an admin token (through the
/// sign-in form, as a person does) and times every page: the time from request to the last byte of the answer, on
/// loopback the server's time. The issue's bar is under 1 s per page on the 10-million-event store of
/// <c>health bench</c> (docs/benchmarks.md).</summary>
internal static partial class ConsoleBenchCommand
{
    public static Command Create()
    {
        var console = new Command("console", "The web console of a running collector (served under /console).");
        var bench = new Command("bench",
            "Time each console page (median and slowest of --repeat answers) on a running collector (--url, --token), or on a " +
            "store this command serves itself (--data or --store) with an owner token it issues and revokes afterwards.");
        var url = new Option<string?>("--url") { Description = "The collector, e.g. http://127.0.0.1:8080 (default: CANDOR_URL)." };
        var token = new Option<string?>("--token") { Description = "An owner's admin token (default: CANDOR_ADMIN_TOKEN)." };
        var data = new Option<string?>("--data") { Description = "Serve this data folder's DuckDB store (e.g. what analytics bench --data left) instead of --url." };
        var store = new Option<string?>("--store") { Description = "Serve this PostgreSQL store (postgres://...) instead of --url." };
        var tenant = new Option<string?>("--tenant")
        {
            Description = "With --data or --store: the tenant's name (default: the tenant with the most analytics; one with events but no tenant record is adopted).",
        };
        var repeat = new Option<int>("--repeat") { Description = "Answers timed per page (1 to 100).", DefaultValueFactory = _ => 5 };
        bench.Options.Add(url);
        bench.Options.Add(token);
        bench.Options.Add(data);
        bench.Options.Add(store);
        bench.Options.Add(tenant);
        bench.Options.Add(repeat);
        bench.SetAction((parse, cancellationToken) =>
            parse.GetValue(data) is not null || parse.GetValue(store) is not null
                ? RunOnStoreAsync(parse.GetValue(data), parse.GetValue(store), parse.GetValue(tenant), parse.GetValue(url), parse.GetValue(token),
                    parse.GetValue(repeat), cancellationToken)
                : RunAsync(parse.GetValue(url) ?? Environment.GetEnvironmentVariable("CANDOR_URL"),
                    parse.GetValue(token) ?? Environment.GetEnvironmentVariable("CANDOR_ADMIN_TOKEN"), parse.GetValue(repeat), cancellationToken));
        console.Subcommands.Add(bench);
        return console;
    }

    /// <summary>Starts a collector in this process on the existing store (loopback, a free port, the shipped catalogs),
    /// picks or adopts the tenant, issues it an owner token, times the pages and revokes the token, whatever happened.</summary>
    private static async Task<int> RunOnStoreAsync(string? data, string? store, string? tenantName, string? url, string? token, int repeat,
        CancellationToken cancellationToken)
    {
        if (url is not null || token is not null || (data is not null && store is not null) || repeat is < 1 or > 100)
        {
            throw new CliException("console bench takes either --url and --token (a running collector) or one of --data and --store " +
                "(a store it serves itself), and --repeat between 1 and 100.", 2);
        }

        if (store is not null && !StoreFactory.IsPostgres(store))
        {
            throw new CliException($"--store must be a PostgreSQL store (postgres://...), not '{store}'; use --data FOLDER for DuckDB.", 2);
        }

        var flags = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase) { ["Urls"] = "http://127.0.0.1:0" };
        if (data is not null)
        {
            flags["Data"] = data;
            flags["Store"] = "duckdb";
        }
        else
        {
            flags["Store"] = store;
        }

        var options = ServeCommand.ReadOptions(null, flags, null);
        options.LogLevel = LogLevel.Warning;
        if (data is not null && !File.Exists(StoreFactory.DuckDbPath(options)))
        {
            throw new CliException($"{data} holds no Candor store ({StoreFactory.DuckDbPath(options)} does not exist).", 2);
        }

        await using var server = await ServeCommand.StartAsync(options, cancellationToken);
        var tenant = await TenantAsync(server, options, tenantName, cancellationToken);
        var tenants = server.Services.GetRequiredService<TenantService>();
        var owner = await tenants.IssueAsync(tenant.Id, CredentialKind.Admin, Roles.Owner, "console bench", cancellationToken);
        System.Console.Out.WriteLine($"Serving {ServeCommand.Describe(options)} at {server.Address}; tenant \"{tenant.Name}\" ({tenant.Id:D}), " +
            "with an owner token issued for this run.");
        try
        {
            return await RunAsync(server.Address.ToString(), owner.Secret, repeat, cancellationToken);
        }
        finally
        {
            await tenants.RevokeAsync(tenant.Id, owner.Id, "console bench", CancellationToken.None);
            System.Console.Out.WriteLine("The bench's owner token is revoked.");
        }
    }

    /// <summary>The tenant named <paramref name="name"/>, or else the one with the most device-days of analytics; a
    /// tenant whose events were loaded without a tenant record (as <c>analytics bench</c> does) gets one, named after
    /// its id, in the first catalog family the collector serves.</summary>
    private static async Task<TenantRecord> TenantAsync(CandorServerHandle server, CandorServerOptions options, string? name,
        CancellationToken cancellationToken)
    {
        var store = server.Services.GetRequiredService<ICandorStore>();
        var known = await store.ListTenantsAsync(cancellationToken);
        if (name is not null)
        {
            return known.FirstOrDefault(t => t.Name == name)
                ?? throw new CliException($"the store has no tenant '{name}' (it has: {string.Join(", ", known.Select(t => t.Name))}).", 2);
        }

        if (store is not IAnalyticsStore sql)
        {
            throw new CliException("this store serves no analytics.");
        }

        var rows = await sql.QueryAsync(new SqlStatement(
            "SELECT tenant_id FROM analytics_device_days GROUP BY tenant_id ORDER BY count(*) DESC, tenant_id LIMIT 1"), cancellationToken);
        if (rows.Count == 0)
        {
            throw new CliException("the store holds no analytics (no device-days): load events first, e.g. with analytics bench or candor demo.", 2);
        }

        var id = (Guid)rows[0][0]!;
        if (known.FirstOrDefault(t => t.Id == id) is { } tenant)
        {
            return tenant;
        }

        var family = options.Catalogs.Select(c => c.Family.Id).FirstOrDefault(f => f == "dynamics365-clients")
            ?? options.Catalogs.Select(c => c.Family.Id).FirstOrDefault()
            ?? throw new CliException("no catalog to adopt the tenant with: run from the repository root or set CANDOR_HOME.", 2);
        var adopted = new TenantRecord(id, "console-bench-" + id.ToString("N")[..12], family, TimeProvider.System.GetUtcNow());
        await store.CreateTenantAsync(adopted, cancellationToken);
        System.Console.Out.WriteLine($"Adopted the store's tenant {id:D} (events without a tenant record) as \"{adopted.Name}\" ({family}).");
        return adopted;
    }

    private static async Task<int> RunAsync(string? urlText, string? token, int repeat, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(urlText, UriKind.Absolute, out var url) || string.IsNullOrEmpty(token) || repeat is < 1 or > 100)
        {
            throw new CliException("console bench needs --url (an http(s) URL), --token (an admin token) and --repeat between 1 and 100.", 2);
        }

        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        using var http = new HttpClient(handler) { BaseAddress = url, Timeout = TimeSpan.FromMinutes(2) };
        await SignInAsync(http, token, cancellationToken);

        var pages = new List<string> { "/console", "/console?range=7d", "/console/failures", "/console/failures?sort=newest&kind=crash",
            "/console/failures?page=2", "/console/privacy" };
        using (var api = new HttpRequestMessage(HttpMethod.Get, "/v1/analytics/failures?limit=1"))
        {
            api.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(api, cancellationToken);
            if (response.IsSuccessStatusCode
                && JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement is { ValueKind: JsonValueKind.Array } list
                && list.GetArrayLength() > 0)
            {
                pages.Add($"/console/failures/group?kind={list[0].GetProperty("kind").GetString()}&key={Uri.EscapeDataString(list[0].GetProperty("key").GetString()!)}");
            }
        }

        // The health pages (releases, a release against its predecessor, performance, usage, versions) and two downloads.
        pages.AddRange(["/console/releases", "/console/performance", "/console/usage", "/console/versions", "/console/csv/releases",
            "/console/csv/failures"]);
        // The release page of the busiest release in the default 30 days (not the newest of the last week, which a
        // store whose data ended a week ago does not have): the release page runs that release's regression tests.
        using (var api = new HttpRequestMessage(HttpMethod.Get, "/v1/analytics/releases"))
        {
            api.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(api, cancellationToken);
            var rows = response.IsSuccessStatusCode
                ? JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement
                : default;
            if (rows.ValueKind == JsonValueKind.Array && rows.GetArrayLength() > 0)
            {
                var busiest = rows.EnumerateArray().MaxBy(r => r.GetProperty("sessions").GetInt64());
                pages.Add($"/console/releases/release?product={Uri.EscapeDataString(busiest.GetProperty("product").GetString()!)}" +
                    $"&version={Uri.EscapeDataString(busiest.GetProperty("version").GetString()!)}");
            }
            else
            {
                // Said, not skipped silently: a timing table without the release page would read as if it were fast.
                System.Console.Error.WriteLine($"No release page timed: GET /v1/analytics/releases answered {(int)response.StatusCode} with no release.");
            }
        }

        // console-admin: the privacy dashboard, the catalog browser, an event page, the summary and the settings.
        pages.AddRange(await AdminPagesAsync(http, cancellationToken));

        var o = System.Console.Out;
        o.WriteLine($"Console pages of {url} ({repeat} answers each; ms from request to last byte):");
        o.WriteLine($"  {"page",-70} {"status",6} {"median",8} {"slowest",8}");
        var slow = 0;
        foreach (var page in pages)
        {
            var times = new List<double>();
            var status = 0;
            for (var i = 0; i < repeat; i++)
            {
                var watch = Stopwatch.StartNew();
                using var response = await http.GetAsync(page, HttpCompletionOption.ResponseContentRead, cancellationToken);
                watch.Stop();
                status = (int)response.StatusCode;
                times.Add(watch.Elapsed.TotalMilliseconds);
            }

            times.Sort();
            var median = times[times.Count / 2];
            slow += median >= 1000 ? 1 : 0;
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {Shorten(page),-70} {status,6} {median,8:F0} {times[^1],8:F0}"));
            if (status != 200)
            {
                throw new CliException($"{page} answered {status}, not 200.");
            }
        }

        o.WriteLine(slow == 0 ? "Every page's median is under 1 s." : $"{slow} page(s) took 1 s or more (median).");
        return slow == 0 ? 0 : 1;
    }

    private static async Task SignInAsync(HttpClient http, string token, CancellationToken cancellationToken)
    {
        var form = await http.GetStringAsync("/console/sign-in", cancellationToken);
        var verification = VerificationToken().Match(form);
        if (!verification.Success)
        {
            throw new CliException("the sign-in page has no anti-forgery token: is this a Candor collector with the console?");
        }

        using var body = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "sign-in",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(verification.Groups[1].Value),
            ["Input.Token"] = token,
        });
        using var response = await http.PostAsync("/console/sign-in", body, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Redirect && response.StatusCode != HttpStatusCode.Found)
        {
            throw new CliException($"sign-in was refused ({(int)response.StatusCode}): check the admin token.");
        }
    }

    /// <summary>The read-only pages of the privacy dashboard, the catalog, the settings and the saved views (the device lookup is left
    /// out: every view of a device's data is audited, and a bench should not fill the audit log).</summary>
    private static async Task<List<string>> AdminPagesAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var pages = new List<string> { "/console/privacy?action=policy", "/console/catalog", "/console/catalog?q=crash&level=required",
            "/console/catalog/summary", "/console/settings", "/console/views" };
        using var first = await http.GetAsync("/console/catalog", cancellationToken);
        var html = await first.Content.ReadAsStringAsync(cancellationToken);
        if (CatalogEventLink().Match(html) is { Success: true } link)
        {
            pages.Insert(3, WebUtility.HtmlDecode(link.Groups[1].Value));
        }

        return pages;
    }

    private static string Shorten(string page) => page.Length <= 70 ? page : page[..67] + "...";

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex VerificationToken();

    [GeneratedRegex("href=\"(/console/catalog/event\\?name=[^\"]+)\"")]
    private static partial Regex CatalogEventLink();
}
