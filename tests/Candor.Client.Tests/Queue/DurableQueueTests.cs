using System.Text;
using Candor.Client.Diagnostics;
using Candor.Client.Queue;
using Candor.Client.Tests.Infrastructure;
using Xunit;

namespace Candor.Client.Tests.Queue;

public sealed class DurableQueueTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly SelfDiagnostics _diagnostics = new();

    public void Dispose()
    {
        _diagnostics.Dispose();
        _temp.Dispose();
    }

    private static byte[] Json(long seq, int padding = 0) =>
        Encoding.UTF8.GetBytes("{\"name\":\"e\",\"seq\":" + seq + ",\"pad\":\"" + new string('x', padding) + "\"}");

    private DurableQueue Open(long maxBytes = 5 * 1024 * 1024) => DurableQueue.Open(_temp.Sub("queue"), maxBytes, 64 * 1024, _diagnostics);

    [Fact]
    public void Committed_events_survive_a_reopen_in_order()
    {
        using (var queue = Open())
        {
            for (var i = 0; i < 10; i++)
            {
                Assert.True(queue.TryAppend("e", seq => Json(seq), out _));
            }

            queue.Commit();
        }

        using var reopened = Open();
        var entries = reopened.Snapshot();
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), entries.Select(e => e.Seq));
        Assert.All(entries, e => Assert.Equal("e", e.Name));
        Assert.Equal(10, reopened.LastSeq);
    }

    [Fact]
    public void Sent_events_do_not_come_back_and_sequence_numbers_keep_increasing()
    {
        using (var queue = Open())
        {
            for (var i = 0; i < 5; i++)
            {
                queue.TryAppend("e", seq => Json(seq), out _);
            }

            queue.Commit();
            Assert.Equal(3, queue.RemoveThrough(3));
        }

        using var reopened = Open();
        Assert.Equal([4L, 5L], reopened.Snapshot().Select(e => e.Seq));
        reopened.TryAppend("e", seq => Json(seq), out var next);
        Assert.Equal(6, next);
    }

    [Fact]
    public void Disk_cap_holds_on_every_write_and_the_oldest_events_are_dropped_and_counted()
    {
        const long cap = 64 * 1024;
        using var queue = Open(cap);
        for (var i = 0; i < 400; i++)
        {
            queue.TryAppend("e", seq => Json(seq, 500), out _);
            queue.Commit();
            Assert.True(queue.DiskBytes <= cap, $"{queue.DiskBytes} bytes on disk after write {i}");
            var onDisk = Directory.GetFiles(_temp.Sub("queue"), "seg-*.log").Sum(f => new FileInfo(f).Length);
            Assert.True(onDisk <= cap, $"{onDisk} bytes in segment files after write {i}");
        }

        var entries = queue.Snapshot();
        Assert.Equal(400, entries[^1].Seq);
        Assert.True(entries[0].Seq > 1);
        Assert.Equal(400 - entries.Count, _diagnostics.Snapshot().DroppedFor("queue_full"));
    }

    [Fact]
    public void A_half_written_record_is_set_aside_and_the_records_before_it_are_kept()
    {
        using (var queue = Open())
        {
            for (var i = 0; i < 3; i++)
            {
                queue.TryAppend("e", seq => Json(seq), out _);
            }

            queue.Commit();
        }

        var segment = Directory.GetFiles(_temp.Sub("queue"), "seg-*.log").Single();
        var good = new FileInfo(segment).Length;
        using (var stream = new FileStream(segment, FileMode.Append))
        {
            // A torn frame: a plausible header and only part of its payload.
            stream.Write([200, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7]);
        }

        using var reopened = Open();
        Assert.Equal([1L, 2L, 3L], reopened.Snapshot().Select(e => e.Seq));
        Assert.Equal(good, new FileInfo(segment).Length);
        Assert.Single(Directory.GetFiles(Path.Combine(_temp.Sub("queue"), "damaged")));
        Assert.Equal(1, _diagnostics.Snapshot().DroppedFor("corrupt"));
        reopened.TryAppend("e", seq => Json(seq), out var next);
        Assert.Equal(4, next);
    }

    [Fact]
    public void A_flipped_bit_fails_the_checksum_and_nothing_from_there_on_is_read()
    {
        using (var queue = Open())
        {
            for (var i = 0; i < 3; i++)
            {
                queue.TryAppend("e", seq => Json(seq), out _);
            }

            queue.Commit();
        }

        var segment = Directory.GetFiles(_temp.Sub("queue"), "seg-*.log").Single();
        var bytes = File.ReadAllBytes(segment);
        var second = bytes.Length / 3 + 20;
        bytes[second] ^= 0x10;
        File.WriteAllBytes(segment, bytes);

        using var reopened = Open();
        Assert.Equal([1L], reopened.Snapshot().Select(e => e.Seq));
        Assert.Single(Directory.GetFiles(Path.Combine(_temp.Sub("queue"), "damaged")));
        Assert.Equal(1, _diagnostics.Snapshot().DroppedFor("corrupt"));
    }

    [Fact]
    public void Removing_events_by_rule_rewrites_the_queue_and_the_removal_survives_a_reopen()
    {
        using (var queue = Open())
        {
            for (var i = 0; i < 6; i++)
            {
                var name = i % 2 == 0 ? "keep" : "drop";
                queue.TryAppend(name, seq => Encoding.UTF8.GetBytes("{\"name\":\"" + name + "\"}"), out _);
            }

            queue.Commit();
            Assert.Equal(3, queue.RemoveWhere(e => e.Name == "drop", DropReason.PolicyChanged));
            queue.TryAppend("keep", seq => Encoding.UTF8.GetBytes("{\"name\":\"keep\"}"), out _);
            queue.Commit();
        }

        using var reopened = Open();
        Assert.Equal([1L, 3L, 5L, 7L], reopened.Snapshot().Select(e => e.Seq));
        Assert.Equal(3, _diagnostics.Snapshot().DroppedFor("policy_changed"));
    }

    [Fact]
    public void Clearing_deletes_every_segment_but_keeps_numbering_forward()
    {
        using (var queue = Open())
        {
            queue.TryAppend("e", seq => Json(seq), out _);
            queue.TryAppend("e", seq => Json(seq), out _);
            queue.Commit();
            Assert.Equal(2, queue.Clear(DropReason.CollectionOff));
            Assert.Empty(Directory.GetFiles(_temp.Sub("queue"), "seg-*.log"));
        }

        using var reopened = Open();
        Assert.Empty(reopened.Snapshot());
        reopened.TryAppend("e", seq => Json(seq), out var next);
        Assert.Equal(3, next);
    }

    [Fact]
    public void An_event_larger_than_a_record_may_be_is_dropped_as_too_large()
    {
        using var queue = Open();
        Assert.False(queue.TryAppend("e", seq => Json(seq, 70 * 1024), out _));
        Assert.Equal(1, _diagnostics.Snapshot().DroppedFor("too_large"));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void The_queue_folder_is_readable_by_its_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var queue = Open();
        var mode = File.GetUnixFileMode(_temp.Sub("queue"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, mode);
    }
}
