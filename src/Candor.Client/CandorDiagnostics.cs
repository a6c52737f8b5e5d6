namespace Candor.Client;

/// <summary>A snapshot of the SDK's self-diagnostics: what it was asked to record and what became of it. The
/// same numbers are published by the <c>Candor.Client</c> <see cref="System.Diagnostics.Metrics.Meter"/>.
/// Immutable; safe to share between threads.</summary>
public sealed class CandorDiagnostics
{
    internal CandorDiagnostics(
        long received, IReadOnlyDictionary<string, long> filtered, long redacted, long persisted,
        IReadOnlyDictionary<string, long> dropped, long sent, long uploadsSucceeded, long uploadsFailed,
        long internalErrors, string? lastInternalError)
    {
        Received = received;
        Filtered = filtered;
        Redacted = redacted;
        Persisted = persisted;
        Dropped = dropped;
        Sent = sent;
        UploadsSucceeded = uploadsSucceeded;
        UploadsFailed = uploadsFailed;
        InternalErrors = internalErrors;
        LastInternalError = lastInternalError;
    }

    /// <summary>Events the app (or the SDK itself) asked to record, allowed or not.</summary>
    public long Received { get; }

    /// <summary>Events not queued, by reason (<c>level_not_allowed</c>, <c>category_not_allowed</c>,
    /// <c>collection_off</c>, <c>unknown_event</c>, <c>invalid_field</c>, ...). Reasons with no events are absent.</summary>
    public IReadOnlyDictionary<string, long> Filtered { get; }

    /// <summary>String values the PII guard replaced with a placeholder.</summary>
    public long Redacted { get; }

    /// <summary>Events written durably to the on-disk queue.</summary>
    public long Persisted { get; }

    /// <summary>Accepted events that will never be sent, by reason (<c>pii_detected</c>, <c>queue_full</c>,
    /// <c>policy_changed</c>, <c>retry_limit</c>, <c>batch_rejected</c>, ...).</summary>
    public IReadOnlyDictionary<string, long> Dropped { get; }

    /// <summary>Events the collector acknowledged (stored or already stored).</summary>
    public long Sent { get; }

    /// <summary>Upload requests the collector acknowledged.</summary>
    public long UploadsSucceeded { get; }

    /// <summary>Upload attempts that failed (network error or an error status).</summary>
    public long UploadsFailed { get; }

    /// <summary>Failures inside the SDK that it absorbed rather than throw into the app.</summary>
    public long InternalErrors { get; }

    /// <summary>Where the last absorbed failure happened and its exception type (never its message), or null.</summary>
    public string? LastInternalError { get; }

    /// <summary>The number of events filtered for one reason (0 when none).</summary>
    public long FilteredFor(string reason) => Filtered.TryGetValue(reason, out var n) ? n : 0;

    /// <summary>The number of events dropped for one reason (0 when none).</summary>
    public long DroppedFor(string reason) => Dropped.TryGetValue(reason, out var n) ? n : 0;
}
