using System.Text;
using Candor.Client.Diagnostics;
using Candor.Client.Events;
using Candor.Client.Queue;
using Candor.Client.Tests.Infrastructure;
using Candor.Client.Writing;
using FsCheck;
using FsCheck.Xunit;
using Xunit;

namespace Candor.Client.Tests.Queue;

/// <summary>The parts of the write path made for speed: the eight-bytes-at-a-time CRC, the queue's 64 KiB write
/// buffer, the lock-free hand-off ring and the allocation-free time format.</summary>
public sealed class WritePathTests
{
    [Property(MaxTest = 200)]
    public bool The_fast_CRC_is_the_bytewise_CRC_for_any_bytes(byte[] data) =>
        Crc32.Compute(data) == Crc32.ComputeBytewise(data);

    [Fact]
    public void The_CRC_is_CRC_32_IEEE_and_continues_across_parts()
    {
        // The standard check value of CRC-32/ISO-HDLC.
        var check = Encoding.ASCII.GetBytes("123456789");
        Assert.Equal(0xCBF43926u, Crc32.Compute(check));
        Assert.Equal(0xCBF43926u, Crc32.ComputeBytewise(check));
        for (var split = 0; split <= check.Length; split++)
        {
            Assert.Equal(0xCBF43926u, Crc32.Continue(Crc32.Compute(check.AsSpan(0, split)), check.AsSpan(split)));
        }
    }

    [Fact]
    public void Records_larger_than_the_write_buffer_and_many_small_ones_read_back_whole()
    {
        using var temp = new TempFolder();
        using var diagnostics = new SelfDiagnostics();
        var sizes = new[] { 10, DurableQueue.WriteBufferBytes - 40, DurableQueue.WriteBufferBytes + 3000, 5, 200_000, 1 };
        using (var queue = DurableQueue.Open(temp.Sub("q"), 64L << 20, 1 << 20, diagnostics))
        {
            foreach (var size in sizes)
            {
                Assert.True(queue.TryAppend("e", seq => Json(seq, size), out _));
            }

            for (var i = 0; i < 3000; i++)
            {
                Assert.True(queue.TryAppend("e", seq => Json(seq, i % 97), out _));
            }

            queue.Commit();
        }

        using var reopened = DurableQueue.Open(temp.Sub("q"), 64L << 20, 1 << 20, diagnostics);
        var entries = reopened.Snapshot();
        Assert.Equal(sizes.Length + 3000, entries.Count);
        Assert.Equal(Enumerable.Range(1, entries.Count).Select(i => (long)i), entries.Select(e => e.Seq));
        Assert.Equal(Json(3, DurableQueue.WriteBufferBytes + 3000), entries[2].Json);
        Assert.Equal(Json(5, 200_000), entries[4].Json);
        Assert.Equal(0, diagnostics.Snapshot().Dropped.Values.Sum());
    }

    [Fact]
    public void An_append_that_was_not_committed_is_on_disk_once_the_queue_is_closed()
    {
        using var temp = new TempFolder();
        using var diagnostics = new SelfDiagnostics();
        using (var queue = DurableQueue.Open(temp.Sub("q"), 1 << 20, 64 * 1024, diagnostics))
        {
            queue.TryAppend("e", seq => Json(seq, 10), out _);
        }

        using var reopened = DurableQueue.Open(temp.Sub("q"), 1 << 20, 64 * 1024, diagnostics);
        Assert.Single(reopened.Snapshot());
    }

    [Fact]
    public async Task The_ring_hands_over_every_event_of_many_producers_once_and_in_each_producers_order()
    {
        var ring = new HandOffRing(1024);
        var slot = TestSlot();
        const int Producers = 4;
        const int PerProducer = 50_000;
        var refused = 0;
        var producers = Enumerable.Range(0, Producers).Select(p => Task.Run(() =>
        {
            for (var i = 0; i < PerProducer; i++)
            {
                // The time carries (producer, number); a full ring is retried, as a test may, not dropped.
                var pending = new PendingEvent(slot, null, null, new DateTimeOffset((p * 1_000_000L) + i, TimeSpan.Zero));
                while (!ring.TryEnqueue(in pending))
                {
                    Interlocked.Increment(ref refused);
                    Thread.Yield();
                }
            }
        })).ToArray();

        var last = Enumerable.Repeat(-1L, Producers).ToArray();
        var taken = 0;
        var all = Task.WhenAll(producers);
        while (taken < Producers * PerProducer)
        {
            if (!ring.TryDequeue(out var pending))
            {
                Assert.False(all.IsFaulted);
                Thread.Yield();
                continue;
            }

            var ticks = pending.Time.UtcTicks;
            var producer = (int)(ticks / 1_000_000);
            var number = ticks % 1_000_000;
            Assert.Equal(last[producer] + 1, number);
            last[producer] = number;
            taken++;
        }

        await all;
        Assert.False(ring.TryDequeue(out _));
        Assert.Equal(0, ring.Count);
        Assert.All(last, n => Assert.Equal(PerProducer - 1, n));
    }

    [Fact]
    public void A_full_ring_refuses_at_once_and_takes_again_after_a_dequeue()
    {
        var ring = new HandOffRing(4);
        var pending = new PendingEvent(TestSlot(), null, null, DateTimeOffset.UnixEpoch);
        for (var i = 0; i < 4; i++)
        {
            Assert.True(ring.TryEnqueue(in pending));
        }

        Assert.False(ring.TryEnqueue(in pending));
        Assert.Equal(4, ring.Count);
        Assert.True(ring.TryDequeue(out _));
        Assert.True(ring.TryEnqueue(in pending));
    }

    [Fact]
    public void The_time_format_is_what_the_format_string_gave()
    {
        var random = new Random(5);
        Span<byte> text = stackalloc byte[EventSerializer.TimeLength];
        for (var i = 0; i < 1000; i++)
        {
            var time = new DateTime(random.NextInt64(DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks), DateTimeKind.Utc);
            EventSerializer.FormatTime(time, text);
            Assert.Equal(time.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture), Encoding.ASCII.GetString(text));
        }
    }

    private static EventSlot TestSlot() => new EventTable(TestCatalogs.Wide, TestCatalogs.Product, new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero)).Slots[0];

    private static byte[] Json(long seq, int padding) =>
        Encoding.UTF8.GetBytes("{\"name\":\"e\",\"seq\":" + seq + ",\"pad\":\"" + new string('x', padding) + "\"}");
}
