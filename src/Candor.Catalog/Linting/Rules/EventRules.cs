using System.Globalization;
using Candor.Catalog.Diagnostics;
using Candor.Core.Model;

namespace Candor.Catalog.Linting.Rules;

/// <summary>CAT023: every event is Required or Optional; the catalog, not the client, is the authority.</summary>
internal sealed class EventLevelRule : CatalogRule
{
    public override string Code => "CAT023";

    public override Severity Severity => Severity.Error;

    public override string Title => "An event's level is 'required' or 'optional'";

    public override IEnumerable<CatalogDiagnostic> Check(LintContext context)
    {
        foreach (var ev in context.Events)
        {
            if (!ev.Has("level"))
            {
                yield return Report(ev.Location, $"Event '{ev.Name}' has no level.",
                    "Add 'level: required' (needed to keep the product secure, up to date and working) or 'level: optional'.");
            }
            else if (!WireNames.TryParseLevel(ev.Level, out _))
            {
                yield return Report(ev.At("level"), $"Event '{ev.Name}' has an unknown level '{ev.Level}'.",
                    "Use 'required' or 'optional' (lowercase).");
            }
        }
    }
}

/// <summary>CAT024: every event sits in one of the four published data categories.</summary>
internal sealed class EventCategoryRule : CatalogRule
{
    public override string Code => "CAT024";

    public override Severity Severity => Severity.Error;

    public override string Title => "An event's category is one of the four data categories";

    public override IEnumerable<CatalogDiagnostic> Check(LintContext context)
    {
        var known = string.Join(", ", WireNames.AllCategories.Select(c => c.ToWire()));
        foreach (var ev in context.Events)
        {
            if (!ev.Has("category"))
            {
                yield return Report(ev.Location, $"Event '{ev.Name}' has no category.", $"Add 'category:' with one of: {known}.");
            }
            else if (!WireNames.TryParseCategory(ev.Category, out _))
            {
                yield return Report(ev.At("category"), $"Event '{ev.Name}' has an unknown category '{ev.Category}'.", $"Use one of: {known}.");
            }
        }
    }
}

/// <summary>CAT025: an event's level is one the family collects; in a family that collects Required data
/// only, an Optional event would be a promise broken in the catalog itself.</summary>
internal sealed class LevelNotCollectedRule : CatalogRule
{
    public override string Code => "CAT025";

    public override Severity Severity => Severity.Error;

    public override string Title => "An event's level is one the family collects (no Optional event in a Required-only family)";

    public override IEnumerable<CatalogDiagnostic> Check(LintContext context)
    {
        if (context.Family?.Levels is null)
        {
            yield break;
        }

        var levels = string.Join(", ", context.FamilyLevels.Order().Select(l => l.ToWire()));
        foreach (var ev in context.Events)
        {
            if (WireNames.TryParseLevel(ev.Level, out var level) && !context.FamilyLevels.Contains(level))
            {
                yield return Report(ev.At("level"),
                    $"Event '{ev.Name}' is {level.ToWire()}, but family '{context.Family.Id}' collects only: {levels}.",
                    level == DataLevel.Optional
                        ? "Remove the event, or make it required if it is truly needed to keep the product secure, up to date and working."
                        : $"Add '{level.ToWire()}' to the family's levels or change the event's level.");
            }
        }
    }
}

/// <summary>CAT026: someone answers for every event.</summary>
internal sealed class EventOwnerRule : CatalogRule
{
    public override string Code => "CAT026";

    public override Severity Severity => Severity.Error;

    public override string Title => "An event names its owner";

    public override IEnumerable<CatalogDiagnostic> Check(LintContext context)
    {
        foreach (var ev in context.Events.Where(e => string.IsNullOrWhiteSpace(e.Owner)))
        {
            yield return Report(ev.Has("owner") ? ev.At("owner") : ev.Location, $"Event '{ev.Name}' has no owner.",
                "Add 'owner:' with the team or person answerable for the event, e.g. owner: field-service-mobile.");
        }
    }
}

/// <summary>CAT027: the date an event was added is known, since its expiry is measured from it.</summary>
internal sealed class EventAddedRule : CatalogRule
{
    public override string Code => "CAT027";

