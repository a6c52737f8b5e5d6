using System.Globalization;
using Candor.Core.Catalog;
using Microsoft.Extensions.Logging;

namespace Candor.Server;

/// <summary>How a collector runs. Every property has a documented default; <see cref="Validate"/> reports every
/// problem at once. Not thread-safe: set it up, then hand it to <see cref="CandorServer.StartAsync"/>.</summary>
public sealed class CandorServerOptions
{
    /// <summary>The URL(s) Kestrel listens on, separated by <c>;</c>. Default <c>http://127.0.0.1:5080</c>; use
    /// port 0 to let the system choose (the chosen address is in <see cref="CandorServerHandle.Address"/>).</summary>
    public string Urls { get; set; } = "http://127.0.0.1:5080";

    /// <summary>A PEM file with the certificate https URLs in <see cref="Urls"/> serve, the server's own certificate
    /// first and any intermediates after it; null for none (then every URL must be http). Read again without a restart
    /// when its content changes (docs/operations.md, "TLS"). Default null.</summary>
    public string? TlsCertificatePath { get; set; }

    /// <summary>The unencrypted PEM private key (PKCS#8, RSA or EC) of <see cref="TlsCertificatePath"/>; required with
    /// it. Default null.</summary>
    public string? TlsKeyPath { get; set; }

    /// <summary>The <c>max-age</c> of the <c>Strict-Transport-Security</c> header sent on https responses, in seconds; 0
    /// sends none. Not sent to <c>localhost</c> or loopback addresses. Default 31,536,000 (one year).</summary>
    public int HstsMaxAgeSeconds { get; set; } = 31_536_000;

    /// <summary>The addresses or CIDR ranges of the reverse proxies whose <c>X-Forwarded-For</c> and
    /// <c>X-Forwarded-Proto</c> headers are believed; from any other peer they are ignored. Empty (the default): the
    /// headers are never read, and the client address is the connection's.</summary>
    public IList<string> KnownProxies { get; } = [];

    /// <summary>How often the certificate and key files are checked for a change. Default 10 s; tests shorten it.</summary>
    internal TimeSpan TlsReloadInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The data folder; the embedded store is the file <c>candor.duckdb</c> in it. Default <c>./candor-data</c>.</summary>
    public string DataDirectory { get; set; } = "candor-data";

    /// <summary>The store: <c>duckdb</c> (the default: one file in <see cref="DataDirectory"/>) or a PostgreSQL
    /// URL or connection string (<c>postgres://user@host:5432/db</c>).</summary>
    public string Store { get; set; } = "duckdb";

    /// <summary>Cluster mode: the NATS servers of the JetStream cluster that carries the ingest log, as
    /// <c>nats://host:port[,nats://host:port...]</c> (a bare <c>host:port</c> means <c>nats://</c>). With it, a batch
    /// is acknowledged once its events are in the replicated stream, and <c>candor load</c> moves them into the
    /// PostgreSQL <see cref="Store"/> (which it requires). Configuration key <c>Log:Servers</c>, flag <c>--log</c>.
    /// Default null: events are written to the store directly.</summary>
    public string? Log { get; set; }

    /// <summary>The most bytes the ingest log may hold (events not yet loaded); when full, new batches get 503
    /// <c>log_full</c>. Configuration key <c>Log:MaxBytes</c>. Default 10 GiB (docs/operations.md, "Cluster").</summary>
    public long LogMaxBytes { get; set; } = 10L * 1024 * 1024 * 1024;

    /// <summary>The longest an event may wait in the ingest log, in hours; older ones are dropped by JetStream, so
    /// it must exceed any PostgreSQL outage you plan to ride out. Configuration key <c>Log:MaxAgeHours</c>.
    /// Default 168 (a week).</summary>
    public int LogMaxAgeHours { get; set; } = 168;

    /// <summary>How many NATS nodes keep each event of the ingest log; 0 (the default) means 3 when the cluster
    /// has at least 3 nodes, else as many as it has. Configuration key <c>Log:Replicas</c>.</summary>
    public int LogReplicas { get; set; }

    /// <summary>How long the ingest log remembers event ids to drop re-sent events (JetStream's duplicate window),
    /// in seconds; re-sends after it are dropped by the loaders' exact deduplication instead. Configuration key
    /// <c>Log:DuplicateWindowSeconds</c>. Default 120.</summary>
    public int LogDuplicateWindowSeconds { get; set; } = 120;

