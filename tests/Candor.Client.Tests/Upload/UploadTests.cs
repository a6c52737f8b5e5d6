using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Candor.Client.Tests.Infrastructure;
using Xunit;

namespace Candor.Client.Tests.Upload;

public sealed class UploadTests : IAsyncLifetime
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
    public async Task Events_arrive_gzipped_with_the_whole_envelope_filled_in()
    {
        await using var client = Clients.Create(_collector.Url, _temp.Path);
        client.Track(TestCatalogs.NoteEvent, Clients.Fields(("note", "sync took long"), ("count", 3)));
        var receipt = await client.FlushAsync(TimeSpan.FromSeconds(10));

        Assert.True(receipt.Completed);
        Assert.Equal(0, receipt.Pending);
        Assert.Equal(receipt.Persisted, receipt.Sent);
        Assert.All(_collector.ContentEncodings, e => Assert.Equal("gzip", e));
        var e = Assert.Single(_collector.EventsNamed(TestCatalogs.NoteEvent));
        Assert.Equal("sync took long", e.GetProperty("data").GetProperty("note").GetString());
        Assert.Equal(3, e.GetProperty("data").GetProperty("count").GetInt32());
        Assert.Equal(TestCatalogs.Product, e.GetProperty("product").GetString());
        Assert.Equal("9.3.2411.1", e.GetProperty("appVersion").GetString());
        Assert.Equal("candor-dotnet/1.0.0", e.GetProperty("sdk").GetString());
        Assert.Equal(client.SessionId, e.GetProperty("session").GetString());
        Assert.True(Guid.TryParse(e.GetProperty("id").GetString(), out _));
        Assert.EndsWith("Z", e.GetProperty("time").GetString());
        var device = e.GetProperty("device");
        Assert.Equal(client.DeviceId, device.GetProperty("id").GetString());
        Assert.Equal("mobile", device.GetProperty("class").GetString());
        foreach (var field in new[] { "os", "osVersion", "arch", "locale" })
        {
            Assert.False(string.IsNullOrEmpty(device.GetProperty(field).GetString()), field);
        }

        var seqs = _collector.Events.Select(x => x.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(seqs.Distinct().Count(), seqs.Count);
    }

    [Fact]
    public async Task Batches_hold_at_most_500_events_and_every_event_arrives_once()
    {
        await using var client = Clients.Create(_collector.Url, _temp.Path, o => o.RecordLifecycleEvents = false);
        for (var i = 0; i < 1234; i++)
        {
            client.Track(TestCatalogs.NoteEvent, Clients.Fields(("note", "n"), ("count", i)));
        }

        var receipt = await client.FlushAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1234, receipt.Sent);
        Assert.All(_collector.BatchSizes, size => Assert.InRange(size, 1, 500));
        Assert.Equal(Enumerable.Range(0, 1234), _collector.EventsNamed(TestCatalogs.NoteEvent).Select(e => e.GetProperty("data").GetProperty("count").GetInt32()).Order());
    }

    [Fact]
    public async Task Batches_hold_at_most_the_byte_limit_before_compression()
    {
        await using var client = Clients.Create(_collector.Url, _temp.Path, o =>
        {
            o.RecordLifecycleEvents = false;
            o.MaxBatchBytes = 16 * 1024;
        });
        for (var i = 0; i < 200; i++)
        {
            client.Track(TestCatalogs.NoteEvent, Clients.Fields(("note", new string('a', 190))));
        }

        var receipt = await client.FlushAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(200, receipt.Sent);
        // About 500 bytes an event: a 16 KB limit needs several batches, none over 16 KB.
        Assert.True(_collector.BatchSizes.Count >= 6, $"{_collector.BatchSizes.Count} batches");
        Assert.All(_collector.BatchSizes, size => Assert.True(size <= 16 * 1024 / 400));
    }

    [Fact]
    public async Task A_503_with_retry_after_is_retried_after_the_delay_and_nothing_is_lost()
    {
        await using var client = Clients.Create(_collector.Url, _temp.Path, o => o.RecordLifecycleEvents = false);
        client.Track(TestCatalogs.NoteEvent, Clients.Fields(("note", "x")));
        _collector.NextUploadResponses.Enqueue((503, 1));
        var watch = Stopwatch.StartNew();
        var receipt = await client.FlushAsync(TimeSpan.FromSeconds(15));

        Assert.True(receipt.Completed);
        Assert.Equal(1, receipt.Sent);
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.9), "Retry-After was honoured");
        Assert.Equal(1, client.GetDiagnostics().UploadsFailed);
        Assert.Single(_collector.EventsNamed(TestCatalogs.NoteEvent));
    }

    [Theory]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(500)]
    public async Task Retryable_statuses_are_retried_with_backoff(int status)
    {
        await using var client = Clients.Create(_collector.Url, _temp.Path, o => o.RecordLifecycleEvents = false);
        client.Track(TestCatalogs.NoteEvent, Clients.Fields(("note", "x")));
        _collector.NextUploadResponses.Enqueue((status, null));
        _collector.NextUploadResponses.Enqueue((status, null));

        var receipt = await client.FlushAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(1, receipt.Sent);
        Assert.Equal(2, client.GetDiagnostics().UploadsFailed);
    }

    [Fact]
    public async Task A_400_drops_the_batch_and_counts_the_reason()
    {
        await using var client = Clients.Create(_collector.Url, _temp.Path, o => o.RecordLifecycleEvents = false);
        client.Track(TestCatalogs.NoteEvent, Clients.Fields(("note", "x")));
        client.Track(TestCatalogs.NoteEvent, Clients.Fields(("note", "y")));
        _collector.NextUploadResponses.Enqueue((400, null));

        var receipt = await client.FlushAsync(TimeSpan.FromSeconds(10));

        Assert.True(receipt.Completed);
        Assert.Equal(2, receipt.Dropped["batch_rejected"]);
        Assert.Equal(0, receipt.Sent);
        Assert.Empty(_collector.Events);
    }

    [Fact]
    public async Task An_event_that_reached_its_attempt_limit_is_dropped_and_counted()
    {
        await using var client = Clients.Create(_collector.Url, _temp.Path, o =>
        {
            o.RecordLifecycleEvents = false;
            o.MaxAttemptsPerEvent = 3;
        });
        client.Track(TestCatalogs.NoteEvent, Clients.Fields(("note", "x")));
        for (var i = 0; i < 3; i++)
        {
            _collector.NextUploadResponses.Enqueue((500, null));
        }

        var receipt = await client.FlushAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(1, receipt.Dropped["retry_limit"]);
        Assert.Equal(0, receipt.Pending);
        Assert.Empty(_collector.Events);
    }

    [Fact]
    public async Task Events_the_collector_rejects_are_counted_and_not_resent()
    {
        _collector.Reject = e => e.GetProperty("data").TryGetProperty("count", out var c) && c.GetInt32() == 2 ? "invalid_field" : null;
        await using var client = Clients.Create(_collector.Url, _temp.Path, o => o.RecordLifecycleEvents = false);
        for (var i = 1; i <= 3; i++)
        {
            client.Track(TestCatalogs.NoteEvent, Clients.Fields(("note", "x"), ("count", i)));
        }

        var receipt = await client.FlushAsync(TimeSpan.FromSeconds(10));
        await client.FlushAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(2, receipt.Sent);
        Assert.Equal(1, receipt.Dropped["rejected_by_collector"]);
        Assert.Equal(1, _collector.UploadRequests);
        Assert.Contains(client.ReadTranscript(), t => t.Outcome == "rejected:invalid_field");
    }

    [Fact]
    public async Task Events_survive_a_restart_and_are_sent_once_by_the_next_run()
    {
        var unreachable = new Uri("http://127.0.0.1:9/");
        var first = Clients.Create(unreachable, _temp.Path, o => o.DisposeTimeout = TimeSpan.FromMilliseconds(300));
        for (var i = 0; i < 20; i++)
        {
            first.Track(TestCatalogs.NoteEvent, Clients.Fields(("note", "x"), ("count", i)));
        }

        first.Dispose();

        await using var second = Clients.Create(_collector.Url, _temp.Path);
        var receipt = await second.FlushAsync(TimeSpan.FromSeconds(10));

        Assert.True(receipt.Completed);
        Assert.Equal(Enumerable.Range(0, 20), _collector.EventsNamed(TestCatalogs.NoteEvent).Select(e => e.GetProperty("data").GetProperty("count").GetInt32()).Order());
        Assert.Equal(0, _collector.Duplicates);
        Assert.Single(_collector.EventsNamed("app.session.ended"));
    }

    [Fact]
    public async Task Dispose_returns_within_its_bound_when_the_collector_never_answers()
    {
        using var blackHole = new TcpListener(IPAddress.Loopback, 0);
        blackHole.Start();
        var accepted = new List<TcpClient>();
        _ = Task.Run(async () =>
        {
            while (true)
            {
                try
                {
                    accepted.Add(await blackHole.AcceptTcpClientAsync());
                }
                catch (Exception)
                {
                    return;
                }
            }
        });
        var url = new Uri($"http://127.0.0.1:{((IPEndPoint)blackHole.LocalEndpoint).Port}/");
        var client = Clients.Create(url, _temp.Path, o => o.DisposeTimeout = TimeSpan.FromSeconds(1));
        client.Track(TestCatalogs.NoteEvent, Clients.Fields(("note", "x")));

        var watch = Stopwatch.StartNew();
        client.Dispose();
        watch.Stop();

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"Dispose took {watch.Elapsed}");
        Assert.True(client.GetDiagnostics().Persisted >= 1);
        using var diagnostics = new Candor.Client.Diagnostics.SelfDiagnostics();
        using var queue = Candor.Client.Queue.DurableQueue.Open(Path.Combine(_temp.Path, "queue"), 5 << 20, 1 << 20, diagnostics);
        Assert.Contains(queue.Snapshot(), e => e.Name == TestCatalogs.NoteEvent);
        foreach (var c in accepted)
        {
            c.Dispose();
        }
    }

    [Fact]
    public async Task Only_one_upload_is_in_flight_at_a_time()
    {
        await using var client = Clients.Create(_collector.Url, _temp.Path, o => o.RecordLifecycleEvents = false);
        for (var i = 0; i < 1500; i++)
        {
            client.Track(TestCatalogs.NoteEvent, Clients.Fields(("note", "x"), ("count", i)));
        }

        var flushes = Enumerable.Range(0, 4).Select(_ => client.FlushAsync(TimeSpan.FromSeconds(30))).ToArray();
        await Task.WhenAll(flushes);

        Assert.Equal(1500, _collector.EventsNamed(TestCatalogs.NoteEvent).Count);
        Assert.Equal(1, _collector.MaxConcurrentUploads);
        Assert.Equal(0, _collector.Duplicates);
    }

    [Fact]
    public async Task Being_offline_does_not_use_up_the_attempts_of_an_event()
    {
        var unreachable = new Uri("http://127.0.0.1:9/");
        await using (var offline = Clients.Create(unreachable, _temp.Path, o =>
        {
            o.RecordLifecycleEvents = false;
            o.MaxAttemptsPerEvent = 1;
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
            o.RetryMaxDelay = TimeSpan.FromMilliseconds(10);
            o.DisposeTimeout = TimeSpan.Zero;
        }))
        {
            offline.Track(TestCatalogs.NoteEvent, Clients.Fields(("note", "x")));
            var receipt = await offline.FlushAsync(TimeSpan.FromSeconds(1));

            Assert.False(receipt.Completed);
            Assert.Equal(1, receipt.Pending);
            Assert.True(offline.GetDiagnostics().UploadsFailed >= 2, "it kept trying");
            Assert.Equal(0, offline.GetDiagnostics().DroppedFor("retry_limit"));
        }

        await using var online = Clients.Create(_collector.Url, _temp.Path, o => o.RecordLifecycleEvents = false);
        await online.FlushAsync(TimeSpan.FromSeconds(10));
        Assert.Single(_collector.EventsNamed(TestCatalogs.NoteEvent));
    }

    [Fact]
    public async Task Automatic_uploads_run_on_the_policy_interval_of_the_injected_clock()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.Parse("2026-11-29T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        _collector.Policy = TestCollector.PolicyJson(interval: 60);
        await using var client = Clients.Create(_collector.Url, _temp.Path, o =>
        {
            o.RecordLifecycleEvents = false;
            o.AutomaticUpload = true;
            o.TimeProvider = clock;
        });
        await Eventually.TrueAsync(() => _collector.PolicyRequests >= 1, "the first policy poll");
        // Let the wake-up that applying the first policy causes run (on an empty queue) before recording.
        await Task.Delay(1000);

        client.Track(TestCatalogs.NoteEvent, Clients.Fields(("note", "on the interval")));
        client.PersistPending();
        await Task.Delay(500);
        Assert.Empty(_collector.EventsNamed(TestCatalogs.NoteEvent));

        clock.Advance(TimeSpan.FromSeconds(61));
        await Eventually.TrueAsync(() => _collector.EventsNamed(TestCatalogs.NoteEvent).Count == 1, "the upload after 60 s of the injected clock");
        var sent = _collector.EventsNamed(TestCatalogs.NoteEvent)[0];
        Assert.Equal("2026-11-29T10:00:00.000Z", sent.GetProperty("time").GetString());
    }

    [Fact]
    public async Task A_damaged_cursor_file_is_set_aside_and_the_client_starts_anyway()
    {
        Directory.CreateDirectory(Path.Combine(_temp.Path, "queue"));
        await File.WriteAllTextAsync(Path.Combine(_temp.Path, "queue", "cursor"), "not a number \u0000");

        await using var client = Clients.Create(_collector.Url, _temp.Path, o => o.RecordLifecycleEvents = false);
        client.Track(TestCatalogs.NoteEvent, Clients.Fields(("note", "x")));
        var receipt = await client.FlushAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, receipt.Sent);
        Assert.Equal(1, client.GetDiagnostics().DroppedFor("corrupt"));
        Assert.Single(Directory.GetFiles(Path.Combine(_temp.Path, "queue", "damaged")));
    }
}
