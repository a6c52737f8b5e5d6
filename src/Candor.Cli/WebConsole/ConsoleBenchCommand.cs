using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Candor.Cli.WebConsole;

/// <summary><c>candor console bench</c>: signs in to a running collector's console with an admin token (through the
/// sign-in form, as a person does) and times every page: the time from request to the last byte of the answer, on
/// loopback the server's time. The issue's bar is under 1 s per page on the 10-million-event store of
/// <c>health bench</c> (docs/benchmarks.md).</summary>
internal static partial class ConsoleBenchCommand
{
    public static Command Create()
    {
        var console = new Command("console", "The web console of a running collector (served under /console).");
        var bench = new Command("bench", "Time each console page (median and slowest of --repeat answers) on a running collector.");
        var url = new Option<string?>("--url") { Description = "The collector, e.g. http://127.0.0.1:8080 (default: CANDOR_URL)." };
        var token = new Option<string?>("--token") { Description = "An owner's admin token (default: CANDOR_ADMIN_TOKEN)." };
        var repeat = new Option<int>("--repeat") { Description = "Answers timed per page (1 to 100).", DefaultValueFactory = _ => 5 };
        bench.Options.Add(url);
        bench.Options.Add(token);
        bench.Options.Add(repeat);
        bench.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(url) ?? Environment.GetEnvironmentVariable("CANDOR_URL"),
            parse.GetValue(token) ?? Environment.GetEnvironmentVariable("CANDOR_ADMIN_TOKEN"),
            parse.GetValue(repeat), cancellationToken));
        console.Subcommands.Add(bench);
        return console;
    }

    private static async Task<int> RunAsync(string? urlText, string? token, int repeat, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(urlText, UriKind.Absolute, out var url) || string.IsNullOrEmpty(token) || repeat is < 1 or > 100)
        {
            throw new CliException("console bench needs --url (an http(s) URL), --token (an admin token) and --repeat between 1 and 100.", 2);
        }

        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        using var http = new HttpClient(handler) { BaseAddress = url, Timeout = TimeSpan.FromMinutes(2) };
        await SignInAsync(http, token, cancellationToken);

        var pages = new List<string> { "/console", "/console?range=7d", "/console/failures", "/console/failures?sort=newest&kind=crash",
            "/console/failures?page=2", "/console/privacy" };
        using (var api = new HttpRequestMessage(HttpMethod.Get, "/v1/analytics/failures?limit=1"))
        {
            api.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(api, cancellationToken);
            if (response.IsSuccessStatusCode
                && JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement is { ValueKind: JsonValueKind.Array } list
                && list.GetArrayLength() > 0)
            {
                pages.Add($"/console/failures/group?kind={list[0].GetProperty("kind").GetString()}&key={Uri.EscapeDataString(list[0].GetProperty("key").GetString()!)}");
            }
        }

        // The health pages (releases, a release against its predecessor, performance, usage, versions) and two downloads.
        pages.AddRange(["/console/releases", "/console/performance", "/console/usage", "/console/versions", "/console/csv/releases",
            "/console/csv/failures"]);
        using (var api = new HttpRequestMessage(HttpMethod.Get, "/v1/analytics/versions"))
        {
            api.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(api, cancellationToken);
            if (response.IsSuccessStatusCode
                && JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement is { ValueKind: JsonValueKind.Array } products
                && products.GetArrayLength() > 0)
            {
                pages.Add($"/console/releases/release?product={Uri.EscapeDataString(products[0].GetProperty("product").GetString()!)}" +
                    $"&version={Uri.EscapeDataString(products[0].GetProperty("newest").GetString()!)}");
            }
        }

        // console-admin: the privacy dashboard, the catalog browser, an event page, the summary and the settings.
        pages.AddRange(await AdminPagesAsync(http, cancellationToken));

        var o = System.Console.Out;
        o.WriteLine($"Console pages of {url} ({repeat} answers each; ms from request to last byte):");
        o.WriteLine($"  {"page",-70} {"status",6} {"median",8} {"slowest",8}");
        var slow = 0;
        foreach (var page in pages)
        {
            var times = new List<double>();
            var status = 0;
            for (var i = 0; i < repeat; i++)
            {
                var watch = Stopwatch.StartNew();
                using var response = await http.GetAsync(page, HttpCompletionOption.ResponseContentRead, cancellationToken);
                watch.Stop();
                status = (int)response.StatusCode;
                times.Add(watch.Elapsed.TotalMilliseconds);
            }

            times.Sort();
            var median = times[times.Count / 2];
            slow += median >= 1000 ? 1 : 0;
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {Shorten(page),-70} {status,6} {median,8:F0} {times[^1],8:F0}"));
            if (status != 200)
            {
                throw new CliException($"{page} answered {status}, not 200.");
            }
        }

        o.WriteLine(slow == 0 ? "Every page's median is under 1 s." : $"{slow} page(s) took 1 s or more (median).");
        return slow == 0 ? 0 : 1;
    }

    private static async Task SignInAsync(HttpClient http, string token, CancellationToken cancellationToken)
    {
        var form = await http.GetStringAsync("/console/sign-in", cancellationToken);
        var verification = VerificationToken().Match(form);
        if (!verification.Success)
        {
            throw new CliException("the sign-in page has no anti-forgery token: is this a Candor collector with the console?");
        }

        using var body = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "sign-in",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(verification.Groups[1].Value),
            ["Input.Token"] = token,
        });
        using var response = await http.PostAsync("/console/sign-in", body, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Redirect && response.StatusCode != HttpStatusCode.Found)
        {
            throw new CliException($"sign-in was refused ({(int)response.StatusCode}): check the admin token.");
        }
    }

    /// <summary>The read-only pages of the privacy dashboard, the catalog and the settings (the device lookup is left
    /// out: every view of a device's data is audited, and a bench should not fill the audit log).</summary>
    private static async Task<List<string>> AdminPagesAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var pages = new List<string> { "/console/privacy?action=policy", "/console/catalog", "/console/catalog?q=crash&level=required",
            "/console/catalog/summary", "/console/settings" };
        using var first = await http.GetAsync("/console/catalog", cancellationToken);
        var html = await first.Content.ReadAsStringAsync(cancellationToken);
        if (CatalogEventLink().Match(html) is { Success: true } link)
        {
            pages.Insert(3, WebUtility.HtmlDecode(link.Groups[1].Value));
        }

        return pages;
    }

    private static string Shorten(string page) => page.Length <= 70 ? page : page[..67] + "...";

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex VerificationToken();

    [GeneratedRegex("href=\"(/console/catalog/event\\?name=[^\"]+)\"")]
    private static partial Regex CatalogEventLink();
}
