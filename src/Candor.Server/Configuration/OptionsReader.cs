using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Candor.Server.Configuration;

/// <summary>Reads <see cref="CandorServerOptions"/> from configuration (a JSON file, <c>CANDOR_</c> environment
/// variables, command-line flags, in rising precedence), collecting every problem instead of stopping at the
/// first, so that one start reports them all.</summary>
internal static class OptionsReader
{
    /// <summary>Every key the collector reads; any other key in a configuration file is an error (a typo must not
    /// silently leave a default in place).</summary>
    public static readonly string[] Keys =
    [
        "Urls", "Data", "Store", "CatalogRoot", "OperatorToken", "Limits:MaxCompressedBytes", "Limits:MaxDecompressedBytes",
        "Limits:MaxEventsPerBatch", "Limits:MaxEventAgeDays", "Limits:MaxClockSkewSeconds", "Limits:MaxBodySeconds",
        "Limits:MinBodyBytesPerSecond", "Limits:MaxConcurrentRequestsPerAddress", "Limits:MaxConcurrentRequestsPerKey", "WriteQueueCapacity",
        "MaxEventsPerCommit", "RateLimitEventsPerSecond", "CacheSeconds", "RetentionIntervalMinutes", "AnalyticsIntervalSeconds", "OtlpEndpoint",
        "LogFormat", "LogLevel", "Alerts:WebhookAllowlist", "Alerts:DeliveryParallelism", "Alerts:DeliveryTimeoutSeconds",
        "Throttle:FailuresPerAddress", "Throttle:FailuresPerPrefix", "Throttle:WindowSeconds", "CredentialCacheEntries",
        "Tls:CertificatePath", "Tls:KeyPath", "Tls:HstsMaxAgeSeconds", "ForwardedHeaders:KnownProxies",
        "DuckDb:MemoryLimitMiB", "DuckDb:Threads", "Log:Servers", "Log:MaxBytes", "Log:MaxAgeHours", "Log:Replicas", "Log:DuplicateWindowSeconds",
    ];

    public static CandorServerOptions Read(IConfiguration config, List<string> errors)
    {
        var o = new CandorServerOptions();
        o.Urls = config["Urls"] ?? o.Urls;
        o.DataDirectory = config["Data"] ?? o.DataDirectory;
        o.Store = config["Store"] ?? o.Store;
        o.CatalogRoot = config["CatalogRoot"] ?? o.CatalogRoot;
        o.OperatorToken = config["OperatorToken"] is { Length: > 0 } token ? token : null;
        o.MaxCompressedBytes = Long(config, "Limits:MaxCompressedBytes", o.MaxCompressedBytes, errors);
        o.MaxDecompressedBytes = Long(config, "Limits:MaxDecompressedBytes", o.MaxDecompressedBytes, errors);
        o.MaxEventsPerBatch = Int(config, "Limits:MaxEventsPerBatch", o.MaxEventsPerBatch, errors);
        o.MaxEventAgeDays = Int(config, "Limits:MaxEventAgeDays", o.MaxEventAgeDays, errors);
        o.MaxClockSkewSeconds = Int(config, "Limits:MaxClockSkewSeconds", o.MaxClockSkewSeconds, errors);
        o.MaxBodySeconds = Int(config, "Limits:MaxBodySeconds", o.MaxBodySeconds, errors);
        o.MinBodyBytesPerSecond = Int(config, "Limits:MinBodyBytesPerSecond", o.MinBodyBytesPerSecond, errors);
        o.MaxConcurrentRequestsPerAddress = Int(config, "Limits:MaxConcurrentRequestsPerAddress", o.MaxConcurrentRequestsPerAddress, errors);
        o.MaxConcurrentRequestsPerKey = Int(config, "Limits:MaxConcurrentRequestsPerKey", o.MaxConcurrentRequestsPerKey, errors);
        o.WriteQueueCapacity = Int(config, "WriteQueueCapacity", o.WriteQueueCapacity, errors);
        o.MaxEventsPerCommit = Int(config, "MaxEventsPerCommit", o.MaxEventsPerCommit, errors);
        o.RateLimitEventsPerSecond = Int(config, "RateLimitEventsPerSecond", o.RateLimitEventsPerSecond, errors);
        o.CacheSeconds = Int(config, "CacheSeconds", o.CacheSeconds, errors);
        o.RetentionIntervalMinutes = Int(config, "RetentionIntervalMinutes", o.RetentionIntervalMinutes, errors);
        o.AnalyticsIntervalSeconds = Int(config, "AnalyticsIntervalSeconds", o.AnalyticsIntervalSeconds, errors);
        // A JSON file may give the allowlist as an array; an environment variable or flag as one comma-separated string.
        var allowlist = config.GetSection("Alerts:WebhookAllowlist").GetChildren().Select(c => c.Value ?? "")
            .Append(config["Alerts:WebhookAllowlist"] ?? "");
        foreach (var entry in allowlist.SelectMany(e => e.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries)))
        {
            o.WebhookAllowlist.Add(entry);
        }

