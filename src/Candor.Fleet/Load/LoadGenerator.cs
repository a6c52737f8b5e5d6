using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Candor.Core.Catalog;
using Candor.Fleet.Simulation;
using Candor.Fleet.Wire;

namespace Candor.Fleet.Load;

/// <summary>A batch ready to send: its body (gzip-compressed when asked) and how many events it holds.</summary>
internal sealed record PreparedBatch(byte[] Body, int EventCount);

/// <summary>Sends pre-generated fleet batches to a collector with several concurrent senders over HTTP/1.1
/// keep-alive connections, honours 429/503 with <c>Retry-After</c> (bounded), and totals what the collector
/// answered. Generation happens in the <c>Prepare</c> methods, before the clock starts, or, for counts that do not
/// fit in memory, while the run sends (<see cref="StreamAsync"/>, LoadGenerator.Stream.cs).</summary>
internal sealed partial class LoadGenerator
{
    private readonly LoadOptions _options;
    private readonly TimeProvider _time;

    public LoadGenerator(LoadOptions options, TimeProvider time)
    {
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _options = options;
        _time = time;
    }

    /// <summary>Generates (and compresses, with <see cref="LoadOptions.Gzip"/>) exactly <see cref="LoadOptions.Events"/>
    /// events of a fleet sized for that count, whose period ends at <paramref name="end"/>.</summary>
    public static List<PreparedBatch> Prepare(CompiledCatalog catalog, LoadOptions options, DateTimeOffset end)
    {
        var fleet = new FleetSimulator(catalog, FleetOptions.ForEventCount(options.Events, options.Seed, end, options.BatchSize, ids: options.Ids));
        return Prepare(BatchWriter.Batches(fleet), options.Gzip, options.Otlp);
    }

    /// <summary>Holds the given batches ready to send, as OTLP protobuf when asked, compressed with gzip when asked.</summary>
    public static List<PreparedBatch> Prepare(IEnumerable<FleetBatch> source, bool gzip, bool otlp = false)
    {
        var batches = new List<PreparedBatch>();
        foreach (var batch in source)
        {
            var body = otlp ? OtlpBatches.FromEventBatch(batch.Json) : batch.Json;
            batches.Add(new PreparedBatch(gzip ? Compress(body) : body, batch.EventCount));
        }

        return batches;
    }

    /// <summary>Sends every batch (until the time limit) and reports. <paramref name="handler"/> lets tests pass
    /// their own; by default a pooled keep-alive handler with one connection per sender.</summary>
    public Task<LoadReport> RunAsync(IReadOnlyList<PreparedBatch> batches, double prepareSeconds, HttpMessageHandler? handler = null,
        CancellationToken cancellationToken = default)
    {
        var next = -1;
        return RunCoreAsync(
            _ =>
            {
                var index = Interlocked.Increment(ref next);
                return new ValueTask<PreparedBatch?>(index < batches.Count ? batches[index] : null);
            },
            produce: null,
            prepared: () => (batches.Sum(b => (long)b.EventCount), batches.Count, true),
            meter: null, prepareSeconds, handler, cancellationToken);
    }

    /// <summary>Sends batches from <paramref name="take"/> (null: nothing left) with the configured senders while
    /// <paramref name="produce"/>, when given, fills the source, until it is empty or the time limit passes.
    /// <paramref name="prepared"/> is read once the senders and the producer have stopped.</summary>
    private async Task<LoadReport> RunCoreAsync(Func<CancellationToken, ValueTask<PreparedBatch?>> take, Func<CancellationToken, Task>? produce,
        Func<(long Events, long Batches, bool Complete)> prepared, SliceMeter? meter, double prepareSeconds, HttpMessageHandler? handler,
        CancellationToken cancellationToken)
    {
        var urls = _options.AllUrls;
        using var ownHandler = handler is null ? new SocketsHttpHandler
        {
            UseProxy = false,
            MaxConnectionsPerServer = _options.Concurrency,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            AutomaticDecompression = DecompressionMethods.None,
        } : null;
        var clients = new HttpClient[urls.Count];
        for (var u = 0; u < urls.Count; u++)
        {
            clients[u] = new HttpClient(handler ?? ownHandler!, disposeHandler: false)
            {
                BaseAddress = urls[u],
                DefaultRequestVersion = HttpVersion.Version11,
                DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
                Timeout = TimeSpan.FromSeconds(60),
            };
            clients[u].DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _options.Key);
        }

