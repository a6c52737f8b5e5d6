using Candor.Core.Catalog;
using Candor.Core.Model;

namespace Candor.Client.Events;

/// <summary>Checks field values against their definitions, and converts the boxed values of the generic
/// <c>Track(name, fields)</c> path. Never throws: a wrong value is a <c>false</c>, counted by the caller.</summary>
internal static class FieldRules
{
    public static bool TryConvert(object? value, FieldDefinition field, out FieldValue result)
    {
        result = default;
        switch (field.Type)
        {
            case FieldType.String:
            case FieldType.Enum:
            case FieldType.Hash:
                if (value is string s)
                {
                    result = FieldValue.From(s);
                    return true;
                }

                if (field.Type == FieldType.Enum && value is Enum e)
                {
                    result = FieldValue.From(e.ToString());
                    return true;
                }

                return false;
            case FieldType.Version:
                switch (value)
                {
                    case string v: result = FieldValue.From(v); return true;
                    case Version version: result = FieldValue.From(version.ToString()); return true;
                    default: return false;
                }

            case FieldType.Int:
            case FieldType.Long:
                if (TryInteger(value, out var integer))
                {
                    result = FieldValue.From(integer);
                    return true;
                }

                return false;
            case FieldType.Duration:
                if (value is TimeSpan span)
                {
                    result = FieldValue.From(span);
                    return true;
                }

                if (TryInteger(value, out var ms))
                {
                    result = FieldValue.From(ms);
                    return true;
                }

                return false;
            case FieldType.Double:
                switch (value)
                {
                    case double d: result = FieldValue.From(d); return true;
                    case float f: result = FieldValue.From((double)f); return true;
                    case decimal m: result = FieldValue.From((double)m); return true;
                    default:
                        if (TryInteger(value, out var n))
                        {
                            result = FieldValue.From((double)n);
                            return true;
                        }

                        return false;
                }

            case FieldType.Bool:
                if (value is bool b)
                {
                    result = FieldValue.From(b);
                    return true;
                }

                return false;
            case FieldType.Timestamp:
                switch (value)
                {
                    case DateTimeOffset dto: result = FieldValue.From(dto); return true;
                    case DateTime dt when dt.Kind == DateTimeKind.Utc: result = FieldValue.From(new DateTimeOffset(dt)); return true;
                    case string text: result = FieldValue.From(text); return true;
                    default: return false;
                }

            default:
                return false;
        }
    }

    public static bool IsVersion(string text)
    {
        var parts = 1;
        var digits = 0;
        foreach (var c in text)
        {
            if (c == '.')
            {
                if (digits == 0)
                {
                    return false;
                }

                parts++;
                digits = 0;
            }
            else if (c is >= '0' and <= '9')
            {
                digits++;
            }
            else
            {
                return false;
            }
        }

        return digits > 0 && parts is >= 2 and <= 4;
    }

    public static bool IsSha256Hex(string text)
    {
        if (text.Length != 64)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryInteger(object? value, out long result)
    {
        switch (value)
        {
            case int i: result = i; return true;
            case long l: result = l; return true;
            case short s: result = s; return true;
            case byte b: result = b; return true;
            case uint u: result = u; return true;
            case ushort us: result = us; return true;
            case sbyte sb: result = sb; return true;
            case ulong ul when ul <= long.MaxValue: result = (long)ul; return true;
            default: result = 0; return false;
        }
    }
}
