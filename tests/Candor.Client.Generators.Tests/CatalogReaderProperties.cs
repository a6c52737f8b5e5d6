using FsCheck;
using FsCheck.Xunit;

namespace Candor.Client.Generators.Tests;

/// <summary>The reader runs inside the compiler: whatever the file holds, it must give a model or a diagnostic,
/// never an exception.</summary>
public sealed class CatalogReaderProperties
{
    [Property(MaxTest = 500)]
    public bool Any_text_gives_a_catalog_or_a_diagnostic_never_an_exception(NonNull<string> text)
    {
        var model = CatalogReader.Read("/app/x.candor.json", text.Get);
        return model.Error is null
            || (model.Error.Position.Path == "/app/x.candor.json"
                && model.Error.Position.Offset <= text.Get.Length
                && model.Error.Position.Line <= text.Get.Count(c => c == '\n'));
    }

    [Property(MaxTest = 200)]
    public bool A_truncated_catalog_is_a_malformed_json_diagnostic_within_the_text(PositiveInt cut)
    {
        var full = GeneratorHarness.ShippedCatalogText.TrimEnd();
        var length = cut.Get % full.Length;
        var model = CatalogReader.Read("/app/x.candor.json", full.Substring(0, length));
        return model.Error is { } error
            && error.Id == Descriptors.MalformedCatalogId
            && error.Position.Offset <= length
            && error.Position.Line <= full.Substring(0, length).Count(c => c == '\n');
    }
}