        o.TlsCertificatePath = config["Tls:CertificatePath"] is { Length: > 0 } certificate ? certificate : null;
        o.TlsKeyPath = config["Tls:KeyPath"] is { Length: > 0 } key ? key : null;
        o.HstsMaxAgeSeconds = Int(config, "Tls:HstsMaxAgeSeconds", o.HstsMaxAgeSeconds, errors);
        foreach (var entry in List(config, "ForwardedHeaders:KnownProxies"))
        {
            o.KnownProxies.Add(entry);
        }

        o.AlertDeliveryParallelism = Int(config, "Alerts:DeliveryParallelism", o.AlertDeliveryParallelism, errors);
        o.AlertDeliveryTimeoutSeconds = Int(config, "Alerts:DeliveryTimeoutSeconds", o.AlertDeliveryTimeoutSeconds, errors);
        o.ThrottleFailuresPerAddress = Int(config, "Throttle:FailuresPerAddress", o.ThrottleFailuresPerAddress, errors);
        o.ThrottleFailuresPerPrefix = Int(config, "Throttle:FailuresPerPrefix", o.ThrottleFailuresPerPrefix, errors);
        o.ThrottleWindowSeconds = Int(config, "Throttle:WindowSeconds", o.ThrottleWindowSeconds, errors);
        o.CredentialCacheEntries = Int(config, "CredentialCacheEntries", o.CredentialCacheEntries, errors);
        o.DuckDbMemoryLimitMiB = Int(config, "DuckDb:MemoryLimitMiB", o.DuckDbMemoryLimitMiB, errors);
        o.DuckDbThreads = Int(config, "DuckDb:Threads", o.DuckDbThreads, errors);
        o.Log = config["Log:Servers"] is { Length: > 0 } log ? log : null;
        o.LogMaxBytes = Long(config, "Log:MaxBytes", o.LogMaxBytes, errors);
        o.LogMaxAgeHours = Int(config, "Log:MaxAgeHours", o.LogMaxAgeHours, errors);
        o.LogReplicas = Int(config, "Log:Replicas", o.LogReplicas, errors);
        o.LogDuplicateWindowSeconds = Int(config, "Log:DuplicateWindowSeconds", o.LogDuplicateWindowSeconds, errors);
        o.OtlpEndpoint = config["OtlpEndpoint"] is { Length: > 0 } otlp ? otlp : null;
        o.LogFormat = config["LogFormat"] ?? o.LogFormat;
        if (config["LogLevel"] is { } level)
        {
            if (Enum.TryParse<LogLevel>(level, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed))
            {
                o.LogLevel = parsed;
            }
            else
            {
                errors.Add($"LogLevel: '{level}' is not one of Trace, Debug, Information, Warning, Error, Critical, None.");
            }
        }

        errors.AddRange(o.Validate());
        return o;
    }

    /// <summary>Adds an error for every key of a configuration file that the collector does not read.</summary>
    public static void CheckKnownKeys(IConfiguration file, string fileName, List<string> errors)
    {
        foreach (var (key, value) in file.AsEnumerable())
        {
            if (value is not null && !Keys.Contains(key, StringComparer.OrdinalIgnoreCase)
                && !key.StartsWith("Alerts:WebhookAllowlist:", StringComparison.OrdinalIgnoreCase)
                && !key.StartsWith("ForwardedHeaders:KnownProxies:", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"{fileName}: '{key}' is not a setting ({string.Join(", ", Keys)}).");
            }
        }
    }

    /// <summary>A list setting: a JSON array in a file, or one string separated by commas, semicolons or spaces in an
    /// environment variable or flag.</summary>
    private static IEnumerable<string> List(IConfiguration config, string key) =>
        config.GetSection(key).GetChildren().Select(c => c.Value ?? "").Append(config[key] ?? "")
            .SelectMany(e => e.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries));

    private static int Int(IConfiguration config, string key, int fallback, List<string> errors)
    {
        var text = config[key];
        if (text is null)
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        errors.Add($"{key}: '{text}' is not an integer.");
        return fallback;
    }

    private static long Long(IConfiguration config, string key, long fallback, List<string> errors)
    {
        var text = config[key];
        if (text is null)
        {
            return fallback;
        }

        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        errors.Add($"{key}: '{text}' is not an integer.");
        return fallback;
    }
}
