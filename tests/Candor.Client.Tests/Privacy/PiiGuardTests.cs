using Candor.Client.Tests.Infrastructure;
using Xunit;

namespace Candor.Client.Tests.Privacy;

public sealed class PiiGuardTests : IAsyncLifetime
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
    public async Task An_email_in_a_system_metadata_field_is_redacted_and_counted_and_never_leaves_the_device()
    {
        await using var client = Clients.Create(_collector.Url, _temp.Path, o => o.RecordLifecycleEvents = false);
        client.Track(TestCatalogs.NoteEvent, Clients.Fields(("note", "sync failed for jane.doe@contoso.com at step 4")));
        client.PersistPending();

        var queued = System.Text.Encoding.UTF8.GetString(Assert.Single(client.QueueForTests.Snapshot()).Json);
        Assert.DoesNotContain("jane.doe", queued);
        await client.FlushAsync(TimeSpan.FromSeconds(10));

        var note = Assert.Single(_collector.EventsNamed(TestCatalogs.NoteEvent)).GetProperty("data").GetProperty("note").GetString()!;
        Assert.DoesNotContain("jane.doe", note);
        Assert.Contains("[redacted:", note);
        Assert.StartsWith("sync failed for ", note);
        Assert.Equal(1, client.GetDiagnostics().Redacted);
        Assert.DoesNotContain(client.ReadTranscript(), t => t.Json.Contains("jane.doe", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Personal_data_in_a_pseudonymous_identifier_field_drops_the_whole_event()
    {
        await using var client = Clients.Create(_collector.Url, _temp.Path, o => o.RecordLifecycleEvents = false);
        client.Track(TestCatalogs.TokenEvent, Clients.Fields(("token", "jane.doe@contoso.com")));
        client.Track(TestCatalogs.TokenEvent, Clients.Fields(("token", "6f1c0d2e-8a55-4b7c-9d0e-1f2a3b4c5d6e")));
        await client.FlushAsync(TimeSpan.FromSeconds(10));

        var e = Assert.Single(_collector.EventsNamed(TestCatalogs.TokenEvent));
        Assert.Equal("6f1c0d2e-8a55-4b7c-9d0e-1f2a3b4c5d6e", e.GetProperty("data").GetProperty("token").GetString());
        Assert.Equal(1, client.GetDiagnostics().DroppedFor("pii_detected"));
    }

    [Fact]
    public async Task The_user_name_of_the_device_is_redacted_wherever_it_appears()
    {
        // A personal account name, planted as the device's user name: the test must not depend on the account the
        // tests run under (in CI it is "root", a service account the guard ignores on purpose).
        const string user = "alexandra.kowalski";
        var names = new Candor.Core.Privacy.PiiScannerOptions();
        names.KnownUserNames.Add(user);
        await using var client = Clients.Create(_collector.Url, _temp.Path, o =>
        {
            o.RecordLifecycleEvents = false;
            o.PiiNames = names;
        });
        client.Track(TestCatalogs.NoteEvent, Clients.Fields(("note", $"opened profile of {user} today")));
        await client.FlushAsync(TimeSpan.FromSeconds(10));

        var note = Assert.Single(_collector.EventsNamed(TestCatalogs.NoteEvent)).GetProperty("data").GetProperty("note").GetString()!;
        Assert.DoesNotContain(user, note, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_crash_report_carries_type_hresult_and_signature_but_never_the_message()
    {
        await using var client = Clients.Create(_collector.Url, _temp.Path, o => o.RecordLifecycleEvents = false);
        Exception thrown;
        try
        {
            throw new InvalidOperationException("Customer record of jane.doe@contoso.com could not be saved to C:\\Users\\jane\\file.txt");
        }
        catch (InvalidOperationException ex)
        {
            thrown = ex;
        }

        client.RecordCrash(thrown);
        // Written synchronously: it is on disk before RecordCrash returns, as a dying process needs.
        Assert.Contains(client.QueueForTests.Snapshot(), e => e.Name == "app.crashed");
        await client.FlushAsync(TimeSpan.FromSeconds(10));

        var crash = Assert.Single(_collector.EventsNamed("app.crashed"));
        var text = crash.GetRawText();
        Assert.DoesNotContain("jane", text);
        Assert.DoesNotContain("could not be saved", text);
        var data = crash.GetProperty("data");
        Assert.Equal("System.InvalidOperationException", data.GetProperty("exceptionType").GetString());
        Assert.Equal(thrown.HResult, data.GetProperty("hResult").GetInt32());
        Assert.Contains(nameof(A_crash_report_carries_type_hresult_and_signature_but_never_the_message), data.GetProperty("stackSignature").GetString());
        Assert.True(data.GetProperty("stackSignature").GetString()!.Length <= 128);
    }
}
