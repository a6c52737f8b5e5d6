using System.Globalization;
using Candor.Core.Catalog;
using Candor.Core.Model;

namespace Candor.Catalog.Summary;

/// <summary>A run of text in a paragraph: plain prose, a literal from the catalog shown as code, or a link.</summary>
internal readonly record struct Inline(string Text, bool IsCode = false, string? Url = null)
{
    public static implicit operator Inline(string text) => new(text);

    public static Inline Code(string text) => new(text, IsCode: true);

    public static Inline Link(string text, string url) => new(text, Url: url);
}

/// <summary>The prose of the summary, written once for both formats. Every sentence that states what is or is
/// not collected is chosen from the catalog's facts; the fixed sentences are the family's promises as the
/// published summary makes them.</summary>
internal static class SummaryText
{
    public const string OverviewHeading = "Overview of Required and Optional data";
    public const string RequiredHeading = "Required data";
    public const string RequiredTableHeading = "Required diagnostic data summary";
    public const string OptionalHeading = "Optional data";
    public const string PrivacyHeading = "Privacy information and settings";
    public const string AppendixHeading = "Appendix: data points by product";
    public const string CommonFieldsHeading = "Common fields";
    public const string AboutHeading = "About this summary";
    public const string NoFields = "None beyond the common fields";

    public static Inline[] ProductsIntro(DataCollectionSummary s) =>
        [string.Format(CultureInfo.InvariantCulture, "The {0} products covered by this information are:", Count(s.Products.Count))];

    public static IReadOnlyList<Inline[]> Overview(DataCollectionSummary s)
    {
        var f = s.Family.DisplayName;
        var paragraphs = new List<Inline[]>
        {
            new Inline[]
            {
                "We are committed to being transparent about the diagnostic data that " + f + " collect from their users, " +
                "and to giving customers control over it. Every diagnostic data point that these products can send is " +
                "declared in the family's catalog and classified as either Required or Optional. This summary is " +
                "generated from that catalog, so that customers can find what is collected and how it is used, and " +
                "make informed choices about their privacy.",
            },
            new Inline[]
            {
                "Diagnostic data is used to keep " + f + " secure and up to date, to detect, diagnose and fix problems, " +
                "and to make product improvements. This data does not include a user's name or email address, the " +
                "content of the user's files, or information about apps unrelated to " + f + ". " + ClassificationCheck(s),
            },
        };

        if (s.RequiredOnly)
        {
            paragraphs.Add(
            [
                "While diagnostic data is classified as Required or Optional, the products of this family only collect " +
                "Required diagnostic data from their users: the catalog allows the Required level only, and " +
                AllOfEvents(s.RequiredEvents.Count) + " Required. This summary gives an overview of the Required " +
                "diagnostic data and of the categories of diagnostic data that these products collect.",
            ]);
        }
        else if (s.AllowsOptional)
        {
            paragraphs.Add(
            [
                string.Format(CultureInfo.InvariantCulture,
                    "Diagnostic data is classified as Required or Optional. The catalog of this family allows both levels: " +
                    "it declares {0} and {1}. This summary gives an overview of the Required diagnostic data, and lists " +
                    "the Optional diagnostic data in its own section.",
                    Events(s.RequiredEvents.Count, "Required"), Events(s.OptionalEvents.Count, "Optional")),
            ]);
        }
        else
        {
            paragraphs.Add(
            [
                string.Format(CultureInfo.InvariantCulture,
                    "While diagnostic data is classified as Required or Optional, the catalog of this family allows the " +
                    "Required level only, so its products collect Required diagnostic data only. The catalog declares {0} " +
                    "and {1}; under this rule the Optional events are never collected, and they are listed in the " +
                    "Optional data section.",
                    Events(s.RequiredEvents.Count, "Required"), Events(s.OptionalEvents.Count, "Optional")),
            ]);
        }

        return paragraphs;
    }

    public static IReadOnlyList<Inline[]> Required(DataCollectionSummary s)
    {
        var f = s.Family.DisplayName;
        var counts = string.Join(", ", s.Categories.Select(c => c.EventCount.ToString(CultureInfo.InvariantCulture) + " " + c.DisplayName));
        var paragraphs = new List<Inline[]>
        {
            new Inline[]
            {
                "Data in the Required category is necessary to keep the products up to date, secure, and working as " +
                "expected. Required diagnostic data is the minimum data necessary to help keep " + f + " performing as " +
                "expected on the devices they are installed on: which products and versions run on which kinds of " +
                "devices and connections, how they perform, where they fail, and how they are set up and updated.",
            },
            new Inline[]
            {
                "The catalog declares " + Events(s.RequiredEvents.Count, "Required") + ", each in one of four data " +
                "categories (" + counts + "). Each event is declared with its description, the products that send it, and " +
                "each of its fields with a type and a data classification; every event also carries the " +
                Count(s.Catalog.CommonFields.Count) + " common fields. The appendix lists them product by product.",
            },
        };

        if (s.RequiredEvents.Count > 0)
        {
            paragraphs.Add(
            [
                string.Format(CultureInfo.InvariantCulture,
                    "The catalog limits how long any event may be kept to {0} days, and each event declares its own " +
                    "retention within that limit; the longest any Required event declares is {1} days.",
                    s.Family.MaxRetentionDays, s.RequiredEvents.Max(e => e.RetentionDays)),
            ]);
        }

        paragraphs.Add(
        [
            "Required diagnostic data in " + f + " is organised into the following data categories. The examples are " +
            "events from the catalog: in each category, up to " + Count(DataCollectionSummary.ExamplesPerCategory) +
            " of the events that the most products send.",
        ]);
        return paragraphs;
    }

