using System.Globalization;
using Candor.Core.Catalog;
using Candor.Core.Model;

namespace Candor.Client.Events;

/// <summary>One field's checks, prepared once per catalog for the Track hot path: the definition's type, requirement
/// and length limit read from fields instead of init properties, and an enum's allowed values as an array of interned
/// strings. The generated code passes its wire values as string literals, which the runtime interns, so an allowed
/// value is found by reference: no interface call per value, no character comparison. A value that is not the
/// interned instance (the generic <c>Track(name, fields)</c> path, a string built at run time) is still compared by
/// its characters. Immutable; thread-safe.</summary>
internal sealed class FieldRule
{
    public FieldRule(FieldDefinition definition)
    {
        Type = definition.Type;
        Required = definition.Required;
        MaxLength = definition.MaxLength ?? int.MaxValue;
        var values = new string[definition.Values.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = string.Intern(definition.Values[i]);
        }

        Values = values;
    }

    public readonly FieldType Type;

    public readonly bool Required;

    /// <summary>The longest string value, in UTF-16 code units (<see cref="int.MaxValue"/> when unlimited).</summary>
    public readonly int MaxLength;

    /// <summary>An enum field's allowed values, interned; empty for other types.</summary>
    public readonly string[] Values;

    /// <summary>Whether <paramref name="value"/> may stand in this field: a present value of the field's shape, or an
    /// absent one when the field is optional.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public bool Accepts(in FieldValue value) => value.IsPresent ? IsValid(in value) : !Required;

    /// <summary>Whether a present value has the field's shape: type, range, length, declared values, format.</summary>
    [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimized)]
    public bool IsValid(in FieldValue value)
    {
        switch (Type)
        {
            case FieldType.Enum:
                return value.Kind == FieldValueKind.String && IsAllowed(value.Text!);
            case FieldType.String:
                return value.Kind == FieldValueKind.String && value.Text!.Length <= MaxLength;
            case FieldType.Bool:
                return value.Kind == FieldValueKind.Bool;
            case FieldType.Hash:
                return value.Kind == FieldValueKind.String && FieldRules.IsSha256Hex(value.Text!);
            case FieldType.Version:
                return value.Kind == FieldValueKind.String && FieldRules.IsVersion(value.Text!);
            case FieldType.Timestamp:
                return value.Kind == FieldValueKind.String && DateTimeOffset.TryParse(
                    value.Text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out _);
            case FieldType.Int:
                return value.Kind == FieldValueKind.Integer && value.Integer is >= int.MinValue and <= int.MaxValue;
            case FieldType.Long:
                return value.Kind == FieldValueKind.Integer;
            case FieldType.Duration:
                return value.Kind == FieldValueKind.Integer && value.Integer >= 0;
            case FieldType.Double:
                return value.Kind == FieldValueKind.Double && !double.IsNaN(value.Number) && !double.IsInfinity(value.Number);
            default:
                return false;
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimized)]
    private bool IsAllowed(string text)
    {
        var values = Values;
        for (var i = 0; i < values.Length; i++)
        {
            if (ReferenceEquals(values[i], text))
            {
                return true;
            }
        }

        for (var i = 0; i < values.Length; i++)
        {
            if (string.Equals(values[i], text, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
