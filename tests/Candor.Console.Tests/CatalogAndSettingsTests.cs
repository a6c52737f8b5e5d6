using System.Net;
using System.Text.Json.Nodes;
using Candor.Core.Model;
using Microsoft.Playwright;
using Xunit;

namespace Candor.Console.Tests;

/// <summary>The catalog browser (search, filters, an event's page, the summary) and the owner's settings (keys and
/// tokens issued once and revoked, the alert webhook), against the API.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class CatalogAndSettingsTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task The_catalog_search_finds_an_event_and_its_page_shows_its_fields_and_products()
    {
        var catalog = TestCatalog.Load();
        var definition = catalog.Events.Where(e => e.Fields.Count >= 2).OrderBy(e => e.Name, StringComparer.Ordinal).First();
        using (var api = fixture.Api(fixture.AnalystToken))
        {
            // The page and the API serve one catalog.
            var served = JsonNode.Parse(await api.GetStringAsync("/v1/admin/catalog"))!;
            Assert.Equal(catalog.Events.Count, served["events"]!.AsArray().Count);
        }

        var page = await fixture.SignedInAsync(fixture.AnalystToken);
        await page.GotoAsync("/console/catalog");
        Assert.StartsWith($"{catalog.Events.Count} of {catalog.Events.Count} events", await page.InnerTextAsync("[data-figure=catalog-count]"), StringComparison.Ordinal);
        await page.FillAsync("#q", definition.Name);
        await page.ClickAsync("form[role=search] button");
        await page.WaitForURLAsync("**/console/catalog?*");
        Assert.Equal(1, await page.Locator($"#catalog-events tr[data-event='{definition.Name}']").CountAsync());

        await page.ClickAsync($"#catalog-events tr[data-event='{definition.Name}'] a");
        await page.WaitForURLAsync("**/console/catalog/event?name=*");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(definition.Name);
        await page.Locator("#event-fields").WaitForAsync();
        var fields = new List<string>();
        foreach (var row in await page.Locator("#event-fields tbody tr").AllAsync())
        {
            fields.Add((await row.GetAttributeAsync("data-field"))!);
        }

        Assert.Equal(definition.Fields.Select(f => f.Name), fields);
        var first = definition.Fields[0];
        var firstRow = page.Locator($"#event-fields tr[data-field='{first.Name}']");
        Assert.Contains(first.Classification.ToWire(), await firstRow.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains(first.Type.ToWire(), await firstRow.InnerTextAsync(), StringComparison.Ordinal);
        var products = catalog.Products.Where(p => definition.AppliesTo(p.Id)).Select(p => p.Id).ToList();
        Assert.Equal(products.Count, await page.Locator("#event-products tbody tr").CountAsync());
        Assert.Equal(definition.Level.ToWire(), await page.InnerTextAsync("[data-figure=level]"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleFixture.Artifacts, "catalog-event.png"), FullPage = true });
    }

    [Fact]
    public async Task The_catalog_filters_select_what_the_catalog_says()
    {
        var catalog = TestCatalog.Load();
        var page = await fixture.SignedInAsync(fixture.Acme.AdminToken);
        foreach (var category in WireNames.AllCategories)
        {
            await page.GotoAsync("/console/catalog?category=" + category.ToWire());
            var expected = catalog.Events.Count(e => e.Category == category);
            Assert.StartsWith($"{expected} of", await page.InnerTextAsync("[data-figure=catalog-count]"), StringComparison.Ordinal);
        }

        var owner = catalog.Events[0].Owner;
        await page.GotoAsync("/console/catalog?owner=" + Uri.EscapeDataString(owner) + "&classification=pseudonymous_identifier");
        var both = catalog.Events.Count(e => e.Owner == owner && e.Fields.Any(f => f.Classification == DataClassification.PseudonymousIdentifier));
        Assert.StartsWith($"{both} of", await page.InnerTextAsync("[data-figure=catalog-count]"), StringComparison.Ordinal);
        await page.GotoAsync("/console/catalog?expiry=never&level=required");
        var never = catalog.Events.Count(e => string.IsNullOrEmpty(e.Expires) && e.Level == DataLevel.Required);
        Assert.StartsWith($"{never} of", await page.InnerTextAsync("[data-figure=catalog-count]"), StringComparison.Ordinal);
        await page.GotoAsync("/console/catalog");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleFixture.Artifacts, "catalog.png"), FullPage = false });
    }

    [Fact]
    public async Task The_summary_is_the_catalogs_data_collection_summary()
    {
        var catalog = TestCatalog.Load();
        var page = await fixture.SignedInAsync(fixture.AnalystToken);
        await page.GotoAsync("/console/catalog/summary");
        var title = await page.InnerTextAsync("h1");
        Assert.StartsWith("Data collection summary for " + catalog.Family.DisplayName, title, StringComparison.Ordinal);
        var text = await page.InnerTextAsync("main");
        foreach (var product in catalog.Products)
        {
            Assert.Contains(product.DisplayName, text, StringComparison.Ordinal);
        }

        Assert.Equal(0, await page.Locator("main style, main script").CountAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleFixture.Artifacts, "catalog-summary.png"), FullPage = false });
    }

    [Fact]
    public async Task A_token_issued_in_settings_is_shown_once_works_against_the_api_and_revoking_it_stops_it()
    {
        var page = await fixture.SignedInAsync(fixture.Acme.AdminToken);
        await page.GotoAsync("/console/settings");
        await page.SelectOptionAsync("#issue-kind", "admin");
        await page.SelectOptionAsync("#issue-role", "analyst");
        var issued = await PrivacyDashboardTests.SubmitAsync(page, "#issue-button");
        Assert.Equal(200, issued.Status);
        Assert.Contains("no-store", (await issued.AllHeadersAsync())["cache-control"], StringComparison.Ordinal);
        var secret = await page.InnerTextAsync("#issued-secret");
        var id = await page.InnerTextAsync("#issued-id");
        Assert.StartsWith("cat_", secret, StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleFixture.Artifacts, "settings.png"), FullPage = false });

        using (var api = fixture.Api(secret))
        {
            Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/v1/analytics/alerts")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await api.GetAsync("/v1/admin/audit")).StatusCode);
        }

        // Shown once: the page, opened again, has the credential but never its secret.
        await page.GotoAsync("/console/settings");
        Assert.DoesNotContain(secret, await page.ContentAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await page.Locator($"#credential-list tr[data-credential='{id}']").CountAsync());

        var revoked = await PrivacyDashboardTests.SubmitAsync(page, $"button[name=credential][value='{id}']");
        Assert.Equal(200, revoked.Status);
        Assert.Equal(1, await page.Locator($"#credential-list tr[data-credential='{id}'] [data-state=revoked]").CountAsync());
        using (var api = fixture.Api(secret))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/v1/analytics/alerts")).StatusCode);
        }

        using var owner = fixture.Api(fixture.Acme.AdminToken);
        var audit = JsonNode.Parse(await owner.GetStringAsync("/v1/admin/audit?limit=10000"))!.AsArray();
        Assert.Contains(audit, r => r!["action"]!.GetValue<string>() == "credential.issued" && r["target"]!.GetValue<string>() == id
            && r["actorRole"]!.GetValue<string>() == "owner");
        Assert.Contains(audit, r => r!["action"]!.GetValue<string>() == "credential.revoked" && r["target"]!.GetValue<string>() == id);
    }

    [Fact]
    public async Task An_ingestion_key_issued_in_settings_reads_the_policy()
    {
        var page = await fixture.SignedInAsync(fixture.Acme.AdminToken);
        await page.GotoAsync("/console/settings");
        await page.SelectOptionAsync("#issue-kind", "ingestion");
        await PrivacyDashboardTests.SubmitAsync(page, "#issue-button");
        var key = await page.InnerTextAsync("#issued-secret");
        Assert.StartsWith("cik_", key, StringComparison.Ordinal);
        using var sdk = fixture.Api(key);
        Assert.Equal(HttpStatusCode.OK, (await sdk.GetAsync("/v1/policy")).StatusCode);
    }

    [Fact]
    public async Task The_alert_webhook_is_set_with_its_secret_shown_once_and_removed()
    {
        var page = await fixture.SignedInAsync(fixture.Globex.AdminToken);
        await page.GotoAsync("/console/settings");
        await page.FillAsync("#webhook-url", "https://alerts.example.com/candor/hook");
        await PrivacyDashboardTests.SubmitAsync(page, "#webhook-set-button");
        Assert.StartsWith("whsec_", await page.InnerTextAsync("#webhook-secret"), StringComparison.Ordinal);
        using var api = fixture.Api(fixture.Globex.AdminToken);
        var url = JsonNode.Parse(await api.GetStringAsync("/v1/analytics/alerts/webhook"))!["url"]!.GetValue<string>();
        Assert.Equal(url, await page.InnerTextAsync("[data-figure=webhook]"));

        await page.GotoAsync("/console/settings");
        await PrivacyDashboardTests.SubmitAsync(page, "text=Remove the webhook");
        Assert.Equal("none set", await page.InnerTextAsync("[data-figure=webhook]"));
        Assert.Null(JsonNode.Parse(await api.GetStringAsync("/v1/analytics/alerts/webhook"))!["url"]);
    }
}