    /// <summary>How often a node that does not lead tries to take the leader lock, and the leader checks that it
    /// still holds it (PostgreSQL store only). Default 5 s; tests shorten it.</summary>
    internal TimeSpan LeaderCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a collector of the cluster announces itself to the others (the rate limit's split). Default
    /// 5 s; tests shorten it.</summary>
    internal TimeSpan PresenceInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the leader reads the ingest log's fill level for the metrics and the alarm. Default 15 s.</summary>
    internal TimeSpan LogMonitorInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The embedded store's memory limit (DuckDB's <c>memory_limit</c>, the whole database), in MiB; from
    /// 64 to 1,048,576. Configuration key <c>DuckDb:MemoryLimitMiB</c>. Default 512 (docs/operations.md).</summary>
    public int DuckDbMemoryLimitMiB { get; set; } = 512;

    /// <summary>The embedded store's worker threads (DuckDB's <c>threads</c>, the whole database), from 1 to 256, or
    /// 0 for DuckDB's default of one per core. On a small machine that also parses the events, one thread spends
    /// less CPU per stored event and leaves the other cores to ingest, but every query then runs on one core
    /// (docs/operations.md, "DuckDB: checkpoints"). Configuration key <c>DuckDb:Threads</c>. Default 0.</summary>
    public int DuckDbThreads { get; set; }

    /// <summary>A folder of compiled catalogs (<c>*.json</c>, from <c>candor catalog compile</c>) to load at start,
    /// or null. Default null.</summary>
    public string? CatalogRoot { get; set; }

    /// <summary>Compiled catalogs to serve, in addition to those under <see cref="CatalogRoot"/>. A tenant's family
    /// selects one by its id. Default empty.</summary>
    public IList<CompiledCatalog> Catalogs { get; } = [];

    /// <summary>The secret that authorises the operator endpoints (<c>/v1/operator/...</c>); null disables them. At
    /// least <see cref="MinimumOperatorTokenLength"/> characters (<c>candor token generate</c> makes one). Default null.</summary>
    public string? OperatorToken { get; set; }

    /// <summary>The shortest operator token accepted: 32 characters.</summary>
    public const int MinimumOperatorTokenLength = 32;

    /// <summary>Host names, IP addresses or CIDR ranges that alert webhooks may reach although they are not public
    /// (an on-premises install naming its own chat server, for instance); everything else that is loopback,
    /// link-local, private, unique-local, multicast or otherwise not globally routable is refused. Default empty.</summary>
    public IList<string> WebhookAllowlist { get; } = [];

    /// <summary>How many tenants' webhooks alerts are posted to at once. Default 8.</summary>
    public int AlertDeliveryParallelism { get; set; } = 8;

    /// <summary>How long one webhook delivery may take, in seconds, connecting included. Default 10.</summary>
    public int AlertDeliveryTimeoutSeconds { get; set; } = 10;

    /// <summary>How webhook host names are resolved; null for the system's DNS. Tests pass their own.</summary>
    internal Candor.Analytics.Alerts.WebhookResolver? WebhookResolver { get; set; }

    /// <summary>Failed authentications one source address (an IPv6 address by its /64) may make within
    /// <see cref="ThrottleWindowSeconds"/> before further unknown credentials from it get 429. Chosen so that an
    /// enterprise NAT, behind which many devices share an address, does not reach it in normal use; credentials this
    /// collector has seen valid are never throttled. Default 300.</summary>
    public int ThrottleFailuresPerAddress { get; set; } = 300;

    /// <summary>Failed authentications with the same credential prefix (its first 12 characters) within
    /// <see cref="ThrottleWindowSeconds"/> before further attempts with that prefix get 429. Default 30.</summary>
    public int ThrottleFailuresPerPrefix { get; set; } = 30;

    /// <summary>The window over which failed authentications are counted, in seconds. Default 60.</summary>
    public int ThrottleWindowSeconds { get; set; } = 60;

    /// <summary>How many valid credentials are cached; when full the least recently used are evicted. Unknown
    /// credentials are cached apart, so they never push a valid one out. Default 10,000.</summary>
    public int CredentialCacheEntries { get; set; } = 10_000;

    /// <summary>The largest request body read from the network, in bytes. Default 1,000,000.</summary>
    public long MaxCompressedBytes { get; set; } = 1_000_000;

    /// <summary>The largest body after gzip decompression, in bytes. Default 10,000,000.</summary>
    public long MaxDecompressedBytes { get; set; } = 10_000_000;

    /// <summary>The most events one batch may hold. Default 1,000.</summary>
    public int MaxEventsPerBatch { get; set; } = 1_000;

