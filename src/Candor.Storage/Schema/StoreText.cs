using Candor.Core.Model;

namespace Candor.Storage.Schema;

/// <summary>How backends turn enum columns back into values: the wire names are stored, so a row written by a
/// newer build with a value this one does not know is reported rather than misread.</summary>
internal static class StoreText
{
    public static DataLevel Level(string text) =>
        WireNames.TryParseLevel(text, out var level) ? level : throw new InvalidDataException($"Stored level '{text}' is unknown.");

    public static DataCategory Category(string text) =>
        WireNames.TryParseCategory(text, out var category) ? category : throw new InvalidDataException($"Stored category '{text}' is unknown.");

    public static string Kind(CredentialKind kind) => kind switch
    {
        CredentialKind.Ingestion => "ingestion",
        CredentialKind.Admin => "admin",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static CredentialKind Kind(string text) => text switch
    {
        "ingestion" => CredentialKind.Ingestion,
        "admin" => CredentialKind.Admin,
        _ => throw new InvalidDataException($"Stored credential kind '{text}' is unknown."),
    };

    /// <summary>Checks what the database does not: the strings every column needs are present, and the ids are not
    /// empty. Returns the event's index in the error so that a caller can find it.</summary>
    public static void Validate(IReadOnlyList<StoredEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i] ?? throw new ArgumentException($"Event {i} is null.", nameof(events));
            if (e.TenantId == Guid.Empty || e.EventId == Guid.Empty)
            {
                throw new ArgumentException($"Event {i} has an empty tenant or event id.", nameof(events));
            }

            if (e.Name is null || e.Product is null || e.AppVersion is null || e.Sdk is null || e.DeviceClass is null
                || e.Os is null || e.OsVersion is null || e.Arch is null || e.Locale is null || e.Data is null)
            {
                throw new ArgumentException($"Event {i} ({e.EventId}) has a null text field.", nameof(events));
            }
        }
    }

    /// <summary>Marks the events whose (tenant, event id) appeared earlier in the same list. Returns the indexes of
    /// the first occurrences (the ones to store) and adds the others to <paramref name="duplicates"/>.</summary>
    public static List<int> FirstOccurrences(IReadOnlyList<StoredEvent> events, List<int> duplicates)
    {
        var seen = new HashSet<(Guid, Guid)>(events.Count);
        var unique = new List<int>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            if (seen.Add((events[i].TenantId, events[i].EventId)))
            {
                unique.Add(i);
            }
            else
            {
                duplicates.Add(i);
            }
        }

        return unique;
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for a negative limit or offset.</summary>
    public static void ValidatePaging(EventFilter filter)
    {
        if (filter.Limit is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(filter), "The limit must not be negative.");
        }

        if (filter.Offset < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(filter), "The offset must not be negative.");
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless the policy is the version after <paramref name="expectedVersion"/>.</summary>
    public static void ValidatePolicyVersion(PolicyRecord policy, long expectedVersion)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(policy.Policy);
        if (expectedVersion < 0 || policy.Version != expectedVersion + 1)
        {
            throw new ArgumentException(
                $"A policy saved over version {expectedVersion} must be version {expectedVersion + 1}, not {policy.Version}.", nameof(policy));
        }
    }
}
