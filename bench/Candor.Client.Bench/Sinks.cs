using System.Net;
using System.Text;
using OpenTelemetry;
using OpenTelemetry.Logs;
using Sentry.Extensibility;
using Sentry.Protocol.Envelopes;

namespace Candor.Client.Bench;

/// <summary>An OpenTelemetry log exporter that counts what reaches it and discards it: the export pipeline (batch
/// processor, its queue and its thread) runs as in an app, only the network is left out.</summary>
internal sealed class DiscardingLogExporter : BaseExporter<LogRecord>
{
    private long _exported;

    public long Exported => Interlocked.Read(ref _exported);

    public override ExportResult Export(in Batch<LogRecord> batch)
    {
        Interlocked.Add(ref _exported, batch.Count);
        return ExportResult.Success;
    }
}

/// <summary>A Sentry transport that counts the envelopes it is given and discards them.</summary>
internal sealed class DiscardingSentryTransport : ITransport
{
    private long _envelopes;

    public long Envelopes => Interlocked.Read(ref _envelopes);

    public Task SendEnvelopeAsync(Envelope envelope, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _envelopes);
        return Task.CompletedTask;
    }
}

/// <summary>Stands in for the collector's network, not for the SDK: serves a fixed policy and acknowledges every
/// upload (the SDK still reads its queue, gzips each batch and writes its transcript), counting the batches.</summary>
internal sealed class DiscardingCollectorHandler : HttpMessageHandler
{
    private readonly string _policy;
    private long _uploads;

    public DiscardingCollectorHandler(string policy) => _policy = policy;

    public long Uploads => Interlocked.Read(ref _uploads);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method == HttpMethod.Get && request.RequestUri!.AbsolutePath.EndsWith("/v1/policy", StringComparison.Ordinal))
        {
            var policy = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(_policy, Encoding.UTF8, "application/json") };
            policy.Headers.ETag = new System.Net.Http.Headers.EntityTagHeaderValue("\"bench\"");
            return policy;
        }

        if (request.Content is not null)
        {
            // Read the body as a server would, so the gzip stream is really produced.
            await request.Content.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
        }

        Interlocked.Increment(ref _uploads);
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{\"rejected\":[]}", Encoding.UTF8, "application/json") };
    }
}
