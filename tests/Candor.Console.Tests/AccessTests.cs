using System.Text.Json;
using Microsoft.Playwright;
using Xunit;

namespace Candor.Console.Tests;

[Collection(ConsoleCollection.Name)]
public sealed class AccessTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task An_analyst_opening_the_privacy_page_gets_the_not_allowed_page_with_no_data()
    {
        var page = await fixture.SignedInAsync(fixture.AnalystToken);
        var response = await page.GotoAsync("/console/privacy");
        Assert.Equal(403, response!.Status);
        Assert.Equal("Not allowed", await page.InnerTextAsync("h1"));
        var text = await page.InnerTextAsync("main");
        Assert.Contains("may not read the policy", text, StringComparison.Ordinal);
        Assert.DoesNotContain("console.signed_in", text, StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("table").CountAsync());

        // The navigation offers only what the role may open.
        Assert.Equal(0, await page.Locator("nav a[href='/console/privacy']").CountAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleFixture.Artifacts, "not-allowed.png"), FullPage = true });
    }

    [Fact]
    public async Task A_privacy_officer_reads_the_failure_group_but_may_not_triage_it()
    {
        var key = await FirstGroupKeyAsync();
        var page = await fixture.SignedInAsync(fixture.PrivacyOfficerToken);
        await page.GotoAsync("/console/failures/group?kind=crash&key=" + Uri.EscapeDataString(key));
        Assert.Contains("may not triage", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("#triage-state").CountAsync());
    }

    [Fact]
    public async Task A_form_post_without_the_anti_forgery_token_is_refused()
    {
        var key = await FirstGroupKeyAsync();
        var page = await fixture.SignedInAsync(fixture.AnalystToken);
        var url = "/console/failures/group?kind=crash&key=" + Uri.EscapeDataString(key);
        var forged = await page.APIRequest.PostAsync(url, new APIRequestContextOptions
        {
            Form = MakeForm(page, ("_handler", "triage"), ("Input.State", "ignored")),
        });
        Assert.Equal(400, forged.Status);
        var signOut = await page.APIRequest.PostAsync("/console/sign-out", new APIRequestContextOptions { Form = page.APIRequest.CreateFormData() });
        Assert.Equal(400, signOut.Status);

        using var api = fixture.Api(fixture.Acme.AdminToken);
        var group = JsonDocument.Parse(await api.GetStringAsync("/v1/analytics/failures/group?kind=crash&key=" + Uri.EscapeDataString(key)));
        Assert.NotEqual("ignored", group.RootElement.GetProperty("triage").GetProperty("state").GetString());

        // Still signed in: the refused sign-out did nothing.
        Assert.Equal(200, (await page.GotoAsync("/console/failures"))!.Status);
    }

    [Fact]
    public async Task Triage_in_the_console_reaches_the_api_and_the_audit_log()
    {
        var key = await FirstGroupKeyAsync(offset: 1);
        var page = await fixture.SignedInAsync(fixture.AnalystToken);
        await page.GotoAsync("/console/failures/group?kind=crash&key=" + Uri.EscapeDataString(key));
        await page.SelectOptionAsync("#triage-state", "resolved");
        await page.FillAsync("#resolved-in", "99.0");
        await page.RunAndWaitForResponseAsync(() => page.ClickAsync("form:has(#triage-state) button[type=submit]"),
            r => r.Request.Method == "GET" && r.Url.Contains("/console/failures/group", StringComparison.Ordinal));
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
        Assert.Equal("resolved", await page.InnerTextAsync("[data-figure=state]"));

        using var api = fixture.Api(fixture.Acme.AdminToken);
        var group = JsonDocument.Parse(await api.GetStringAsync("/v1/analytics/failures/group?kind=crash&key=" + Uri.EscapeDataString(key)));
        Assert.Equal("resolved", group.RootElement.GetProperty("triage").GetProperty("state").GetString());
        Assert.Equal("99.0", group.RootElement.GetProperty("triage").GetProperty("resolvedIn").GetString());
        var audit = await api.GetStringAsync("/v1/admin/audit?limit=1000");
        Assert.Contains("failure.triaged", audit, StringComparison.Ordinal);
        Assert.Contains("console.signed_in", audit, StringComparison.Ordinal);
    }

    private static IFormData MakeForm(IPage page, params (string Name, string Value)[] fields)
    {
        var form = page.APIRequest.CreateFormData();
        foreach (var (name, value) in fields)
        {
            form.Set(name, value);
        }

        return form;
    }

    private async Task<string> FirstGroupKeyAsync(int offset = 0)
    {
        using var api = fixture.Api(fixture.Acme.AdminToken);
        var list = JsonDocument.Parse(await api.GetStringAsync($"/v1/analytics/failures?kind=crash&offset={offset}&limit=1"));
        return list.RootElement[0].GetProperty("key").GetString()!;
    }
}
