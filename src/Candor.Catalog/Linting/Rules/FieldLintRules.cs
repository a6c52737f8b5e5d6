using System.Text.RegularExpressions;
using Candor.Catalog.Diagnostics;
using Candor.Core.Model;

namespace Candor.Catalog.Linting.Rules;

/// <summary>CAT040: field names are camelCase, the JSON property names of <c>data</c> and of the typed API.</summary>
internal sealed partial class FieldNameShapeRule : CatalogRule
{
    public const int MaxLength = 64;

    public override string Code => "CAT040";

    public override Severity Severity => Severity.Error;

    public override string Title => "A field name is camelCase, at most 64 characters";

    public override IEnumerable<CatalogDiagnostic> Check(LintContext context)
    {
        foreach (var owned in context.Fields)
        {
            var field = owned.Field;
            if (string.IsNullOrWhiteSpace(field.Name))
            {
                yield return Report(field.Location, $"A field{(owned.Event is null ? " of the envelope" : $" of event '{owned.Event.Name}'")} has no name.",
                    "Add 'name:' in camelCase, e.g. durationMs.");
            }
            else if (!IsCamelCase(field.Name))
            {
                yield return Report(field.At("name"), $"The name of {owned.Describe()} is not camelCase of at most {MaxLength} characters.",
                    "Start with a lowercase letter and use only letters and digits, capitalising each following word, e.g. recordCount.");
            }
        }
    }

    public static bool IsCamelCase(string name) => name.Length <= MaxLength && CamelCase().IsMatch(name);

    [GeneratedRegex("^[a-z][a-zA-Z0-9]*$")]
    private static partial Regex CamelCase();
}

/// <summary>CAT041: a field is declared once per event (and once in the envelope), ignoring case, because
/// <c>durationMs</c> and <c>durationMS</c> cannot both be meant.</summary>
internal sealed class DuplicateFieldNameRule : CatalogRule
{
    public override string Code => "CAT041";

    public override Severity Severity => Severity.Error;

    public override string Title => "Field names are unique within an event and within the envelope (ignoring case), and so are wire names";

    public override IEnumerable<CatalogDiagnostic> Check(LintContext context)
    {
        foreach (var group in context.Fields.GroupBy(f => f.Event))
        {
            var names = new Dictionary<string, SourceLocation>(StringComparer.OrdinalIgnoreCase);
            var wireNames = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
            foreach (var owned in group)
            {
                var field = owned.Field;
                if (!string.IsNullOrEmpty(field.Name))
                {
                    if (names.TryGetValue(field.Name, out var earlier))
                    {
                        yield return Report(field.At("name"), $"The {owned.Describe()} is declared twice; the first is at {earlier}.",
                            "Remove one of the two fields or rename one of them.");
                    }
                    else
                    {
                        names[field.Name] = field.At("name");
                    }
                }

                if (!string.IsNullOrEmpty(field.WireName))
                {
                    if (wireNames.TryGetValue(field.WireName, out var earlier))
                    {
                        yield return Report(field.At("wireName"), $"Wire name '{field.WireName}' of {owned.Describe()} is used twice; the first is at {earlier}.",
                            "Give each envelope field its own wireName.");
                    }
                    else
                    {
                        wireNames[field.WireName] = field.At("wireName");
                    }
                }
            }
        }
    }
}

/// <summary>CAT042: a field's type is one the wire format knows.</summary>
internal sealed class FieldTypeRule : CatalogRule
{
    public override string Code => "CAT042";

    public override Severity Severity => Severity.Error;

    public override string Title => "A field's type is known";

    public override IEnumerable<CatalogDiagnostic> Check(LintContext context)
    {
        var known = string.Join(", ", Enum.GetValues<FieldType>().Select(t => t.ToWire()));
        foreach (var owned in context.Fields)
        {
            var field = owned.Field;
            if (!field.Has("type"))
            {
                yield return Report(field.Location, $"The {owned.Describe()} has no type.", $"Add 'type:' with one of: {known}.");
            }
            else if (!WireNames.TryParseFieldType(field.Type, out _))
            {
                yield return Report(field.At("type"), $"The {owned.Describe()} has an unknown type '{field.Type}'.", $"Use one of: {known}.");
            }
        }
    }
}

/// <summary>CAT043: an enum lists its values, lowercase snake_case and unique; other types list none.</summary>
internal sealed partial class EnumValuesRule : CatalogRule
{
    public override string Code => "CAT043";

    public override Severity Severity => Severity.Error;

    public override string Title => "An enum field lists unique snake_case values; other types list none";

