using System.Globalization;
using Candor.Server.Stores;

namespace Candor.Server.Cluster;

/// <summary>The ingest log a collector appends to and a loader reads: which NATS servers, and the stream's bounds.
/// Built from <see cref="CandorServerOptions"/> (<see cref="From"/>) or from <c>candor load</c>'s flags.</summary>
internal sealed record IngestLogOptions
{
    /// <summary>The stream every collector appends to.</summary>
    public const string StreamName = "CANDOR_EVENTS";

    /// <summary>Events travel on <c>candor.events.&lt;tenant id&gt;</c>, so that a tenant's share of the log can be read
    /// or purged by subject.</summary>
    public const string SubjectPrefix = "candor.events.";

    /// <summary>The durable pull consumer every loader shares.</summary>
    public const string ConsumerName = "candor-loader";

    /// <summary>The largest cache time that keeps the cluster's promises: a policy change is served by every collector
    /// within one upload interval (at least 10 s), a revoked key refused everywhere within 30 s.</summary>
    public const int MaxCacheSeconds = 10;

    /// <summary>The NATS server URLs (<c>nats://host:port</c>), at least one.</summary>
    public required IReadOnlyList<string> Servers { get; init; }

    public long MaxBytes { get; init; } = 10L * 1024 * 1024 * 1024;

    public TimeSpan MaxAge { get; init; } = TimeSpan.FromDays(7);

    /// <summary>0: 3 when the cluster has at least 3 nodes, else as many as it has.</summary>
    public int Replicas { get; init; }

    public TimeSpan DuplicateWindow { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The longest a collector's group commit waits for the log to acknowledge its events (the connection
    /// reconnecting to another node, the stream electing a leader); past it the batches get 503
    /// <c>store_unavailable</c> with <c>Retry-After</c>, rather than hang while the log is unreachable. Default 10 s:
    /// long enough to ride out the loss of one node, short of a client's request timeout.</summary>
    public TimeSpan AppendTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public static IngestLogOptions From(CandorServerOptions options) => new()
    {
        Servers = ParseServers(options.Log!),
        MaxBytes = options.LogMaxBytes,
        MaxAge = TimeSpan.FromHours(options.LogMaxAgeHours),
        Replicas = options.LogReplicas,
        DuplicateWindow = TimeSpan.FromSeconds(options.LogDuplicateWindowSeconds),
    };

    /// <summary>The URLs of a <c>--log</c> value: comma-separated, <c>nats://</c> added to a bare <c>host:port</c>.</summary>
    public static IReadOnlyList<string> ParseServers(string value) =>
        [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => s.Contains("://", StringComparison.Ordinal) ? s : "nats://" + s)];

    /// <summary>Adds a line to <paramref name="errors"/> for every problem with the cluster settings.</summary>
    public static void Validate(CandorServerOptions options, List<string> errors)
    {
        if (options.Log is null)
        {
            return;
        }

        var servers = ParseServers(options.Log);
        if (servers.Count == 0)
        {
            errors.Add("Log:Servers: must name at least one NATS server (nats://host:port).");
        }

        foreach (var server in servers)
        {
            if (!Uri.TryCreate(server, UriKind.Absolute, out var uri) || uri.Scheme is not ("nats" or "tls") || uri.Port <= 0)
            {
                errors.Add($"Log:Servers: '{server}' is not a NATS URL (nats://host:port).");
            }
        }

        if (!StoreFactory.IsPostgres(options.Store))
        {
            errors.Add("Log:Servers: the ingest log needs a PostgreSQL store (--store postgres://...), which the loaders fill.");
        }

        if (options.CacheSeconds > MaxCacheSeconds)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture,
                $"CacheSeconds: at most {MaxCacheSeconds} with Log:Servers, so that a policy or key change reaches every collector within one upload interval (got {options.CacheSeconds})."));
        }

        if (options.LogMaxBytes is < 4096 or > 1L << 50)
        {
            errors.Add($"Log:MaxBytes: must be between 4096 and 2^50 (got {options.LogMaxBytes.ToString(CultureInfo.InvariantCulture)}).");
        }

        if (options.LogMaxAgeHours is < 1 or > 87_600)
        {
            errors.Add($"Log:MaxAgeHours: must be between 1 and 87600 (got {options.LogMaxAgeHours.ToString(CultureInfo.InvariantCulture)}).");
        }

        if (options.LogReplicas is < 0 or > 5)
        {
            errors.Add($"Log:Replicas: must be between 0 (automatic) and 5 (got {options.LogReplicas.ToString(CultureInfo.InvariantCulture)}).");
        }

        if (options.LogDuplicateWindowSeconds is < 1 or > 86_400)
        {
            errors.Add($"Log:DuplicateWindowSeconds: must be between 1 and 86400 (got {options.LogDuplicateWindowSeconds.ToString(CultureInfo.InvariantCulture)}).");
        }
    }
}
