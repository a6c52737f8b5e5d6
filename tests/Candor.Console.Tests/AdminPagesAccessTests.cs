using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit;

namespace Candor.Console.Tests;

/// <summary>The privacy, catalog and settings pages: who may open what (the API's permissions), accessibility (axe: no
/// serious or critical violation) and the 390 px screen.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class AdminPagesAccessTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task An_analyst_gets_the_not_allowed_page_for_privacy_device_data_and_settings_with_no_data()
    {
        var device = await AnyDeviceAsync();
        var page = await fixture.SignedInAsync(fixture.AnalystToken);
        foreach (var (path, action) in new[]
        {
            ("/console/privacy", "may not read the policy"),
            ("/console/privacy/device?id=" + device, "may not read per-device data"),
            ("/console/settings", "may not manage ingestion keys and admin tokens"),
        })
        {
            var response = await page.GotoAsync(path);
            Assert.Equal(403, response!.Status);
            Assert.Equal("Not allowed", await page.InnerTextAsync("h1"));
            var main = await page.InnerTextAsync("main");
            Assert.Contains(action, main, StringComparison.Ordinal);
            Assert.Equal(0, await page.Locator("main table, main form").CountAsync());
            Assert.DoesNotContain(fixture.Acme.AdminToken[..12], await page.ContentAsync(), StringComparison.Ordinal);
        }

        foreach (var download in new[] { $"/console/privacy/devices/{device}/events", "/console/privacy/export?format=jsonl" })
        {
            var response = await page.APIRequest.GetAsync(download);
            Assert.Equal(403, response.Status);
            Assert.DoesNotContain(device.ToString(), await response.TextAsync(), StringComparison.Ordinal);
        }

        // The catalog holds no organisation's data: every role reads it.
        Assert.Equal(200, (await page.GotoAsync("/console/catalog"))!.Status);
        Assert.Equal(0, await page.Locator("nav a[href='/console/settings']").CountAsync());
        Assert.Equal(1, await page.Locator("nav a[href='/console/catalog']").CountAsync());
    }

    [Fact]
    public async Task A_privacy_officer_gets_the_not_allowed_page_for_settings_and_no_secret_or_token_list()
    {
        var page = await fixture.SignedInAsync(fixture.PrivacyOfficerToken);
        var response = await page.GotoAsync("/console/settings");
        Assert.Equal(403, response!.Status);
        Assert.Contains("may not manage ingestion keys and admin tokens", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("#credential-list, #issue-kind, #webhook-url").CountAsync());
        Assert.Equal(0, await page.Locator("nav a[href='/console/settings']").CountAsync());

        // The officer's own privacy pages open, with the editor and the device lookup.
        Assert.Equal(200, (await page.GotoAsync("/console/privacy"))!.Status);
        Assert.Equal(1, await page.Locator("#policy-preview").CountAsync());
        Assert.Equal(1, await page.Locator("#device-id").CountAsync());
    }

    [Fact]
    public async Task A_forged_settings_post_without_the_anti_forgery_token_issues_nothing()
    {
        using var owner = fixture.Api(fixture.Acme.AdminToken);
        var before = JsonNode.Parse(await owner.GetStringAsync("/v1/admin/credentials"))!.AsArray().Count;
        var page = await fixture.SignedInAsync(fixture.Acme.AdminToken);
        var form = page.APIRequest.CreateFormData();
        form.Set("_handler", "issue");
        form.Set("kind", "admin");
        form.Set("role", "owner");
        var forged = await page.APIRequest.PostAsync("/console/settings", new APIRequestContextOptions { Form = form });
        Assert.Equal(400, forged.Status);
        Assert.DoesNotContain("cat_", await forged.TextAsync(), StringComparison.Ordinal);
        Assert.Equal(before, JsonNode.Parse(await owner.GetStringAsync("/v1/admin/credentials"))!.AsArray().Count);
    }

    [Fact]
    public async Task The_privacy_catalog_and_settings_pages_pass_axe_and_fit_a_390_pixel_screen()
    {
        var device = await AnyDeviceAsync();
        var name = TestCatalog.Load().Events.First(e => e.Fields.Count > 0).Name;
        string[] paths =
        [
            "/console/privacy", "/console/privacy/device?id=" + device, "/console/catalog", "/console/catalog/event?name=" + Uri.EscapeDataString(name),
            "/console/catalog/summary", "/console/settings", "/console/views",
        ];

        // A saved view, so that the views page has its table.
        using var api = fixture.Api(fixture.Acme.AdminToken);
        using var saved = await api.PostAsJsonAsync("/v1/analytics/views", new { name = "axe " + Guid.NewGuid().ToString("N"), link = "/console/usage?range=7d" });
        Assert.Equal(System.Net.HttpStatusCode.Created, saved.StatusCode);
        var problems = new List<string>();
        var wide = await fixture.SignedInAsync(fixture.Acme.AdminToken);
        foreach (var path in paths)
        {
            Assert.Equal(200, (await wide.GotoAsync(path))!.Status);
            problems.AddRange(await ViolationsAsync(wide, path));
        }

        // The editor's preview step, and the officer's 403 on settings.
        await wide.GotoAsync("/console/privacy");
        await wide.UncheckAsync("input[name=categories][value=device_connectivity_and_configuration]");
        await PrivacyDashboardTests.SubmitAsync(wide, "#policy-preview");
        problems.AddRange(await ViolationsAsync(wide, "policy preview"));
        var officer = await fixture.SignedInAsync(fixture.PrivacyOfficerToken);
        await officer.GotoAsync("/console/settings");
        problems.AddRange(await ViolationsAsync(officer, "settings, not allowed"));

        var narrow = await fixture.SignedInAsync(fixture.Acme.AdminToken, width: 390);
        foreach (var path in paths)
        {
            await narrow.GotoAsync(path);
            var overflow = await narrow.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            if (overflow > 0)
            {
                problems.Add($"{path} is {overflow} px wider than the 390 px screen");
            }
        }

        await narrow.GotoAsync("/console/privacy/device?id=" + device);
        await narrow.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleFixture.Artifacts, "privacy-device-390.png"), FullPage = false });
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static async Task<IEnumerable<string>> ViolationsAsync(IPage page, string where)
    {
        var result = await page.RunAxe();
        return result.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{where}: {v.Impact} {v.Id}: {v.Help} ({string.Join("; ", v.Nodes.Take(3).Select(n => n.Html))})");
    }

    private async Task<Guid> AnyDeviceAsync()
    {
        using var api = fixture.Api(fixture.Acme.AdminToken);
        using var response = await api.GetAsync("/v1/admin/export", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var line = await reader.ReadLineAsync();
        return Guid.Parse(JsonNode.Parse(line!)!["device"]!["id"]!.GetValue<string>());
    }
}
