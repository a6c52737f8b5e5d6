using System.Diagnostics;
using Candor.Core.Catalog;

namespace Candor.Fleet.Tests;

/// <summary>The shipped Dynamics 365 catalog, compiled once per test run by the real <c>candor catalog compile</c>
/// (the catalog loader is internal to the catalog tooling; the compiled file is its public product).</summary>
public sealed class CatalogFixture : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "candor-fleet-tests-" + Guid.NewGuid().ToString("N"));

    public CatalogFixture()
    {
        Directory.CreateDirectory(_folder);
        CompiledPath = Path.Combine(_folder, "dynamics365-clients.json");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "candor.dll"));
        foreach (var a in new[] { "catalog", "compile", "--out", CompiledPath })
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["CANDOR_HOME"] = RepositoryRoot;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start candor");
        var stderr = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(120_000) || process.ExitCode != 0)
        {
            throw new InvalidOperationException($"candor catalog compile failed: {stderr}");
        }

        Catalog = CompiledCatalogJson.Load(CompiledPath);
        _week = new Lazy<List<WireEvent>>(() => FleetData.Events(FleetData.Batches(Catalog, FleetData.Options(300, 7))));
    }

    private readonly Lazy<List<WireEvent>> _week;

    /// <summary>The default fleet (300 devices, 7 days, seed 42) read back from its batches; generated once.</summary>
    internal List<WireEvent> Week => _week.Value;

    public static string RepositoryRoot { get; } = FindRoot();

    public string CompiledPath { get; }

    public CompiledCatalog Catalog { get; }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string FindRoot()
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

[CollectionDefinition(Name)]
public sealed class CatalogCollection : ICollectionFixture<CatalogFixture>
{
    public const string Name = "catalog";
}
