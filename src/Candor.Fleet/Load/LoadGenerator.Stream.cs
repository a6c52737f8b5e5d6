using System.Threading.Channels;
using Candor.Core.Catalog;
using Candor.Fleet.Simulation;
using Candor.Fleet.Wire;

namespace Candor.Fleet.Load;

/// <summary>One slice of a streamed run: the events answered between two reports and how fast they went.</summary>
/// <param name="Index">The slice's number, from 1.</param>
/// <param name="FromEvents">Events answered (200) before the slice.</param>
/// <param name="ToEvents">Events answered at its end.</param>
/// <param name="Seconds">How long the slice took.</param>
/// <param name="Accepted">Accepted events so far (stored as new).</param>
/// <param name="Duplicates">Duplicates so far.</param>
/// <param name="Rejected">Rejected events so far.</param>
/// <param name="ElapsedSeconds">Time since the senders started.</param>
/// <param name="Batches">Batches answered in the slice.</param>
/// <param name="QueueWaits">Times in the slice a sender found no batch ready and waited for the producer: when it is
/// a large share of <paramref name="Batches"/>, the generator, not the collector, set the slice's rate.</param>
internal sealed record LoadSlice(int Index, long FromEvents, long ToEvents, double Seconds, long Accepted, long Duplicates, long Rejected,
    double ElapsedSeconds, long Batches, long QueueWaits)
{
    /// <summary>Events answered per second within the slice.</summary>
    public double EventsPerSecond => Seconds > 0 ? (ToEvents - FromEvents) / Seconds : 0;
}

/// <summary>Streaming: batches generated while the run sends them, for counts that do not fit in memory prepared.</summary>
internal sealed partial class LoadGenerator
{
    /// <summary>Devices whose events size a streamed fleet (<see cref="StreamFleet"/>).</summary>
    private const int SampleDevices = 300;

    /// <summary>Options of a fleet that makes <see cref="LoadOptions.Events"/> events spread over
    /// <see cref="LoadOptions.Days"/> days ending at <paramref name="end"/>. Fleets are sized per device, and a
    /// device's activity depends on its product and its own seed, so the events a device makes over the period are
    /// measured on the same fleet's first <see cref="SampleDevices"/> ordinary devices (the always-active first
    /// device of each product left out) and the fleet is made 8 % larger than that estimate: the count is then
    /// reached in the period's last tenth rather than after half of it, as the fixed estimate of
    /// <see cref="FleetOptions.ForEventCount"/> would.</summary>
    public static FleetOptions StreamFleet(CompiledCatalog catalog, LoadOptions options, DateTimeOffset end)
    {
        var shape = new FleetOptions
        {
            Seed = options.Seed, Devices = 1, Days = options.Days, End = end, BatchSize = options.BatchSize, Ids = options.Ids,
        };
        var products = new FleetSimulator(catalog, shape).Products.Count;
        var sample = new FleetSimulator(catalog, shape with { Devices = products + SampleDevices });
        var sampled = sample.Events().LongCount(e => e.Device.Index >= products);
        var perDevice = Math.Max(1.0, sampled / (double)SampleDevices);
        var devices = (int)Math.Clamp(Math.Ceiling(options.Events / perDevice * 1.08) + products, products + 1, 1_000_000);
        return shape with { Devices = devices, MaxEvents = options.Events };
    }

