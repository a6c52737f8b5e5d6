using Candor.Client.Tests.Infrastructure;
using Xunit;

namespace Candor.Client.Tests;

/// <summary>What <see cref="CandorClientDefaults"/> takes from an app's assembly. The built catalog and product of a
/// real app are checked by Packaging/PackagedAppTests; this assembly has neither.</summary>
public sealed class CandorClientDefaultsTests
{
    [Fact]
    public void Options_the_app_set_are_kept()
    {
        var options = new CandorClientOptions { ProductId = "p", AppVersion = "2.0", DataFolder = "/data", Catalog = TestCatalogs.Wide };

        CandorClientDefaults.Apply(options, typeof(CandorClientDefaultsTests).Assembly);

        Assert.Equal("p", options.ProductId);
        Assert.Equal("2.0", options.AppVersion);
        Assert.Equal("/data", options.DataFolder);
        Assert.Same(TestCatalogs.Wide, options.Catalog);
    }

    [Fact]
    public void The_version_is_the_informational_version_without_its_suffix_and_what_the_app_lacks_stays_missing()
    {
        var assembly = typeof(CandorClientDefaultsTests).Assembly;
        var informational = assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .Cast<System.Reflection.AssemblyInformationalVersionAttribute>().Single().InformationalVersion;

        var options = CandorClientDefaults.Apply(new CandorClientOptions(), assembly);

        // The SDK appends the source revision (0.2.0+<commit>); the catalog's version format takes only 0.2.0.
        Assert.Contains("+", informational, StringComparison.Ordinal);
        Assert.Equal(informational.Split('+')[0], options.AppVersion);
        Assert.DoesNotContain("+", options.AppVersion!, StringComparison.Ordinal);
        Assert.Null(options.Catalog);
        Assert.Null(options.ProductId);
        Assert.Null(options.DataFolder);
        Assert.Contains(options.Validate(), e => e.StartsWith("Catalog is required", StringComparison.Ordinal));
    }

    [Fact]
    public void The_data_folder_is_per_product_under_local_application_data()
    {
        var options = CandorClientDefaults.Apply(new CandorClientOptions { ProductId = "d365.field-service" }, typeof(CandorClientDefaultsTests).Assembly);

        Assert.EndsWith(Path.Combine("Candor", "d365.field-service"), options.DataFolder, StringComparison.Ordinal);
    }
}
