using Candor.Core.Catalog;

namespace Candor.Client.Tests.Infrastructure;

internal static class Clients
{
    public static CandorClientOptions Options(Uri collector, string dataFolder, CompiledCatalog? catalog = null, string appVersion = "9.3.2411.1") => new()
    {
        CollectorUrl = collector,
        IngestionKey = TestCollector.Key,
        ProductId = TestCatalogs.Product,
        AppVersion = appVersion,
        DataFolder = dataFolder,
        Catalog = catalog ?? TestCatalogs.Wide,
        AutomaticUpload = false,
        RetryBaseDelay = TimeSpan.FromMilliseconds(50),
        RetryMaxDelay = TimeSpan.FromMilliseconds(200),
        DisposeTimeout = TimeSpan.FromSeconds(2),
        CaptureUnhandledExceptions = false,
    };

    public static CandorClient Create(Uri collector, string dataFolder, Action<CandorClientOptions>? configure = null, CompiledCatalog? catalog = null)
    {
        var options = Options(collector, dataFolder, catalog);
        configure?.Invoke(options);
        return CandorClient.Create(options);
    }

    public static Dictionary<string, object?> Fields(params (string Name, object? Value)[] fields) =>
        fields.ToDictionary(f => f.Name, f => f.Value);
}
