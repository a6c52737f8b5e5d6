using System.Globalization;
using Candor.Analytics.Health;
using Candor.Server.Access;
using Candor.Server.Analytics;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Candor.Server.Console.Shell;

/// <summary>What every signed-in console page has: the request, who signed in (the same <see cref="Access.Principal"/>
/// an API call has), and the time range and product of its URL, so that every view is a shareable link. The range is
/// the API's window: days <c>from</c>..<c>to</c> (UTC), the last 30 days by default, as <c>/v1/analytics</c> reads it.</summary>
public abstract class ConsolePage : ComponentBase
{
    /// <summary>The request being rendered (static server-side rendering: there is always one).</summary>
    [CascadingParameter]
    public HttpContext HttpContext { get; set; } = default!;

    /// <summary>The range key of the URL: <c>1d</c>, <c>7d</c>, <c>30d</c> (default) or <c>custom</c> with from/to.</summary>
    [SupplyParameterFromQuery(Name = "range")]
    public string? RangeKey { get; set; }

    /// <summary>The first day (yyyy-MM-dd) of a custom range.</summary>
    [SupplyParameterFromQuery(Name = "from")]
    public string? FromText { get; set; }

    /// <summary>The last day (yyyy-MM-dd) of a custom range.</summary>
    [SupplyParameterFromQuery(Name = "to")]
    public string? ToText { get; set; }

    /// <summary>The product filter, or none.</summary>
    [SupplyParameterFromQuery(Name = "product")]
    public string? ProductFilter { get; set; }

    /// <summary>The collector's services.</summary>
    [Inject]
    public IServiceProvider Services { get; set; } = default!;

    private protected Principal Principal => ((TenantIdentity)HttpContext.User.Identity!).Principal;

    private protected TimeProvider Time => Services.GetRequiredService<TimeProvider>();

    /// <summary>The analytics of this collector (both stores offer it).</summary>
    private protected AnalyticsService Analytics => Services.GetRequiredService<AnalyticsService>();

    private protected string? RangeError { get; private set; }

    /// <summary>The window of the URL for this tenant; an invalid custom range falls back to the default and says so.</summary>
    private protected HealthWindow Window
    {
        get
        {
            var window = WindowOf(Principal.Tenant.Id, DateOnly.FromDateTime(Time.GetUtcNow().UtcDateTime), RangeKey, FromText, ToText,
                ProductFilter, out var error);
            RangeError = error;
            return window;
        }
    }

    /// <summary>The window a console URL names (<c>range</c>, <c>from</c>, <c>to</c>, <c>product</c>) for a tenant on
    /// <paramref name="today"/>: what a page shows and what its CSV download (<c>Tables/CsvEndpoint</c>) holds.</summary>
    internal static HealthWindow WindowOf(Guid tenant, DateOnly today, string? range, string? fromText, string? toText, string? productText,
        out string? error)
    {
        error = null;
        var product = string.IsNullOrWhiteSpace(productText) ? null : productText.Trim();
        switch (range)
        {
            case "1d":
                return new HealthWindow(tenant, today, today, product);
            case "7d":
                return new HealthWindow(tenant, today.AddDays(-6), today, product);
            case "custom":
                if (Day(fromText) is { } from && Day(toText) is { } to
                    && new HealthWindow(tenant, from, to, product) is var custom && custom.Validate().Count == 0)
                {
                    return custom;
                }

                error = "The custom range needs two days (from before to, at most 400 days apart); showing the last 30 days.";
                break;
        }

        return new HealthWindow(tenant, today.AddDays(-29), today, product);
    }

    /// <summary>Answers 404 with the page's own body (what is missing), not the collector's problem JSON that its
    /// status-code pages would otherwise put in place of a page.</summary>
    private protected void NotFound()
    {
        // Set as the answer starts, after the page has rendered: a 404 set during rendering makes the framework render
        // its own not-found answer (an empty body) instead of this page.
        var response = HttpContext.Response;
        response.OnStarting(() =>
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
        if (HttpContext.Features.Get<IStatusCodePagesFeature>() is { } statusCodePages)
        {
            statusCodePages.Enabled = false;
        }
    }

    /// <summary>The query string that keeps this page's range and product, plus <paramref name="extra"/>.</summary>
    private protected string Query(params (string Name, string? Value)[] extra)
    {
        var pairs = new List<KeyValuePair<string, string?>>();
        if (!string.IsNullOrEmpty(RangeKey))
        {
            pairs.Add(new("range", RangeKey));
        }

        if (RangeKey == "custom")
        {
            pairs.Add(new("from", FromText));
            pairs.Add(new("to", ToText));
        }

        if (!string.IsNullOrWhiteSpace(ProductFilter) && extra.All(e => e.Name != "product"))
        {
            pairs.Add(new("product", ProductFilter));
        }

        pairs.AddRange(extra.Where(e => !string.IsNullOrEmpty(e.Value)).Select(e => new KeyValuePair<string, string?>(e.Name, e.Value)));
        return QueryString.Create(pairs).ToString();
    }

    /// <summary>Whether the signed-in role may do <paramref name="permission"/> (the same table as the API).</summary>
    private protected bool May(Permission permission) => Roles.Allows(Principal.Role, permission);

    private protected static string Percent(double share) => share.ToString("P1", CultureInfo.InvariantCulture);

    private protected static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static DateOnly? Day(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;
}
