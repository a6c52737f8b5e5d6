using System.Globalization;
using System.Text.Json;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit;

namespace Candor.Console.Tests;

/// <summary>The health pages (releases, a release, performance, usage, versions): their figures against the API's for
/// the same window (the default, the last 30 days, on both sides), the analyst's access, marking versions vulnerable,
/// CSV downloads that hold the tables' rows, accessibility and the narrow screen.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class HealthPagesTests(ConsoleFixture fixture)
{
    private static readonly string[] Pages = ["/console/releases", "/console/performance", "/console/usage", "/console/versions"];

    [Fact]
    public async Task The_releases_page_shows_the_api_release_health_adoption_and_new_failure_groups()
    {
        using var api = fixture.Api(fixture.Acme.AdminToken);
        var health = await JsonAsync(api, "/v1/analytics/releases");
        var inventory = await JsonAsync(api, "/v1/analytics/versions");
        var news = await JsonAsync(api, "/v1/analytics/releases/new-failures");
        Assert.True(health.GetArrayLength() > 1);

        var page = await fixture.SignedInAsync(fixture.Acme.AdminToken);
        await page.GotoAsync("/console/releases");
        var rows = page.Locator("[data-table=releases] tbody tr[data-key]");
        Assert.Equal(health.GetArrayLength(), await rows.CountAsync());
        foreach (var release in health.EnumerateArray())
        {
            var (product, version) = (release.GetProperty("product").GetString()!, release.GetProperty("version").GetString()!);
            var row = page.Locator($"[data-table=releases] tbody tr[data-key='{product} {version}']");
            Assert.Equal(N(release.GetProperty("sessions")), await row.Locator("[data-figure=sessions]").InnerTextAsync());
            Assert.Equal(P(release.GetProperty("crashFreeSessions")), await row.Locator("[data-figure=crash-free-sessions]").InnerTextAsync());
            Assert.Equal(P(release.GetProperty("crashFreeDevices")), await row.Locator("[data-figure=crash-free-devices]").InnerTextAsync());
            var adoption = inventory.EnumerateArray().Where(p => p.GetProperty("product").GetString() == product)
                .SelectMany(p => p.GetProperty("versions").EnumerateArray()).FirstOrDefault(v => v.GetProperty("version").GetString() == version);
            Assert.Equal(adoption.ValueKind == JsonValueKind.Undefined ? "0.0 %" : P(adoption.GetProperty("share")),
                await row.Locator("[data-figure=adoption]").InnerTextAsync());
            var brought = news.EnumerateArray().FirstOrDefault(n => n.GetProperty("product").GetString() == product && n.GetProperty("version").GetString() == version);
            Assert.Equal(brought.ValueKind == JsonValueKind.Undefined ? "0" : N(brought.GetProperty("newFailureGroups")),
                await row.Locator("[data-figure=new-failures]").InnerTextAsync());
        }

        // The version links to its release page.
        // (The list is sorted by product and newest version first; the key of its first row names the release.)
        var key = await rows.First.GetAttributeAsync("data-key");
        await rows.First.Locator("[data-figure=version] a").ClickAsync();
        await page.WaitForURLAsync("**/console/releases/release?**");
        // Enhanced navigation may change the URL before it swaps the content: wait for the release page's heading.
        await page.WaitForFunctionAsync("k => document.querySelector('h1')?.innerText === k", key);
        Assert.Equal(key, await page.InnerTextAsync("h1"));
    }

    [Fact]
    public async Task A_release_page_shows_the_api_days_against_its_predecessor_and_the_findings_in_words()
    {
        using var api = fixture.Api(fixture.Acme.AdminToken);
        // The first product whose newest release has a predecessor in the window (a product's first version has none).
        string? query = null;
        JsonElement detail = default;
        foreach (var product in (await JsonAsync(api, "/v1/analytics/versions")).EnumerateArray())
        {
            var (name, newest) = (product.GetProperty("product").GetString()!, product.GetProperty("newest").GetString()!);
            var candidate = $"product={Uri.EscapeDataString(name)}&version={Uri.EscapeDataString(newest)}";
            var candidateDetail = await JsonAsync(api, "/v1/analytics/releases/detail?" + candidate);
            if (candidateDetail.GetProperty("previous").ValueKind != JsonValueKind.Null)
            {
                (query, detail) = (candidate, candidateDetail);
                break;
            }
        }

        Assert.True(query is not null, "the demo fleet has a product whose newest release has a predecessor");
        var findings = await JsonAsync(api, "/v1/analytics/regressions?" + query);

        var page = await fixture.SignedInAsync(fixture.Acme.AdminToken);
        var response = await page.GotoAsync("/console/releases/release?" + query);
        Assert.Equal(200, response!.Status);
        var days = detail.GetProperty("current").GetProperty("days");
        var previous = detail.GetProperty("previous").GetProperty("days");
        var rows = page.Locator("[data-table=release-days] tbody tr[data-key]");
        Assert.Equal(days.GetArrayLength(), await rows.CountAsync());
        for (var i = 0; i < days.GetArrayLength(); i++)
        {
            Assert.Equal(days[i].GetProperty("day").GetString(), await rows.Nth(i).GetAttributeAsync("data-key"));
            Assert.Equal(N(days[i].GetProperty("sessions")), await rows.Nth(i).Locator("[data-figure=sessions]").InnerTextAsync());
            Assert.Equal(P(days[i].GetProperty("adoption")), await rows.Nth(i).Locator("[data-figure=adoption]").InnerTextAsync());
            Assert.Equal(P(days[i].GetProperty("crashFreeSessions")), await rows.Nth(i).Locator("[data-figure=crash-free-sessions]").InnerTextAsync());
            Assert.Equal(N(previous[i].GetProperty("sessions")), await rows.Nth(i).Locator("[data-figure=predecessor-sessions]").InnerTextAsync());
        }

        Assert.Equal(detail.GetProperty("newFailureGroups").GetArrayLength(),
            await page.Locator("[data-table=release-new-failures] tbody tr[data-key]").CountAsync());

        // Each finding of the API, in words: the two figures and the verdict.
        var sentences = await page.Locator("[data-figure=finding]").AllInnerTextsAsync();
        Assert.Equal(findings.GetArrayLength(), sentences.Count);
        for (var i = 0; i < sentences.Count; i++)
        {
            var finding = findings[i];
            Assert.Contains(finding.GetProperty("significant").GetBoolean() ? "significant" : "not significant", sentences[i], StringComparison.Ordinal);
            if (finding.GetProperty("kind").GetString() == "crash_rate")
            {
                Assert.StartsWith("Crashed sessions ", sentences[i], StringComparison.Ordinal);
                Assert.Contains(" vs ", sentences[i], StringComparison.Ordinal);
            }
        }

        if (sentences.Count == 0)
        {
            Assert.Equal(1, await page.Locator("[data-figure=no-findings]").CountAsync());
        }

        // Two charts (sessions and adoption), each drawn on the server as SVG (a chart's legend adds SVGs of its own).
        Assert.Equal(2, await page.Locator("figure.chart").CountAsync());
        Assert.Equal(2, await page.Locator("figure.chart:has(svg)").CountAsync());
        foreach (var chart in await page.Locator("figure.chart").AllAsync())
        {
            var svg = await chart.InnerHTMLAsync();
            Assert.DoesNotContain("NaN", svg, StringComparison.Ordinal);
            Assert.Contains("rz-series-1", svg, StringComparison.Ordinal);
        }

        // An unknown release is a 404 with a page that says so.
        var missing = await page.GotoAsync($"/console/releases/release?{query[..query.IndexOf('&', StringComparison.Ordinal)]}&version=0.0.0-none");
        Assert.Equal(404, missing!.Status);
        Assert.Equal("Release not found", await page.InnerTextAsync("h1"));
    }

    [Fact]
    public async Task The_performance_page_shows_the_api_percentiles_per_operation_and_version()
    {
        using var api = fixture.Api(fixture.Acme.AdminToken);
        var rows = await JsonAsync(api, "/v1/analytics/performance?byDeviceClass=false");
        Assert.True(rows.GetArrayLength() > 0);
        var page = await fixture.SignedInAsync(fixture.Acme.AdminToken);
        await page.GotoAsync("/console/performance");
        Assert.Equal(rows.GetArrayLength(), await page.Locator("[data-table=performance] tbody tr[data-key]").CountAsync());
        foreach (var row in rows.EnumerateArray())
        {
            var key = $"{row.GetProperty("product").GetString()} {row.GetProperty("operation").GetString()} {row.GetProperty("version").GetString()}";
            var tr = page.Locator($"[data-table=performance] tbody tr[data-key='{key}']");
            foreach (var p in new[] { "p50", "p90", "p95", "p99" })
            {
                Assert.Equal(row.GetProperty(p).GetDouble().ToString("N0", CultureInfo.InvariantCulture), await tr.Locator($"[data-figure={p}]").InnerTextAsync());
            }

            Assert.Equal(N(row.GetProperty("count")), await tr.Locator("[data-figure=count]").InnerTextAsync());
        }

        Assert.True(await page.Locator("figure.chart svg").CountAsync() > 0, "a chart of p95 across versions, drawn on the server");
        Assert.DoesNotContain("NaN", await page.Locator("figure.chart").First.InnerHTMLAsync(), StringComparison.Ordinal);

        // One operation only: the API's operation filter.
        var operation = rows[0].GetProperty("operation").GetString()!;
        var one = await JsonAsync(api, "/v1/analytics/performance?byDeviceClass=false&operation=" + Uri.EscapeDataString(operation));
        await page.GotoAsync("/console/performance?operation=" + Uri.EscapeDataString(operation));
        Assert.Equal(one.GetArrayLength(), await page.Locator("[data-table=performance] tbody tr[data-key]").CountAsync());
    }

    [Fact]
    public async Task The_usage_page_shows_the_api_active_devices_commands_and_volume()
    {
        using var api = fixture.Api(fixture.Acme.AdminToken);
        var usage = await JsonAsync(api, "/v1/analytics/usage?limit=10");
        var page = await fixture.SignedInAsync(fixture.Acme.AdminToken);
        await page.GotoAsync("/console/usage");
        var products = usage.GetProperty("products");
        Assert.True(products.GetArrayLength() > 0);
        foreach (var product in products.EnumerateArray())
        {
            var name = product.GetProperty("product").GetString()!;
            Assert.Equal(N(product.GetProperty("weeklyActiveDevices")), await page.InnerTextAsync($"[data-figure=weekly-active][data-product='{name}']"));
            foreach (var command in product.GetProperty("topCommands").EnumerateArray())
            {
                Assert.Equal(N(command.GetProperty("count")),
                    await page.InnerTextAsync($"[data-table=usage-commands] tr[data-key='{name} {command.GetProperty("label").GetString()}'] [data-figure=invocations]"));
            }

            foreach (var day in product.GetProperty("dailyActiveDevices").EnumerateArray())
            {
                Assert.Equal(N(day.GetProperty("count")),
                    await page.InnerTextAsync($"[data-table=usage-active] tr[data-key='{name} {day.GetProperty("label").GetString()}'] [data-figure=active-devices]"));
            }
        }

        var commands = products.EnumerateArray().Sum(p => p.GetProperty("topCommands").GetArrayLength());
        Assert.True(commands > 0);
        Assert.Equal(commands, await page.Locator("[data-table=usage-commands] tbody tr[data-key]").CountAsync());
        var volume = usage.GetProperty("volumeByCategory");
        Assert.Equal(volume.EnumerateArray().Select(v => N(v.GetProperty("count"))),
            await page.Locator("[data-table=usage-volume] tbody tr[data-key] [data-figure=events]").AllInnerTextsAsync());
        Assert.Contains("rz-series-0", await page.Locator("figure.chart").InnerHTMLAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_versions_page_shows_the_api_inventory()
    {
        using var api = fixture.Api(fixture.Acme.AdminToken);
        var inventory = await JsonAsync(api, "/v1/analytics/versions");
        var page = await fixture.SignedInAsync(fixture.Acme.AdminToken);
        await page.GotoAsync("/console/versions");
        foreach (var product in inventory.EnumerateArray())
        {
            var name = product.GetProperty("product").GetString()!;
            var card = page.Locator($".figure[data-product='{name}']");
            Assert.Equal(N(product.GetProperty("activeDevices")), await card.Locator("[data-figure=active]").InnerTextAsync());
            Assert.Equal(N(product.GetProperty("devicesBehind")), await card.Locator("[data-figure=behind]").InnerTextAsync());
            Assert.Equal(N(product.GetProperty("devicesOnVulnerable")), await card.Locator("[data-figure=on-vulnerable]").InnerTextAsync());
            foreach (var version in product.GetProperty("versions").EnumerateArray())
            {
                var row = page.Locator($"[data-table=versions] tr[data-key='{name} {version.GetProperty("version").GetString()}']");
                Assert.Equal(N(version.GetProperty("devices")), await row.Locator("[data-figure=devices]").InnerTextAsync());
                Assert.Equal(version.GetProperty("releasesBehind").GetInt32().ToString(CultureInfo.InvariantCulture), await row.Locator("[data-figure=behind]").InnerTextAsync());
            }
        }

        Assert.Equal(inventory.EnumerateArray().Sum(p => p.GetProperty("versions").GetArrayLength()),
            await page.Locator("[data-table=versions] tbody tr[data-key]").CountAsync());
    }

    [Fact]
    public async Task Marking_and_unmarking_a_version_in_the_console_reaches_the_api_and_the_audit_log()
    {
        using var api = fixture.Api(fixture.Acme.AdminToken);
        var product = (await JsonAsync(api, "/v1/analytics/versions"))[0];
        var (name, newest) = (product.GetProperty("product").GetString()!, product.GetProperty("newest").GetString()!);
        var advisory = "=HYPERLINK(\"https://example.test\",\"CVE-2026-1\"), console test";

        var page = await fixture.SignedInAsync(fixture.Acme.AdminToken);
        await page.GotoAsync("/console/versions");
        await page.FillAsync("#mark-product", name);
        await page.FillAsync("#mark-min", "0.0.0");
        await page.FillAsync("#mark-max", newest);
        await page.FillAsync("#mark-advisory", advisory);
        await page.RunAndWaitForResponseAsync(() => page.ClickAsync("text=Mark vulnerable"),
            r => r.Request.Method == "GET" && r.Url.Contains("/console/versions", StringComparison.Ordinal));
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);

        var marks = await JsonAsync(api, "/v1/analytics/vulnerable");
        var mark = marks.EnumerateArray().Single(m => m.GetProperty("advisory").GetString() == advisory);
        Assert.Equal(name, mark.GetProperty("product").GetString());
        var id = mark.GetProperty("id").GetString()!;
        Assert.Contains("version.marked_vulnerable", await api.GetStringAsync("/v1/admin/audit?limit=1000"), StringComparison.Ordinal);

        // Every active device of the product now runs a vulnerable version, on the page as in the API.
        var after = (await JsonAsync(api, "/v1/analytics/versions")).EnumerateArray().Single(p => p.GetProperty("product").GetString() == name);
        Assert.Equal(after.GetProperty("activeDevices").GetInt64(), after.GetProperty("devicesOnVulnerable").GetInt64());
        Assert.Equal(N(after.GetProperty("devicesOnVulnerable")), await page.InnerTextAsync($".figure[data-product='{name}'] [data-figure=on-vulnerable]"));
        Assert.Equal(advisory, await page.InnerTextAsync($"[data-table=vulnerable-marks] tr[data-key='{id}'] [data-figure=advisory]"));

        // The download guards the advisory against spreadsheet formulas.
        var csv = await (await page.APIRequest.GetAsync("/console/csv/vulnerable-marks")).TextAsync();
        Assert.Contains("\"'=HYPERLINK(\"\"https://example.test\"\",\"\"CVE-2026-1\"\"), console test\"", csv, StringComparison.Ordinal);

        await page.RunAndWaitForResponseAsync(() => page.ClickAsync($"[data-table=vulnerable-marks] tr[data-key='{id}'] button"),
            r => r.Request.Method == "GET" && r.Url.Contains("/console/versions", StringComparison.Ordinal));
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
        Assert.DoesNotContain((await JsonAsync(api, "/v1/analytics/vulnerable")).EnumerateArray(), m => m.GetProperty("id").GetString() == id);
        Assert.Equal(0, await page.Locator($"[data-table=vulnerable-marks] tr[data-key='{id}']").CountAsync());
        var audit = await JsonAsync(api, "/v1/admin/audit?limit=1000");
        Assert.Contains(audit.EnumerateArray(), a => a.GetProperty("action").GetString() == "version.unmarked_vulnerable"
            && a.GetProperty("target").GetString() == name);
    }

    [Fact]
    public async Task An_analyst_opens_every_health_page_but_may_not_mark_versions()
    {
        var page = await fixture.SignedInAsync(fixture.AnalystToken);
        foreach (var path in Pages)
        {
            var response = await page.GotoAsync(path);
            Assert.Equal(200, response!.Status);
            Assert.Equal(1, await page.Locator($"nav a[href='{path}']").CountAsync());
            Assert.True(await page.Locator("table.data").CountAsync() > 0, $"{path} shows its tables to an analyst");
        }

        Assert.Contains("may not mark versions vulnerable", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("#mark-product").CountAsync());

        // A hand-made post of the mark form, with a valid anti-forgery token of the analyst's session, is still refused.
        var token = await page.Locator("input[name=__RequestVerificationToken]").First.GetAttributeAsync("value");
        var form = page.APIRequest.CreateFormData();
        foreach (var (field, value) in new[] { ("_handler", "mark"), ("__RequestVerificationToken", token!), ("Input.Product", "x"),
            ("Input.MinVersion", "1.0"), ("Input.MaxVersion", "2.0"), ("Input.Advisory", "analyst was here") })
        {
            form.Set(field, value);
        }

        // Refused either way: 403 from the page's own check, or 400 because the analyst's page has no form of that name.
        var post = await page.APIRequest.PostAsync("/console/versions", new APIRequestContextOptions { Form = form, MaxRedirects = 0 });
        Assert.True(post.Status is 400 or 403, $"the post answered {post.Status}");
        using var api = fixture.Api(fixture.Acme.AdminToken);
        Assert.DoesNotContain("analyst was here", await api.GetStringAsync("/v1/analytics/vulnerable"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_csv_download_has_the_rows_and_columns_of_its_table()
    {
        var page = await fixture.SignedInAsync(fixture.Acme.AdminToken);
        using var api = fixture.Api(fixture.Acme.AdminToken);
        var product = (await JsonAsync(api, "/v1/analytics/versions"))[0];
        var release = $"/console/releases/release?product={Uri.EscapeDataString(product.GetProperty("product").GetString()!)}" +
            $"&version={Uri.EscapeDataString(product.GetProperty("newest").GetString()!)}";
        var checkedTables = 0;
        foreach (var path in Pages.Append(release))
        {
            await page.GotoAsync(path);
            foreach (var table in await page.Locator("[data-table]").AllAsync())
            {
                var href = await table.Locator("a.csv").GetAttributeAsync("href");
                var response = await page.APIRequest.GetAsync(href!);
                Assert.Equal(200, response.Status);
                Assert.StartsWith("text/csv", response.Headers["content-type"], StringComparison.Ordinal);
                var csv = ParseCsv(await response.TextAsync());
                var columns = (await table.Locator("thead th").AllInnerTextsAsync()).Select(t => t.Trim()).Where(t => t != "Unmark").ToList();
                Assert.Equal(columns, csv[0]);
                var rows = table.Locator("tbody tr[data-key]");
                Assert.Equal(await rows.CountAsync(), csv.Count - 1);
                for (var i = 0; i < await rows.CountAsync(); i++)
                {
                    var cells = (await rows.Nth(i).Locator("td").AllInnerTextsAsync()).Take(columns.Count).Select(t => t.Trim()).ToList();
                    Assert.Equal(cells, csv[i + 1]);
                }

                checkedTables++;
            }
        }

        Assert.True(checkedTables >= 8, $"only {checkedTables} tables were checked");

        // The failure list's download: the page's rows, without the sparkline.
        await page.GotoAsync("/console/failures?sort=devices");
        var list = ParseCsv(await (await page.APIRequest.GetAsync((await page.Locator("a.csv").GetAttributeAsync("href"))!)).TextAsync());
        var groups = page.Locator("tbody tr");
        Assert.Equal(await groups.CountAsync(), list.Count - 1);
        Assert.Equal(new List<string> { "Group", "Kind", "State", "Events", "Devices", "First seen", "Last seen" }, list[0]);
        for (var i = 0; i < await groups.CountAsync(); i++)
        {
            Assert.Equal((await groups.Nth(i).Locator("td").AllInnerTextsAsync()).Take(7).Select(t => t.Trim()), list[i + 1]);
        }

        Assert.Equal(404, (await page.APIRequest.GetAsync("/console/csv/nothing")).Status);
        var anonymous = await fixture.NewPageAsync();
        var refused = await anonymous.APIRequest.GetAsync("/console/csv/releases", new APIRequestContextOptions { MaxRedirects = 0 });
        Assert.Equal(302, refused.Status);
        Assert.Contains("/console/sign-in", refused.Headers["location"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_failure_group_answers_404_with_a_page_that_says_so()
    {
        var page = await fixture.SignedInAsync(fixture.AnalystToken);
        var response = await page.GotoAsync("/console/failures/group?kind=crash&key=no-such-group");
        Assert.Equal(404, response!.Status);
        Assert.StartsWith("text/html", response.Headers["content-type"], StringComparison.Ordinal);
        Assert.Equal("Failure group not found", await page.InnerTextAsync("h1"));
        Assert.Contains("no-such-group", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        Assert.Equal(404, (await page.GotoAsync("/console/failures/group"))!.Status);
    }

    [Fact]
    public async Task Every_health_page_passes_axe_and_fits_a_390_pixel_screen()
    {
        using var api = fixture.Api(fixture.Acme.AdminToken);
        var product = (await JsonAsync(api, "/v1/analytics/versions"))[0];
        var release = $"/console/releases/release?product={Uri.EscapeDataString(product.GetProperty("product").GetString()!)}" +
            $"&version={Uri.EscapeDataString(product.GetProperty("newest").GetString()!)}";
        var paths = Pages.Append(release).ToList();
        var problems = new List<string>();
        var page = await fixture.SignedInAsync(fixture.Acme.AdminToken);
        foreach (var path in paths)
        {
            await page.GotoAsync(path);
            var name = path.Split('?')[0]["/console/".Length..].Replace("releases/release", "release", StringComparison.Ordinal);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleFixture.Artifacts, name + ".png"), FullPage = true });
            var result = await page.RunAxe();
            problems.AddRange(result.Violations.Where(v => v.Impact is "serious" or "critical")
                .Select(v => $"{path}: {v.Impact} {v.Id}: {v.Help} ({string.Join("; ", v.Nodes.Take(3).Select(n => n.Html))})"));
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));

        var narrow = await fixture.SignedInAsync(fixture.Acme.AdminToken, width: 390);
        foreach (var path in paths)
        {
            await narrow.GotoAsync(path);
            var overflow = await narrow.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            Assert.True(overflow <= 0, $"{path} is {overflow} px wider than the 390 px screen");
        }

        await narrow.GotoAsync("/console/releases");
        await narrow.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleFixture.Artifacts, "releases-390.png") });
    }

    private static async Task<JsonElement> JsonAsync(HttpClient api, string path) =>
        JsonDocument.Parse(await api.GetStringAsync(path)).RootElement;

    private static string N(JsonElement value) => value.GetInt64().ToString("N0", CultureInfo.InvariantCulture);

    private static string P(JsonElement value) => value.GetDouble().ToString("P1", CultureInfo.InvariantCulture);

    /// <summary>RFC 4180, strictly: CRLF line ends, quoted fields with doubled quotes.</summary>
    internal static List<List<string>> ParseCsv(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                row.Add(field.ToString());
                field.Clear();
                rows.Add(row);
                row = [];
                i++;
            }
            else
            {
                Assert.False(c is '\r' or '\n', "a bare CR or LF outside quotes");
                field.Append(c);
            }
        }

        Assert.True(field.Length == 0 && row.Count == 0, "the CSV ends with CRLF");
        return rows;
    }
}
