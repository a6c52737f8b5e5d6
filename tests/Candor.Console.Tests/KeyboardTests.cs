using Microsoft.Playwright;
using Xunit;

namespace Candor.Console.Tests;

/// <summary>The console with a keyboard only: the sign-in form is reached and sent with Tab and Enter, the skip link is
/// the first stop of every page, shows itself when focused and moves focus to the page's main content (on the same page:
/// the document's <c>&lt;base href="/"&gt;</c> once made it a link to the root), and every stop shows where focus is.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class KeyboardTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task The_sign_in_form_is_filled_and_sent_with_the_keyboard_alone()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/console/sign-in");
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("skip-link", await FocusedAsync(page, "e => e.className"));
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("brand", await FocusedAsync(page, "e => e.className"));
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("token", await FocusedAsync(page, "e => e.id"));
        Assert.True(await FocusIsVisibleAsync(page), "the token field shows no focus");
        await page.Keyboard.TypeAsync(fixture.AnalystToken);
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Sign in", await FocusedAsync(page, "e => e.textContent.trim()"));
        Assert.True(await FocusIsVisibleAsync(page), "the sign-in button shows no focus");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/console", new PageWaitForURLOptions { WaitUntil = WaitUntilState.DOMContentLoaded });
        Assert.Equal("Overview", await page.InnerTextAsync("h1"));
    }

    [Fact]
    public async Task The_skip_link_moves_focus_to_the_main_content_of_the_same_page()
    {
        const string Filtered = "/console/failures?kind=crash&range=7d";
        var page = await fixture.SignedInAsync(fixture.AnalystToken);
        await page.GotoAsync(Filtered);
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("skip-link", await FocusedAsync(page, "e => e.className"));
        Assert.EndsWith(Filtered + "#main", await FocusedAsync(page, "e => e.href"), StringComparison.Ordinal);
        var box = await page.Locator(".skip-link").BoundingBoxAsync();
        Assert.True(box is { X: >= 0, Y: >= 0, Width: > 0 }, "the focused skip link is not on the screen");
        Assert.True(await FocusIsVisibleAsync(page), "the skip link shows no focus");

        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**#main");
        Assert.Equal(Filtered + "#main", new Uri(page.Url).PathAndQuery + new Uri(page.Url).Fragment);
        Assert.Equal("Failure groups", await page.InnerTextAsync("h1"));

        // The next stop is inside the main content, not the header or the navigation.
        await page.Keyboard.PressAsync("Tab");
        Assert.True(await page.EvaluateAsync<bool>("() => document.getElementById('main').contains(document.activeElement)"),
            "Tab after the skip link left the main content: " + await FocusedAsync(page, "e => e.outerHTML.slice(0, 120)"));
        Assert.True(await FocusIsVisibleAsync(page), "the first stop in the main content shows no focus");

        // The 403 page too, whose document has no <base> and whose markup names nothing of the refused URL.
        var refused = await page.GotoAsync("/console/privacy?action=policy");
        Assert.Equal(403, refused!.Status);
        Assert.DoesNotContain("action=policy", await page.ContentAsync(), StringComparison.Ordinal);
        await page.Keyboard.PressAsync("Tab");
        Assert.EndsWith("/console/privacy?action=policy#main", await FocusedAsync(page, "e => e.href"), StringComparison.Ordinal);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**#main");
        await page.Keyboard.PressAsync("Tab");
        Assert.True(await page.EvaluateAsync<bool>("() => document.getElementById('main').contains(document.activeElement)"),
            "Tab after the 403 page's skip link left the main content: " + await FocusedAsync(page, "e => e.outerHTML.slice(0, 120)"));
    }

    [Fact]
    public async Task Every_stop_of_a_page_shows_where_the_focus_is()
    {
        var page = await fixture.SignedInAsync(fixture.Acme.AdminToken);
        await page.GotoAsync("/console/failures");
        var unseen = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 60; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            var what = await FocusedAsync(page, "e => e.outerHTML.slice(0, 100)");
            if (!seen.Add(what) || what.StartsWith("<body", StringComparison.Ordinal))
            {
                break;
            }

            if (!await FocusIsVisibleAsync(page))
            {
                unseen.Add(what);
            }
        }

        Assert.True(seen.Count > 10, "Tab reached only " + seen.Count + " stops");
        Assert.True(unseen.Count == 0, "Stops without a visible focus:\n" + string.Join("\n", unseen));
    }

    private static Task<string> FocusedAsync(IPage page, string expression) =>
        page.EvaluateAsync<string>($"() => {{ const e = document.activeElement; return e ? String(({expression})(e)) : ''; }}");

    /// <summary>Whether the focused element draws a focus indicator (an outline or a box shadow) that it has not when
    /// unfocused is not checked here: the console styles draw one on :focus-visible only.</summary>
    private static Task<bool> FocusIsVisibleAsync(IPage page) => page.EvaluateAsync<bool>("""
        () => {
            const e = document.activeElement;
            if (!e || e === document.body) return false;
            const s = getComputedStyle(e);
            const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
            const shadow = s.boxShadow && s.boxShadow !== 'none';
            return outline || shadow;
        }
        """);
}
