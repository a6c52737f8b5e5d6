using System.Security.Cryptography;
using Candor.Core.Catalog;
using Xunit;

namespace Candor.Cli.Tests;

/// <summary><c>candor catalog compile</c>: the compiled file is what the SDK, the collector and the summary read.</summary>
public sealed class CatalogCompileCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("candor-compile-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Compiling_twice_gives_the_same_bytes_and_the_same_content_hash()
    {
        var first = Path.Combine(_folder, "first.json");
        var second = Path.Combine(_folder, "second.json");

        var a = await CandorProcess.RunAsync(_folder, "catalog", "compile", "--out", first);
        var b = await CandorProcess.RunAsync(_folder, "catalog", "compile", "--out", second);

        Assert.True(a.ExitCode == 0 && b.ExitCode == 0, $"exit {a.ExitCode}/{b.ExitCode}: {a.Stderr}{b.Stderr}");
        var bytes = await File.ReadAllBytesAsync(first);
        Assert.Equal(SHA256.HashData(bytes), SHA256.HashData(await File.ReadAllBytesAsync(second)));

        var hash = CompiledCatalogJson.Load(first).ContentHash;
        Assert.Matches("^[0-9a-f]{64}$", hash);
        Assert.Contains($"(sha256 {hash})", a.Stdout, StringComparison.Ordinal);
        Assert.Contains($"(sha256 {hash})", b.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compiled_catalog_round_trips_through_parse_with_its_hash_intact()
    {
        var file = Path.Combine(_folder, "catalog.json");
        var result = await CandorProcess.RunAsync(_folder, "catalog", "compile", "--out", file);
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Stderr}");
        var text = await File.ReadAllTextAsync(file);

        var parsed = CompiledCatalogJson.Parse(text);

        Assert.Equal(text, CompiledCatalogJson.Serialize(parsed) + "\n");
        Assert.Equal(parsed.ContentHash, CompiledCatalogJson.WithContentHash(parsed).ContentHash);
        Assert.Equal("dynamics365-clients", parsed.Family.Id);
        Assert.Equal(15, parsed.Products.Count);
        Assert.NotEmpty(parsed.Events);
        Assert.DoesNotContain('\r', text);
    }
}
