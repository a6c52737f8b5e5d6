using Candor.Catalog.Diagnostics;
using Candor.Catalog.Linting;
using Candor.Catalog.Linting.Rules;
using Candor.Catalog.Loading;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Candor.Catalog.Tests.Linting;

/// <summary>Properties of the name and classification rules over generated names, run through the rule
/// classes themselves on in-memory catalog sources.</summary>
public sealed class RuleProperties
{
    private static readonly string[] Classifications =
    [
        "system_metadata", "enumerated", "numeric", "pseudonymous_identifier", "hashed_value", "end_user_identifiable",
        "customer_content",
    ];

    private static readonly string[] Types = ["string", "int", "long", "double", "bool", "timestamp", "duration", "version", "enum", "hash"];

    // Technical words that, alone or in any combination, say nothing about a person; several hold the letters
    // of a term ("cipher" holds "ip", "context" holds "text", "microphone" holds "phone").
    private static readonly string[] SafeWords =
    [
        "count", "type", "kind", "total", "primary", "source", "target", "value", "current", "previous", "band",
        "state", "mode", "duration", "ms", "cipher", "suite", "round", "trip", "participant", "script", "version",
        "context", "microphone", "authorization", "contention", "capacity", "recipient", "widget", "frame", "rate",
        "sync", "retry", "error", "code", "feature", "build", "channel", "memory", "network",
    ];

    private static readonly Gen<string> Segment =
        from first in Gen.Elements("abcdefghijklmnopqrstuvwxyz".ToCharArray())
        from rest in Gen.ArrayOf(Gen.Elements("abcdefghijklmnopqrstuvwxyz0123456789_".ToCharArray()))
        select first + new string(rest.Take(15).ToArray());

    private static readonly Gen<string> ValidName =
        (from count in Gen.Choose(2, 6)
         from segments in Gen.ArrayOf(Segment, count)
         select string.Join('.', segments))
        .Where(n => n.Length is >= EventNameShapeRule.MinLength and <= EventNameShapeRule.MaxLength);

    [Property(MaxTest = 300)]
    public Property Generated_valid_event_names_always_pass() =>
        Prop.ForAll(ValidName.ToArbitrary(), name => !FiresOnEventName(name));

    [Property(MaxTest = 300)]
    public Property An_uppercase_letter_anywhere_in_a_name_always_fails() =>
        Prop.ForAll(
            (from name in ValidName
             from at in Gen.Choose(0, name.Length - 1)
             from upper in Gen.Elements("ABCDEFGHIJKLMNOPQRSTUVWXYZ".ToCharArray())
             select name[..at] + upper + name[(at + 1)..]).ToArbitrary(),
            name => FiresOnEventName(name));

    [Property(MaxTest = 300)]
    public Property A_character_outside_lowercase_digits_underscore_and_dot_always_fails() =>
        Prop.ForAll(
            (from name in ValidName
             from at in Gen.Choose(0, name.Length)
             from bad in Gen.Elements(" -/:@#$%+é\tÄ*'\"".ToCharArray())
             select name[..at] + bad + name[at..]).ToArbitrary(),
            name => FiresOnEventName(name));

    [Property(MaxTest = 200)]
    public Property A_name_over_100_characters_always_fails() =>
        Prop.ForAll(
            (from segments in Gen.ArrayOf(Segment, 6)
             from pad in Gen.Choose(101, 300)
             select (string.Join('.', segments) + new string('a', pad))[..pad]).ToArbitrary(),
            name => FiresOnEventName(name));

    [Property(MaxTest = 300)]
    public Property A_field_name_with_a_personal_data_term_in_any_casing_or_compound_fires_unless_justly_hashed_or_pseudonymous() =>
        Prop.ForAll(
            (from name in PersonalName
             from classification in Gen.Elements(Classifications)
             from justified in Gen.Elements(true, false)
             select (name, classification, justified)).ToArbitrary(),
            c =>
            {
                var excused = c.justified && c.classification is "hashed_value" or "pseudonymous_identifier";
                var fires = Fires(new PersonalDataNameRule(), Field(c.name, "string", c.classification, c.justified ? "A one-way hash salted per organisation." : null));
                return (fires == !excused).Label($"{c.name} ({c.classification}, justified: {c.justified}) fired: {fires}");
            });

