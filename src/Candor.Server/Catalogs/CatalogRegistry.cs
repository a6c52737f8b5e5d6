using Candor.Core.Catalog;

namespace Candor.Server.Catalogs;

/// <summary>The compiled catalogs a collector serves, by family id. Immutable after start; thread-safe.</summary>
internal sealed class CatalogRegistry
{
    private readonly Dictionary<string, CatalogIndex> _families;

    private CatalogRegistry(Dictionary<string, CatalogIndex> families) => _families = families;

    public IReadOnlyCollection<string> Families => _families.Keys;

    public bool TryGet(string family, out CatalogIndex catalog) => _families.TryGetValue(family, out catalog!);

    /// <summary>Builds the registry from catalogs given in code and the <c>*.json</c> compiled catalogs under a
    /// folder. Every problem (an unreadable file, two catalogs of one family) is added to <paramref name="errors"/>.</summary>
    public static CatalogRegistry Create(IEnumerable<CompiledCatalog> given, string? root, List<string> errors)
    {
        var families = new Dictionary<string, CatalogIndex>(StringComparer.Ordinal);
        void Add(CompiledCatalog catalog, string origin)
        {
            if (string.IsNullOrEmpty(catalog.Family.Id))
            {
                errors.Add($"{origin}: the catalog names no family.");
            }
            else if (!families.TryAdd(catalog.Family.Id, new CatalogIndex(catalog)))
            {
                errors.Add($"{origin}: a catalog of family '{catalog.Family.Id}' is already loaded.");
            }
        }

        foreach (var catalog in given)
        {
            Add(catalog, "catalog given at start");
        }

        if (root is not null && Directory.Exists(root))
        {
            foreach (var file in Directory.GetFiles(root, "*.json").Order(StringComparer.Ordinal))
            {
                try
                {
                    Add(CompiledCatalogJson.Load(file), file);
                }
                catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
                {
                    errors.Add($"{file}: {ex.Message}");
                }
            }
        }

        if (families.Count == 0)
        {
            errors.Add("Catalogs: no catalog is loaded; give compiled catalogs (candor catalog compile) or a catalog root.");
        }

        return new CatalogRegistry(families);
    }
}