    public override Severity Severity => Severity.Error;

    public override string Title => "An event's added date is a YYYY-MM-DD date";

    public override IEnumerable<CatalogDiagnostic> Check(LintContext context)
    {
        foreach (var ev in context.Events)
        {
            if (!ev.Has("added"))
            {
                yield return Report(ev.Location, $"Event '{ev.Name}' has no added date.", "Add 'added:' with the date the event was introduced, e.g. added: 2026-01-15.");
            }
            else if (!LintContext.TryParseDate(ev.Added, out _))
            {
                yield return Report(ev.At("added"), $"Event '{ev.Name}' has added '{ev.Added}', which is not a YYYY-MM-DD date.",
                    "Write the date as YYYY-MM-DD, e.g. added: 2026-01-15.");
            }
        }
    }
}

/// <summary>CAT028: an event expires at most 730 days after it was added, or never with a reason, so that
/// data points are reviewed and do not outlive their purpose.</summary>
internal sealed class EventExpiryRule : CatalogRule
{
    public const int MaxDays = 730;

    public override string Code => "CAT028";

    public override Severity Severity => Severity.Error;

    public override string Title => "An event expires at most 730 days after it was added, or 'never' with an expiryJustification";

    public override IEnumerable<CatalogDiagnostic> Check(LintContext context)
    {
        foreach (var ev in context.Events)
        {
            if (!ev.Has("expires"))
            {
                yield return Report(ev.Location, $"Event '{ev.Name}' has no expiry.",
                    $"Add 'expires:' with a date at most {MaxDays} days after 'added', or 'expires: never' with an 'expiryJustification:'.");
            }
            else if (string.Equals(ev.Expires, "never", StringComparison.Ordinal))
            {
                if (string.IsNullOrWhiteSpace(ev.ExpiryJustification))
                {
                    yield return Report(ev.At("expires"), $"Event '{ev.Name}' never expires but gives no expiryJustification.",
                        "Add 'expiryJustification:' saying why the event is needed for as long as the product ships, or give an expiry date.");
                }
            }
            else if (!LintContext.TryParseDate(ev.Expires, out var expires))
            {
                yield return Report(ev.At("expires"), $"Event '{ev.Name}' has expires '{ev.Expires}', which is neither a YYYY-MM-DD date nor 'never'.",
                    "Write the expiry as YYYY-MM-DD, e.g. expires: 2027-12-31, or 'never' with an expiryJustification.");
            }
            else if (LintContext.TryParseDate(ev.Added, out var added))
            {
                var days = expires.DayNumber - added.DayNumber;
                if (days < 0)
                {
                    yield return Report(ev.At("expires"), $"Event '{ev.Name}' expires on {ev.Expires}, before it was added ({ev.Added}).",
                        "Set an expiry date after the added date.");
                }
                else if (days > MaxDays)
                {
                    yield return Report(ev.At("expires"),
                        $"Event '{ev.Name}' expires {days.ToString(CultureInfo.InvariantCulture)} days after it was added; at most {MaxDays} are allowed.",
                        $"Set expires to {added.AddDays(MaxDays).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} or earlier, or 'never' with an expiryJustification.");
                }
            }
        }
    }
}

/// <summary>CAT029: an expired event is still declared. A warning, not an error, so that a release is not
/// blocked on the day a date passes; the collector rejects its data as <c>expired_event</c> anyway.</summary>
internal sealed class ExpiredEventRule : CatalogRule
{
    public override string Code => "CAT029";

    public override Severity Severity => Severity.Warning;

    public override string Title => "An event has not expired";

    public override IEnumerable<CatalogDiagnostic> Check(LintContext context)
    {
        foreach (var ev in context.Events)
        {
            if (LintContext.TryParseDate(ev.Expires, out var expires) && expires < context.Today)
            {
                yield return Report(ev.At("expires"),
                    $"Event '{ev.Name}' expired on {ev.Expires}; the collector rejects its data and the SDK no longer sends it.",
                    "Remove the event and the code that sends it, or review it and set a new expiry date.");
            }
        }
    }
}

/// <summary>CAT030: an event says how long its data is kept.</summary>
internal sealed class EventRetentionRule : CatalogRule
{
    public override string Code => "CAT030";

