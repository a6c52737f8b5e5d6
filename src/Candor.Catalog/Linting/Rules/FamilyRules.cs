using System.Globalization;
using System.Text.RegularExpressions;
using Candor.Catalog.Diagnostics;
using Candor.Core.Model;

namespace Candor.Catalog.Linting.Rules;

/// <summary>CAT010: the family declares everything the summary and the collection rule are built from.</summary>
internal sealed class FamilyRequiredKeysRule : CatalogRule
{
    public override string Code => "CAT010";

    public override Severity Severity => Severity.Error;

    public override string Title => "The family declares id, displayName, published, levels and maxRetentionDays";

    public override IEnumerable<CatalogDiagnostic> Check(LintContext context)
    {
        // A catalog without any family is the loader's CAT004; the description is CAT035's.
        if (context.Family is not { } family)
        {
            yield break;
        }

        foreach (var key in new[] { "id", "displayName", "published", "levels", "maxRetentionDays" })
        {
            if (!family.Has(key))
            {
                yield return Report(family.Location, $"The family has no '{key}'.",
                    $"Add '{key}:' to the family (see docs/catalog.md, section family).");
            }
        }
    }
}

/// <summary>CAT011: the family's values are well-formed: id, publication date, levels, retention.</summary>
internal sealed partial class FamilyValuesRule : CatalogRule
{
    public override string Code => "CAT011";

    public override Severity Severity => Severity.Error;

    public override string Title => "The family's id, published date, levels and maxRetentionDays are valid";

    public override IEnumerable<CatalogDiagnostic> Check(LintContext context)
    {
        if (context.Family is not { } family)
        {
            yield break;
        }

        if (family.Has("id") && !FamilyId().IsMatch(family.Id ?? ""))
        {
            yield return Report(family.At("id"), $"The family id '{family.Id}' is not lowercase letters, digits and single dashes.",
                "Use an id such as dynamics365-clients (it is also the catalog's folder name).");
        }

        if (family.Has("published") && !IsPublished(family.Published))
        {
            yield return Report(family.At("published"), $"The family's published date '{family.Published}' is not YYYY-MM or YYYY-MM-DD.",
                "Write the publication date of the summary as \"2021-10\" or \"2021-10-15\" (quoted).");
        }

        if (family.Levels is { } levels)
        {
            if (levels.Count == 0)
            {
                yield return Report(family.At("levels"), "The family collects no level at all.",
                    "List the levels the family may collect: [required] for Required data only, or [required, optional].");
            }

            foreach (var level in levels.Where(l => !WireNames.TryParseLevel(l, out _)))
            {
                yield return Report(family.At("levels"), $"The family lists an unknown level '{level}'.",
                    "Use only 'required' and 'optional' in levels.");
            }

            foreach (var level in levels.GroupBy(l => l, StringComparer.Ordinal).Where(g => g.Count() > 1))
            {
                yield return Report(family.At("levels"), $"The family lists level '{level.Key}' more than once.",
                    "List each level once.");
            }
        }

        if (family.MaxRetentionDays is <= 0)
        {
            yield return Report(family.At("maxRetentionDays"),
                $"The family's maxRetentionDays is {family.MaxRetentionDays}; it must be a positive number of days.",
                "Set maxRetentionDays to the longest time any data of the family may be kept, e.g. 365.");
        }
    }

    private static bool IsPublished(string? text) =>
        DateOnly.TryParseExact(text, ["yyyy-MM", "yyyy-MM-dd"], CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex FamilyId();
}

/// <summary>CAT012: every privacy and admin link of the summary has a title and an absolute http(s) URL.</summary>
internal sealed class FamilyLinksRule : CatalogRule
{
    public override string Code => "CAT012";

    public override Severity Severity => Severity.Error;

    public override string Title => "Every privacy and admin link has a title and an absolute http(s) url";

    public override IEnumerable<CatalogDiagnostic> Check(LintContext context)
    {
        if (context.Family is not { } family)
        {
            yield break;
        }

        foreach (var link in family.PrivacyLinks.Concat(family.AdminLinks))
        {
            if (string.IsNullOrWhiteSpace(link.Title))
            {
                yield return Report(link.At("title"), "A link has no title.",
                    "Add 'title:' with the text the summary shows for the link.");
            }

            if (!Uri.TryCreate(link.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                yield return Report(link.At("url"), $"The link '{link.Title}' has no absolute http(s) url ('{link.Url}').",
                    "Write the full address, starting with https://.");
            }
        }
    }
}
