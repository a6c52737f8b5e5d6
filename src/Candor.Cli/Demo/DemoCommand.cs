using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Candor.Catalog.Compilation;
using Candor.Catalog.Diagnostics;
using Candor.Catalog.Linting;
using Candor.Catalog.Summary;
using Candor.Cli.Catalog;
using Candor.Cli.Health;
using Candor.Fleet.Load;
using Candor.Fleet.Simulation;
using Candor.Fleet.Wire;
using Candor.Server;
using Microsoft.Extensions.Logging;

namespace Candor.Cli.Demo;

/// <summary><c>candor demo</c>: the whole product on one machine, in under a minute (docs/demo.md).</summary>
internal static class DemoCommand
{
    private const string Family = "dynamics365-clients";

    public static Command Create()
    {
        var seed = new Option<int>("--seed") { Description = "The seed of the simulated fleet: the same seed sends the same events.", DefaultValueFactory = _ => 1 };
        var devices = new Option<int>("--devices") { Description = "Installations in the fleet (1 to 100000).", DefaultValueFactory = _ => 300 };
        var days = new Option<int>("--days") { Description = "Days of the simulated period (1 to 29).", DefaultValueFactory = _ => 7 };
        var end = new Option<string?>("--end")
        {
            Description = "When the simulated period ends, ISO 8601 UTC (default: the start of the current UTC day, so a day's runs are identical).",
        };
        var data = new Option<string>("--data") { Description = "The data folder (DuckDB file and rendered summary).", DefaultValueFactory = _ => "candor-data" };
        var keepRunning = new Option<bool>("--keep-running") { Description = "Keep the collector running after the fleet was sent, until Ctrl+C." };
        var command = new Command("demo",
            "Lint the catalog, render its summary, start the collector with the embedded store on a free loopback port, " +
            "create a demo tenant and send it a simulated fleet of Dynamics 365 clients; then print what to try next.")
        {
            seed, devices, days, end, data, keepRunning,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(seed), parse.GetValue(devices), parse.GetValue(days), parse.GetValue(end), parse.GetValue(data)!,
            parse.GetValue(keepRunning), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(int seed, int deviceCount, int dayCount, string? endText, string dataFolder, bool keepRunning,
        CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        if (deviceCount is < 1 or > 100_000)
        {
            problems.Add($"--devices must be between 1 and 100000 (got {deviceCount}).");
        }

        if (dayCount is < 1 or > 29)
        {
            problems.Add($"--days must be between 1 and 29, the collector refuses events older than 30 days (got {dayCount}).");
        }

        var time = TimeProvider.System;
        var now = time.GetUtcNow();
        var periodEnd = new DateTimeOffset(now.Year, now.Month, now.Day, 0, 0, 0, TimeSpan.Zero);
        if (endText is not null)
        {
            if (!DateTimeOffset.TryParse(endText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out periodEnd))
            {
                problems.Add($"--end '{endText}' is not an ISO 8601 time.");
            }
            else if (periodEnd > now || periodEnd < now.AddDays(dayCount - 29))
            {
                problems.Add($"--end must be in the past and leave the whole period within the collector's 30 days (got {endText}).");
            }
        }

        if (problems.Count > 0)
        {
            throw new CliException(string.Join(" ", problems), 2);
        }

        var o = Console.Out;
        var total = Stopwatch.StartNew();
        var data = Path.GetFullPath(dataFolder);
        Directory.CreateDirectory(data);
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Candor demo: seed {seed}, {deviceCount} devices, {dayCount} day(s) ending {periodEnd:yyyy-MM-dd'T'HH:mm:ss'Z'}."));
        o.WriteLine();

        // 1. The catalog is linted as `candor catalog lint` does; an error stops the demo.
        var folder = CliRunner.FamilyFolder(Family);
        var source = CatalogCommands.LoadClean(folder);
        var findings = CatalogLinter.Lint(source, CatalogCommands.Today());
        var compiled = CatalogCompiler.Compile(source);
        o.WriteLine($"1. Catalog {Display(folder)}: {compiled.Products.Count} products, {compiled.Events.Count} events; " +
            $"lint: {findings.Count(f => f.Severity == Severity.Error)} errors, {findings.Count(f => f.Severity == Severity.Warning)} warnings.");

        // 2. The published summary, rendered from the same catalog.
        var summaryFolder = Path.Combine(data, "summary");
        Directory.CreateDirectory(summaryFolder);
        var markdown = Path.Combine(summaryFolder, Family + ".md");
        var html = Path.Combine(summaryFolder, Family + ".html");
        await File.WriteAllTextAsync(markdown, SummaryGenerator.Generate(compiled, SummaryFormat.Markdown), cancellationToken);
        await File.WriteAllTextAsync(html, SummaryGenerator.Generate(compiled, SummaryFormat.Html), cancellationToken);
        o.WriteLine($"2. Data collection summary: {Display(markdown)} and {Display(html)}");

        // 3. The collector, in this process, on a free loopback port, with the embedded store.
        var options = new CandorServerOptions
        {
            Urls = "http://127.0.0.1:0",
            DataDirectory = data,
            Store = "duckdb",
            LogLevel = LogLevel.Warning,
        };
        options.Catalogs.Add(compiled);
        await using var server = await StartAsync(options, cancellationToken);
        var (tenantName, tenant) = await CreateTenantAsync(server, cancellationToken);
        var url = server.Address.ToString().TrimEnd('/');
        o.WriteLine($"3. Collector at {url} with the DuckDB store in {Display(data)}; tenant \"{tenantName}\" created.");

        // 4. The fleet, generated first and then sent as the SDK would: gzip batches of 500 over HTTP.
        var fleet = new FleetSimulator(compiled, new FleetOptions { Seed = seed, Devices = deviceCount, Days = dayCount, End = periodEnd });
        var generating = Stopwatch.StartNew();
        long sessions = 0, crashes = 0;
        var batches = LoadGenerator.Prepare(BatchWriter.Batches(fleet, ev =>
        {
            if (ev.Name == "app.session.started")
            {
                sessions++;
            }
            else if (ev.Name == "app.crashed")
            {
                crashes++;
            }
        }), gzip: true);
        generating.Stop();
        var events = batches.Sum(b => (long)b.EventCount);
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"4. Simulated fleet: {deviceCount} devices, {sessions} sessions, {crashes} crashes, {events} events in {batches.Count} batches (generated in {generating.Elapsed.TotalSeconds:F1} s)."));
        var load = new LoadOptions
        {
            Url = server.Address,
            Key = tenant.IngestionKey,
            Events = Math.Max(1, events),
            Concurrency = 4,
            Gzip = true,
            TimeLimit = TimeSpan.FromMinutes(5),
        };
        var report = await new LoadGenerator(load, time).RunAsync(batches, generating.Elapsed.TotalSeconds, cancellationToken: cancellationToken);
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"   Sent in {report.Seconds:F1} s ({report.EventsPerSecond:F0} events/s): accepted {report.Accepted}, duplicates {report.Duplicates}, rejected {report.Rejected}") +
            (report.RejectionCodes.Count > 0 ? " (" + string.Join(", ", report.RejectionCodes.Select(c => $"{c.Key}: {c.Value}")) + ")" : "") + ".");
        if (report.BatchesFailed > 0 || report.TimedOut)
        {
            throw new CliException($"the collector did not take every batch ({report.BatchesFailed} failed{(report.TimedOut ? ", time limit reached" : "")}): {report.FirstError}");
        }

        await ShowHealthAsync(o, server.Address, tenant.AdminToken, cancellationToken);

        o.WriteLine();
        o.WriteLine($"Tenant \"{tenantName}\" ({tenant.TenantId})");
        o.WriteLine($"  ingestion key: {tenant.IngestionKey}");
        o.WriteLine($"  admin token:   {tenant.AdminToken}");
        o.WriteLine($"Data: {Display(Path.Combine(data, "candor.duckdb"))} (DuckDB), summary in {Display(summaryFolder)}");
        o.WriteLine();
        o.WriteLine(keepRunning
            ? $"Console: open {url}/console in a browser and sign in with the admin token above (role owner)."
            : $"Console: {url}/console (sign in with the admin token above); run './candor demo --keep-running' to keep it up.");
        o.WriteLine(keepRunning
            ? $"The collector is running at {url} until Ctrl+C. Try:"
            : $"The collector at {url} stops now; run './candor demo --keep-running' to explore it, then try:");
        o.WriteLine($"  curl -s -H 'Authorization: Bearer {tenant.IngestionKey}' {url}/v1/policy");
        o.WriteLine($"  curl -s -H 'Authorization: Bearer {tenant.AdminToken}' {url}/v1/admin/policy");
        o.WriteLine($"  curl -s {url}/healthz; curl -s {url}/readyz; curl -s {url}/openapi/v1.json");
        o.WriteLine($"  ./candor loadgen --url {url} --key {tenant.IngestionKey} --events 200000 --concurrency 4 --seed 2");
        o.WriteLine("  ./candor catalog lint; ./candor catalog docs --format html --out summary.html");
        o.WriteLine($"  ./candor health failures --url {url} --token {tenant.AdminToken}   (also releases, performance, versions, usage, regressions, alerts)");
        o.WriteLine($"The newest release of {FailurePatterns.RegressionProduct} carries a planted crash and sync regression (docs/demo.md).");
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Demo finished in {total.Elapsed.TotalSeconds:F1} s."));

        if (keepRunning)
        {
            try
            {
                await server.WaitForShutdownAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C is how the user ends a kept-running demo: not an error.
            }
        }

        return 0;
    }

    /// <summary>The fleet's health as the analytics API serves it (the same figures as <c>candor health ...</c>).</summary>
    private static async Task ShowHealthAsync(TextWriter o, Uri url, string adminToken, CancellationToken cancellationToken)
    {
        using var health = new HealthClient(url, adminToken);
        var watch = Stopwatch.StartNew();
        await health.SendAsync(HttpMethod.Post, "refresh", null, cancellationToken);
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"5. Fleet health from the analytics API (/v1/analytics/..., projected in {watch.Elapsed.TotalSeconds:F1} s):"));
        o.WriteLine("   Top crash groups (exception type and normalised in-app frames):");
        HealthReport.Failures(o, await health.GetAsync("failures", [("kind", "crash"), ("limit", "5")], cancellationToken));
        o.WriteLine("   Top feature-failure groups (feature / error code):");
        HealthReport.Failures(o, await health.GetAsync("failures", [("kind", "feature"), ("limit", "5")], cancellationToken));
        o.WriteLine($"   Crash-free rates of {FailurePatterns.RegressionProduct}, newest version first:");
        HealthReport.Releases(o, await health.GetAsync("releases", [("product", FailurePatterns.RegressionProduct)], cancellationToken));
        o.WriteLine("   Regressions (newest version vs its predecessor, failure spikes; Benjamini-Hochberg at 1%):");
        HealthReport.Regressions(o, await health.GetAsync("regressions", [], cancellationToken), significantOnly: true);
        await MarkOldReleasesVulnerableAsync(o, health, cancellationToken);
        o.WriteLine("   Versions in use over the last 7 days (devices behind the newest release):");
        HealthReport.Versions(o, await health.GetAsync("versions", [], cancellationToken), details: false);
    }

    /// <summary>Shows the "secure and up to date" purpose: the administrator marks the releases of the regression
    /// product that are two or more behind as vulnerable (an illustrative advisory; audited like any mark), and the
    /// version inventory then counts the devices still on them.</summary>
    private static async Task MarkOldReleasesVulnerableAsync(TextWriter o, HealthClient health, CancellationToken cancellationToken)
    {
        var products = (await health.GetAsync("versions", [], cancellationToken)).AsArray();
        var product = products.FirstOrDefault(p => (string?)p!["product"] == FailurePatterns.RegressionProduct);
        var old = product?["versions"]!.AsArray()
            .Where(v => v!["releasesBehind"]!.GetValue<int>() >= 2)
            .Select(v => (string)v!["version"]!)
            .ToList();
        if (old is not { Count: > 0 })
        {
            return;
        }

        old.Sort(Candor.Analytics.Versions.AppVersionComparer.Instance);
        var mark = new System.Text.Json.Nodes.JsonObject
        {
            ["product"] = FailurePatterns.RegressionProduct,
            ["minVersion"] = old[0],
            ["maxVersion"] = old[^1],
            ["advisory"] = "Demo advisory: releases two or more behind lack a security fix (illustrative).",
        };
        await health.SendAsync(HttpMethod.Post, "vulnerable", mark.ToJsonString(), cancellationToken);
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"   Marked {FailurePatterns.RegressionProduct} {old[0]} to {old[^1]} vulnerable (audited; './candor health vulnerable list')."));
    }

    private static async Task<CandorServerHandle> StartAsync(CandorServerOptions options, CancellationToken cancellationToken)
    {
        try
        {
            return await CandorServer.StartAsync(options, cancellationToken);
        }
        catch (CandorConfigurationException ex)
        {
            throw new CliException($"the collector did not start: {ex.Message}");
        }
        catch (InvalidOperationException ex)
        {
            // Typically another collector holds the DuckDB file of this data folder.
            throw new CliException($"the collector did not start: {ex.Message} (pass another --data folder or stop the other collector)");
        }
    }

    /// <summary>Creates "demo", or "demo-2", "demo-3", ... when earlier demos left their tenants in the data folder.</summary>
    private static async Task<(string Name, TenantCredentials Credentials)> CreateTenantAsync(CandorServerHandle server, CancellationToken cancellationToken)
    {
        for (var i = 1; i <= 1000; i++)
        {
            var name = i == 1 ? "demo" : string.Create(CultureInfo.InvariantCulture, $"demo-{i}");
            try
            {
                return (name, await server.CreateTenantAsync(name, Family, cancellationToken));
            }
            catch (InvalidOperationException)
            {
                // The name is taken by an earlier demo in this data folder: try the next.
            }
        }

        throw new CliException("the data folder already holds 1000 demo tenants; pass another --data folder.");
    }

    private static string Display(string path)
    {
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
    }
}
