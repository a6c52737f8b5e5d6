using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit;

namespace Candor.Console.Tests;

/// <summary>Saved views: a filtered page saved from the console opens again with the same filters, is listed by the API,
/// audited, deleted; another tenant never sees it; a link that could leave the console is refused, in the console and
/// in the API; the count per tenant is bounded.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class SavedViewsTests(ConsoleFixture fixture)
{
    private const string FilteredFailures = "/console/failures?range=7d&kind=crash&sort=devices";

    [Fact]
    public async Task A_filtered_failures_view_saved_in_the_console_opens_again_with_the_same_filters()
    {
        var name = "Crashes by devices " + Guid.NewGuid().ToString("N")[..8];
        var page = await fixture.SignedInAsync(fixture.AnalystToken);
        await page.GotoAsync(FilteredFailures);
        await page.ClickAsync("#save-view");
        await page.WaitForURLAsync("**/console/views?link=*", new PageWaitForURLOptions { WaitUntil = WaitUntilState.DOMContentLoaded });
        Assert.Equal(FilteredFailures, await page.InputValueAsync("#view-link"));
        await page.FillAsync("#view-name", name);
        await page.ClickAsync("form[aria-label='Save a view'] button[type=submit]");
        var link = page.Locator("#view-list a", new PageLocatorOptions { HasTextString = name });
        await link.WaitForAsync();

        await link.ClickAsync();
        await page.WaitForURLAsync("**/console/failures?*");
        await page.Locator("h1", new PageLocatorOptions { HasTextString = "Failure groups" }).WaitForAsync();
        Assert.Equal(FilteredFailures, new Uri(page.Url).PathAndQuery);
        Assert.Equal("crash", await page.InputValueAsync("#kind"));
        Assert.Equal("devices", await page.InputValueAsync("#sort"));

        // The API lists the same view; both changes are audited.
        using var api = fixture.Api(fixture.Acme.AdminToken);
        var views = JsonDocument.Parse(await api.GetStringAsync("/v1/analytics/views")).RootElement.EnumerateArray().ToList();
        var saved = Assert.Single(views, v => v.GetProperty("name").GetString() == name);
        Assert.Equal(FilteredFailures, saved.GetProperty("link").GetString());

        await page.GotoAsync("/console/views");
        await page.ClickAsync($"button[aria-label='Delete view {name}']");
        await page.Locator("#view-list a", new PageLocatorOptions { HasTextString = name }).WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });
        views = JsonDocument.Parse(await api.GetStringAsync("/v1/analytics/views")).RootElement.EnumerateArray().ToList();
        Assert.DoesNotContain(views, v => v.GetProperty("name").GetString() == name);
        var audit = await api.GetStringAsync("/v1/admin/audit?limit=1000");
        var id = saved.GetProperty("id").GetString()!;
        Assert.Contains("view.saved", audit, StringComparison.Ordinal);
        Assert.Contains("view.deleted", audit, StringComparison.Ordinal);
        Assert.Contains(id, audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_tenant_never_sees_a_saved_view_and_cannot_delete_it()
    {
        var name = "Acme only " + Guid.NewGuid().ToString("N")[..8];
        using var acme = fixture.Api(fixture.Acme.AdminToken);
        var created = await acme.PostAsJsonAsync("/v1/analytics/views", new { name, link = "/console/releases?range=7d" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();

        using var globex = fixture.Api(fixture.Globex.AdminToken);
        Assert.DoesNotContain(name, await globex.GetStringAsync("/v1/analytics/views"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await globex.DeleteAsync("/v1/analytics/views/" + id)).StatusCode);
        var page = await fixture.SignedInAsync(fixture.Globex.AdminToken);
        await page.GotoAsync("/console/views");
        Assert.DoesNotContain(name, await page.ContentAsync(), StringComparison.Ordinal);

        Assert.Contains(name, await acme.GetStringAsync("/v1/analytics/views"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, (await acme.DeleteAsync("/v1/analytics/views/" + id)).StatusCode);
    }

    [Theory]
    [InlineData("https://evil.example/console")]
    [InlineData("//evil.example/console")]
    [InlineData("/console//evil.example")]
    [InlineData("/console/../v1/admin/export")]
    [InlineData("/console/%2e%2e/v1/admin/export")]
    [InlineData("/console/%2fevil")]
    [InlineData("/console\\evil")]
    [InlineData("/consolex")]
    [InlineData("/v1/analytics/failures")]
    [InlineData("javascript:alert(1)")]
    public async Task A_link_that_could_leave_the_console_is_refused_by_the_api(string link)
    {
        using var api = fixture.Api(fixture.Acme.AdminToken);
        var response = await api.PostAsJsonAsync("/v1/analytics/views", new { name = "bad " + Guid.NewGuid().ToString("N"), link });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_link", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
        Assert.DoesNotContain(link, await api.GetStringAsync("/v1/analytics/views"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_link_outside_the_console_is_refused_by_the_views_page()
    {
        var name = "Outside " + Guid.NewGuid().ToString("N")[..8];
        var page = await fixture.SignedInAsync(fixture.AnalystToken);
        // A link passed to the page that it would refuse is not even put in the form.
        await page.GotoAsync("/console/views?link=" + Uri.EscapeDataString("https://evil.example/"));
        Assert.Equal("", await page.InputValueAsync("#view-link"));

        await page.FillAsync("#view-name", name);
        await page.FillAsync("#view-link", "https://evil.example/console");
        var answer = await page.RunAndWaitForResponseAsync(
            () => page.ClickAsync("form[aria-label='Save a view'] button[type=submit]"),
            r => r.Request.Method == "POST" && r.Url.Contains("/console/views", StringComparison.Ordinal));
        Assert.Equal(400, answer.Status);
        await page.Locator("#views-message").WaitForAsync();
        Assert.Contains("path inside the console", await page.InnerTextAsync("#views-message"), StringComparison.Ordinal);
        Assert.DoesNotContain(name, await page.InnerTextAsync("main"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_taken_name_and_the_two_hundred_and_first_view_are_refused_with_409()
    {
        // On globex, which has no other views of its own but what this test makes, and removes.
        using var api = fixture.Api(fixture.Globex.AdminToken);
        var prefix = "bulk-" + Guid.NewGuid().ToString("N")[..6] + "-";
        var ids = new List<string>();
        try
        {
            var existing = JsonDocument.Parse(await api.GetStringAsync("/v1/analytics/views")).RootElement.GetArrayLength();
            for (var i = existing; i < 200; i++)
            {
                var response = await api.PostAsJsonAsync("/v1/analytics/views", new { name = prefix + i, link = "/console/usage?range=1d" });
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                ids.Add(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!);
            }

            var full = await api.PostAsJsonAsync("/v1/analytics/views", new { name = prefix + "one-more", link = "/console/usage" });
            Assert.Equal(HttpStatusCode.Conflict, full.StatusCode);
            Assert.Equal("view_limit_reached", JsonDocument.Parse(await full.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());

            Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync("/v1/analytics/views/" + ids[^1])).StatusCode);
            ids.RemoveAt(ids.Count - 1);
            var taken = await api.PostAsJsonAsync("/v1/analytics/views", new { name = prefix + existing, link = "/console/usage" });
            Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
            Assert.Equal("view_name_taken", JsonDocument.Parse(await taken.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
        }
        finally
        {
            foreach (var id in ids)
            {
                await api.DeleteAsync("/v1/analytics/views/" + id);
            }
        }
    }
}
