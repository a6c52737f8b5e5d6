using Candor.Analytics.Health;
using Candor.Analytics.Versions;
using Candor.Server.Access;

namespace Candor.Server.Analytics;

/// <summary>Marking a product's versions vulnerable and removing a mark, with their rules and their audit records: one
/// code path for <c>POST</c>/<c>DELETE /v1/analytics/vulnerable</c> and the console's versions page (permission
/// <see cref="Permission.ManageVulnerabilities"/>, checked by the caller's route or page).</summary>
internal static class VulnerableMarks
{
    public const int MaxProduct = 128;
    public const int MaxVersion = 64;
    public const int MaxAdvisory = 512;

    /// <summary>Why the fields cannot make a mark, or null when they can.</summary>
    public static string? Refusal(string? product, string? minVersion, string? maxVersion, string? advisory)
    {
        if (product is null || minVersion is null || maxVersion is null || advisory is null || product.Length > MaxProduct
            || minVersion.Length > MaxVersion || maxVersion.Length > MaxVersion || advisory.Length > MaxAdvisory)
        {
            return $"A mark needs a product (up to {MaxProduct} characters), a first and a last version (up to {MaxVersion} each) " +
                $"and an advisory (up to {MaxAdvisory}).";
        }

        return AppVersionComparer.Instance.Compare(minVersion, maxVersion) > 0 ? $"minVersion '{minVersion}' is after maxVersion '{maxVersion}'." : null;
    }

    /// <summary>Stores the mark (fields already accepted by <see cref="Refusal"/>) and audits it as
    /// <c>version.marked_vulnerable</c>.</summary>
    public static async Task<VulnerableMark> MarkAsync(AnalyticsService service, AuditLog audit, Principal principal, string product,
        string minVersion, string maxVersion, string advisory, CancellationToken cancellationToken)
    {
        var mark = await service.Queries.MarkVulnerableAsync(principal.Tenant.Id, product, minVersion, maxVersion, advisory,
            service.Time.GetUtcNow(), principal.CredentialId.ToString("D"), cancellationToken);
        await audit.RecordAsync(principal, "version.marked_vulnerable", product, null, mark, cancellationToken);
        return mark;
    }

    /// <summary>Removes the tenant's mark and audits it as <c>version.unmarked_vulnerable</c>; false when the tenant
    /// has no such mark.</summary>
    public static async Task<bool> UnmarkAsync(AnalyticsService service, AuditLog audit, Principal principal, Guid markId,
        CancellationToken cancellationToken)
    {
        var before = (await service.Queries.VulnerableMarksAsync(principal.Tenant.Id, cancellationToken)).FirstOrDefault(m => m.Id == markId);
        if (before is null || !await service.Queries.UnmarkVulnerableAsync(principal.Tenant.Id, markId, cancellationToken))
        {
            return false;
        }

        await audit.RecordAsync(principal, "version.unmarked_vulnerable", before.Product, before, null, cancellationToken);
        return true;
    }
}
