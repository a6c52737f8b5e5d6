using System.Globalization;
using Candor.Core.Model;
using Candor.Storage;
using Microsoft.AspNetCore.Http;

namespace Candor.Server.Admin;

/// <summary>Reads the query strings of the admin endpoints strictly: an unknown parameter or a bad value is an
/// error the caller sees (400 <c>invalid_query</c>), never silently ignored, so a typo cannot turn a filtered
/// view into a full export.</summary>
internal static class AdminQuery
{
    public const int MaxLimit = 100_000;

    /// <summary>The filter of <c>?category=&amp;level=&amp;from=&amp;to=&amp;limit=&amp;offset=</c>; null with
    /// <paramref name="error"/> set when a value is bad.</summary>
    public static EventFilter? Filter(IQueryCollection query, int? defaultLimit, out string? error)
    {
        error = Unknown(query, "category", "level", "from", "to", "limit", "offset");
        if (error is not null)
        {
            return null;
        }

        var filter = new EventFilter { Limit = defaultLimit };
        if (query.TryGetValue("category", out var c))
        {
            if (!WireNames.TryParseCategory(c.ToString(), out var category))
            {
                error = $"category '{c}' is not one of: {string.Join(", ", WireNames.AllCategories.Select(x => x.ToWire()))}.";
                return null;
            }

            filter = filter with { Category = category };
        }

        if (query.TryGetValue("level", out var l))
        {
            if (!WireNames.TryParseLevel(l.ToString(), out var level))
            {
                error = $"level '{l}' is not one of: required, optional.";
                return null;
            }

            filter = filter with { Level = level };
        }

        if (!Time(query, "from", out var from, ref error) || !Time(query, "to", out var to, ref error))
        {
            return null;
        }

        if (from is not null && to is not null && from >= to)
        {
            error = "from must be before to.";
            return null;
        }

        filter = filter with { From = from, To = to };
        if (!Integer(query, "limit", 1, MaxLimit, out var limit, ref error) || !Integer(query, "offset", 0, int.MaxValue, out var offset, ref error))
        {
            return null;
        }

        return filter with { Limit = limit ?? filter.Limit, Offset = offset ?? 0 };
    }

    /// <summary>An error naming the first parameter not in <paramref name="known"/>, or null.</summary>
    public static string? Unknown(IQueryCollection query, params string[] known)
    {
        foreach (var key in query.Keys)
        {
            if (!known.Contains(key, StringComparer.Ordinal))
            {
                return known.Length == 0
                    ? $"Unknown query parameter '{key}': this endpoint takes none."
                    : $"Unknown query parameter '{key}'; known: {string.Join(", ", known)}.";
            }
        }

        return null;
    }

    /// <summary>An ISO 8601 time (a date alone is midnight UTC; no offset means UTC).</summary>
    public static bool Time(IQueryCollection query, string name, out DateTimeOffset? value, ref string? error)
    {
        value = null;
        if (!query.TryGetValue(name, out var text))
        {
            return true;
        }

        if (TryParseTime(text.ToString(), out var parsed))
        {
            value = parsed;
            return true;
        }

        error = $"{name} '{text}' is not an ISO 8601 time such as 2026-11-01 or 2026-11-01T08:00:00Z.";
        return false;
    }

    public static bool TryParseTime(string? text, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value)
        && text!.Length >= 10 && char.IsAsciiDigit(text[0]);

    public static bool Integer(IQueryCollection query, string name, int min, int max, out int? value, ref string? error)
    {
        value = null;
        if (!query.TryGetValue(name, out var text))
        {
            return true;
        }

        if (int.TryParse(text.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed >= min && parsed <= max)
        {
            value = parsed;
            return true;
        }

        error = $"{name} '{text}' must be a whole number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}.";
        return false;
    }
}
