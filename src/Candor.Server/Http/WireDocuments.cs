namespace Candor.Server.Http;

// The shapes of the wire protocol, for the OpenAPI description only: the endpoints read and write JSON with
// Utf8JsonReader and Utf8JsonWriter, not through these types.

/// <summary>A batch of events.</summary>
internal sealed record BatchDocument(string? BatchId, string? SentAt, IReadOnlyList<EventDocument> Events);

/// <summary>One event: the envelope and its declared data.</summary>
internal sealed record EventDocument(
    Guid Id, string Name, string Time, long Seq, string Product, string AppVersion, string Sdk, Guid Session,
    DeviceDocument Device, IReadOnlyDictionary<string, object>? Data);

/// <summary>The device part of the envelope.</summary>
internal sealed record DeviceDocument(Guid Id, string Class, string Os, string OsVersion, string Arch, string Locale);

/// <summary>The answer to a batch: how many events were stored, how many were duplicates, how many string values
/// were redacted, and each rejected event by index with its code.</summary>
internal sealed record IngestResponse(int Accepted, int Duplicates, int Redacted, IReadOnlyList<RejectedDocument> Rejected);

/// <summary>One rejected event.</summary>
internal sealed record RejectedDocument(int Index, Guid? Id, string Code, string Message);

/// <summary>An organisation's policy.</summary>
internal sealed record PolicyDocument(string Collection, IReadOnlyList<string> Levels, IReadOnlyList<string> Categories,
    int RetentionDays, int UploadIntervalSeconds);

/// <summary>A request to create a tenant.</summary>
internal sealed record CreateTenantRequest(string Name, string Family);

/// <summary>A request to issue a credential.</summary>
internal sealed record IssueCredentialRequest(string Kind, string? Role, bool RevokeOthers);

/// <summary>A credential just issued; the secret is shown once.</summary>
internal sealed record IssuedCredentialDocument(Guid Id, string Kind, string Role, string Secret);

/// <summary>A credential as listed (no secret).</summary>
internal sealed record CredentialDocument(Guid Id, string Kind, string Role, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>A tenant as listed.</summary>
internal sealed record TenantDocument(Guid Id, string Name, string Family, DateTimeOffset CreatedAt);
