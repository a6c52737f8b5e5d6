using System.Diagnostics;
using Candor.Client.Tests.Infrastructure;
using Xunit;

namespace Candor.Client.Tests.Writing;

/// <summary>The background writer's loop: it writes on its own (no flush), signals nothing while events keep coming,
/// parks after a quiet second and is woken by the next event.</summary>
public sealed class EventWriterTests
{
    [Fact]
    public async Task The_writer_writes_without_a_flush_parks_after_a_quiet_second_and_is_woken_by_the_next_event()
    {
        using var temp = new TempFolder();
        using var client = Clients.Create(new Uri("http://127.0.0.1:9/"), temp.Path);
        await Eventually.TrueAsync(() => client.WriterParkedForTests, "the writer parks after a second without events");
        var persisted = client.GetDiagnostics().Persisted;

        var watch = Stopwatch.StartNew();
        client.Track(TestCatalogs.NoteEvent, Clients.Fields(("note", "first")));
        // The producer that found it parked woke it before Track returned.
        Assert.False(client.WriterParkedForTests);
        await Eventually.TrueAsync(() => client.GetDiagnostics().Persisted == persisted + 1, "the parked writer, woken, writes the event");
        var afterWake = watch.Elapsed;

        // Polling now: the next event is written without anyone waking the writer or flushing.
        client.Track(TestCatalogs.NoteEvent, Clients.Fields(("note", "second")));
        await Eventually.TrueAsync(() => client.GetDiagnostics().Persisted == persisted + 2, "the polling writer writes the event");
        Assert.False(client.WriterParkedForTests);

        await Eventually.TrueAsync(() => client.WriterParkedForTests, "the writer parks again after a second without events");
        Assert.Equal(persisted + 2, client.GetDiagnostics().Persisted);
        // 20 ms by design; the bound leaves room for a loaded test machine, not for a writer that waits for a flush.
        Assert.True(afterWake < TimeSpan.FromSeconds(5), $"written {afterWake} after Track");
    }
}
