using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Candor.Core.Catalog;
using Candor.Core.Model;
using Candor.Core.Policy;
using Candor.Server.Access;
using Candor.Storage;

namespace Candor.Server.TenantPolicies;

/// <summary>How a policy change ended.</summary>
internal enum PolicySaveOutcome
{
    /// <summary>Saved as the next version, audited.</summary>
    Saved,

    /// <summary>The change was made against a policy that is no longer the current one (its ETag differs): someone
    /// else's newer change would be overwritten, so nothing was saved (412).</summary>
    Stale,

    /// <summary>Another change was saved between reading and writing (409); nothing was saved.</summary>
    Conflict,
}

/// <summary>The result of <see cref="PolicyChanges.SaveAsync"/>: the outcome and the policy that now applies.</summary>
internal sealed record PolicySaveResult(PolicySaveOutcome Outcome, EffectivePolicy Current);

/// <summary>What a policy change would stop (or start) collecting, before it is saved: the catalog's events that the
/// current policy allows and the new one does not, the categories and levels no longer allowed, and the retention
/// change. <see cref="StoredEvents"/> is how many events of the stopped kinds the tenant has stored now, so a privacy
/// officer sees the volume a change stops.</summary>
internal sealed record PolicyPreview(
    bool StopsCollection,
    IReadOnlyList<EventDefinition> StoppedEvents,
    IReadOnlyList<EventDefinition> StartedEvents,
    IReadOnlyList<DataCategory> StoppedCategories,
    IReadOnlyList<DataLevel> StoppedLevels,
    int RetentionBefore,
    int RetentionAfter,
    long StoredEvents)
{
    /// <summary>Whether the change stops nothing that is collected today and shortens no retention.</summary>
    public bool StopsNothing => !StopsCollection && StoppedEvents.Count == 0 && StoppedCategories.Count == 0 && StoppedLevels.Count == 0
        && RetentionAfter >= RetentionBefore;
}

/// <summary>Changes an organisation's policy the one way both <c>PUT /v1/admin/policy</c> and the console's policy
/// editor do: parsed and checked against the family's rule by <see cref="PolicyService.Parse"/>, guarded by the ETag the
/// change was made against, saved as the next version and audited as <c>policy.changed</c> with before and after.
/// Stateless; thread-safe.</summary>
internal static class PolicyChanges
{
    /// <summary>Saves <paramref name="policy"/> for the principal's tenant unless <paramref name="ifMatch"/> (an ETag,
    /// <c>*</c> or null for none) no longer names the current policy.</summary>
    public static async Task<PolicySaveResult> SaveAsync(Principal principal, TenantPolicy policy, string? ifMatch, PolicyService policies,
        ITenantStore store, AuditLog audit, TimeProvider time, CancellationToken ct)
    {
        var tenant = principal.Tenant;
        policies.Invalidate(tenant.Id);
        var current = await policies.GetAsync(tenant, ct).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(ifMatch) && ifMatch != "*" && ifMatch != current.ETag)
        {
            return new PolicySaveResult(PolicySaveOutcome.Stale, current);
        }

        var record = new PolicyRecord(tenant.Id, current.Version + 1, policy, time.GetUtcNow());
        if (!await store.SavePolicyAsync(record, current.Version, ct).ConfigureAwait(false))
        {
            policies.Invalidate(tenant.Id);
            return new PolicySaveResult(PolicySaveOutcome.Conflict, await policies.GetAsync(tenant, ct).ConfigureAwait(false));
        }

        await audit.RecordAsync(principal, "policy.changed", "policy", Encoding.UTF8.GetString(current.Json),
            Encoding.UTF8.GetString(PolicyService.ToJson(policy)), ct).ConfigureAwait(false);
        policies.Invalidate(tenant.Id);
        return new PolicySaveResult(PolicySaveOutcome.Saved, await policies.GetAsync(tenant, ct).ConfigureAwait(false));
    }

    /// <summary>What changing <paramref name="before"/> to <paramref name="after"/> stops and starts, event by event of
    /// the family's catalog (with <see cref="TenantPolicy.Allows"/>, the rule the SDK and the collector enforce).
    /// <paramref name="storedByEvent"/> is the tenant's stored events per event name (the inventory).</summary>
    public static PolicyPreview Preview(CompiledCatalog? catalog, IReadOnlyList<DataLevel> familyLevels, TenantPolicy before, TenantPolicy after,
        IReadOnlyDictionary<string, long> storedByEvent)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        ArgumentNullException.ThrowIfNull(storedByEvent);
        var events = catalog?.Events ?? [];
        var stopped = events.Where(e => before.Allows(e.Level, e.Category, familyLevels) && !after.Allows(e.Level, e.Category, familyLevels))
            .OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
        var started = events.Where(e => !before.Allows(e.Level, e.Category, familyLevels) && after.Allows(e.Level, e.Category, familyLevels))
            .OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
        var stopsCollection = before.CollectionOn && !after.CollectionOn;
        var stoppedCategories = after.CollectionOn
            ? before.Categories.Where(c => !after.Categories.Contains(c)).ToList()
            : [];
        var stoppedLevels = after.CollectionOn
            ? before.Levels.Where(l => !after.Levels.Contains(l) && familyLevels.Contains(l)).ToList()
            : [];
        var stored = stopped.Sum(e => storedByEvent.TryGetValue(e.Name, out var n) ? n : 0);
        return new PolicyPreview(stopsCollection, stopped, started, stoppedCategories, stoppedLevels, before.RetentionDays, after.RetentionDays, stored);
    }

    /// <summary>The wire JSON of a policy typed into a form (the console's editor), for <see cref="PolicyService.Parse"/>
    /// to check exactly as it checks an API client's: collection <c>on</c>/<c>off</c>, the levels and categories by wire
    /// name, and the two numbers as typed. Null, with <paramref name="errors"/> added, when a number is not one.</summary>
    public static byte[]? FormJson(string? collection, IEnumerable<string?> levels, IEnumerable<string?> categories, string? retentionDays,
        string? uploadIntervalSeconds, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var ok = true;
        if (!int.TryParse(retentionDays, NumberStyles.None, CultureInfo.InvariantCulture, out var retention))
        {
            errors.Add("Retention must be a whole number of days.");
            ok = false;
        }

        if (!int.TryParse(uploadIntervalSeconds, NumberStyles.None, CultureInfo.InvariantCulture, out var interval))
        {
            errors.Add("The upload interval must be a whole number of seconds.");
            ok = false;
        }

        if (!ok)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>(384);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("collection", collection ?? "");
            writer.WriteStartArray("levels");
            foreach (var level in levels)
            {
                writer.WriteStringValue(level ?? "");
            }

            writer.WriteEndArray();
            writer.WriteStartArray("categories");
            foreach (var category in categories)
            {
                writer.WriteStringValue(category ?? "");
            }

            writer.WriteEndArray();
            writer.WriteNumber("retentionDays", retention);
            writer.WriteNumber("uploadIntervalSeconds", interval);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
