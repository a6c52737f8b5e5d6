using System.Globalization;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Candor.Client.Diagnostics;
using Candor.Client.Events;
using Candor.Client.Policy;
using Candor.Client.Queue;
using Candor.Client.Transcript;
using Candor.Core.Model;

namespace Candor.Client.Upload;

/// <summary>The outcome of one upload attempt.</summary>
internal enum UploadOutcome
{
    /// <summary>Nothing to send.</summary>
    Empty,

    /// <summary>A batch was acknowledged.</summary>
    Sent,

    /// <summary>A batch was refused for good and dropped.</summary>
    Dropped,

    /// <summary>A retryable failure; see <see cref="BatchSender.NotBefore"/>.</summary>
    RetryLater,

    /// <summary>The collector said collection is off (403).</summary>
    Forbidden,
}

/// <summary>Sends the oldest queued events as one gzip JSON batch, at most one batch in flight. Retries network
/// errors, 408, 429 and 5xx with exponential backoff and jitter (a <c>Retry-After</c> wins when longer); drops a
/// batch refused with any other 4xx, and events that reached their attempt limit, counting each by reason. The loop
/// that decides when to send is <see cref="Uploader"/>'s.</summary>
internal sealed class BatchSender
{
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(1);
    private readonly SemaphoreSlim _inFlight = new(1, 1);
    private readonly HttpClient _http;
    private readonly Uri _url;
    private readonly string _key;
    private readonly DurableQueue _queue;
    private readonly PolicyGate _gate;
    private readonly EventTable _table;
    private readonly TranscriptStore _transcript;
    private readonly SelfDiagnostics _diagnostics;
    private readonly CandorClientOptions _options;
    private readonly Action _onForbidden;
    private readonly Random _random = new();
    private int _consecutiveFailures;
    private long _notBeforeTicks;

    public BatchSender(
        HttpClient http, Uri collector, string key, DurableQueue queue, PolicyGate gate, EventTable table,
        TranscriptStore transcript, SelfDiagnostics diagnostics, CandorClientOptions options, Action onForbidden)
    {
        _http = http;
        _url = new Uri(collector, "v1/events");
        _key = key;
        _queue = queue;
        _gate = gate;
        _table = table;
        _transcript = transcript;
        _diagnostics = diagnostics;
        _options = options;
        _onForbidden = onForbidden;
    }

    /// <summary>No upload is attempted before this time (backoff or <c>Retry-After</c>).</summary>
    public DateTimeOffset NotBefore => new(Interlocked.Read(ref _notBeforeTicks), TimeSpan.Zero);

