using Candor.Client.Tests.Infrastructure;
using Xunit;

namespace Candor.Client.Tests.Context;

public sealed class ContextTests : IAsyncLifetime
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
    public async Task The_device_id_is_random_kept_across_runs_and_replaced_when_local_data_is_deleted()
    {
        string first;
        await using (var client = Clients.Create(_collector.Url, _temp.Path))
        {
            first = client.DeviceId;
            Assert.True(Guid.TryParse(first, out _));
        }

        await using var again = Clients.Create(_collector.Url, _temp.Path);
        Assert.Equal(first, again.DeviceId);
        await again.DeleteLocalDataAsync();
        Assert.NotEqual(first, again.DeviceId);
        Assert.True(Guid.TryParse(again.DeviceId, out _));

        using var other = new TempFolder();
        await using var elsewhere = Clients.Create(_collector.Url, other.Path);
        Assert.NotEqual(first, elsewhere.DeviceId);
    }

    [Fact]
    public async Task First_run_install_session_and_device_configuration_are_recorded_automatically()
    {
        await using (var client = Clients.Create(_collector.Url, _temp.Path))
        {
            await client.FlushAsync(TimeSpan.FromSeconds(10));
        }

        Assert.Single(_collector.EventsNamed("app.first_run"));
        Assert.Single(_collector.EventsNamed("app.installed"));
        Assert.Single(_collector.EventsNamed("app.session.started"));
        var ended = Assert.Single(_collector.EventsNamed("app.session.ended"));
        Assert.True(ended.GetProperty("data").GetProperty("durationMs").GetInt64() >= 0);
        var config = Assert.Single(_collector.EventsNamed("device.configuration")).GetProperty("data");
        Assert.Equal(Environment.ProcessorCount, config.GetProperty("processorCount").GetInt32());
        Assert.Contains(config.GetProperty("memoryClass").GetString(), new[] { "under_2gb", "from_2_to_4gb", "from_4_to_8gb", "from_8_to_16gb", "over_16gb" });
    }

    [Fact]
    public async Task A_second_run_of_the_same_version_is_no_install_and_a_new_version_is_an_update()
    {
        await using (var client = Clients.Create(_collector.Url, _temp.Path))
        {
            await client.FlushAsync(TimeSpan.FromSeconds(10));
        }

        await using (var client = Clients.Create(_collector.Url, _temp.Path))
        {
            await client.FlushAsync(TimeSpan.FromSeconds(10));
        }

        await using (var client = CandorClient.Create(Clients.Options(_collector.Url, _temp.Path, appVersion: "9.4.0.0")))
        {
            await client.FlushAsync(TimeSpan.FromSeconds(10));
        }

        Assert.Single(_collector.EventsNamed("app.first_run"));
        Assert.Single(_collector.EventsNamed("app.installed"));
        Assert.Equal(3, _collector.EventsNamed("app.session.started").Count);
        var updated = Assert.Single(_collector.EventsNamed("app.updated"));
        Assert.Equal("9.3.2411.1", updated.GetProperty("data").GetProperty("previousVersion").GetString());
        Assert.Equal("9.4.0.0", updated.GetProperty("appVersion").GetString());
    }

    [Fact]
    public async Task Nothing_in_what_is_sent_comes_from_the_user_name_or_the_machine_name()
    {
        await using (var client = Clients.Create(_collector.Url, _temp.Path))
        {
            client.Track(TestCatalogs.NoteEvent, Clients.Fields(("note", "n")));
            await client.FlushAsync(TimeSpan.FromSeconds(10));
        }

        var everything = string.Join("\n", _collector.Events.Select(e => e.GetRawText()));
        Assert.NotEmpty(_collector.Events);
        foreach (var personal in new[] { Environment.UserName, Environment.MachineName })
        {
            if (personal.Length >= 3)
            {
                Assert.DoesNotContain(personal, everything, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    [Fact]
    public async Task Deleting_local_data_wipes_the_queue_the_transcript_the_cached_policy_and_the_device_id()
    {
        await using var client = Clients.Create(_collector.Url, _temp.Path);
        await client.FlushAsync(TimeSpan.FromSeconds(10));
        var oldDevice = client.DeviceId;
        client.Track(TestCatalogs.NoteEvent, Clients.Fields(("note", "queued")));
        client.PersistPending();
        Assert.NotEmpty(client.ReadTranscript());
        Assert.True(File.Exists(Path.Combine(_temp.Path, "policy.json")));

        await client.DeleteLocalDataAsync();

        Assert.Empty(client.ReadTranscript());
        // Only the new identity's first run may be queued by now (it races the background writer); nothing
        // recorded before the deletion survives it.
        Assert.All(client.QueueForTests.Snapshot(), e => Assert.Equal("app.first_run", e.Name));
        Assert.False(File.Exists(Path.Combine(_temp.Path, "policy.json")));
        Assert.NotEqual(oldDevice, File.ReadAllText(Path.Combine(_temp.Path, "device-id")).Trim());
        Assert.Equal(1, client.GetDiagnostics().DroppedFor("local_data_deleted"));
        await client.FlushAsync(TimeSpan.FromSeconds(10));
        var firstRuns = _collector.EventsNamed("app.first_run");
        Assert.Equal(2, firstRuns.Count);
        Assert.Equal(client.DeviceId, firstRuns[^1].GetProperty("device").GetProperty("id").GetString());
    }

    [Fact]
    public void The_data_folder_is_readable_by_the_current_user_only()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var client = Clients.Create(new Uri("http://127.0.0.1:9/"), _temp.Sub("data"), o => o.DisposeTimeout = TimeSpan.Zero);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_temp.Sub("data")));
    }
}
