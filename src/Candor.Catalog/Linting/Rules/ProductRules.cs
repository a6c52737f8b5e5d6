using System.Text.RegularExpressions;
using Candor.Catalog.Diagnostics;

namespace Candor.Catalog.Linting.Rules;

/// <summary>CAT013: a product declares what the summary lists about it.</summary>
internal sealed class ProductRequiredKeysRule : CatalogRule
{
    public override string Code => "CAT013";

    public override Severity Severity => Severity.Error;

    public override string Title => "A product declares id, displayName, platforms and deviceClass";

    public override IEnumerable<CatalogDiagnostic> Check(LintContext context)
    {
        foreach (var product in context.Source.Products)
        {
            foreach (var key in new[] { "id", "displayName", "platforms", "deviceClass" })
            {
                if (!product.Has(key) || (key == "displayName" && string.IsNullOrWhiteSpace(product.DisplayName)))
                {
                    yield return Report(product.Location, $"Product '{product.Id ?? "(no id)"}' has no '{key}'.",
                        $"Add '{key}:' to the product (see docs/catalog.md, section products).");
                }
            }
        }
    }
}

/// <summary>CAT014: product ids are lowercase <c>prefix.product</c>, so that the wire and the console can rely on them.</summary>
internal sealed partial class ProductIdShapeRule : CatalogRule
{
    public override string Code => "CAT014";

    public override Severity Severity => Severity.Error;

    public override string Title => "A product id is lowercase family-prefix.product";

    public override IEnumerable<CatalogDiagnostic> Check(LintContext context)
    {
        foreach (var product in context.Source.Products.Where(p => p.Has("id")))
        {
            if (product.Id is not { } id || id.Length > 64 || !ProductId().IsMatch(id))
            {
                yield return Report(product.At("id"), $"Product id '{product.Id}' is not a lowercase 'prefix.product' id of at most 64 characters.",
                    "Use the family prefix, a dot and the product in lowercase letters, digits and dashes, e.g. d365.field-service.");
            }
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9]*\\.[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex ProductId();
}

/// <summary>CAT015: product ids are unique, so that an event's product list means one thing.</summary>
internal sealed class DuplicateProductIdRule : CatalogRule
{
    public override string Code => "CAT015";

    public override Severity Severity => Severity.Error;

    public override string Title => "Product ids are unique";

    public override IEnumerable<CatalogDiagnostic> Check(LintContext context)
    {
        var first = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        foreach (var product in context.Source.Products.Where(p => !string.IsNullOrEmpty(p.Id)))
        {
            if (first.TryGetValue(product.Id!, out var earlier))
            {
                yield return Report(product.At("id"), $"Product id '{product.Id}' is declared again; the first is at {earlier}.",
                    "Remove the second product or give it its own id.");
            }
            else
            {
                first[product.Id!] = product.At("id");
            }
        }
    }
}

/// <summary>CAT016: platforms and device class come from the fixed lists the console and the summary know.</summary>
internal sealed class ProductValuesRule : CatalogRule
{
    public static readonly string[] Platforms = ["windows", "macos", "linux", "android", "ios", "hololens", "web"];
    public static readonly string[] DeviceClasses = ["desktop", "mobile", "mixed_reality", "browser"];

    public override string Code => "CAT016";

    public override Severity Severity => Severity.Error;

    public override string Title => "A product's platforms and deviceClass are known values";

    public override IEnumerable<CatalogDiagnostic> Check(LintContext context)
    {
        foreach (var product in context.Source.Products)
        {
            if (product.Platforms is { Count: 0 })
            {
                yield return Report(product.At("platforms"), $"Product '{product.Id}' lists no platform.",
                    $"List the platforms it runs on, from: {string.Join(", ", Platforms)}.");
            }

            foreach (var platform in (product.Platforms ?? []).Where(p => !Platforms.Contains(p, StringComparer.Ordinal)))
            {
                yield return Report(product.At("platforms"), $"Product '{product.Id}' lists an unknown platform '{platform}'.",
                    $"Use one of: {string.Join(", ", Platforms)}.");
            }

            if (product.Has("deviceClass") && !DeviceClasses.Contains(product.DeviceClass, StringComparer.Ordinal))
            {
                yield return Report(product.At("deviceClass"), $"Product '{product.Id}' has an unknown deviceClass '{product.DeviceClass}'.",
                    $"Use one of: {string.Join(", ", DeviceClasses)}.");
            }
        }
    }
}
