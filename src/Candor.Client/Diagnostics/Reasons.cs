namespace Candor.Client.Diagnostics;

/// <summary>Why an event was not queued. Counted per reason; indexes an array so counting allocates nothing.</summary>
internal enum FilterReason : byte
{
    /// <summary>Not filtered: the event may be collected.</summary>
    None = 0,
    UnknownEvent,
    UnknownProduct,
    ExpiredEvent,
    CollectionOff,
    LevelNotAllowed,
    CategoryNotAllowed,
    SampledOut,
    UndeclaredField,
    InvalidField,
    ClientDisposed,
}

/// <summary>Why an event that was accepted (or queued) never reached the collector.</summary>
internal enum DropReason : byte
{
    PiiDetected,
    QueueFull,
    PolicyChanged,
    CollectionOff,
    RejectedByCollector,
    BatchRejected,
    Unauthorized,
    RetryLimit,
    Corrupt,
    TooLarge,
    LocalDataDeleted,
}

internal static class ReasonNames
{
    public static readonly string[] Filter =
    [
        "none", "unknown_event", "unknown_product", "expired_event", "collection_off", "level_not_allowed",
        "category_not_allowed", "sampled_out", "undeclared_field", "invalid_field", "client_disposed",
    ];

    public static readonly string[] Drop =
    [
        "pii_detected", "queue_full", "policy_changed", "collection_off", "rejected_by_collector", "batch_rejected",
        "unauthorized", "retry_limit", "corrupt", "too_large", "local_data_deleted",
    ];
}
