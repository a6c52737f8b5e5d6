namespace Candor.Client.Queue;

/// <summary>Makes one record's JSON once the queue has given it its sequence number. The bytes returned only need to
/// stay valid until <see cref="DurableQueue.TryAppend{TBuilder}"/> returns, so a builder reuses one buffer for every
/// record (the background writer does).</summary>
internal interface IRecordBuilder
{
    ReadOnlySpan<byte> Build(long seq);
}
