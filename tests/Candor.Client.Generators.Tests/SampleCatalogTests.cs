using Candor.Client.Tests.Infrastructure;
using Xunit;

namespace Candor.Client.Generators.Tests;

public sealed class SampleCatalogTests
{
    [Fact]
    public void The_field_service_sample_ships_the_catalog_that_candor_catalog_compile_produces_today()
    {
        var committed = Path.Combine(TestCatalogs.RepositoryRoot, "samples", "Candor.Samples.FieldService", "dynamics365-clients.candor.json");

        // When this fails, refresh it: ./candor catalog compile --out samples/Candor.Samples.FieldService/dynamics365-clients.candor.json
        Assert.True(
            string.Equals(GeneratorHarness.ShippedCatalogText, File.ReadAllText(committed), StringComparison.Ordinal),
            committed + " is out of date with catalog/; recompile it with ./candor catalog compile --out " + committed);
    }
}
