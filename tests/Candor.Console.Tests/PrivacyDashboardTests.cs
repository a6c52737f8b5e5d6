using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Candor.Core.Catalog;
using Candor.Core.Model;
using Microsoft.Playwright;
using Xunit;

namespace Candor.Console.Tests;

/// <summary>The privacy dashboard against the API: the policy editor (preview, save, a stale save refused), what is
/// collected, and the device lookup with its download and deletion, with two tenants. The policy is changed on the
/// tenant <c>globex</c> (no events), so that no other test's figures move.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class PrivacyDashboardTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task A_policy_change_made_in_the_editor_is_previewed_then_reaches_the_sdk_policy_and_the_audit_log()
    {
        var catalog = TestCatalog.Load();
        using var admin = fixture.Api(fixture.Globex.AdminToken);
        var before = JsonNode.Parse(await admin.GetStringAsync("/v1/admin/policy"))!;
        var levels = before["levels"]!.AsArray().Select(l => l!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("product_and_service_usage", before["categories"]!.AsArray().Select(c => c!.GetValue<string>()));

        var page = await fixture.SignedInAsync(fixture.Globex.AdminToken);
        await page.GotoAsync("/console/privacy");
        await page.UncheckAsync("input[name=categories][value=product_and_service_usage]");
        await SubmitAsync(page, "#policy-preview");

        // The preview lists exactly the catalog's usage events the current policy collects, and saves nothing yet.
        Assert.Equal(1, await page.Locator("[data-stops-category=product_and_service_usage]").CountAsync());
        var expected = catalog.Events.Where(e => e.Category == DataCategory.ProductAndServiceUsage && levels.Contains(e.Level.ToWire()))
            .Select(e => e.Name).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(expected);
        var shown = new List<string>();
        foreach (var row in await page.Locator("#stopped-events tbody tr").AllAsync())
        {
            shown.Add((await row.GetAttributeAsync("data-event"))!);
        }

        Assert.Equal(expected, shown);
        Assert.Equal(before["retentionDays"]!.GetValue<int>(), JsonNode.Parse(await admin.GetStringAsync("/v1/admin/policy"))!["retentionDays"]!.GetValue<int>());
        Assert.Contains("product_and_service_usage", await admin.GetStringAsync("/v1/admin/policy"), StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleFixture.Artifacts, "privacy-policy-preview.png"), FullPage = true });

        await SubmitAsync(page, "#policy-save");
        Assert.Contains("saved=", page.Url, StringComparison.Ordinal);
        Assert.Contains("Saved", await page.InnerTextAsync("#policy-saved"), StringComparison.Ordinal);

        // The SDK's view of the policy (the ingestion key's GET /v1/policy) has the change.
        using var sdk = fixture.Api(fixture.Globex.IngestionKey);
        var policy = JsonNode.Parse(await sdk.GetStringAsync("/v1/policy"))!;
        var categories = policy["categories"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();
        Assert.DoesNotContain("product_and_service_usage", categories);
        Assert.Equal(3, categories.Count);
        using (var current = await admin.GetAsync("/v1/admin/policy"))
        {
            Assert.Contains(current.Headers.ETag!.Tag, await page.InnerTextAsync("section[aria-labelledby=policy]"), StringComparison.Ordinal);
        }

        var audit = await admin.GetStringAsync("/v1/admin/audit?limit=10000");
        Assert.Contains("policy.changed", audit, StringComparison.Ordinal);

        // Put it back, through the editor's own path again (collection on, every category).
        await page.CheckAsync("input[name=categories][value=product_and_service_usage]");
        await SubmitAsync(page, "#policy-preview");
        Assert.Equal(1, await page.Locator("[data-figure=stops-nothing]").CountAsync());
        await SubmitAsync(page, "#policy-save");
        Assert.Contains("saved=", page.Url, StringComparison.Ordinal);
        Assert.Contains("product_and_service_usage", await sdk.GetStringAsync("/v1/policy"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_save_over_someone_elses_newer_change_is_refused_and_changes_nothing()
    {
        using var admin = fixture.Api(fixture.Globex.AdminToken);
        var page = await fixture.SignedInAsync(fixture.Globex.AdminToken);
        await page.GotoAsync("/console/privacy");
        await page.UncheckAsync("input[name=categories][value=software_setup_and_inventory]");
        await SubmitAsync(page, "#policy-preview");
        Assert.Equal(1, await page.Locator("#policy-save").CountAsync());

        // Meanwhile another administrator changes the policy through the API.
        using var read = await admin.GetAsync("/v1/admin/policy");
        var etag = read.Headers.ETag!.Tag;
        var theirs = JsonNode.Parse(await read.Content.ReadAsStringAsync())!;
        var retention = theirs["retentionDays"]!.GetValue<int>() == 91 ? 92 : 91;
        theirs["retentionDays"] = retention;
        using var put = new HttpRequestMessage(HttpMethod.Put, "/v1/admin/policy")
        {
            Content = new StringContent(theirs.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        put.Headers.IfMatch.Add(new EntityTagHeaderValue(etag));
        Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(put)).StatusCode);

        var response = await SubmitAsync(page, "#policy-save");
        Assert.Equal(412, response.Status);
        Assert.Contains("changed since you opened it", await page.InnerTextAsync("#policy-message"), StringComparison.Ordinal);

        var now = JsonNode.Parse(await admin.GetStringAsync("/v1/admin/policy"))!;
        Assert.Equal(retention, now["retentionDays"]!.GetValue<int>());
        Assert.Contains("software_setup_and_inventory", now["categories"]!.AsArray().Select(c => c!.GetValue<string>()));

        // The form now shows the current policy, so a save from it goes through.
        Assert.Equal(retention.ToString(System.Globalization.CultureInfo.InvariantCulture), await page.InputValueAsync("#retention-days"));
    }

    [Fact]
    public async Task A_device_is_viewed_with_the_catalogs_descriptions_downloaded_and_deleted_and_then_exports_nothing()
    {
        var devices = await DevicesAsync(2);
        var device = devices[1];
        using var officer = fixture.Api(fixture.PrivacyOfficerToken);
        var viewer = JsonNode.Parse(await officer.GetStringAsync($"/v1/admin/devices/{device}/viewer?limit=100"))!["events"]!.AsArray();
        Assert.NotEmpty(viewer);

        var page = await fixture.SignedInAsync(fixture.PrivacyOfficerToken);
        await page.GotoAsync("/console/privacy");
        await page.FillAsync("#device-id", device.ToString());
        await page.ClickAsync("form[aria-label='Device lookup'] button");
        await page.WaitForURLAsync("**/console/privacy/device?id=*");
        var articles = page.Locator("article.viewed-event");
        Assert.Equal(viewer.Count, await articles.CountAsync());
        Assert.Equal(viewer[0]!["name"]!.GetValue<string>(), await articles.First.GetAttributeAsync("data-event"));
        Assert.Contains(viewer[0]!["description"]!.GetValue<string>(), await articles.First.InnerTextAsync(), StringComparison.Ordinal);
        var withFields = viewer.First(e => e!["fields"]!.AsArray().Count > 0)!;
        var field = withFields["fields"]![0]!;
        Assert.Contains(field["description"]!.GetValue<string>(), await page.InnerTextAsync("main"), StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleFixture.Artifacts, "privacy-device.png"), FullPage = false });

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#device-export"));
        var path = await download.PathAsync();
        var lines = (await File.ReadAllLinesAsync(path!)).Where(l => l.Length > 0).ToList();
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.Equal(device.ToString(), JsonNode.Parse(l)!["device"]!["id"]!.GetValue<string>()));

        // Deleting needs the box ticked; then the receipt.
        var refused = await SubmitAsync(page, "#delete-device");
        Assert.Equal(400, refused.Status);
        Assert.NotEmpty(await ExportAsync(officer, device));
        await page.CheckAsync("#confirm-delete");
        var deleted = await SubmitAsync(page, "#delete-device");
        Assert.Equal(200, deleted.Status);
        Assert.Equal(lines.Count.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), await page.InnerTextAsync("[data-figure=events-removed]"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleFixture.Artifacts, "privacy-device-deleted.png"), FullPage = false });

        Assert.Empty(await ExportAsync(officer, device));
        var audit = await officer.GetStringAsync("/v1/admin/audit?limit=10000");
        Assert.Contains("device.deleted", audit, StringComparison.Ordinal);
        Assert.Contains("device.viewed", audit, StringComparison.Ordinal);
        Assert.Contains("device.exported", audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_tenant_looking_up_a_device_sees_none_of_its_data_and_cannot_delete_it()
    {
        var device = (await DevicesAsync(3))[2];
        using var acme = fixture.Api(fixture.Acme.AdminToken);
        var stored = await ExportAsync(acme, device);
        Assert.NotEmpty(stored);

        var page = await fixture.SignedInAsync(fixture.Globex.AdminToken);
        await page.GotoAsync("/console/privacy/device?id=" + device);
        Assert.Equal(0, await page.Locator("article.viewed-event").CountAsync());
        Assert.Contains("No events are stored for this device", await page.InnerTextAsync("[data-figure=device-events]"), StringComparison.Ordinal);
        var html = await page.ContentAsync();
        Assert.DoesNotContain(fixture.Acme.TenantId.ToString(), html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(JsonNode.Parse(stored[0])!["name"]!.GetValue<string>(), await page.InnerTextAsync("main"), StringComparison.Ordinal);

        var download = await page.APIRequest.GetAsync($"/console/privacy/devices/{device}/events");
        Assert.Equal(200, download.Status);
        Assert.Equal("", (await download.TextAsync()).Trim());

        await page.CheckAsync("#confirm-delete");
        await SubmitAsync(page, "#delete-device");
        Assert.Equal("0", await page.InnerTextAsync("[data-figure=events-removed]"));
        Assert.Equal(stored.Count, (await ExportAsync(acme, device)).Count);
    }

    [Fact]
    public async Task What_is_collected_shows_the_inventorys_figures()
    {
        using var api = fixture.Api(fixture.Acme.AdminToken);
        var inventory = JsonNode.Parse(await api.GetStringAsync("/v1/admin/inventory"))!;
        var page = await fixture.SignedInAsync(fixture.PrivacyOfficerToken);
        await page.GotoAsync("/console/privacy");
        var groups = inventory["groups"]!.AsArray();
        Assert.NotEmpty(groups);
        Assert.Equal(groups.Count, await page.Locator("#collected-groups tbody tr").CountAsync());
        foreach (var g in groups)
        {
            var row = page.Locator($"#collected-groups tr[data-product='{g!["product"]}'][data-category='{g["category"]}']");
            Assert.Equal(g["devices"]!.GetValue<long>().ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
                await row.Locator("[data-figure=devices]").InnerTextAsync());
        }

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleFixture.Artifacts, "privacy.png"), FullPage = false });
    }

    /// <summary>Clicks a submit button of a form that answers with a page (no redirect) and waits for that page.</summary>
    internal static async Task<IResponse> SubmitAsync(IPage page, string selector)
    {
        // Mark the page that posts, so that what follows reads the page the post answered, not this one.
        await page.EvaluateAsync("() => { window.candorPosted = true; }");
        var response = await page.RunAndWaitForResponseAsync(() => page.ClickAsync(selector), r => r.Request.Method == "POST");
        await page.WaitForFunctionAsync("() => window.candorPosted !== true && document.readyState !== 'loading'");
        return response;
    }

    /// <summary>The first <paramref name="count"/> distinct device ids of acme, from the start of its export.</summary>
    private async Task<List<Guid>> DevicesAsync(int count)
    {
        using var api = fixture.Api(fixture.Acme.AdminToken);
        using var response = await api.GetAsync("/v1/admin/export", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var devices = new List<Guid>();
        while (devices.Count < count && await reader.ReadLineAsync() is { } line)
        {
            var id = Guid.Parse(JsonNode.Parse(line)!["device"]!["id"]!.GetValue<string>());
            if (!devices.Contains(id))
            {
                devices.Add(id);
            }
        }

        Assert.Equal(count, devices.Count);
        return devices;
    }

    private static async Task<List<string>> ExportAsync(HttpClient api, Guid device) =>
        [.. (await api.GetStringAsync($"/v1/admin/devices/{device}/events")).Split('\n', StringSplitOptions.RemoveEmptyEntries)];
}

/// <summary>The shipped catalog of the fixture's family, compiled as the fixture compiles it.</summary>
internal static class TestCatalog
{
    private static readonly Lazy<CompiledCatalog> Compiled = new(() =>
    {
        var root = Path.GetFullPath(Path.Combine(ConsoleFixture.Artifacts, "..", ".."));
        return Catalog.Compilation.CatalogCompiler.Compile(Catalog.Loading.CatalogLoader.Load(Path.Combine(root, "catalog", ConsoleFixture.Family)));
    });

    public static CompiledCatalog Load() => Compiled.Value;
}