    /// <summary>Events older than this many days are rejected with <c>too_old</c>. Default 30.</summary>
    public int MaxEventAgeDays { get; set; } = 30;

    /// <summary>How many seconds an event's time may be ahead of the collector's clock. Default 600.</summary>
    public int MaxClockSkewSeconds { get; set; } = 600;

    /// <summary>The longest a request body may take to arrive, in seconds, however steadily it trickles in; past it the
    /// request gets 408 <c>body_timeout</c>. Default 60 (a 1 MB body then needs about 17 KB/s).</summary>
    public int MaxBodySeconds { get; set; } = 60;

    /// <summary>The slowest a request body may arrive, in bytes per second, averaged after a 5-second grace period;
    /// slower gets 408 <c>body_timeout</c> (Kestrel's minimum request body data rate). Default 1,024.</summary>
    public int MinBodyBytesPerSecond { get; set; } = 1_024;

    /// <summary>How many ingestion requests one client address may have in progress at once (IPv6 counted by its /64
    /// prefix); more get 429 <c>too_many_concurrent_requests</c>. 0 turns the bound off. Default 64: an enterprise
    /// NAT with many devices uploading at once stays under it, one client holding connections open does not.</summary>
    public int MaxConcurrentRequestsPerAddress { get; set; } = 64;

    /// <summary>How many ingestion requests one ingestion key may have in progress at once, from every address
    /// together; more get 429 <c>too_many_concurrent_requests</c>. 0 turns the bound off. Default 256 (the write
    /// queue's default capacity: more in flight would only wait for it).</summary>
    public int MaxConcurrentRequestsPerKey { get; set; } = 256;

    /// <summary>How many batches may wait for the group commit before requests get 503. Default 256.</summary>
    public int WriteQueueCapacity { get; set; } = 256;

    /// <summary>The most events one group commit writes. Default 50,000.</summary>
    public int MaxEventsPerCommit { get; set; } = 50_000;

    /// <summary>Events per second each tenant may send before it gets 429; 0 turns the limit off. Default 500,000.</summary>
    public int RateLimitEventsPerSecond { get; set; } = 500_000;

    /// <summary>How long a resolved credential or policy is cached, in seconds; a revocation or policy change made
    /// on another collector takes effect within this time. Default 10.</summary>
    public int CacheSeconds { get; set; } = 10;

    /// <summary>How often the retention job deletes expired events, in minutes. Default 60.</summary>
    public int RetentionIntervalMinutes { get; set; } = 60;

    /// <summary>The pause, in seconds, between the end of one background analytics round (projection of the new events,
    /// regression detection, alert delivery) and the start of the next. Default 60. A round's projection uses the same
    /// cores as ingest: on a small host that ingests at its limit, a longer pause leaves ingest more of them, at the
    /// cost of analytics that lag by as much (docs/operations.md, "Analytics rounds"). A refresh from the console or the
    /// API projects at once whatever the interval.</summary>
    public int AnalyticsIntervalSeconds { get; set; } = 60;

    /// <summary>An OpenTelemetry (OTLP) endpoint to export metrics to, or null for none. Default null.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>Log format: <c>text</c> or <c>json</c> (structured, one object a line). Default <c>text</c>.</summary>
    public string LogFormat { get; set; } = "text";

    /// <summary>The minimum level of the collector's own logs. Default <see cref="LogLevel.Information"/>.</summary>
    public LogLevel LogLevel { get; set; } = LogLevel.Information;

    /// <summary>The clock (tests pass a fake one). Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Extra logging set-up (tests capture logs with it); null for none.</summary>
    internal Action<ILoggingBuilder>? ConfigureLogging { get; set; }

    /// <summary>Every problem with these options, each as one line naming the setting; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Urls))
        {
            errors.Add("Urls: must name at least one URL.");
        }
        else
        {
            foreach (var url in Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                {
                    errors.Add($"Urls: '{url}' is not an http or https URL.");
                }
            }
        }

