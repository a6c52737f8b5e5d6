using Microsoft.CodeAnalysis;

namespace Candor.Client.Generators;

/// <summary>The generator's diagnostics. All are errors: an app must not build against a catalog it misreads.</summary>
internal static class Descriptors
{
    public const string MalformedCatalogId = "CANDORGEN001";
    public const string UnsupportedVersionId = "CANDORGEN002";
    public const string DuplicateNameId = "CANDORGEN003";
    public const string SeveralCatalogsId = "CANDORGEN004";
    public const string UnknownProductId = "CANDORGEN005";

    private const string Category = "Candor";

    public static readonly DiagnosticDescriptor MalformedCatalog = new(
        MalformedCatalogId, "Invalid compiled Candor catalog", "Invalid compiled Candor catalog: {0}", Category, DiagnosticSeverity.Error, true);

    public static readonly DiagnosticDescriptor UnsupportedVersion = new(
        UnsupportedVersionId, "Unsupported compiled catalog version", "{0}", Category, DiagnosticSeverity.Error, true);

    public static readonly DiagnosticDescriptor DuplicateName = new(
        DuplicateNameId, "Two catalog names give the same C# name", "{0}", Category, DiagnosticSeverity.Error, true);

    public static readonly DiagnosticDescriptor SeveralCatalogs = new(
        SeveralCatalogsId, "More than one compiled catalog", "{0}", Category, DiagnosticSeverity.Error, true);

    public static readonly DiagnosticDescriptor UnknownProduct = new(
        UnknownProductId, "CandorProductId is not a product of the catalog", "{0}", Category, DiagnosticSeverity.Error, true);

    public static DiagnosticDescriptor ById(string id) => id switch
    {
        MalformedCatalogId => MalformedCatalog,
        UnsupportedVersionId => UnsupportedVersion,
        DuplicateNameId => DuplicateName,
        SeveralCatalogsId => SeveralCatalogs,
        _ => UnknownProduct,
    };
}
