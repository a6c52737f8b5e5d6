using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Candor.Core.Catalog;

/// <summary>Reads and writes the compiled catalog file. The JSON is canonical (fixed property order, no
/// insignificant differences), so the same catalog always gives the same bytes and the same hash.</summary>
public static class CompiledCatalogJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
    };

    /// <summary>Serializes a catalog to its canonical JSON text (LF line endings).</summary>
    public static string Serialize(CompiledCatalog catalog)
    {
        if (catalog is null)
        {
            throw new ArgumentNullException(nameof(catalog));
        }

        return JsonSerializer.Serialize(catalog, Options).Replace("\r\n", "\n");
    }

    /// <summary>Returns the catalog with <see cref="CompiledCatalog.ContentHash"/> set to the SHA-256 of its
    /// canonical JSON (computed with an empty hash).</summary>
    public static CompiledCatalog WithContentHash(CompiledCatalog catalog)
    {
        var unhashed = Copy(catalog, "");
        var json = Serialize(unhashed);
        using var sha = SHA256.Create();
        var digest = sha.ComputeHash(Encoding.UTF8.GetBytes(json));
        var hex = new StringBuilder(digest.Length * 2);
        foreach (var b in digest)
        {
            hex.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return Copy(catalog, hex.ToString());
    }

    /// <summary>Parses a compiled catalog. Throws <see cref="InvalidDataException"/> with a clear message when
    /// the text is not a compiled catalog or its format version is unknown.</summary>
    public static CompiledCatalog Parse(string json)
    {
        CompiledCatalog? catalog;
        try
        {
            catalog = JsonSerializer.Deserialize<CompiledCatalog>(json, Options);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Not a compiled Candor catalog: {ex.Message}", ex);
        }

        if (catalog is null)
        {
            throw new InvalidDataException("Not a compiled Candor catalog: the file is empty.");
        }

        if (catalog.FormatVersion != CompiledCatalog.CurrentFormatVersion)
        {
            throw new InvalidDataException(
                $"Compiled catalog format version {catalog.FormatVersion} is not supported; this build reads version {CompiledCatalog.CurrentFormatVersion}. Recompile it with './candor catalog compile'.");
        }

        return catalog;
    }

    /// <summary>Reads a compiled catalog file; see <see cref="Parse"/>.</summary>
    public static CompiledCatalog Load(string path) => Parse(File.ReadAllText(path, Encoding.UTF8));

    private static CompiledCatalog Copy(CompiledCatalog c, string hash) => new()
    {
        FormatVersion = c.FormatVersion,
        ContentHash = hash,
        Family = c.Family,
        Products = c.Products,
        CommonFields = c.CommonFields,
        Events = c.Events,
    };
}
