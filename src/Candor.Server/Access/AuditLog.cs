using System.Collections.Concurrent;
using System.Text.Json;
using Candor.Storage;

namespace Candor.Server.Access;

/// <summary>Writes the audit records of administrative actions: who (credential id and role), when (the collector's
/// clock), what and to what, with the state before and after as JSON. One per running collector; thread-safe.</summary>
internal sealed class AuditLog(ITenantStore store, TimeProvider time)
{
    // The tokens signed in on this collector process: a sign-in is recorded once per token per process.
    private readonly ConcurrentDictionary<Guid, byte> _signedIn = new();

    /// <summary>Records an action. <paramref name="before"/> and <paramref name="after"/> are JSON text as given, or
    /// objects serialised with the web defaults.</summary>
    public Task RecordAsync(Principal principal, string action, string target, object? before, object? after, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        return store.AppendAuditAsync(new AuditRecord(Guid.CreateVersion7(now), principal.Tenant.Id, now,
            principal.CredentialId.ToString("D"), principal.Role, action, target, Json(before), Json(after)), ct);
    }

    /// <summary>Records <c>admin.signed_in</c> the first time this collector lets a token through: the log shows who
    /// used the admin API and from when, without a record per request.</summary>
    public async Task SignInAsync(Principal principal, CancellationToken ct)
    {
        if (_signedIn.TryAdd(principal.CredentialId, 0))
        {
            try
            {
                await RecordAsync(principal, "admin.signed_in", principal.CredentialId.ToString("D"), null, new { role = principal.Role }, ct)
                    .ConfigureAwait(false);
            }
            catch
            {
                // Not recorded, so the next request tries again.
                _signedIn.TryRemove(principal.CredentialId, out _);
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