    public static IReadOnlyList<Inline[]> Optional(DataCollectionSummary s)
    {
        const string NotEssential = "Data in the Optional category isn't essential to the product or service experience. ";
        if (s.RequiredOnly)
        {
            return
            [
                [
                    NotEssential + "The products of this family only collect Required data, which is used to keep them " +
                    "secure, up to date and working as expected, and do not collect any Optional diagnostic data: the " +
                    "catalog allows the Required level only and declares no Optional event.",
                ],
            ];
        }

        if (s.AllowsOptional && s.OptionalEvents.Count == 0)
        {
            return
            [
                [
                    NotEssential + "The catalog of this family allows Optional data but declares no Optional event, so the " +
                    "products do not collect any Optional diagnostic data.",
                ],
            ];
        }

        if (s.AllowsOptional)
        {
            return
            [
                [
                    NotEssential + "The catalog of this family allows Optional data and declares the following " +
                    Events(s.OptionalEvents.Count, "Optional") + ". Their fields are listed in the appendix.",
                ],
            ];
        }

        return
        [
            [
                NotEssential + "The catalog of this family allows the Required level only, so the products do not collect " +
                "the following " + Events(s.OptionalEvents.Count, "Optional") + " that it declares.",
            ],
        ];
    }

    public static Inline[] PrivacyIntro =>
    [
        "Customers have choices about how their data is collected. The links below explain the data that is collected " +
        "and the controls available to enterprise system administrators.",
    ];

    public static Inline[] AdminIntro(DataCollectionSummary s) =>
        ["Learn more about the options available to administrators to manage " + s.Family.DisplayName + " settings in their organisations:"];

    public const string NoPrivacyLinks = "The catalog lists no privacy links.";
    public const string NoAdminLinks = "The catalog lists no administrator links.";

    public static Inline[] AppendixIntro =>
    [
        "Every event that each product may send, with its level, its data category, its description and its fields. " +
        "The type of a field says what shape its value takes; its classification says what kind of value it may hold. " +
        "Every event also carries the common fields.",
    ];

    public static Inline[] CommonFieldsIntro(DataCollectionSummary s) =>
    [
        "The context that every event carries, whichever product sends it: " +
        Count(s.Catalog.CommonFields.Count) + " fields, listed with the name they have on the wire.",
    ];

    public static Inline[] ProductFacts(ProductSummary p) =>
    [
        "Product id ", Inline.Code(p.Product.Id),
        ". Platforms: " + (p.Product.Platforms.Count == 0 ? "none listed" : string.Join(", ", p.Product.Platforms)) +
        ". Device class: " + Nameless(p.Product.DeviceClass) + ". " + EventsSent(p) + ".",
    ];

    public static Inline[] About(DataCollectionSummary s)
    {
        var text = new List<Inline> { "Generated by ", Inline.Code("candor catalog docs"), " from the catalog of the family ", Inline.Code(s.Family.Id) };
        if (s.Catalog.ContentHash.Length > 0)
        {
            text.Add(" (content hash ");
            text.Add(Inline.Code(s.Catalog.ContentHash));
            text.Add(")");
        }

        text.Add(string.Format(CultureInfo.InvariantCulture,
            ": {0}, {1} and {2} common fields.", Count(s.Products.Count) + (s.Products.Count == 1 ? " product" : " products"),
            Events(s.Catalog.Events.Count, ""), Count(s.Catalog.CommonFields.Count)));
        return [.. text];
    }

    public static string Level(DataLevel level) => level == DataLevel.Required ? "Required" : "Optional";

    /// <summary>"system metadata", "pseudonymous identifier": the classification as a reader says it.</summary>
    public static string Classification(DataClassification c) => c.ToWire().Replace('_', ' ');

    public static string Products(CompiledCatalog catalog, EventDefinition e) =>
        e.AllProducts
            ? "All products"
            : string.Join(", ", e.Products.Select(id => catalog.Products.FirstOrDefault(p => p.Id == id)?.DisplayName ?? id));

    private static string EventsSent(ProductSummary p)
    {
        var optional = p.Events.Count(e => e.Level == DataLevel.Optional);
        var events = Events(p.Events.Count, "");
        return optional == 0
            ? "It may send " + events + ", all Required"
            : string.Format(CultureInfo.InvariantCulture, "It may send {0}, {1} of them Optional", events, optional);
    }

    private static string ClassificationCheck(DataCollectionSummary s) =>
        s.PersonalOrContentFields.Count == 0
            ? "No field in the catalog, including the common fields that every event carries, is classified as end user " +
              "identifiable data or customer content."
            : string.Format(CultureInfo.InvariantCulture,
                "The catalog nevertheless classifies {0} as end user identifiable data or customer content: {1}.",
                s.PersonalOrContentFields.Count == 1 ? "one field" : Count(s.PersonalOrContentFields.Count) + " fields",
                string.Join(", ", s.PersonalOrContentFields));

    private static string AllOfEvents(int count) => count switch
    {
        0 => "it declares no event that is not",
        1 => "its one event is",
        2 => "both of its events are",
        _ => "all " + Count(count) + " of its events are",
    };

    private static string Events(int count, string level)
    {
        var adjective = level.Length == 0 ? "" : level + " ";
        return count == 1 ? "one " + adjective + "event" : Count(count) + " " + adjective + "events";
    }

    private static string Nameless(string value) => value.Length == 0 ? "not stated" : value.Replace('_', ' ');

    private static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);
}
