using System.Text;
using System.Text.Json;

namespace Candor.Storage.Schema;

/// <summary>The audit record every backend writes when it deletes a tenant. The tenant's earlier audit records
/// are kept (the log is append-only), and this one says what was removed, so an auditor can still see that
/// the tenant existed and when and how it left.</summary>
internal static class Offboarding
{
    public const string Action = "tenant.deleted";

    /// <summary>The actor of an offboarding: the interface carries no caller, and only an operator deletes a tenant.</summary>
    public const string Actor = "operator";

    public static AuditRecord Record(Guid tenantId, TenantRecord? tenant, long events, long credentials, long policies, DateTimeOffset at)
    {
        string? before = null;
        if (tenant is not null)
        {
            before = Json(w =>
            {
                w.WriteString("name", tenant.Name);
                w.WriteString("family", tenant.Family);
                w.WriteString("createdAt", tenant.CreatedAt);
            });
        }

        var after = Json(w =>
        {
            w.WriteNumber("eventsDeleted", events);
            w.WriteNumber("credentialsDeleted", credentials);
            w.WriteNumber("policyVersionsDeleted", policies);
        });
        return new AuditRecord(Guid.CreateVersion7(at), tenantId, at, Actor, Actor, Action,
            tenantId.ToString("D"), before, after);
    }

    private static string Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