    /// <summary>Runs <paramref name="action"/> while no upload is in flight.</summary>
    public async Task RunExclusiveAsync(Action action, CancellationToken cancellationToken)
    {
        await _inFlight.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            action();
        }
        finally
        {
            _inFlight.Release();
        }
    }

    public async Task<UploadOutcome> UploadOnceAsync(CancellationToken cancellationToken)
    {
        await _inFlight.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await UploadBatchAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _inFlight.Release();
        }
    }

    private async Task<UploadOutcome> UploadBatchAsync(CancellationToken cancellationToken)
    {
        var time = _options.TimeProvider;
        if (!_gate.Policy.CollectionOn)
        {
            _queue.Clear(DropReason.CollectionOff);
            return UploadOutcome.Empty;
        }

        // The policy may have changed since these events were queued; nothing it forbids may leave the device.
        _queue.RemoveWhere(e => _gate.Check(e.Name) != FilterReason.None, DropReason.PolicyChanged);
        var batch = _queue.Peek(_options.MaxBatchEvents, _options.MaxBatchBytes - 256);
        if (batch.Count == 0)
        {
            return UploadOutcome.Empty;
        }

        var batchId = Guid.NewGuid().ToString("D");
        var body = Compress(batchId, time.GetUtcNow(), batch);
        HttpResponseMessage response;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, _url);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _key);
            request.Headers.UserAgent.ParseAdd(ClientInfo.SdkName);
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            request.Content.Headers.ContentEncoding.Add("gzip");
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when ((ex is HttpRequestException or IOException or TaskCanceledException) && !cancellationToken.IsCancellationRequested)
        {
            _diagnostics.UploadFailed();
            // No answer at all (offline, DNS, refused): a device can be offline for days, so this does not use up
            // the events' attempts; only answers that say "try again" do.
            return Retry(batch, null, countsAsAttempt: false);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (status == 200)
            {
#if NET
                var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
#else
                var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
#endif
                Acknowledge(batchId, batch, text);
                return UploadOutcome.Sent;
            }

            _diagnostics.UploadFailed();
            if (status == 403)
            {
                _onForbidden();
                return UploadOutcome.Forbidden;
            }

            if (status is 408 or 429 || status >= 500)
            {
                return Retry(batch, RetryAfter(response, time.GetUtcNow()), countsAsAttempt: true);
            }

            // Any other 4xx will not get better by sending the same bytes again.
            var removed = _queue.RemoveThrough(batch[^1].Seq);
            _diagnostics.Dropped(status == 401 ? DropReason.Unauthorized : DropReason.BatchRejected, removed);
            return UploadOutcome.Dropped;
        }
    }

    private void Acknowledge(string batchId, List<QueueEntry> batch, string responseText)
    {
        var rejected = new Dictionary<int, string>();
        try
        {
            using var doc = JsonDocument.Parse(responseText);
            if (doc.RootElement.TryGetProperty("rejected", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in list.EnumerateArray())
                {
                    if (item.TryGetProperty("index", out var index) && index.TryGetInt32(out var i))
                    {
                        rejected[i] = item.TryGetProperty("code", out var code) ? code.GetString() ?? "" : "";
                    }
                }
            }
        }
        catch (JsonException)
        {
            // A 200 means the batch was read and every event stored or rejected; without a readable list of
            // rejections the events count as sent.
        }

        var now = _options.TimeProvider.GetUtcNow();
        var lines = new List<TranscriptLine>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            var slot = _table.Find(batch[i].Name);
            var outcome = rejected.TryGetValue(i, out var code) ? "rejected:" + code : "accepted";
            lines.Add(new TranscriptLine(
                now, batchId, outcome, slot?.Definition.Level.ToWire() ?? "", slot?.Definition.Category.ToWire() ?? "", batch[i].Json));
        }

        _transcript.Append(lines, now);
        _queue.RemoveThrough(batch[^1].Seq);
        _diagnostics.UploadSucceeded();
        _diagnostics.Sent(batch.Count - rejected.Count);
        if (rejected.Count > 0)
        {
            _diagnostics.Dropped(DropReason.RejectedByCollector, rejected.Count);
        }

        Interlocked.Exchange(ref _consecutiveFailures, 0);
        Interlocked.Exchange(ref _notBeforeTicks, 0);
    }

    private UploadOutcome Retry(List<QueueEntry> batch, TimeSpan? retryAfter, bool countsAsAttempt)
    {
        var exhausted = false;
        if (countsAsAttempt)
        {
            foreach (var entry in batch)
            {
                entry.Attempts++;
                exhausted |= entry.Attempts >= _options.MaxAttemptsPerEvent;
            }
        }

        if (exhausted)
        {
            var removed = _queue.RemoveThrough(batch[^1].Seq);
            _diagnostics.Dropped(DropReason.RetryLimit, removed);
        }

        var failures = Interlocked.Increment(ref _consecutiveFailures);
        var ceiling = Math.Min(_options.RetryMaxDelay.TotalMilliseconds, _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 30)));
        double jittered;
        lock (_random)
        {
            // Equal jitter: never less than half the backoff, so a fleet that failed together spreads out but
            // still backs off.
            jittered = (ceiling / 2) + (_random.NextDouble() * ceiling / 2);
        }

        var delay = TimeSpan.FromMilliseconds(jittered);
        if (retryAfter is { } after && after > delay)
        {
            delay = after > MaxRetryAfter ? MaxRetryAfter : after;
        }

        Interlocked.Exchange(ref _notBeforeTicks, (_options.TimeProvider.GetUtcNow() + delay).UtcTicks);
        return exhausted ? UploadOutcome.Dropped : UploadOutcome.RetryLater;
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            return date > now ? date - now : TimeSpan.Zero;
        }

        return null;
    }

    internal static byte[] Compress(string batchId, DateTimeOffset sentAt, List<QueueEntry> batch)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            var head = Encoding.UTF8.GetBytes(
                "{\"batchId\":\"" + batchId + "\",\"sentAt\":\"" +
                sentAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) + "\",\"events\":[");
            gzip.Write(head, 0, head.Length);
            for (var i = 0; i < batch.Count; i++)
            {
                if (i > 0)
                {
                    gzip.WriteByte((byte)',');
                }

                gzip.Write(batch[i].Json, 0, batch[i].Json.Length);
            }

            gzip.WriteByte((byte)']');
            gzip.WriteByte((byte)'}');
        }

        return output.ToArray();
    }
}