    public override IEnumerable<CatalogDiagnostic> Check(LintContext context)
    {
        foreach (var owned in context.Fields)
        {
            var field = owned.Field;
            var isEnum = field.Type == "enum";
            if (isEnum && field.Values is not { Count: > 0 })
            {
                yield return Report(field.Has("values") ? field.At("values") : field.At("type"),
                    $"The enum {owned.Describe()} lists no values.", "Add 'values: [a, b, ...]' with every value the field may take.");
            }
            else if (!isEnum && field.Has("values") && WireNames.TryParseFieldType(field.Type, out _))
            {
                yield return Report(field.At("values"), $"The {owned.Describe()} is of type '{field.Type}' but lists values.",
                    "Make the field 'type: enum', or remove 'values:'.");
            }

            if (!isEnum)
            {
                continue;
            }

            foreach (var value in (field.Values ?? []).Where(v => !SnakeCase().IsMatch(v)))
            {
                yield return Report(field.At("values"), $"Value '{value}' of the enum {owned.Describe()} is not lowercase snake_case.",
                    "Write values in lowercase letters, digits and underscores, starting with a letter, e.g. partial_success.");
            }

            foreach (var value in (field.Values ?? []).GroupBy(v => v, StringComparer.Ordinal).Where(g => g.Count() > 1))
            {
                yield return Report(field.At("values"), $"Value '{value.Key}' of the enum {owned.Describe()} is listed more than once.",
                    "List each value once.");
            }
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex SnakeCase();
}

/// <summary>CAT044: a string field declares a maximum length, so that no field can carry a document.</summary>
internal sealed class StringMaxLengthRule : CatalogRule
{
    public override string Code => "CAT044";

    public override Severity Severity => Severity.Error;

    public override string Title => "A string field declares a positive maxLength; other types declare none";

    public override IEnumerable<CatalogDiagnostic> Check(LintContext context)
    {
        foreach (var owned in context.Fields)
        {
            var field = owned.Field;
            var isString = field.Type == "string";
            if (isString && !field.Has("maxLength"))
            {
                yield return Report(field.At("type"), $"The string {owned.Describe()} has no maxLength.",
                    "Add 'maxLength:' with the longest value the field may hold, e.g. maxLength: 64.");
            }
            else if (isString && field.MaxLength is <= 0)
            {
                yield return Report(field.At("maxLength"), $"The string {owned.Describe()} has maxLength {field.MaxLength}.",
                    "Set maxLength to the longest value the field may hold, more than 0.");
            }
            else if (!isString && field.Has("maxLength") && WireNames.TryParseFieldType(field.Type, out _))
            {
                yield return Report(field.At("maxLength"), $"The {owned.Describe()} is of type '{field.Type}', which has no length.",
                    "Remove 'maxLength:', or make the field a string.");
            }
        }
    }
}

/// <summary>CAT045: a string longer than 255 characters is where content hides; it needs a stated reason.</summary>
internal sealed class LongStringRule : CatalogRule
{
    public const int Limit = 255;

    public override string Code => "CAT045";

    public override Severity Severity => Severity.Error;

    public override string Title => "A string field's maxLength over 255 has a justification";

    public override IEnumerable<CatalogDiagnostic> Check(LintContext context)
    {
        foreach (var owned in context.Fields)
        {
            var field = owned.Field;
            if (field.Type == "string" && field.MaxLength > Limit && string.IsNullOrWhiteSpace(field.Justification))
            {
                yield return Report(field.At("maxLength"),
                    $"The string {owned.Describe()} may be {field.MaxLength} characters long, over {Limit}, without a justification.",
                    $"Lower maxLength to {Limit} or less, or add 'justification:' saying why the value needs the length and why it holds no content.");
            }
        }
    }
}

/// <summary>CAT046: every field says what kind of value it holds, which decides how the PII guard treats it.</summary>
internal sealed class FieldClassificationRule : CatalogRule
{
    public override string Code => "CAT046";

    public override Severity Severity => Severity.Error;

    public override string Title => "A field's classification is known";

    public override IEnumerable<CatalogDiagnostic> Check(LintContext context)
    {
        var known = string.Join(", ", Enum.GetValues<DataClassification>().Select(c => c.ToWire()));
        foreach (var owned in context.Fields)
        {
            var field = owned.Field;
            if (!field.Has("classification"))
            {
                yield return Report(field.Location, $"The {owned.Describe()} has no classification.", $"Add 'classification:' with one of: {known}.");
            }
            else if (!WireNames.TryParseClassification(field.Classification, out _))
            {
                yield return Report(field.At("classification"), $"The {owned.Describe()} has an unknown classification '{field.Classification}'.",
                    $"Use one of: {known}.");
            }
        }
    }
}

/// <summary>CAT047: diagnostic data never identifies a person or carries their content.</summary>
internal sealed class ForbiddenClassificationRule : CatalogRule
{
    public override string Code => "CAT047";

    public override Severity Severity => Severity.Error;

    public override string Title => "No field is classified end_user_identifiable or customer_content";

    public override IEnumerable<CatalogDiagnostic> Check(LintContext context)
    {
        foreach (var owned in context.Fields)
        {
            if (WireNames.TryParseClassification(owned.Field.Classification, out var c) && IsForbidden(c))
            {
                yield return Report(owned.Field.At("classification"),
                    $"The {owned.Describe()} is classified {c.ToWire()}: diagnostic data never includes a person's identity or the content of their files or records.",
                    "Remove the field, or collect something that is not about the person: a count, a size band, a hashed_value of it, or a pseudonymous_identifier created by the product.");
            }
        }
    }

    public static bool IsForbidden(DataClassification c) =>
        c is DataClassification.EndUserIdentifiable or DataClassification.CustomerContent;
}

/// <summary>CAT048: a field whose name suggests personal data or content (see <see cref="PersonalDataNames"/>)
/// is allowed only as a hashed value or a pseudonymous identifier whose justification says why it is safe.</summary>
internal sealed class PersonalDataNameRule : CatalogRule
{
    public override string Code => "CAT048";

    public override Severity Severity => Severity.Error;

    public override string Title => "A field whose name suggests personal data or content is a justified hashed_value or pseudonymous_identifier";

    public override IEnumerable<CatalogDiagnostic> Check(LintContext context)
    {
        foreach (var owned in context.Fields)
        {
            var field = owned.Field;
            if (field.Name is { } name && PersonalDataNames.Match(name) is { } term && !IsExcused(field.Classification, field.Justification))
            {
                yield return Report(field.At("name"),
                    $"The name of {owned.Describe()} suggests personal data or content ('{term}').",
                    "Rename the field to what it measures (e.g. recipientCount rather than recipients), or, if it holds a one-way hash or a product-made random id, classify it hashed_value or pseudonymous_identifier and add 'justification:'.");
            }
        }
    }

    /// <summary>Only a hash or a product-made random id, with a stated reason, may carry such a name.</summary>
    public static bool IsExcused(string? classification, string? justification) =>
        WireNames.TryParseClassification(classification, out var c) &&
        c is DataClassification.HashedValue or DataClassification.PseudonymousIdentifier &&
        !string.IsNullOrWhiteSpace(justification);
}

/// <summary>CAT049: an envelope field says where it is in the event (<c>wireName</c>) and in which data
/// category the summary lists it.</summary>
internal sealed partial class CommonFieldEnvelopeRule : CatalogRule
{
    public override string Code => "CAT049";

    public override Severity Severity => Severity.Error;

    public override string Title => "A common field has a dotted camelCase wireName and a known category";

    public override IEnumerable<CatalogDiagnostic> Check(LintContext context)
    {
        var known = string.Join(", ", WireNames.AllCategories.Select(c => c.ToWire()));
        foreach (var field in context.Source.CommonFields)
        {
            if (string.IsNullOrWhiteSpace(field.WireName))
            {
                yield return Report(field.Has("wireName") ? field.At("wireName") : field.Location, $"Common field '{field.Name}' has no wireName.",
                    "Add 'wireName:' with its JSON path in the envelope, e.g. device.osVersion.");
            }
            else if (!WirePath().IsMatch(field.WireName))
            {
                yield return Report(field.At("wireName"), $"Common field '{field.Name}' has wireName '{field.WireName}', which is not a dotted camelCase path.",
                    "Write the JSON path of the value in the envelope, e.g. device.osVersion.");
            }

            if (!field.Has("category"))
            {
                yield return Report(field.Location, $"Common field '{field.Name}' has no category.",
                    "Add 'category: device_connectivity_and_configuration' (the envelope describes the device and its software).");
            }
            else if (!WireNames.TryParseCategory(field.Category, out _))
            {
                yield return Report(field.At("category"), $"Common field '{field.Name}' has an unknown category '{field.Category}'.", $"Use one of: {known}.");
            }
        }
    }

    [GeneratedRegex("^[a-z][a-zA-Z0-9]*(\\.[a-z][a-zA-Z0-9]*)*$")]
    private static partial Regex WirePath();
}
