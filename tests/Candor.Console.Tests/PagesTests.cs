using System.Globalization;
using System.Text.Json;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit;

namespace Candor.Console.Tests;

[Collection(ConsoleCollection.Name)]
public sealed class PagesTests(ConsoleFixture fixture)
{
    private static readonly string[] Pages = ["/console", "/console/failures", "/console/privacy"];

    [Fact]
    public async Task The_failures_page_shows_the_api_figures_for_the_same_window_and_pages_through_them()
    {
        using var api = fixture.Api(fixture.Acme.AdminToken);
        var response = await api.GetAsync("/v1/analytics/failures?sort=devices&limit=25");
        var total = long.Parse(response.Headers.GetValues("X-Total-Count").Single(), CultureInfo.InvariantCulture);
        var groups = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(total > 0);

        var page = await fixture.SignedInAsync(fixture.Acme.AdminToken);
        await page.GotoAsync("/console/failures?sort=devices");
        Assert.StartsWith(total.ToString("N0", CultureInfo.InvariantCulture) + " groups", await page.InnerTextAsync("[data-figure=total]"), StringComparison.Ordinal);
        var rows = page.Locator("tbody tr");
        Assert.Equal(Math.Min(25, groups.GetArrayLength()), await rows.CountAsync());
        for (var i = 0; i < await rows.CountAsync(); i++)
        {
            var group = groups[i];
            Assert.Equal(group.GetProperty("key").GetString(), await rows.Nth(i).GetAttributeAsync("data-group"));
            Assert.Equal(group.GetProperty("devices").GetInt64().ToString("N0", CultureInfo.InvariantCulture),
                await rows.Nth(i).Locator("[data-figure=devices]").InnerTextAsync());
            Assert.Equal(group.GetProperty("events").GetInt64().ToString("N0", CultureInfo.InvariantCulture),
                await rows.Nth(i).Locator("[data-figure=events]").InnerTextAsync());
        }

        if (total > 25)
        {
            await page.ClickAsync("text=Next page");
            Assert.Contains("page=2", page.Url, StringComparison.Ordinal);
        }

        // The group page: the detail's figures.
        var key = groups[0].GetProperty("key").GetString()!;
        var kind = groups[0].GetProperty("kind").GetString()!;
        var detail = JsonDocument.Parse(await api.GetStringAsync($"/v1/analytics/failures/group?kind={kind}&key={Uri.EscapeDataString(key)}")).RootElement;
        await page.GotoAsync($"/console/failures/group?kind={kind}&key={Uri.EscapeDataString(key)}");
        Assert.Equal(detail.GetProperty("events").GetInt64().ToString("N0", CultureInfo.InvariantCulture), await page.InnerTextAsync("[data-figure=events]"));
        Assert.Equal(detail.GetProperty("devices").GetInt64().ToString("N0", CultureInfo.InvariantCulture), await page.InnerTextAsync("[data-figure=devices]"));
        Assert.True(await page.Locator("figure.chart svg").CountAsync() > 0, "the group's chart is an SVG rendered on the server");
        Assert.DoesNotContain("NaN", await page.Locator("figure.chart").InnerHTMLAsync(), StringComparison.Ordinal);
        Assert.True(await page.Locator("figure.chart .rz-column-series path").CountAsync() > 0, "the events per day are drawn as columns");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleFixture.Artifacts, "failure-group.png"), FullPage = true });
    }

    [Fact]
    public async Task The_overview_shows_the_api_series_for_the_same_window()
    {
        using var api = fixture.Api(fixture.Acme.AdminToken);
        var series = JsonDocument.Parse(await api.GetStringAsync("/v1/analytics/series")).RootElement;
        Assert.True(series.GetArrayLength() > 0);
        var page = await fixture.SignedInAsync(fixture.Acme.AdminToken);
        Assert.Equal(series.GetArrayLength(), await page.Locator("section.product").CountAsync());
        var first = series[0];
        var section = page.Locator("section.product").First;
        Assert.Equal(first.GetProperty("product").GetString(), await section.Locator("h2").InnerTextAsync());
        var sessions = first.GetProperty("days").EnumerateArray().Select(d => d.GetProperty("sessions").GetInt64().ToString("N0", CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(sessions, await section.Locator("[data-figure=sessions]").AllInnerTextsAsync());
        Assert.True(await section.Locator("figure.chart svg").CountAsync() >= 3, "three charts, rendered on the server as SVG");
        foreach (var chart in await section.Locator("figure.chart").AllAsync())
        {
            var svg = await chart.InnerHTMLAsync();
            Assert.DoesNotContain("NaN", svg, StringComparison.Ordinal);
            Assert.Contains("rz-series-0", svg, StringComparison.Ordinal);
        }

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleFixture.Artifacts, "overview.png"), FullPage = false });
    }

    [Fact]
    public async Task One_tenant_never_sees_another_tenants_data()
    {
        using var api = fixture.Api(fixture.Acme.AdminToken);
        var acmeGroup = JsonDocument.Parse(await api.GetStringAsync("/v1/analytics/failures?limit=1")).RootElement[0];
        var page = await fixture.SignedInAsync(fixture.Globex.AdminToken);
        Assert.Contains("globex", await page.InnerTextAsync("header"), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("section.product").CountAsync());
        await page.GotoAsync("/console/failures");
        Assert.StartsWith("0 groups", await page.InnerTextAsync("[data-figure=total]"), StringComparison.Ordinal);
        await page.GotoAsync($"/console/failures/group?kind={acmeGroup.GetProperty("kind").GetString()}&key={Uri.EscapeDataString(acmeGroup.GetProperty("key").GetString()!)}");
        Assert.Equal("Failure group not found", await page.InnerTextAsync("h1"));
        Assert.Equal(0, await page.Locator("[data-figure=events]").CountAsync());
        await page.GotoAsync("/console/privacy");
        Assert.DoesNotContain(fixture.Acme.TenantId.ToString(), await page.ContentAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("acme", await page.InnerTextAsync("main"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_page_fits_a_390_pixel_wide_screen_without_scrolling_sideways()
    {
        var page = await fixture.SignedInAsync(fixture.Acme.AdminToken, width: 390);
        foreach (var path in Pages.Append("/console/failures/group?kind=crash&key=" + Uri.EscapeDataString(await FirstKeyAsync())).Append("/console/sign-in"))
        {
            await page.GotoAsync(path);
            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            Assert.True(overflow <= 0, $"{path} is {overflow} px wider than the 390 px screen");
        }

        await page.GotoAsync("/console/failures");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleFixture.Artifacts, "failures-390.png"), FullPage = false });
    }

    [Fact]
    public async Task Every_page_passes_axe_with_no_serious_or_critical_violation()
    {
        var page = await fixture.SignedInAsync(fixture.Acme.AdminToken);
        var problems = new List<string>();
        foreach (var path in Pages.Append("/console/failures/group?kind=crash&key=" + Uri.EscapeDataString(await FirstKeyAsync())))
        {
            await page.GotoAsync(path);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleFixture.Artifacts, Name(path) + ".png"), FullPage = true });
            problems.AddRange(await ViolationsAsync(page, path));
        }

        var analyst = await fixture.SignedInAsync(fixture.AnalystToken);
        await analyst.GotoAsync("/console/privacy");
        problems.AddRange(await ViolationsAsync(analyst, "not allowed"));
        var anonymous = await fixture.NewPageAsync();
        await anonymous.GotoAsync("/console/sign-in");
        await anonymous.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleFixture.Artifacts, "sign-in.png") });
        problems.AddRange(await ViolationsAsync(anonymous, "sign-in"));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static async Task<IEnumerable<string>> ViolationsAsync(IPage page, string where)
    {
        var result = await page.RunAxe();
        return result.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{where}: {v.Impact} {v.Id}: {v.Help} ({string.Join("; ", v.Nodes.Take(3).Select(n => n.Html))})");
    }

    private static string Name(string path) =>
        path == "/console" ? "overview" : path.Split('?')[0]["/console/".Length..].Replace('/', '-');

    private async Task<string> FirstKeyAsync()
    {
        using var api = fixture.Api(fixture.Acme.AdminToken);
        return JsonDocument.Parse(await api.GetStringAsync("/v1/analytics/failures?kind=crash&limit=1")).RootElement[0].GetProperty("key").GetString()!;
    }
}
