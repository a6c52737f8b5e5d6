using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Candor.Server.Tenants;
using Candor.Storage;

namespace Candor.Server.Admin;

/// <summary>Writes the audit records of administrative actions: who (token id and role), when (the collector's
/// clock), what and to what, with the state before and after as JSON.</summary>
internal static class AdminAudit
{
    // One set per running collector, so that a sign-in is recorded once per token per collector process.
    private static readonly ConditionalWeakTable<Collector, ConcurrentDictionary<Guid, byte>> SignedIn = new();

    public static Task RecordAsync(Collector c, Principal principal, string action, string target, object? before, object? after,
        CancellationToken ct = default) =>
        c.Store.AppendAuditAsync(new AuditRecord(Guid.CreateVersion7(c.Time.GetUtcNow()), principal.Tenant.Id, c.Time.GetUtcNow(),
            principal.CredentialId.ToString("D"), principal.Role, action, target, Json(before), Json(after)), ct);

    /// <summary>Records <c>admin.signed_in</c> the first time this collector lets a token through: the log shows who
    /// used the admin API and from when, without a record per request.</summary>
    public static async Task SignInAsync(Collector c, Principal principal, CancellationToken ct)
    {
        var seen = SignedIn.GetValue(c, _ => new ConcurrentDictionary<Guid, byte>());
        if (seen.TryAdd(principal.CredentialId, 0))
        {
            try
            {
                await RecordAsync(c, principal, "admin.signed_in", principal.CredentialId.ToString("D"), null, new { role = principal.Role }, ct)
                    .ConfigureAwait(false);
            }
            catch
            {
                // Not recorded, so the next request tries again.
                seen.TryRemove(principal.CredentialId, out _);
                throw;
            }
        }
    }

    private static string? Json(object? value) => value switch
    {
        null => null,
        string text => text,
        _ => JsonSerializer.Serialize(value, JsonSerializerOptions.Web),
    };
}
