using System.Diagnostics;
using Candor.Core.Catalog;
using Xunit;

namespace Candor.Otlp.Tests.Otlp;

/// <summary>samples/Candor.Samples.OtlpConsole, run as a process against the real collector with the shipped
/// catalog: an app with OpenTelemetry and no Candor code gets its declared events stored, its log line refused.</summary>
public sealed class SampleAppTests
{
    [Fact]
    public async Task The_OpenTelemetry_sample_app_stores_its_declared_events_and_nothing_else()
    {
        var root = RepositoryRoot();
        // The shipped catalog as compiled and committed for the SDK sample (its generator tests keep it current).
        var catalog = CompiledCatalogJson.Load(Path.Combine(root, "samples", "Candor.Samples.FieldService", "dynamics365-clients.candor.json"));
        await using var collector = await OtlpCollector.StartAsync(catalog);
        var data = Path.Combine(Path.GetTempPath(), "candor-otlp-sample-" + Guid.NewGuid().ToString("N"));
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var sample = Path.Combine(root, "samples", "Candor.Samples.OtlpConsole", "bin", output.Parent!.Name, output.Name, "Candor.Samples.OtlpConsole.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { sample, collector.Handle.Address.ToString(), collector.Tenant.IngestionKey, data })
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, stdout + await stderr);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }

        var stored = await collector.StoredAsync();
        Assert.Equal(["app.operation.completed", "fieldservice.sync.completed", "fieldservice.sync.completed"], stored.Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.All(stored, e => Assert.Equal("d365.field-service", e.Product));
        Assert.Single(stored.Select(e => e.DeviceId).Distinct());
        Assert.DoesNotContain(stored, e => e.Data.Contains("jane", StringComparison.Ordinal));
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Candor.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Candor.slnx not found above the test folder");
    }
}