    [Property(MaxTest = 300)]
    public Property A_field_name_made_of_technical_words_never_fires() =>
        Prop.ForAll(
            (from words in Gen.ArrayOf(Gen.Elements(SafeWords)).Where(w => w.Length is > 0 and <= 4)
             from style in Gen.Elements(Styles)
             select style(words)).ToArbitrary(),
            name => PersonalDataNames.Match(name) is null);

    [Property(MaxTest = 300)]
    public Property Identifying_and_content_classifications_always_fire_whatever_the_name_type_or_justification() =>
        Prop.ForAll(
            (from name in Gen.OneOf(PersonalName, Gen.Elements(SafeWords))
             from type in Gen.Elements(Types)
             from classification in Gen.Elements("end_user_identifiable", "customer_content")
             from justification in Gen.Elements<string?>(null, "", "Needed to contact the user about the failure.")
             select (name, type, classification, justification)).ToArbitrary(),
            c => Fires(new ForbiddenClassificationRule(), Field(c.name, c.type, c.classification, c.justification)));

    [Property(MaxTest = 200)]
    public Property Other_classifications_never_fire_the_forbidden_classification_rule() =>
        Prop.ForAll(
            (from type in Gen.Elements(Types)
             from classification in Gen.Elements(Classifications[..5])
             select (type, classification)).ToArbitrary(),
            c => !Fires(new ForbiddenClassificationRule(), Field("userEmail", c.type, c.classification, null)));

    /// <summary>Ways of writing a list of words as one name, each keeping the word boundaries visible.</summary>
    private static readonly Func<string[], string>[] Styles =
    [
        w => string.Concat(w.Select((x, i) => i == 0 ? x.ToLowerInvariant() : Capital(x))),  // camelCase
        w => string.Concat(w.Select(Capital)),                                                 // PascalCase
        w => string.Join('_', w).ToLowerInvariant(),                                           // snake_case
        w => string.Join('_', w).ToUpperInvariant(),                                           // SCREAMING_SNAKE
        w => string.Join('-', w).ToLowerInvariant(),                                           // kebab-case
        w => string.Concat(w.Select((x, i) => i % 2 == 0 ? x.ToUpperInvariant() + (i + 1 < w.Length ? "_" : "") : Capital(x))), // ACRONYM_Mixed
        w => string.Concat(w.Select((x, i) => i == 0 ? x.ToLowerInvariant() : i % 2 == 1 ? x.ToUpperInvariant() : Capital(x))), // userIPAddress
    ];

    /// <summary>A personal-data term (possibly of several words) with technical words around it, in any style.</summary>
    private static readonly Gen<string> PersonalName =
        from term in Gen.Elements(PersonalDataNames.Terms.ToArray())
        from before in Gen.ArrayOf(Gen.Elements(SafeWords)).Select(w => w.Take(2).ToArray())
        from after in Gen.ArrayOf(Gen.Elements(SafeWords)).Select(w => w.Take(2).ToArray())
        from style in Gen.Elements(Styles)
        select style([.. before, .. term, .. after]);

    private static string Capital(string word) => word.Length == 0 ? word : char.ToUpperInvariant(word[0]) + word[1..].ToLowerInvariant();

    private static bool FiresOnEventName(string name)
    {
        var ev = new EventSource { Name = name, Location = new SourceLocation("events/test.yaml", 2, 5) };
        ev.KeyLocations["name"] = new SourceLocation("events/test.yaml", 2, 11);
        var source = new CatalogSource { Root = "." };
        source.Events.Add(ev);
        return new EventNameShapeRule().Check(new LintContext(source, TempCatalog.Today)).Any();
    }

    private static CatalogSource Field(string name, string type, string classification, string? justification)
    {
        var at = new SourceLocation("events/test.yaml", 10, 9);
        var field = new FieldSource { Location = at, Name = name, Type = type, Classification = classification, Justification = justification };
        foreach (var key in new[] { "name", "type", "classification" })
        {
            field.KeyLocations[key] = at;
        }

        var ev = new EventSource { Name = "sample.widget.opened", Location = new SourceLocation("events/test.yaml", 2, 5) };
        ev.Fields.Add(field);
        var source = new CatalogSource { Root = "." };
        source.Events.Add(ev);
        return source;
    }

    private static bool Fires(ICatalogRule rule, CatalogSource source) =>
        rule.Check(new LintContext(source, TempCatalog.Today)).Any(d => d.Code == rule.Code && d.Severity == Severity.Error);
}
