using Xunit;

namespace Candor.Cli.Tests.Viewer;

public sealed class ViewerCommandTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "candor-viewer-" + Guid.NewGuid().ToString("N"));

    public ViewerCommandTests() => Directory.CreateDirectory(Path.Combine(_folder, "transcript"));

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task The_viewer_lists_uploaded_events_with_level_category_and_catalog_description()
    {
        var compile = await CandorProcess.RunAsync(_folder, "catalog", "compile", "--out", Path.Combine(_folder, "catalog.json"));
        Assert.Equal(0, compile.ExitCode);
        // The transcript line format the SDK writes (Candor.Client TranscriptStore).
        await File.WriteAllTextAsync(Path.Combine(_folder, "transcript", "20261129-000000.jsonl"),
            """{"uploadedAt":"2026-11-29T10:00:05.000Z","batchId":"b1","outcome":"accepted","level":"required","category":"product_and_service_usage","event":{"id":"0192f1c6-7b1e-7c3a-9a55-3c2b7d1e4f00","name":"app.session.started","time":"2026-11-29T10:00:00.123Z","seq":1,"data":{}}}""" + "\n" +
            """{"uploadedAt":"2026-11-29T10:00:05.000Z","batchId":"b1","outcome":"rejected:invalid_field","level":"required","category":"product_and_service_performance","event":{"id":"0192f1c6-7b1e-7c3a-9a55-3c2b7d1e4f01","name":"app.feature.failed","time":"2026-11-29T10:00:01.000Z","seq":2,"data":{"feature":"offline_sync","errorCode":"503"}}}""" + "\n");

        var result = await CandorProcess.RunAsync(_folder, "viewer", "--data-folder", _folder, "--show-data");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("2 event(s) uploaded", result.Stdout);
        Assert.Contains("app.session.started  [required, product_and_service_usage]  accepted", result.Stdout);
        Assert.Contains("The product started a new session", result.Stdout);
        Assert.Contains("app.feature.failed  [required, product_and_service_performance]  rejected:invalid_field", result.Stdout);
        Assert.Contains("\"errorCode\":\"503\"", result.Stdout);
    }

    [Fact]
    public async Task The_viewer_names_a_missing_data_folder_in_one_line()
    {
        var missing = Path.Combine(_folder, "nope");

        var result = await CandorProcess.RunAsync(_folder, "viewer", "--data-folder", missing);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"candor: {missing}: no such data folder.", result.Stderr.Trim());
    }

    [Fact]
    public async Task The_viewer_says_so_when_nothing_was_uploaded()
    {
        var result = await CandorProcess.RunAsync(_folder, "viewer", "--data-folder", _folder);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("No uploaded events", result.Stdout);
    }
}
