using Candor.Core.Catalog;

namespace Candor.Client.Storage;

/// <summary>The copy of the compiled catalog in the data folder (<c>catalog.json</c>, with <c>catalog.hash</c>): the
/// viewer shows each uploaded event's description from it, without needing the app.</summary>
internal static class CatalogCopy
{
    /// <summary>Writes the copy unless the one there has the same content hash.</summary>
    /// <exception cref="IOException">The data folder cannot be written.</exception>
    public static void Write(string dataFolder, CompiledCatalog catalog)
    {
        var hashPath = Path.Combine(dataFolder, "catalog.hash");
        if (!string.Equals(DataFolder.ReadAllTextOrNull(hashPath), catalog.ContentHash, StringComparison.Ordinal) || catalog.ContentHash.Length == 0)
        {
            DataFolder.WriteAllTextAtomic(Path.Combine(dataFolder, "catalog.json"), CompiledCatalogJson.Serialize(catalog));
            DataFolder.WriteAllTextAtomic(hashPath, catalog.ContentHash);
        }
    }
}
