namespace Candor.Fleet.Load;

/// <summary>The outcome of a load run, totalled from the collector's 200 responses.</summary>
internal sealed record LoadReport
{
    /// <summary>Events in the prepared batches.</summary>
    public required long EventsPrepared { get; init; }

    /// <summary>Events in batches that got a 200 answer.</summary>
    public required long EventsSent { get; init; }

    public required long Batches { get; init; }

    public required long BatchesSent { get; init; }

    /// <summary>Batches that never got a 200 (an error status, or retries exhausted).</summary>
    public required long BatchesFailed { get; init; }

    public required long Accepted { get; init; }

    public required long Duplicates { get; init; }

    public required long Rejected { get; init; }

    /// <summary>Rejections per code, e.g. <c>unknown_event</c>.</summary>
    public required IReadOnlyDictionary<string, long> RejectionCodes { get; init; }

    /// <summary>Responses per HTTP status (retried ones included).</summary>
    public required IReadOnlyDictionary<int, long> Statuses { get; init; }

    public required long Retries { get; init; }

    public required double PrepareSeconds { get; init; }

    public required double Seconds { get; init; }

    /// <summary>Events per second of the sending phase (generation excluded).</summary>
    public double EventsPerSecond => Seconds > 0 ? EventsSent / Seconds : 0;

    public required double LatencyP50Ms { get; init; }

    public required double LatencyP90Ms { get; init; }

    public required double LatencyP99Ms { get; init; }

    public required double LatencyMaxMs { get; init; }

    /// <summary>Whether the time limit stopped the run before every batch was sent.</summary>
    public required bool TimedOut { get; init; }

    /// <summary>The first error that was not a rejection (status and problem text), if any.</summary>
    public string? FirstError { get; init; }
}
