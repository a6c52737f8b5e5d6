using System.Globalization;
using Candor.Catalog.Loading;
using Candor.Core.Catalog;
using Candor.Core.Model;

namespace Candor.Catalog.Compilation;

/// <summary>Turns lint-clean catalog sources into the <see cref="CompiledCatalog"/> the SDK and collector load.
/// It assumes the lint found no error (the callers check); values it cannot map are a programming error.</summary>
internal static class CatalogCompiler
{
    public static CompiledCatalog Compile(CatalogSource source)
    {
        var family = source.Family ?? throw new InvalidOperationException("A catalog without a family cannot be compiled.");
        var catalog = new CompiledCatalog
        {
            Family = new FamilyDefinition
            {
                Id = family.Id ?? "",
                DisplayName = family.DisplayName ?? "",
                Published = family.Published ?? "",
                Description = family.Description ?? "",
                Levels = (family.Levels ?? []).Select(ParseLevel).Distinct().ToList(),
                MaxRetentionDays = family.MaxRetentionDays ?? 0,
                PrivacyLinks = family.PrivacyLinks.Select(ToLink).ToList(),
                AdminLinks = family.AdminLinks.Select(ToLink).ToList(),
            },
            Products = source.Products.Select(p => new ProductDefinition
            {
                Id = p.Id ?? "",
                DisplayName = p.DisplayName ?? "",
                Description = p.Description ?? "",
                Platforms = p.Platforms ?? [],
                DeviceClass = p.DeviceClass ?? "",
            }).ToList(),
            CommonFields = source.CommonFields.Select(ToField).ToList(),
            Events = source.Events
                .OrderBy(e => e.Name, StringComparer.Ordinal)
                .Select(e => new EventDefinition
                {
                    Name = e.Name ?? "",
                    Description = e.Description ?? "",
                    Level = ParseLevel(e.Level),
                    Category = ParseCategory(e.Category),
                    AllProducts = e.AllProducts,
                    Products = e.AllProducts ? [] : (e.Products ?? []).Select(p => p.Id).ToList(),
                    Owner = e.Owner ?? "",
                    Added = e.Added ?? "",
                    Expires = string.Equals(e.Expires, "never", StringComparison.Ordinal) ? null : e.Expires,
                    RetentionDays = e.RetentionDays ?? 0,
                    Sampling = e.Sampling ?? 1.0,
                    Fields = e.Fields.Select(ToField).ToList(),
                })
                .ToList(),
        };
        return CompiledCatalogJson.WithContentHash(catalog);
    }

    private static Link ToLink(LinkSource link) => new() { Title = link.Title ?? "", Url = link.Url ?? "" };

    private static FieldDefinition ToField(FieldSource f) => new()
    {
        Name = f.Name ?? "",
        WireName = f.WireName,
        Type = WireNames.TryParseFieldType(f.Type, out var t) ? t : throw Invalid("type", f.Type),
        Values = f.Values ?? [],
        Description = f.Description ?? "",
        Required = f.Required ?? false,
        MaxLength = f.MaxLength,
        Classification = WireNames.TryParseClassification(f.Classification, out var c) ? c : throw Invalid("classification", f.Classification),
        Category = f.Category is null ? null : ParseCategory(f.Category),
    };

    private static DataLevel ParseLevel(string? text) =>
        WireNames.TryParseLevel(text, out var level) ? level : throw Invalid("level", text);

    private static DataCategory ParseCategory(string? text) =>
        WireNames.TryParseCategory(text, out var category) ? category : throw Invalid("category", text);

    private static InvalidOperationException Invalid(string what, string? value) =>
        new(string.Format(CultureInfo.InvariantCulture, "Cannot compile {0} '{1}': lint the catalog first.", what, value));
}
