using Candor.Core.Catalog;

namespace Candor.Client;

/// <summary>What a <see cref="CandorClient"/> needs: where to send, as which product, where to keep its data, and the
/// compiled catalog it checks every event against. Checked once by <see cref="Validate"/>, which reports every
/// problem together. Not thread-safe while being filled in; the client copies what it needs at creation.</summary>
public sealed class CandorClientOptions
{
    /// <summary>The collector's base URL, e.g. <c>https://candor.example.com/</c>. Required; http or https.</summary>
    public Uri? CollectorUrl { get; set; }

    /// <summary>The ingestion key (sent as a bearer token). Required.</summary>
    public string? IngestionKey { get; set; }

    /// <summary>The catalog id of the product, e.g. <c>d365.field-service</c>. Required; must be in the catalog.</summary>
    public string? ProductId { get; set; }

    /// <summary>The product's version, two to four numeric parts, e.g. <c>9.3.2411.1</c>. Required.</summary>
    public string? AppVersion { get; set; }

    /// <summary>The folder for the queue, transcript, cached policy and device id. Required; created readable by the
    /// current user only. One client per folder at a time.</summary>
    public string? DataFolder { get; set; }

    /// <summary>The compiled catalog of the product's family (<c>./candor catalog compile</c>). Required.</summary>
    public CompiledCatalog? Catalog { get; set; }

    /// <summary>The device class sent in the envelope. Default: the product's class in the catalog.</summary>
    public string? DeviceClass { get; set; }

    /// <summary>The locale sent in the envelope (BCP 47). Default: the current UI culture, or <c>und</c>.</summary>
    public string? Locale { get; set; }

    /// <summary>The hard cap of the on-disk queue in bytes. Default 5 MB; at least 64 KB.</summary>
    public long MaxQueueBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>The most events in one upload. Default 500; 1 to 500.</summary>
    public int MaxBatchEvents { get; set; } = 500;

    /// <summary>The most bytes of event JSON in one upload, before compression. Default 1 MB; 16 KB to 1 MB.</summary>
    public int MaxBatchBytes { get; set; } = 1024 * 1024;

    /// <summary>How many times the collector may answer "try again" (408, 429, 5xx) for one event before it is dropped
    /// (<c>retry_limit</c>). Attempts that get no answer at all (offline) do not count. Default 10.</summary>
    public int MaxAttemptsPerEvent { get; set; } = 10;

    /// <summary>The first retry delay; each retry doubles it, with full jitter. Default 2 s.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest retry delay (a <c>Retry-After</c> may be longer, up to an hour). Default 5 minutes.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the policy is polled (with ETag). Default 1 hour; a <c>403</c> re-polls at once.</summary>
    public TimeSpan PolicyPollInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Timeout of one HTTP request. Default 30 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long <c>Dispose</c> may spend flushing before it gives up (events stay queued). Default 3 s.</summary>
    public TimeSpan DisposeTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How long the transcript keeps what was uploaded. Default 30 days.</summary>
    public TimeSpan TranscriptMaxAge { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The size cap of the transcript in bytes. Default 20 MB.</summary>
    public long TranscriptMaxBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>Whether the client records <c>app.crashed</c> for unhandled exceptions of the process. Default true.</summary>
    public bool CaptureUnhandledExceptions { get; set; } = true;

    /// <summary>Whether the client records the session, install, update and device events itself. Default true.</summary>
    public bool RecordLifecycleEvents { get; set; } = true;

    /// <summary>Whether uploads start on their own on the policy's interval. Default true; when false only
    /// <see cref="CandorClient.FlushAsync"/> uploads.</summary>
    public bool AutomaticUpload { get; set; } = true;

    /// <summary>The clock. Default <see cref="TimeProvider.System"/>; tests pass a fake one.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>The HTTP handler for the collector (proxies, certificates). Default: a new
    /// <see cref="HttpClientHandler"/>. The client disposes it.</summary>
    public HttpMessageHandler? HttpHandler { get; set; }

    /// <summary>The names the PII guard treats as personal (the device's user and machine names). Null: read from the
    /// current device. Internal so that tests can plant a personal name on a machine whose account is a service
    /// account ("root" in CI), which the guard deliberately ignores.</summary>
    internal Candor.Core.Privacy.PiiScannerOptions? PiiNames { get; set; }

    /// <summary>Every problem with these options, one sentence each; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (CollectorUrl is null || !CollectorUrl.IsAbsoluteUri || (CollectorUrl.Scheme != Uri.UriSchemeHttp && CollectorUrl.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add("CollectorUrl must be an absolute http or https URL.");
        }

        if (string.IsNullOrWhiteSpace(IngestionKey))
        {
            errors.Add("IngestionKey is required.");
        }

        if (string.IsNullOrWhiteSpace(DataFolder))
        {
            errors.Add("DataFolder is required.");
        }

        if (string.IsNullOrWhiteSpace(AppVersion) || !Events.FieldRules.IsVersion(AppVersion!))
        {
            errors.Add("AppVersion must be a version of two to four numeric parts, e.g. 9.3.2411.1.");
        }

        if (Catalog is null)
        {
            errors.Add("Catalog is required: load the compiled catalog with CompiledCatalogJson.Load.");
        }
        else if (string.IsNullOrWhiteSpace(ProductId))
        {
            errors.Add("ProductId is required.");
        }
        else if (!Catalog.Products.Any(p => string.Equals(p.Id, ProductId, StringComparison.Ordinal)))
        {
            errors.Add($"ProductId '{ProductId}' is not a product of the catalog '{Catalog.Family.Id}'.");
        }
        else if (DeviceClass is null && string.IsNullOrEmpty(Catalog.Products.First(p => p.Id == ProductId).DeviceClass))
        {
            errors.Add("DeviceClass is required: the catalog gives none for the product.");
        }

        if (MaxQueueBytes < 64 * 1024)
        {
            errors.Add("MaxQueueBytes must be at least 64 KB.");
        }

        if (MaxBatchEvents is < 1 or > 500)
        {
            errors.Add("MaxBatchEvents must be between 1 and 500.");
        }

        if (MaxBatchBytes is < 16 * 1024 or > 1024 * 1024)
        {
            errors.Add("MaxBatchBytes must be between 16 KB and 1 MB.");
        }

        if (MaxAttemptsPerEvent < 1)
        {
            errors.Add("MaxAttemptsPerEvent must be at least 1.");
        }

        if (RetryBaseDelay <= TimeSpan.Zero || RetryMaxDelay < RetryBaseDelay)
        {
            errors.Add("RetryBaseDelay must be positive and RetryMaxDelay at least RetryBaseDelay.");
        }

        if (PolicyPollInterval < TimeSpan.FromSeconds(1))
        {
            errors.Add("PolicyPollInterval must be at least one second.");
        }

        if (RequestTimeout <= TimeSpan.Zero || DisposeTimeout < TimeSpan.Zero)
        {
            errors.Add("RequestTimeout must be positive and DisposeTimeout not negative.");
        }

        if (TranscriptMaxAge <= TimeSpan.Zero || TranscriptMaxBytes < 64 * 1024)
        {
            errors.Add("TranscriptMaxAge must be positive and TranscriptMaxBytes at least 64 KB.");
        }

        if (TimeProvider is null)
        {
            errors.Add("TimeProvider is required.");
        }

        return errors;
    }
}
