using Candor.Core.Catalog;

namespace Candor.Fleet.Simulation;

/// <summary>How the fifteen Dynamics 365 clients are used and how they fail, as the fleet models them. A product
/// of another catalog gets a generic profile from its device class, so the fleet runs on any family.</summary>
internal static class ProductKnowledge
{
    private sealed record Known(
        int Major, int Minor, double Popularity, (string, double)[] Platforms, double SessionsPerWeekday, double WeekendFactor,
        double SessionMinutes, double IntervalSeconds, double UpdatePerDay, double LaunchMs, string[] Operations,
        int? VersionCount = null, double NewestShare = 0.5, string DesktopInstall = "msi");

    private static readonly Dictionary<string, Known> Products = new(StringComparer.Ordinal)
    {
        ["d365.business-central-mobile"] = new(25, 1, 6, [("android", .5), ("ios", .4), ("windows", .1)], 3.5, .25, 7, 50, .10, 1800,
            ["sync", "service_call", "form_save", "search"]),
        ["d365.crm-mobile"] = new(9, 3, 8, [("android", .45), ("ios", .45), ("windows", .1)], 4, .2, 8, 45, .10, 2000,
            ["sync", "service_call", "form_save", "search", "form_load"]),
        ["d365.customer-engagement"] = new(9, 2, 11, [("windows", .7), ("macos", .1), ("web", .2)], 2.2, .1, 55, 170, .07, 2600,
            ["service_call", "form_save", "search", "form_load"]),
        ["d365.field-service"] = new(9, 4, 12, [("android", .55), ("ios", .35), ("windows", .1)], 4.5, .35, 10, 45, .12, 2200,
            ["sync", "service_call", "form_save", "search", "form_load"], VersionCount: 5, NewestShare: .45),
        ["d365.finance-operations"] = new(10, 0, 8, [("windows", .6), ("web", .4)], 2, .1, 60, 180, .06, 3000,
            ["service_call", "form_save", "search", "form_load"]),
        ["d365.guides"] = new(8, 1, 5, [("hololens", .75), ("windows", .25)], 1.6, .1, 25, 90, .08, 4200,
            ["service_call", "model_load"], DesktopInstall: "microsoft_store"),
        ["d365.import-tool"] = new(1, 2, 3, [("windows", 1)], .7, .05, 30, 240, .05, 1500,
            ["service_call", "import_batch"]),
        ["d365.layout"] = new(6, 3, 3, [("hololens", .7), ("windows", .3)], 1.2, .1, 20, 100, .08, 4000,
            ["service_call", "model_load"], DesktopInstall: "microsoft_store"),
        ["d365.product-visualize"] = new(3, 2, 3, [("ios", 1)], 1.5, .2, 10, 60, .10, 2500,
            ["service_call", "model_load"]),
        ["d365.psa-addin"] = new(3, 1, 4, [("windows", 1)], 1.5, .1, 40, 200, .05, 1400,
            ["sync", "service_call", "plan_publish"]),
        ["d365.remote-assist"] = new(7, 2, 5, [("hololens", .5), ("android", .25), ("ios", .25)], 1.5, .15, 18, 90, .09, 3500,
            ["service_call", "call_connect", "model_load"]),
        ["d365.sales-teams"] = new(1, 4, 9, [("windows", .55), ("macos", .1), ("web", .15), ("android", .1), ("ios", .1)], 3, .15, 20, 120, .10, 1600,
            ["service_call", "form_save", "form_load"], DesktopInstall: "msix"),
        ["d365.unified-service-desk"] = new(4, 2, 6, [("windows", 1)], 1.8, .1, 90, 240, .04, 5200,
            ["service_call", "form_save", "search", "form_load", "session_open"]),
        ["d365.outlook"] = new(9, 1, 10, [("windows", 1)], 1.8, .15, 120, 400, .05, 1700,
            ["sync", "service_call", "item_track", "form_load"]),
        ["d365.nav-mobile"] = new(2, 3, 4, [("android", .5), ("ios", .4), ("windows", .1)], 3, .2, 6, 50, .04, 1900,
            ["sync", "service_call", "form_save", "search"], VersionCount: 6, NewestShare: .3),
    };

