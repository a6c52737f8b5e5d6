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

    private sealed class EntryComparer : IEqualityComparer<TranscriptEntry>
    {
        public bool Equals(TranscriptEntry? x, TranscriptEntry? y) => x!.Json == y!.Json && x.Outcome == y.Outcome;

        public int GetHashCode(TranscriptEntry obj) => obj.Json.GetHashCode(StringComparison.Ordinal);
    }
}