        Hosting.Tls.TransportSecurity.Validate(this, errors);

        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            errors.Add("Data: must name a folder.");
        }

        if (!string.Equals(Store, "duckdb", StringComparison.OrdinalIgnoreCase) && !Stores.StoreFactory.IsPostgres(Store))
        {
            errors.Add("Store: must be 'duckdb' or a PostgreSQL URL (postgres://...) or connection string (Host=...).");
        }

        Cluster.IngestLogOptions.Validate(this, errors);

        if (CatalogRoot is not null && !Directory.Exists(CatalogRoot))
        {
            errors.Add($"CatalogRoot: folder '{CatalogRoot}' does not exist.");
        }

        if (OperatorToken is { Length: < MinimumOperatorTokenLength })
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture,
                $"OperatorToken: must be at least {MinimumOperatorTokenLength} characters (it has {OperatorToken.Length}); 'candor token generate' prints a new one."));
        }

        foreach (var entry in WebhookAllowlist)
        {
            if (Candor.Analytics.Alerts.WebhookAddressFilter.Error(entry) is { } allowlistError)
            {
                errors.Add("Alerts:WebhookAllowlist: " + allowlistError);
            }
        }

        Positive(errors, "Alerts:DeliveryParallelism", AlertDeliveryParallelism, 256);
        Positive(errors, "Alerts:DeliveryTimeoutSeconds", AlertDeliveryTimeoutSeconds, 300);
        Positive(errors, "Throttle:FailuresPerAddress", ThrottleFailuresPerAddress, 1_000_000);
        Positive(errors, "Throttle:FailuresPerPrefix", ThrottleFailuresPerPrefix, 1_000_000);
        Positive(errors, "Throttle:WindowSeconds", ThrottleWindowSeconds, 86_400);
        Positive(errors, "CredentialCacheEntries", CredentialCacheEntries, 10_000_000);

        Positive(errors, "Limits:MaxCompressedBytes", MaxCompressedBytes, int.MaxValue / 2);
        Positive(errors, "Limits:MaxDecompressedBytes", MaxDecompressedBytes, int.MaxValue / 2);
        if (MaxDecompressedBytes < MaxCompressedBytes)
        {
            errors.Add("Limits:MaxDecompressedBytes: must not be smaller than Limits:MaxCompressedBytes.");
        }

        Positive(errors, "Limits:MaxEventsPerBatch", MaxEventsPerBatch, 100_000);
        Positive(errors, "Limits:MaxEventAgeDays", MaxEventAgeDays, 3_650);
        if (DuckDbMemoryLimitMiB is < 64 or > 1_048_576)
        {
            errors.Add($"DuckDb:MemoryLimitMiB: must be between 64 and 1048576 (got {DuckDbMemoryLimitMiB}).");
        }

        if (DuckDbThreads is < 0 or > 256)
        {
            errors.Add($"DuckDb:Threads: must be between 1 and 256, or 0 for DuckDB's default (got {DuckDbThreads}).");
        }

        Positive(errors, "Limits:MaxClockSkewSeconds", MaxClockSkewSeconds, 86_400);
        Positive(errors, "Limits:MaxBodySeconds", MaxBodySeconds, 3_600);
        Positive(errors, "Limits:MinBodyBytesPerSecond", MinBodyBytesPerSecond, 100_000_000);
        NotNegative(errors, "Limits:MaxConcurrentRequestsPerAddress", MaxConcurrentRequestsPerAddress, 100_000);
        NotNegative(errors, "Limits:MaxConcurrentRequestsPerKey", MaxConcurrentRequestsPerKey, 100_000);
        Positive(errors, "WriteQueueCapacity", WriteQueueCapacity, 100_000);
        Positive(errors, "MaxEventsPerCommit", MaxEventsPerCommit, 10_000_000);
        if (RateLimitEventsPerSecond < 0 || (RateLimitEventsPerSecond > 0 && RateLimitEventsPerSecond < MaxEventsPerBatch))
        {
            errors.Add($"RateLimitEventsPerSecond: must be 0 (off) or at least Limits:MaxEventsPerBatch ({MaxEventsPerBatch.ToString(CultureInfo.InvariantCulture)}).");
        }

        if (CacheSeconds < 0 || CacheSeconds > 3_600)
        {
            errors.Add("CacheSeconds: must be between 0 and 3600.");
        }

        Positive(errors, "RetentionIntervalMinutes", RetentionIntervalMinutes, 10_080);
        Positive(errors, "AnalyticsIntervalSeconds", AnalyticsIntervalSeconds, 86_400);
        if (OtlpEndpoint is not null && !Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out _))
        {
            errors.Add($"OtlpEndpoint: '{OtlpEndpoint}' is not an absolute URL.");
        }

        if (LogFormat is not ("text" or "json"))
        {
            errors.Add("LogFormat: must be 'text' or 'json'.");
        }

        return errors;
    }

    private static void NotNegative(List<string> errors, string name, long value, long max)
    {
        if (value < 0 || value > max)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{name}: must be between 0 (off) and {max}, not {value}."));
        }
    }

    private static void Positive(List<string> errors, string name, long value, long max)
    {
        if (value <= 0 || value > max)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{name}: must be between 1 and {max}, not {value}."));
        }
    }
}
