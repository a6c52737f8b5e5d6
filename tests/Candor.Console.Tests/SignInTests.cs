using Microsoft.Playwright;
using Xunit;

namespace Candor.Console.Tests;

[Collection(ConsoleCollection.Name)]
public sealed class SignInTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task Signing_in_with_an_admin_token_opens_the_overview_and_signing_out_ends_the_session()
    {
        var page = await fixture.SignedInAsync(fixture.Acme.AdminToken);
        Assert.Equal("Overview", await page.InnerTextAsync("h1"));
        Assert.Contains("acme", await page.InnerTextAsync("header"), StringComparison.Ordinal);

        var cookie = Assert.Single(await page.Context.CookiesAsync(), c => c.Name == "candor_console");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.Equal("/console", cookie.Path);

        // The session authenticates /console only: the API stays bearer-only.
        var api = await page.APIRequest.GetAsync("/v1/analytics/failures");
        Assert.Equal(401, api.Status);

        await page.ClickAsync("text=Sign out");
        await page.WaitForURLAsync("**/console/sign-in");
        Assert.EndsWith("/console/sign-in", page.Url, StringComparison.Ordinal);
        var again = await page.GotoAsync("/console/failures");
        Assert.Contains("/console/sign-in?returnUrl=%2Fconsole%2Ffailures", page.Url, StringComparison.Ordinal);
        Assert.Equal(200, again!.Status);
        Assert.Equal("Sign in to the Candor console", await page.InnerTextAsync("h1"));
    }

    [Theory]
    [InlineData("cat_not-a-token-of-anyone-at-all-xxxxxxxx")]
    [InlineData("ingestion")]
    public async Task A_refused_token_renders_the_sign_in_page_again_with_its_reason_and_a_4xx(string which)
    {
        var token = which == "ingestion" ? fixture.Acme.IngestionKey : which;
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/console/sign-in");
        await page.FillAsync("#token", token);
        var response = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("button[type=submit]"),
            r => r.Url.Contains("/console/sign-in", StringComparison.Ordinal) && r.Request.Method == "POST");
        Assert.Equal(401, response.Status);
        await page.WaitForSelectorAsync("#sign-in-error");
        Assert.Contains("not a valid admin token", await page.InnerTextAsync("#sign-in-error"), StringComparison.Ordinal);
        Assert.Equal("Sign in to the Candor console", await page.InnerTextAsync("h1"));
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "candor_console");
    }

    [Fact]
    public async Task A_return_address_outside_the_console_is_not_followed()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/console/sign-in?returnUrl=" + Uri.EscapeDataString("//evil.example/console"));
        await page.FillAsync("#token", fixture.Acme.AdminToken);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(fixture.Url.ToString().TrimEnd('/') + "/console");
        Assert.Equal(fixture.Url.ToString().TrimEnd('/') + "/console", page.Url);
    }
}
