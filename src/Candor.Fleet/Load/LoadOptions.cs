using Candor.Fleet.Simulation;

namespace Candor.Fleet.Load;

/// <summary>What the load generator sends and how hard.</summary>
internal sealed record LoadOptions
{
    /// <summary>The collector's base URL (loopback in tests), e.g. <c>http://127.0.0.1:5080</c>.</summary>
    public required Uri Url { get; init; }

    /// <summary>More collectors of the same cluster (behind no balancer): senders are spread over <see cref="Url"/>
    /// and these, and a batch whose collector fails (no connection, 5xx) is retried on the next one. Default none.</summary>
    public IReadOnlyList<Uri> MoreUrls { get; init; } = [];

    /// <summary>Every collector the run sends to: <see cref="Url"/> first.</summary>
    public IReadOnlyList<Uri> AllUrls => [Url, .. MoreUrls];

    /// <summary>The ingestion key sent as <c>Authorization: Bearer</c>.</summary>
    public required string Key { get; init; }

    /// <summary>How many events to send in total: at most 10 million prepared, at most 1 billion with
    /// <see cref="Stream"/>.</summary>
    public required long Events { get; init; }

    /// <summary>Whether batches are generated while the run sends them (a producer feeding the senders through a
    /// bounded queue) instead of prepared in memory before the clock starts, so that any count fits in memory.
    /// Default false.</summary>
    public bool Stream { get; init; }

    /// <summary>With <see cref="Stream"/>: how many days of event time the fleet's events spread over, ending at
    /// the run's end time. Between 1 and 30 (the collector's acceptance window). Default 10.</summary>
    public int Days { get; init; } = 10;

    /// <summary>With <see cref="Stream"/>: a slice is reported every this many answered events. Default 1,000,000.</summary>
    public long SliceEvents { get; init; } = 1_000_000;

    /// <summary>How many senders post batches at the same time. Default 4.</summary>
    public int Concurrency { get; init; } = 4;

    /// <summary>Events per batch, at most 500. Default 500.</summary>
    public int BatchSize { get; init; } = 500;

    /// <summary>The fleet's seed; the same seed sends the same event ids (a second run is all duplicates). Default 1.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Which event ids the fleet makes: <see cref="EventIdKind.V7"/> (time-ordered, as the SDK) or
    /// <see cref="EventIdKind.V4"/> (random, as older clients). Default V7.</summary>
    public EventIdKind Ids { get; init; } = EventIdKind.V7;

    /// <summary>Whether bodies are gzip-compressed (compressed before the clock starts). Default false.</summary>
    public bool Gzip { get; init; }

    /// <summary>Whether batches go to <c>/v1/logs</c> as OTLP protobuf instead of <c>/v1/events</c> as JSON (converted
    /// before the clock starts). Default false.</summary>
    public bool Otlp { get; init; }

    /// <summary>The run stops sending when this much time has passed: at most 2 hours prepared, 24 hours with
    /// <see cref="Stream"/>. Default 5 minutes.</summary>
    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How often one batch is retried after 429/503 or a connection failure (at most 10,000). Default 5.</summary>
    public int MaxRetries { get; init; } = 5;

    /// <summary>The longest wait honoured from a <c>Retry-After</c> header. Default 10 seconds.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The most events a prepared run holds in memory.</summary>
    public const long MaxPreparedEvents = 10_000_000;

    /// <summary>The most events a streamed run sends.</summary>
    public const long MaxStreamedEvents = 1_000_000_000;

    /// <summary>Every problem with the options, together; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!Url.IsAbsoluteUri || Url.Scheme is not ("http" or "https"))
        {
            errors.Add($"--url must be an absolute http(s) URL (got {Url}).");
        }

        foreach (var more in MoreUrls)
        {
            if (!more.IsAbsoluteUri || more.Scheme is not ("http" or "https"))
            {
                errors.Add($"--url must list absolute http(s) URLs (got {more}).");
            }
        }

        if (MaxRetries is < 0 or > 10_000)
        {
            errors.Add($"--retries must be between 0 and 10000 (got {MaxRetries}).");
        }

        if (string.IsNullOrWhiteSpace(Key))
        {
            errors.Add("--key must not be empty.");
        }

        var maxEvents = Stream ? MaxStreamedEvents : MaxPreparedEvents;
        if (Events < 1 || Events > maxEvents)
        {
            errors.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"--events must be between 1 and {maxEvents}{(Stream ? "" : " (use --stream for more)")} (got {Events})."));
        }

        if (Stream && Days is < 1 or > 30)
        {
            errors.Add($"--days must be between 1 and 30 (got {Days}).");
        }

        if (Stream && SliceEvents < 1)
        {
            errors.Add($"--slice must be positive (got {SliceEvents}).");
        }

        if (Concurrency is < 1 or > 256)
        {
            errors.Add($"--concurrency must be between 1 and 256 (got {Concurrency}).");
        }

        if (BatchSize is < 1 or > 500)
        {
            errors.Add($"--batch must be between 1 and 500 (got {BatchSize}).");
        }

        var maxTime = TimeSpan.FromHours(Stream ? 24 : 2);
        if (TimeLimit <= TimeSpan.Zero || TimeLimit > maxTime)
        {
            errors.Add($"--time-limit must be between 1 second and {maxTime.TotalHours} hours (got {TimeLimit.TotalSeconds} s).");
        }

        return errors;
    }
}