    /// <summary>Sends the batches of <paramref name="source"/> as a producer task makes them (OTLP-converted and
    /// gzip-compressed as the options ask), through a queue of twice as many batches as there are senders, so that
    /// memory does not grow with the count. <paramref name="onSlice"/> is called (under a lock, from a sender)
    /// every <see cref="LoadOptions.SliceEvents"/> answered events and once for the rest at the end. Stops when
    /// the source is exhausted or at the time limit; the report's <see cref="LoadReport.EventsPrepared"/> is what
    /// the producer made.</summary>
    public Task<LoadReport> StreamAsync(IEnumerable<FleetBatch> source, Action<LoadSlice>? onSlice, HttpMessageHandler? handler = null,
        CancellationToken cancellationToken = default)
    {
        var queue = Channel.CreateBounded<PreparedBatch>(new BoundedChannelOptions(Math.Max(4, _options.Concurrency * 2))
        {
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        long producedEvents = 0, producedBatches = 0, queueWaits = 0;
        var complete = false;
        Exception? failure = null;

        Task Produce(CancellationToken token) => Task.Run(async () =>
        {
            try
            {
                foreach (var batch in source)
                {
                    var body = _options.Otlp ? OtlpBatches.FromEventBatch(batch.Json) : batch.Json;
                    await queue.Writer.WriteAsync(new PreparedBatch(_options.Gzip ? Compress(body) : body, batch.EventCount), token).ConfigureAwait(false);
                    producedEvents += batch.EventCount;
                    producedBatches++;
                }

                complete = true;
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // The time limit, or every sender stopped.
            }
            catch (Exception ex)
            {
                failure = ex;
            }
            finally
            {
                queue.Writer.TryComplete();
            }
        }, CancellationToken.None);

        async ValueTask<PreparedBatch?> Take(CancellationToken token)
        {
            if (queue.Reader.TryRead(out var ready))
            {
                return ready;
            }

            Interlocked.Increment(ref queueWaits);
            while (await queue.Reader.WaitToReadAsync(token).ConfigureAwait(false))
            {
                if (queue.Reader.TryRead(out var batch))
                {
                    return batch;
                }
            }

            return null;
        }

        // Read once the producer task has finished, so its counters are settled.
        (long, long, bool) Prepared() => failure is null
            ? (producedEvents, producedBatches, complete)
            : throw new InvalidOperationException($"Generating the batches failed after {producedEvents} events: {failure.Message}", failure);

        var meter = onSlice is null ? null : new SliceMeter(_options.SliceEvents, _time, onSlice, () => Interlocked.Read(ref queueWaits));
        return RunCoreAsync(Take, Produce, Prepared, meter, 0, handler, cancellationToken);
    }

    /// <summary>Cuts a run into slices of answered events and reports each as it closes.</summary>
    private sealed class SliceMeter(long sliceEvents, TimeProvider time, Action<LoadSlice> report, Func<long> queueWaits)
    {
        private readonly Lock _lock = new();
        private long _answered;
        private long _next;
        private long _sliceFrom;
        private long _runStart;
        private long _sliceStart;
        private int _index;
        private long _batches;
        private long _sliceBatches;
        private long _sliceWaits;

        public void Start()
        {
            _runStart = _sliceStart = time.GetTimestamp();
            _next = sliceEvents;
        }

        public void Answered(int events, RunState state)
        {
            lock (_lock)
            {
                _answered += events;
                _batches++;
                if (_answered >= _next)
                {
                    Close(state);
                    while (_next <= _answered)
                    {
                        _next += sliceEvents;
                    }
                }
            }
        }

        public void Finish(RunState state)
        {
            lock (_lock)
            {
                if (_answered > _sliceFrom)
                {
                    Close(state);
                }
            }
        }

        private void Close(RunState state)
        {
            var now = time.GetTimestamp();
            var waits = queueWaits();
            report(new LoadSlice(++_index, _sliceFrom, _answered, time.GetElapsedTime(_sliceStart, now).TotalSeconds,
                Interlocked.Read(ref state.Accepted), Interlocked.Read(ref state.Duplicates), Interlocked.Read(ref state.Rejected),
                time.GetElapsedTime(_runStart, now).TotalSeconds, _batches - _sliceBatches, waits - _sliceWaits));
            (_sliceFrom, _sliceStart, _sliceBatches, _sliceWaits) = (_answered, now, _batches, waits);
        }
    }
}
