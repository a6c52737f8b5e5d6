using System.Reflection;
using Candor.Core.Catalog;
using Microsoft.Extensions.Options;

namespace Candor.Client.Extensions.Hosting;

/// <summary>Fills the options an app did not set from what its build produced, so that configuration needs only the
/// collector and the key: the compiled catalog and the product that the Candor.Client targets embed for a
/// <c>CandorCatalog</c> item (a manifest resource and an assembly metadata attribute), the entry assembly's version,
/// and a per-product data folder. Runs after every configure step, so anything the app sets wins.</summary>
internal sealed class AppDefaults : IPostConfigureOptions<CandorClientOptions>
{
    /// <summary>The manifest resource the targets embed (build/Candor.Client.targets, CandorCatalogResourceName).</summary>
    public const string CatalogResource = "Candor.Catalog.candor.json";

    /// <summary>The assembly metadata key the targets write from the item's Product.</summary>
    public const string ProductMetadata = "CandorProductId";

    private readonly Assembly? _app;

    public AppDefaults()
        : this(Assembly.GetEntryAssembly())
    {
    }

    internal AppDefaults(Assembly? app) => _app = app;

    public void PostConfigure(string? name, CandorClientOptions options)
    {
        if (_app is null || options is null)
        {
            return;
        }

        options.Catalog ??= LoadCatalog(_app);
        if (string.IsNullOrWhiteSpace(options.ProductId))
        {
            options.ProductId = _app.GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(a => string.Equals(a.Key, ProductMetadata, StringComparison.Ordinal))?.Value;
        }

        if (string.IsNullOrWhiteSpace(options.AppVersion))
        {
            options.AppVersion = AppVersion(_app);
        }

        if (string.IsNullOrWhiteSpace(options.DataFolder) && !string.IsNullOrWhiteSpace(options.ProductId))
        {
            var local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create);
            options.DataFolder = Path.Combine(string.IsNullOrEmpty(local) ? AppContext.BaseDirectory : local, "Candor", options.ProductId);
        }
    }

    private static CompiledCatalog? LoadCatalog(Assembly app)
    {
        using var stream = app.GetManifestResourceStream(CatalogResource);
        if (stream is null)
        {
            // No CandorCatalog item: Validate reports the missing catalog with the other problems.
            return null;
        }

        using var reader = new StreamReader(stream);
        return CompiledCatalogJson.Parse(reader.ReadToEnd());
    }

    /// <summary>The informational version without its pre-release and build suffixes (1.2.3-beta+abc -> 1.2.3), which
    /// is what the catalog's version format takes; else the assembly version.</summary>
    private static string? AppVersion(Assembly app)
    {
        var informational = app.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (!string.IsNullOrWhiteSpace(informational))
        {
            var end = informational!.IndexOfAny(['-', '+']);
            return end < 0 ? informational : informational.Substring(0, end);
        }

        return app.GetName().Version?.ToString();
    }
}
