using System.Reflection;
using Candor.Core.Catalog;

namespace Candor.Client;

/// <summary>Fills the options an app did not set from what its build produced, so that an app sets only the
/// collector and its key: the compiled catalog and the product that the package's targets embed for a
/// <c>&lt;CandorCatalog&gt;</c> item (the manifest resource <see cref="CatalogResourceName"/> and the assembly
/// metadata <see cref="ProductIdMetadataKey"/>), the app's version, and a data folder per product under the user's
/// local application data. <c>AddCandor</c> of Candor.Client.Extensions.Hosting applies it after the app's own
/// configuration; a console app calls <see cref="Apply"/> before <see cref="CandorClient.Create"/>.</summary>
public static class CandorClientDefaults
{
    /// <summary>The name of the manifest resource that holds the compiled catalog (MSBuild property
    /// <c>CandorCatalogResourceName</c> of the targets).</summary>
    public const string CatalogResourceName = "Candor.Catalog.candor.json";

    /// <summary>The <see cref="AssemblyMetadataAttribute"/> key that holds the product id (the item's
    /// <c>Product</c>).</summary>
    public const string ProductIdMetadataKey = "CandorProductId";

    /// <summary>Sets every option that is still null or empty and that the app's assembly can give: <c>Catalog</c>,
    /// <c>ProductId</c>, <c>AppVersion</c> (the informational version without pre-release or build suffix, else the
    /// assembly version) and <c>DataFolder</c> (<c>LocalApplicationData/Candor/PRODUCT</c>). Options already set are
    /// kept. Missing values stay missing, and <see cref="CandorClientOptions.Validate"/> reports them.</summary>
    /// <param name="options">The options to complete.</param>
    /// <param name="app">The app's assembly; default the entry assembly.</param>
    /// <returns><paramref name="options"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="System.Text.Json.JsonException">The embedded catalog is not a compiled catalog.</exception>
    public static CandorClientOptions Apply(CandorClientOptions options, Assembly? app = null)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        app ??= Assembly.GetEntryAssembly();
        if (app is null)
        {
            return options;
        }

        options.Catalog ??= LoadCatalog(app);
        if (string.IsNullOrWhiteSpace(options.ProductId))
        {
            options.ProductId = app.GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(a => string.Equals(a.Key, ProductIdMetadataKey, StringComparison.Ordinal))?.Value;
        }

        if (string.IsNullOrWhiteSpace(options.AppVersion))
        {
            options.AppVersion = AppVersion(app);
        }

        if (string.IsNullOrWhiteSpace(options.DataFolder) && !string.IsNullOrWhiteSpace(options.ProductId))
        {
            var local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create);
            options.DataFolder = Path.Combine(string.IsNullOrEmpty(local) ? AppContext.BaseDirectory : local, "Candor", options.ProductId);
        }

        return options;
    }

    private static CompiledCatalog? LoadCatalog(Assembly app)
    {
        using var stream = app.GetManifestResourceStream(CatalogResourceName);
        if (stream is null)
        {
            return null;
        }

        using var reader = new StreamReader(stream);
        return CompiledCatalogJson.Parse(reader.ReadToEnd());
    }

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
