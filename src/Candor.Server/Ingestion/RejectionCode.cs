namespace Candor.Server.Ingestion;

/// <summary>Why one event of a batch was rejected. The wire names are fixed by the protocol.</summary>
internal enum RejectionCode
{
    InvalidEnvelope,
    UnknownProduct,
    UnknownEvent,
    ExpiredEvent,
    LevelNotAllowed,
    CategoryNotAllowed,
    TooOld,
    InFuture,
    UndeclaredField,
    InvalidField,
    PiiDetected,
}

internal static class RejectionCodes
{
    /// <summary>Every code, for metrics and documentation.</summary>
    public static readonly RejectionCode[] All = Enum.GetValues<RejectionCode>();

    public static string ToWire(this RejectionCode code) => code switch
    {
        RejectionCode.InvalidEnvelope => "invalid_envelope",
        RejectionCode.UnknownProduct => "unknown_product",
        RejectionCode.UnknownEvent => "unknown_event",
        RejectionCode.ExpiredEvent => "expired_event",
        RejectionCode.LevelNotAllowed => "level_not_allowed",
        RejectionCode.CategoryNotAllowed => "category_not_allowed",
        RejectionCode.TooOld => "too_old",
        RejectionCode.InFuture => "in_future",
        RejectionCode.UndeclaredField => "undeclared_field",
        RejectionCode.InvalidField => "invalid_field",
        RejectionCode.PiiDetected => "pii_detected",
        _ => throw new ArgumentOutOfRangeException(nameof(code)),
    };
}

/// <summary>One rejected event: its index in the batch, its id when it had a valid one, and why.</summary>
internal readonly record struct Rejection(int Index, Guid? Id, RejectionCode Code, string Message);
