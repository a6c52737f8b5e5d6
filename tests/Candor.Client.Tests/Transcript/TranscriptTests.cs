using Candor.Client.Tests.Infrastructure;
using Candor.Client.Transcript;
using Xunit;

namespace Candor.Client.Tests.Transcript;

public sealed class TranscriptTests : IAsyncLifetime
{
    private readonly TempFolder _temp = new();
    private TestCollector _collector = null!;

    public async Task InitializeAsync() => _collector = await TestCollector.StartAsync();

    public async Task DisposeAsync()
    {
        await _collector.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task The_transcript_holds_exactly_what_was_uploaded_with_level_and_category()
    {
        await using var client = Clients.Create(_collector.Url, _temp.Path);
        client.Track(TestCatalogs.NoteEvent, Clients.Fields(("note", "hello")));
        await client.FlushAsync(TimeSpan.FromSeconds(10));

        var transcript = client.ReadTranscript();
        Assert.Equal(_collector.Events.Count, transcript.Count);
        var sent = _collector.Events.ToDictionary(e => e.GetProperty("id").GetString()!, e => e.GetRawText());
        foreach (var entry in transcript)
        {
            using var doc = System.Text.Json.JsonDocument.Parse(entry.Json);
            Assert.Equal(sent[doc.RootElement.GetProperty("id").GetString()!], doc.RootElement.GetRawText());
        }

        var note = Assert.Single(transcript, t => t.Name == TestCatalogs.NoteEvent);
        Assert.Equal("required", note.Level);
        Assert.Equal("product_and_service_performance", note.Category);
        Assert.Equal("accepted", note.Outcome);
        Assert.Equal(transcript, CandorClient.ReadTranscript(_temp.Path), new EntryComparer());
    }

    [Fact]
    public void The_transcript_stays_under_its_size_cap_and_forgets_what_is_older_than_its_age_limit()
    {
        var store = new TranscriptStore(_temp.Path, TimeSpan.FromDays(30), 256 * 1024);
        var json = System.Text.Encoding.UTF8.GetBytes("{\"id\":\"x\",\"name\":\"e\",\"time\":\"2026-01-01T00:00:00.000Z\",\"pad\":\"" + new string('p', 900) + "\"}");
        var start = DateTimeOffset.Parse("2026-10-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        store.Append([new TranscriptLine(start, "b", "accepted", "required", "product_and_service_usage", json)], start);
        for (var i = 0; i < 400; i++)
        {
            var now = start.AddDays(40).AddSeconds(i);
            store.Append([new TranscriptLine(now, "b", "accepted", "required", "product_and_service_usage", json)], now);
        }

        var files = Directory.GetFiles(TranscriptStore.FolderOf(_temp.Path));
        Assert.True(files.Sum(f => new FileInfo(f).Length) <= 256 * 1024);
        var entries = TranscriptStore.Read(_temp.Path);
        Assert.DoesNotContain(entries, e => e.UploadedAt < start.AddDays(10));
        Assert.Equal(start.AddDays(40).AddSeconds(399), entries[^1].UploadedAt);
    }

    [Fact]
    public void Lines_written_through_the_kept_buffer_keep_each_lines_own_upload_time_and_event_also_after_a_batch_larger_than_the_buffer_kept()
    {
        var store = new TranscriptStore(_temp.Path, TimeSpan.FromDays(30), 64L * 1024 * 1024);
        var at = DateTimeOffset.Parse("2026-10-01T08:00:00.123Z", System.Globalization.CultureInfo.InvariantCulture);
        byte[] Event(int i, int pad) => System.Text.Encoding.UTF8.GetBytes(
            "{\"id\":\"" + i + "\",\"name\":\"e\",\"time\":\"2026-01-01T00:00:00.000Z\",\"pad\":\"" + new string('p', pad) + "\"}");

        // A batch of 1,500 lines of 1 KB: more than the 1 MiB the store keeps between batches.
        var big = Enumerable.Range(0, 1500).Select(i => new TranscriptLine(at, "big", "accepted", "required", "c", Event(i, 1000))).ToList();
        store.Append(big, at);
        var small = new List<TranscriptLine>
        {
            new(at.AddSeconds(1), "small", "accepted", "required", "c", Event(2000, 3)),
            new(at.AddSeconds(2), "small", "rejected:too_large", "optional", "c", Event(2001, 3)),
        };
        store.Append(small, at.AddSeconds(2));

        var entries = TranscriptStore.Read(_temp.Path);
        Assert.Equal(1502, entries.Count);
        Assert.All(entries.Take(1500), e => Assert.Equal(at, e.UploadedAt));
        Assert.Equal(System.Text.Encoding.UTF8.GetString(Event(1499, 1000)), entries[1499].Json);
        Assert.Equal(at.AddSeconds(1), entries[1500].UploadedAt);
        Assert.Equal(at.AddSeconds(2), entries[1501].UploadedAt);
        Assert.Equal("rejected:too_large", entries[1501].Outcome);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(Event(2001, 3)), entries[1501].Json);
    }

    private sealed class EntryComparer : IEqualityComparer<TranscriptEntry>
    {
        public bool Equals(TranscriptEntry? x, TranscriptEntry? y) => x!.Json == y!.Json && x.Outcome == y.Outcome;

        public int GetHashCode(TranscriptEntry obj) => obj.Json.GetHashCode(StringComparison.Ordinal);
    }
}
