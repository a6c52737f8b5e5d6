using System.Net;
using Xunit;

namespace Candor.Cli.Tests.Serve;

public sealed class ServeCommandTests
{
    [Fact]
    public async Task Invalid_settings_are_all_reported_at_once()
    {
        var data = Path.Combine(Path.GetTempPath(), "candor-serve-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        var config = Path.Combine(data, "candor.json");
        await File.WriteAllTextAsync(config, """{ "Limits": { "MaxEventsPerBatch": "lots" }, "CacheSecond": 5, "LogFormat": "xml", "DuckDb": { "MemoryLimitMiB": 8 } }""");

        var result = await CandorProcess.RunAsync(data, "serve", "--data", data, "--urls", "ftp://127.0.0.1:1", "--config", config);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Urls", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Limits:MaxEventsPerBatch", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("CacheSecond", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("LogFormat", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("DuckDb:MemoryLimitMiB", result.Stderr, StringComparison.Ordinal);
        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public async Task Serve_starts_on_a_fresh_data_folder_and_is_ready()
    {
        var data = Path.Combine(Path.GetTempPath(), "candor-serve-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        await using (var server = await ServeProcess.StartAsync(data))
        {
            using var http = new HttpClient { BaseAddress = server.Address };
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);
            Assert.True(File.Exists(Path.Combine(data, "candor.duckdb")));
        }

        Directory.Delete(data, recursive: true);
    }
}
