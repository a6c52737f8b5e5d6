using System.Text.RegularExpressions;
using Candor.Catalog.Diagnostics;

namespace Candor.Catalog.Linting.Rules;

/// <summary>CAT020: event names are lowercase dotted <c>area.object.action</c>. The SDK's own
/// <c>app.first_run</c> and <c>device.configuration</c> have two segments, so two to six are accepted.</summary>
internal sealed partial class EventNameShapeRule : CatalogRule
{
    public const int MinLength = 4;
    public const int MaxLength = 100;

    public override string Code => "CAT020";

    public override Severity Severity => Severity.Error;

    public override string Title => "An event name is lowercase dotted area.object.action, 2 to 6 segments, 4 to 100 characters";

    public override IEnumerable<CatalogDiagnostic> Check(LintContext context)
    {
        foreach (var ev in context.Events)
        {
            if (string.IsNullOrWhiteSpace(ev.Name))
            {
                yield return Report(ev.Location, "An event has no name.",
                    "Add 'name:' in the form area.object.action, e.g. fieldservice.sync.completed.");
            }
            else if (Problem(ev.Name) is { } problem)
            {
                yield return Report(ev.At("name"), $"Event name '{ev.Name}' {problem}.",
                    "Write the name as lowercase dotted area.object.action with segments of [a-z][a-z0-9_]*, e.g. fieldservice.sync.completed.");
            }
        }
    }

    /// <summary>What is wrong with the shape of a name, or null when it is well-formed.</summary>
    public static string? Problem(string name)
    {
        if (name.Length < MinLength || name.Length > MaxLength)
        {
            return $"has {name.Length} characters, not {MinLength} to {MaxLength}";
        }

        if (!Shape().IsMatch(name))
        {
            return name.Any(char.IsAsciiLetterUpper)
                ? "has uppercase letters"
                : "is not 2 to 6 dot-separated segments of a lowercase letter followed by lowercase letters, digits or underscores";
        }

        return null;
    }

    [GeneratedRegex("^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*){1,5}$")]
    private static partial Regex Shape();
}

/// <summary>CAT021: an event name is declared once; the collector and the SDK look definitions up by name.</summary>
internal sealed class DuplicateEventNameRule : CatalogRule
{
    public override string Code => "CAT021";

    public override Severity Severity => Severity.Error;

    public override string Title => "Event names are unique";

    public override IEnumerable<CatalogDiagnostic> Check(LintContext context)
    {
        var first = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        foreach (var ev in context.Events.Where(e => !string.IsNullOrEmpty(e.Name)))
        {
            if (first.TryGetValue(ev.Name!, out var earlier))
            {
                yield return Report(ev.At("name"), $"Event '{ev.Name}' is declared again; the first is at {earlier}.",
                    "Remove one of the two definitions or rename one of the events.");
            }
            else
            {
                first[ev.Name!] = ev.At("name");
            }
        }
    }
}

/// <summary>CAT022: two names that differ only in punctuation (<c>app.first_run</c>, <c>app.firstrun</c>) are
/// confused by people and collide as identifiers of the generated typed event API.</summary>
internal sealed class ConfusableEventNameRule : CatalogRule
{
    public override string Code => "CAT022";

    public override Severity Severity => Severity.Error;

    public override string Title => "Event names differ by more than punctuation";

    public override IEnumerable<CatalogDiagnostic> Check(LintContext context)
    {
        var first = new Dictionary<string, (string Name, SourceLocation Location)>(StringComparer.Ordinal);
        foreach (var ev in context.Events.Where(e => !string.IsNullOrEmpty(e.Name)))
        {
            var key = Key(ev.Name!);
            if (!first.TryGetValue(key, out var earlier))
            {
                first[key] = (ev.Name!, ev.At("name"));
            }
            else if (!string.Equals(earlier.Name, ev.Name, StringComparison.Ordinal))
            {
                yield return Report(ev.At("name"),
                    $"Event '{ev.Name}' differs from '{earlier.Name}' (at {earlier.Location}) only in punctuation.",
                    "Rename one of them so that the words differ, or merge them into one event.");
            }
        }
    }

    /// <summary>The name without punctuation, in lowercase: what two confusable names have in common.</summary>
    public static string Key(string name) =>
        string.Concat(name.Where(char.IsAsciiLetterOrDigit)).ToLowerInvariant();
}
