namespace Candor.Fleet.Simulation;

/// <summary>What to simulate. The same options (seed, size, period end) always give the same events.</summary>
internal sealed record FleetOptions
{
    /// <summary>The seed of every random choice. Default 1.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>How many installations (one product on one device each). Default 300.</summary>
    public int Devices { get; init; } = 300;

    /// <summary>How many days the simulated period lasts. Default 7.</summary>
    public int Days { get; init; } = 7;

    /// <summary>When the simulated period ends: no event is later. The simulation never reads a clock; the caller
    /// passes this in (the demo uses the start of the current UTC day, so a day's runs are identical).</summary>
    public required DateTimeOffset End { get; init; }

    /// <summary>Events per batch, at most 500 (the protocol's batches are small). Default 500.</summary>
    public int BatchSize { get; init; } = 500;

    /// <summary>Which event ids the devices make: time-ordered (version 7, as the SDK does) or random (version 4,
    /// as older SDKs and other clients do). Default <see cref="EventIdKind.V7"/>.</summary>
    public EventIdKind Ids { get; init; } = EventIdKind.V7;

    /// <summary>Stop after this many events (null: the whole period).</summary>
    public long? MaxEvents { get; init; }

    /// <summary>Every problem with the options, together; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Devices is < 1 or > 1_000_000)
        {
            errors.Add($"devices must be between 1 and 1000000 (got {Devices}).");
        }

        if (Days is < 1 or > 365)
        {
            errors.Add($"days must be between 1 and 365 (got {Days}).");
        }

        if (BatchSize is < 1 or > 500)
        {
            errors.Add($"batch size must be between 1 and 500 (got {BatchSize}).");
        }

        if (MaxEvents is < 1)
        {
            errors.Add($"the event limit must be positive (got {MaxEvents}).");
        }

        return errors;
    }

    /// <summary>Options whose fleet produces at least <paramref name="events"/> events, capped to that count. A device
    /// averages about 50 events a day; the fleet is sized for 25 so that it never runs dry before the count.</summary>
    public static FleetOptions ForEventCount(long events, int seed, DateTimeOffset end, int batchSize = 500, int days = 7,
        EventIdKind ids = EventIdKind.V7)
    {
        var devices = (int)Math.Clamp((events / (days * 25.0)) + 20, 20, 1_000_000);
        return new FleetOptions { Seed = seed, Devices = devices, Days = days, End = end, BatchSize = batchSize, MaxEvents = events, Ids = ids };
    }
}

/// <summary>How simulated devices make event ids.</summary>
internal enum EventIdKind
{
    /// <summary>Version 7 UUIDs carrying the event's time: ids made later sort later (docs/protocol.md).</summary>
    V7,

    /// <summary>Random version 4 UUIDs.</summary>
    V4,
}
