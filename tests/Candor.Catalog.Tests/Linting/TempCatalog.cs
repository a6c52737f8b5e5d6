using Candor.Catalog.Diagnostics;
using Candor.Catalog.Linting;
using Candor.Catalog.Loading;
using Xunit;

namespace Candor.Catalog.Tests.Linting;

/// <summary>A small, lint-clean catalog written to a temporary folder: family.yaml (family, two products, two
/// envelope fields), events/common.yaml (the nine common events the SDK records) and events/test.yaml (one
/// event of three fields). Tests change one line of it with <see cref="Edit"/> and mark the line they expect a
/// finding on with a trailing <c>#!</c> comment, which YAML ignores.</summary>
internal sealed class TempCatalog : IDisposable
{
    public const string FamilyFile = "family.yaml";
    public const string CommonFile = "events/common.yaml";
    public const string EventsFile = "events/test.yaml";
    public const string Marker = "#!";

    /// <summary>The date the linter is run on: the expiry rules are measured against it.</summary>
    public static readonly DateOnly Today = new(2026, 11, 29);

    public const string Family = """
        family:
          id: test-family
          displayName: Test Client Products
          published: "2026-11"
          description: A small family of client products used to test the catalog linter; it collects Required data only.
          levels: [required]
          maxRetentionDays: 365
          privacyLinks:
            - title: Privacy statement
              url: https://example.org/privacy

        products:
          - id: test.alpha
            displayName: Alpha Client
            description: The first client product of the test family, a desktop app for office workers.
            platforms: [windows, macos]
            deviceClass: desktop
          - id: test.beta
            displayName: Beta Client
            description: The second client product of the test family, a phone app for field workers.
            platforms: [android, ios]
            deviceClass: mobile

        commonFields:
          - name: deviceId
            wireName: device.id
            type: string
            maxLength: 36
            description: A random identifier created by the product on first run.
            required: true
            classification: pseudonymous_identifier
            category: device_connectivity_and_configuration
          - name: appVersion
            wireName: appVersion
            type: version
            description: The version of the product that recorded the event.
            required: true
            classification: system_metadata
            category: device_connectivity_and_configuration

        """;

    public const string Events = """
        events:
          - name: sample.widget.opened
            description: A widget was opened in the product, recorded to learn which widgets are used.
            level: required
            category: product_and_service_usage
            products: [test.alpha]
            owner: sample-team
            added: 2026-01-15
            expires: 2027-06-30
            retentionDays: 90
            sampling: 0.5
            fields:
              - name: widgetKind
                type: enum
                values: [chart, list, card]
                description: Which sort of widget was opened.
                required: true
                classification: enumerated
              - name: widgetId
                type: string
                maxLength: 64
                description: The identifier of the widget from the product's fixed list.
                required: false
                classification: system_metadata
              - name: loadMs
                type: duration
                description: Time it took to show the widget.
                classification: numeric

        """;

    /// <summary>The common events with the fields the SDK sends; written out here, not taken from the rule,
    /// so that a change to the rule's list shows up as a failing test.</summary>
    public static readonly string Common = BuildCommon(
        ("app.session.started", "product_and_service_usage", []),
        ("app.session.ended", "product_and_service_usage", [("durationMs", "duration")]),
        ("app.first_run", "software_setup_and_inventory", []),
        ("app.installed", "software_setup_and_inventory", []),
        ("app.updated", "software_setup_and_inventory", [("previousVersion", "version")]),
        ("app.crashed", "product_and_service_performance", [("exceptionType", "string"), ("stackSignature", "string")]),
        ("app.feature.failed", "product_and_service_performance", [("feature", "string"), ("errorCode", "string")]),
        ("app.operation.completed", "product_and_service_performance", [("operation", "string"), ("durationMs", "duration"), ("success", "bool")]),
        ("device.configuration", "device_connectivity_and_configuration", []));

    private TempCatalog(string root) => Root = root;

    public string Root { get; }

    /// <summary>Writes a catalog; each file is the default unless given.</summary>
    public static TempCatalog Write(string? family = null, string? events = null, string? common = null)
    {
        var root = Path.Combine(Path.GetTempPath(), "candor-lint-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(root, "events"));
        File.WriteAllText(Path.Combine(root, FamilyFile), family ?? Family);
        File.WriteAllText(Path.Combine(root, CommonFile), common ?? Common);
        File.WriteAllText(Path.Combine(root, EventsFile), events ?? Events);
        return new TempCatalog(root);
    }

    /// <summary>Replaces one exact piece of text, failing the test if it is not there (so a typo in a test
    /// cannot leave the catalog unchanged and the test passing for the wrong reason).</summary>
    public static string Edit(string text, string find, string replace)
    {
        var at = text.IndexOf(find, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{find}' is not in the catalog text");
        Assert.True(text.IndexOf(find, at + 1, StringComparison.Ordinal) < 0, $"'{find}' is in the catalog text more than once");
        return string.Concat(text.AsSpan(0, at), replace, text.AsSpan(at + find.Length));
    }

    /// <summary>The 1-based line that carries the <c>#!</c> marker.</summary>
    public static int MarkedLine(string text)
    {
        var lines = text.Split('\n');
        var marked = Enumerable.Range(0, lines.Length).Where(i => lines[i].Contains(Marker, StringComparison.Ordinal)).ToList();
        Assert.True(marked.Count == 1, $"expected one line marked {Marker}, found {marked.Count}");
        return marked[0] + 1;
    }

    public IReadOnlyList<CatalogDiagnostic> Lint(DateOnly? today = null) =>
        CatalogLinter.Lint(CatalogLoader.Load(Root, displayBase: Root), today ?? Today);

    public void Dispose() => Directory.Delete(Root, recursive: true);

    private static string BuildCommon(params (string Name, string Category, (string Name, string Type)[] Fields)[] events)
    {
        var text = new System.Text.StringBuilder("events:\n");
        foreach (var (name, category, fields) in events)
        {
            text.Append($"""
                  - name: {name}
                    description: The Candor SDK records this event for every product to measure health and adoption.
                    level: required
                    category: {category}
                    products: all
                    owner: client-telemetry-sdk
                    added: 2026-01-15
                    expires: never
                    expiryJustification: Every health signal of the family is computed from the common events.
                    retentionDays: 180

                """);
            if (fields.Length > 0)
            {
                text.Append("    fields:\n");
            }

            foreach (var (field, type) in fields)
            {
                text.Append($"""
                          - name: {field}
                            type: {type}

                    """);
                if (type == "string")
                {
                    text.Append("        maxLength: 128\n");
                }

                text.Append($"""
                            description: A value the SDK fills in for this common event.
                            required: true
                            classification: {(type is "duration" ? "numeric" : "system_metadata")}

                    """);
            }
        }

        return text.ToString();
    }
}