    public override Severity Severity => Severity.Error;

    public override string Title => "An event's retentionDays is a positive number of days";

    public override IEnumerable<CatalogDiagnostic> Check(LintContext context)
    {
        foreach (var ev in context.Events)
        {
            if (!ev.Has("retentionDays"))
            {
                yield return Report(ev.Location, $"Event '{ev.Name}' has no retentionDays.",
                    "Add 'retentionDays:' with how many days its data is kept, e.g. retentionDays: 90.");
            }
            else if (ev.RetentionDays is <= 0)
            {
                yield return Report(ev.At("retentionDays"), $"Event '{ev.Name}' has retentionDays {ev.RetentionDays}; it must be more than 0.",
                    "Set retentionDays to the number of days its data is needed, e.g. 90.");
            }
        }
    }
}

/// <summary>CAT031: no event keeps data longer than its family allows.</summary>
internal sealed class RetentionOverFamilyMaximumRule : CatalogRule
{
    public override string Code => "CAT031";

    public override Severity Severity => Severity.Error;

    public override string Title => "An event's retentionDays is at most the family's maxRetentionDays";

    public override IEnumerable<CatalogDiagnostic> Check(LintContext context)
    {
        if (context.Family?.MaxRetentionDays is not { } max || max <= 0)
        {
            yield break;
        }

        foreach (var ev in context.Events.Where(e => e.RetentionDays > max))
        {
            yield return Report(ev.At("retentionDays"),
                $"Event '{ev.Name}' keeps data for {ev.RetentionDays} days, longer than the family's maximum of {max}.",
                $"Set retentionDays to {max} or less.");
        }
    }
}

/// <summary>CAT032: a sampling rate is a fraction of devices in (0, 1].</summary>
internal sealed class EventSamplingRule : CatalogRule
{
    public override string Code => "CAT032";

    public override Severity Severity => Severity.Error;

    public override string Title => "An event's sampling is more than 0 and at most 1";

    public override IEnumerable<CatalogDiagnostic> Check(LintContext context)
    {
        foreach (var ev in context.Events)
        {
            if (ev.Sampling is { } s && !(s > 0 && s <= 1))
            {
                yield return Report(ev.At("sampling"),
                    $"Event '{ev.Name}' has sampling {s.ToString(CultureInfo.InvariantCulture)}; it must be more than 0 and at most 1.",
                    "Set sampling to the fraction of devices that send the event, e.g. 0.05, or remove it to mean 1.");
            }
        }
    }
}

/// <summary>CAT033: an event only names products the family declares.</summary>
internal sealed class UndeclaredProductRule : CatalogRule
{
    public override string Code => "CAT033";

    public override Severity Severity => Severity.Error;

    public override string Title => "An event names only declared products";

    public override IEnumerable<CatalogDiagnostic> Check(LintContext context)
    {
        foreach (var ev in context.Events)
        {
            foreach (var (id, location) in ev.Products ?? [])
            {
                if (!context.DeclaredProducts.Contains(id))
                {
                    yield return Report(location, $"Event '{ev.Name}' names product '{id}', which the family does not declare.",
                        "Use the id of a product under 'products:' (family.yaml), or declare the product there first.");
                }
            }
        }
    }
}

/// <summary>CAT034: an event applies to at least one product; otherwise nothing may send it.</summary>
internal sealed class EventForNoProductRule : CatalogRule
{
    public override string Code => "CAT034";

    public override Severity Severity => Severity.Error;

    public override string Title => "An event applies to at least one product";

    public override IEnumerable<CatalogDiagnostic> Check(LintContext context)
    {
        foreach (var ev in context.Events)
        {
            if (!ev.Has("products"))
            {
                yield return Report(ev.Location, $"Event '{ev.Name}' names no product.",
                    "Add 'products: all' or 'products: [id, ...]' with the products that send it.");
            }
            else if (!ev.AllProducts && ev.Products is { Count: 0 })
            {
                yield return Report(ev.At("products"), $"Event '{ev.Name}' has an empty product list.",
                    "List the products that send it, or remove the event.");
            }
        }
    }
}
