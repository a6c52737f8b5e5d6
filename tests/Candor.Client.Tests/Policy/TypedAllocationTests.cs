using Candor.Client.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Candor.Client.Tests.Policy;

/// <summary>The typed call as the generator now emits it (values in a <see cref="CandorFieldValues"/> on the stack):
/// accepted, it allocates nothing on the app's thread; the values still arrive, in their fields. Counted with
/// GC.GetAllocatedBytesForCurrentThread, so the result does not depend on the machine's load.</summary>
public sealed class TypedAllocationTests(ITestOutputHelper output) : IAsyncLifetime
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
    public async Task An_accepted_typed_event_with_inline_values_allocates_nothing()
    {
        await using var client = Clients.Create(_collector.Url, _temp.Path, catalog: TestCatalogs.Shipped);
        await client.FlushAsync(TimeSpan.FromSeconds(10));
        var statusChanged = new CandorGeneratedEvent("fieldservice.work_order.status_changed", ["fromStatus", "toStatus", "offline"]);
        // Bursts below the in-memory stage's capacity, written out in between: the first ones grow that stage to its
        // working size and get the code fully optimised.
        const int n = 4_000;
        for (var round = 0; round < 5; round++)
        {
            TrackTypedAccepted(client, statusChanged, n);
            await client.FlushAsync(TimeSpan.FromSeconds(30));
            await Task.Delay(50);
        }

        // After the awaits this may be another thread: its first count allocates the thread's counter block, once.
        var persisted = client.GetDiagnostics().Persisted;
        TrackTypedAccepted(client, statusChanged, 1);
        var before = GC.GetAllocatedBytesForCurrentThread();
        TrackTypedAccepted(client, statusChanged, n);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        await client.FlushAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(persisted + n + 1, client.GetDiagnostics().Persisted);
        output.WriteLine($"{allocated / (double)n} bytes per accepted typed event with inline values");
    }

    [Fact]
    public async Task Inline_values_arrive_in_their_fields_and_a_wrong_count_is_an_invalid_field()
    {
        await using var client = Clients.Create(_collector.Url, _temp.Path, o => o.RecordLifecycleEvents = false, catalog: TestCatalogs.Shipped);
        var statusChanged = new CandorGeneratedEvent("fieldservice.work_order.status_changed", ["fromStatus", "toStatus", "offline"]);
        TrackTypedAccepted(client, statusChanged, 1);
        var tooMany = new CandorFieldValues(CandorFieldValues.MaxCount + 1);
        client.TrackGenerated(statusChanged, in tooMany);
        await client.FlushAsync(TimeSpan.FromSeconds(30));

        var sent = Assert.Single(_collector.EventsNamed("fieldservice.work_order.status_changed"));
        var data = sent.GetProperty("data");
        Assert.Equal("traveling", data.GetProperty("fromStatus").GetString());
        Assert.Equal("in_progress", data.GetProperty("toStatus").GetString());
        Assert.True(data.GetProperty("offline").GetBoolean());
        Assert.Equal(1, client.GetDiagnostics().FilteredFor("invalid_field"));
    }

    /// <summary>What a generated method of three fields does.</summary>
    private static void TrackTypedAccepted(CandorClient client, CandorGeneratedEvent e, int n)
    {
        for (var i = 0; i < n; i++)
        {
            if (client.ShouldTrack(e))
            {
                var values = new CandorFieldValues(3);
                values.Set(0, CandorFieldValue.From("traveling"));
                values.Set(1, CandorFieldValue.From("in_progress"));
                values.Set(2, CandorFieldValue.From(true));
                client.TrackGenerated(e, in values);
            }
        }
    }
}