    private static readonly Dictionary<string, OperationProfile> Operations = new(StringComparer.Ordinal)
    {
        ["sync"] = new("sync", 2500, .5, .03, "offline_sync", ["http_503", "0x80072ee2", "sync_conflict"], 3),
        ["service_call"] = new("service_call", 350, .7, .015, "record_retrieve", ["http_500", "http_503", "http_429", "0x80040220"], 4),
        ["form_save"] = new("form_save", 600, .5, .01, "record_save", ["0x80040237", "0x80040220", "http_412"], 2),
        ["search"] = new("search", 450, .6, .01, "relevance_search", ["http_400", "search_timeout"], 2),
        ["form_load"] = new("form_load", 1100, .55, .005, "form_render", ["script_error", "http_404"], 3),
        ["model_load"] = new("model_load", 2800, .6, .02, "model_download", ["http_404", "0x8007000e", "http_503"], 2),
        ["call_connect"] = new("call_connect", 3500, .5, .04, "call_connect", ["ice_failed", "http_403", "media_timeout"], 2),
        ["import_batch"] = new("import_batch", 9000, .5, .05, "data_import", ["0x80040333", "http_429"], 4),
        ["plan_publish"] = new("plan_publish", 7000, .6, .03, "project_publish", ["0x80040265", "http_409"], 2),
        ["item_track"] = new("item_track", 400, .5, .02, "item_tracking", ["0x80040217", "com_rejected"], 3),
        ["session_open"] = new("session_open", 2200, .5, .01, "customer_session", ["hosted_control_failed", "http_500"], 3),
    };

    /// <summary>Builds the profile of every catalog product; the release list depends on the seed and the end of
    /// the simulated period.</summary>
    public static IReadOnlyList<ProductProfile> Build(CompiledCatalog catalog, DateTimeOffset end, Random rng)
    {
        var profiles = new List<ProductProfile>();
        foreach (var product in catalog.Products)
        {
            var known = Products.GetValueOrDefault(product.Id) ?? Generic(product);
            var count = known.VersionCount ?? 3 + rng.Next(4);
            var versions = ProductProfile.MonthlyVersions(known.Major, known.Minor, count, end, rng);
            var isRegressionProduct = product.Id == FailurePatterns.RegressionProduct;
            var platforms = known.Platforms.Where(p => product.Platforms.Contains(p.Item1, StringComparer.Ordinal)).ToList();
            if (platforms.Count == 0)
            {
                platforms = [.. product.Platforms.Select(p => (p, 1.0))];
            }

            profiles.Add(new ProductProfile
            {
                Definition = product,
                Versions = versions,
                InitialShare = ProductProfile.SkewedShare(count, known.NewestShare),
                Popularity = known.Popularity,
                Platforms = platforms,
                SessionsPerWeekday = known.SessionsPerWeekday,
                WeekendFactor = known.WeekendFactor,
                SessionMedianMinutes = known.SessionMinutes,
                ActivityIntervalSeconds = known.IntervalSeconds,
                UpdatePerDay = known.UpdatePerDay,
                InstallType = known.DesktopInstall,
                UpdateSource = known.DesktopInstall switch { "microsoft_store" or "msix" => "microsoft_store", _ => "installer" },
                Operations = [.. known.Operations.Select(o => Operations[o])],
                Crashes = CrashesOf(product.Id),
                LaunchMedianMs = known.LaunchMs,
                SyncDuration = isRegressionProduct
                    ? v => v == count - 1 ? FailurePatterns.RegressedSync : FailurePatterns.BaselineSync
                    : _ => (Operations["sync"].MedianMs * (product.Id == "d365.psa-addin" ? 2.4 : 1), Operations["sync"].Sigma),
            });
        }

        return profiles;
    }

    private static CrashPattern[] CrashesOf(string productId) => productId switch
    {
        "d365.field-service" => [FailurePatterns.SyncEngineNullReference, FailurePatterns.ServiceCallCancelled],
        "d365.guides" or "d365.layout" or "d365.remote-assist" => [FailurePatterns.RendererOutOfMemory, FailurePatterns.ServiceCallCancelled],
        "d365.outlook" => [FailurePatterns.OutlookItemTrackingCom, FailurePatterns.ServiceCallCancelled],
        "d365.psa-addin" => [FailurePatterns.ProjectPublishCom, FailurePatterns.ServiceCallCancelled],
        "d365.unified-service-desk" => [FailurePatterns.UsdSessionDisposed, FailurePatterns.ServiceCallCancelled],
        _ => [FailurePatterns.ServiceCallCancelled],
    };

    private static Known Generic(ProductDefinition product) => product.DeviceClass switch
    {
        "mobile" => new(1, 0, 4, [], 3, .2, 8, 60, .08, 2000, ["sync", "service_call", "search"]),
        "mixed_reality" => new(1, 0, 3, [], 1.5, .1, 20, 90, .08, 4000, ["service_call", "model_load"]),
        _ => new(1, 0, 5, [], 2, .1, 45, 180, .06, 2500, ["service_call", "form_save", "search"]),
    };
}