        try
        {
            return await SendAllAsync(take, produce, prepared, meter, prepareSeconds, clients, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    private async Task<LoadReport> SendAllAsync(Func<CancellationToken, ValueTask<PreparedBatch?>> take, Func<CancellationToken, Task>? produce,
        Func<(long Events, long Batches, bool Complete)> prepared, SliceMeter? meter, double prepareSeconds, HttpClient[] clients,
        CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(_options.TimeLimit);
        // The producer also stops when every sender has (a sender that stopped early must not leave it blocked on a full queue).
        using var stopProducing = CancellationTokenSource.CreateLinkedTokenSource(limit.Token);
        var state = new RunState();
        var started = _time.GetTimestamp();
        meter?.Start();
        var producer = produce?.Invoke(stopProducing.Token) ?? Task.CompletedTask;
        var senders = new Task[_options.Concurrency];
        for (var s = 0; s < senders.Length; s++)
        {
            // Senders are spread over the collectors; each moves to the next collector when its own fails.
            var home = s % clients.Length;
            senders[s] = Task.Run(async () =>
            {
                while (!limit.IsCancellationRequested)
                {
                    PreparedBatch? batch;
                    try
                    {
                        batch = await take(limit.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (limit.IsCancellationRequested)
                    {
                        return;
                    }

                    if (batch is null)
                    {
                        return;
                    }

                    bool answered;
                    (answered, home) = await SendAsync(clients, home, batch, state, limit.Token).ConfigureAwait(false);
                    if (answered)
                    {
                        meter?.Answered(batch.EventCount, state);
                    }
                }
            }, CancellationToken.None);
        }

        try
        {
            await Task.WhenAll(senders).ConfigureAwait(false);
        }
        finally
        {
            await stopProducing.CancelAsync().ConfigureAwait(false);
            await producer.ConfigureAwait(false);
        }

        var seconds = _time.GetElapsedTime(started).TotalSeconds;
        cancellationToken.ThrowIfCancellationRequested();
        meter?.Finish(state);

        var (events, batchCount, complete) = prepared();
        var latencies = state.Latencies.ToArray();
        Array.Sort(latencies);
        return new LoadReport
        {
            EventsPrepared = events,
            EventsSent = state.EventsSent,
            Batches = batchCount,
            BatchesSent = state.BatchesSent,
            BatchesFailed = state.BatchesFailed,
            Accepted = state.Accepted,
            Duplicates = state.Duplicates,
            Rejected = state.Rejected,
            RejectionCodes = new SortedDictionary<string, long>(state.RejectionCodes, StringComparer.Ordinal),
            Statuses = new SortedDictionary<int, long>(state.Statuses),
            Retries = state.Retries,
            PrepareSeconds = prepareSeconds,
            Seconds = seconds,
            LatencyP50Ms = Percentile(latencies, .50),
            LatencyP90Ms = Percentile(latencies, .90),
            LatencyP99Ms = Percentile(latencies, .99),
            LatencyMaxMs = latencies.Length > 0 ? latencies[^1] : 0,
            TimedOut = limit.IsCancellationRequested && (!complete || state.BatchesSent + state.BatchesFailed < batchCount),
            FirstError = state.FirstError,
        };
    }

    /// <summary>Sends one batch, retrying as the options allow; says whether a collector answered 200, and which
    /// collector to use next (the one that last answered, or the next after one that failed).</summary>
    private async Task<(bool Answered, int Next)> SendAsync(HttpClient[] clients, int home, PreparedBatch batch, RunState state, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var client = clients[home];
            using var request = new HttpRequestMessage(HttpMethod.Post, _options.Otlp ? "v1/logs" : "v1/events");
            request.Content = new ByteArrayContent(batch.Body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(_options.Otlp ? "application/x-protobuf" : "application/json");
            if (_options.Gzip)
            {
                request.Content.Headers.ContentEncoding.Add("gzip");
            }

            var sent = _time.GetTimestamp();
            HttpResponseMessage response;
            try
            {
                response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return (false, home);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                state.Error($"connection failed: {ex.Message}");
                home = (home + 1) % clients.Length;
                if (attempt >= _options.MaxRetries || !await WaitAsync(TimeSpan.FromMilliseconds(200 * (attempt + 1)), state, cancellationToken).ConfigureAwait(false))
                {
                    Interlocked.Increment(ref state.BatchesFailed);
                    return (false, home);
                }

                continue;
            }

            using (response)
            {
                byte[] body;
                try
                {
                    body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return (false, home);
                }

                var latency = _time.GetElapsedTime(sent).TotalMilliseconds;
                var status = (int)response.StatusCode;
                state.Statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    state.Latencies.Add(latency);
                    if (_options.Otlp)
                    {
                        state.CountOtlp(body, batch.EventCount);
                    }
                    else
                    {
                        state.Count(Encoding.UTF8.GetString(body), batch.EventCount);
                    }

                    return (true, home);
                }

                if (status is 429 or 503 && attempt < _options.MaxRetries)
                {
                    if (status == 503)
                    {
                        home = (home + 1) % clients.Length;
                    }

                    var wait = RetryAfter(response) ?? TimeSpan.FromMilliseconds(250 * (attempt + 1));
                    if (await WaitAsync(wait > _options.MaxRetryAfter ? _options.MaxRetryAfter : wait, state, cancellationToken).ConfigureAwait(false))
                    {
                        continue;
                    }

                    return (false, home);
                }

                state.Error($"HTTP {status}: {Shorten(_options.Otlp ? OtlpError(body) : Encoding.UTF8.GetString(body))}");
                Interlocked.Increment(ref state.BatchesFailed);
                return (false, home);
            }
        }
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - _time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    private async Task<bool> WaitAsync(TimeSpan wait, RunState state, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref state.Retries);
        try
        {
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static string OtlpError(byte[] body)
    {
        try
        {
            return Candor.Server.Otlp.Proto.Status.Parser.ParseFrom(body).Message;
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            return $"{body.Length} bytes that are not an OTLP status";
        }
    }

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "..." : text;

    private static byte[] Compress(byte[] json)
    {
        using var output = new MemoryStream(json.Length / 6);
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(json);
        }

        return output.ToArray();
    }

    private sealed partial class RunState
    {
        public long EventsSent;
        public long BatchesSent;
        public long BatchesFailed;
        public long Accepted;
        public long Duplicates;
        public long Rejected;
        public long Retries;

        public ConcurrentBag<double> Latencies { get; } = [];

        public ConcurrentDictionary<string, long> RejectionCodes { get; } = new(StringComparer.Ordinal);

        public ConcurrentDictionary<int, long> Statuses { get; } = new();

        public string? FirstError { get; private set; }

        public void Error(string message)
        {
            lock (Latencies)
            {
                FirstError ??= message;
            }
        }

        /// <summary>Adds up a 200 answer of <c>/v1/logs</c>: records not rejected count as accepted (OTLP does not tell
        /// new from duplicate); the rejection codes come from the message (<c>unknown_event (2), ...</c>).</summary>
        public void CountOtlp(byte[] body, int events)
        {
            Interlocked.Increment(ref BatchesSent);
            Interlocked.Add(ref EventsSent, events);
            try
            {
                var (rejected, message) = OtlpBatches.ReadAnswer(body);
                Interlocked.Add(ref Accepted, events - rejected);
                Interlocked.Add(ref Rejected, rejected);
                foreach (System.Text.RegularExpressions.Match m in OtlpCodes().Matches(message.Split("; first:")[0]))
                {
                    RejectionCodes.AddOrUpdate(m.Groups[1].Value, long.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture),
                        (_, n) => n + long.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
                }
            }
            catch (Google.Protobuf.InvalidProtocolBufferException ex)
            {
                Error($"a 200 answer was not an OTLP response: {ex.Message}");
            }
        }

        [System.Text.RegularExpressions.GeneratedRegex(@"([a-z_]+) \((\d+)\)")]
        private static partial System.Text.RegularExpressions.Regex OtlpCodes();

        /// <summary>Adds up a 200 answer: <c>{"accepted": n, "duplicates": n, "rejected": [{"code": ...}]}</c>.</summary>
        public void Count(string body, int events)
        {
            Interlocked.Increment(ref BatchesSent);
            Interlocked.Add(ref EventsSent, events);
            try
            {
                using var doc = JsonDocument.Parse(body);
                var root = doc.RootElement;
                if (root.TryGetProperty("accepted", out var accepted) && accepted.TryGetInt64(out var a))
                {
                    Interlocked.Add(ref Accepted, a);
                }

                if (root.TryGetProperty("duplicates", out var duplicates) && duplicates.TryGetInt64(out var d))
                {
                    Interlocked.Add(ref Duplicates, d);
                }

                if (root.TryGetProperty("rejected", out var rejected) && rejected.ValueKind == JsonValueKind.Array)
                {
                    foreach (var r in rejected.EnumerateArray())
                    {
                        Interlocked.Increment(ref Rejected);
                        var code = r.TryGetProperty("code", out var c) ? c.GetString() ?? "unknown" : "unknown";
                        RejectionCodes.AddOrUpdate(code, 1, (_, n) => n + 1);
                    }
                }
            }
            catch (JsonException ex)
            {
                Error($"a 200 answer was not the protocol's JSON: {ex.Message}");
            }
        }
    }
}
