using System.Globalization;
using Candor.Catalog.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Candor.Catalog.Loading;

/// <summary>Reads a catalog folder (every <c>*.yaml</c> below it, in ordinal order) into a <see cref="CatalogSource"/>.
/// It never throws on bad input: syntax errors, unknown keys and ill-typed values become diagnostics
/// (codes CAT001 to CAT009) with the file, line and column, and loading goes on with the rest.</summary>
internal static class CatalogLoader
{
    public const string SyntaxError = "CAT001";
    public const string UnknownKey = "CAT002";
    public const string WrongType = "CAT003";
    public const string FamilyCount = "CAT004";
    public const string NoFiles = "CAT005";

    private static readonly string[] TopLevelKeys = ["family", "products", "commonFields", "events"];
    private static readonly string[] FamilyKeys =
        ["id", "displayName", "published", "description", "levels", "maxRetentionDays", "privacyLinks", "adminLinks"];
    private static readonly string[] LinkKeys = ["title", "url"];
    private static readonly string[] ProductKeys = ["id", "displayName", "description", "platforms", "deviceClass"];
    private static readonly string[] FieldKeys =
        ["name", "type", "values", "description", "required", "maxLength", "classification", "justification"];
    private static readonly string[] CommonFieldKeys = [.. FieldKeys, "wireName", "category"];
    private static readonly string[] EventKeys =
    [
        "name", "description", "level", "category", "products", "owner", "added", "expires", "expiryJustification",
        "retentionDays", "sampling", "fields",
    ];

    /// <summary>Loads the catalog at <paramref name="path"/>: a folder, or a file (whose folder is the catalog).</summary>
    /// <param name="path">A catalog folder, or its <c>family.yaml</c>.</param>
    /// <param name="displayBase">Paths in diagnostics are shown relative to this folder (default: current directory).</param>
    public static CatalogSource Load(string path, string? displayBase = null)
    {
        // A file stands for its folder; a path that is neither must not fall back to its parent, or a typo
        // would make the loader walk an unrelated tree (for /nonexistent, the whole file system).
        var root = Directory.Exists(path) ? path
            : File.Exists(path) ? Path.GetDirectoryName(Path.GetFullPath(path)) ?? "."
            : path;
        var source = new CatalogSource { Root = root };
        var basePath = displayBase ?? Directory.GetCurrentDirectory();

        if (!Directory.Exists(root))
        {
            source.LoadDiagnostics.Add(new(NoFiles, Severity.Error, new(path, 1, 1),
                "No such catalog folder.", "Pass a catalog folder such as catalog/dynamics365-clients."));
            return source;
        }

        var files = Directory.EnumerateFiles(root, "*.yaml", SearchOption.AllDirectories)
            .Select(f => (Full: f, Relative: Path.GetRelativePath(root, f).Replace('\\', '/')))
            .OrderBy(f => f.Relative, StringComparer.Ordinal)
            .ToList();

        if (files.Count == 0)
        {
            source.LoadDiagnostics.Add(new(NoFiles, Severity.Error, new(Display(root, basePath), 1, 1),
                "The catalog folder holds no *.yaml file.", "Add a family.yaml with the family, its products and common fields."));
            return source;
        }

        foreach (var (full, _) in files)
        {
            var shown = Display(full, basePath);
            source.Files.Add(shown);
            LoadFile(source, full, shown);
        }

        if (source.Family is null)
        {
            source.LoadDiagnostics.Add(new(FamilyCount, Severity.Error, new(Display(root, basePath), 1, 1),
                "The catalog declares no family.", "Add a top-level 'family:' mapping to family.yaml."));
        }

        return source;
    }

    private static string Display(string path, string basePath)
    {
        var relative = Path.GetRelativePath(basePath, Path.GetFullPath(path));
        return (relative.StartsWith("..", StringComparison.Ordinal) ? Path.GetFullPath(path) : relative).Replace('\\', '/');
    }

    private static void LoadFile(CatalogSource source, string fullPath, string shown)
    {
        var reader = new Reader(source, shown);
        YamlStream stream = [];
        using var text = new StreamReader(fullPath);
        var scanner = new Scanner(text);
        try
        {
            stream.Load(new Parser(scanner));
        }
        catch (YamlException ex)
        {
            source.LoadDiagnostics.Add(new(SyntaxError, Severity.Error,
                new(shown, (int)Math.Max(1, ex.Start.Line), (int)Math.Max(1, ex.Start.Column)),
                $"YAML syntax error: {ex.Message}", "Fix the YAML syntax (indentation, quoting of values with ': ' or '#')."));
            return;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this instead of a YamlException on some broken input (an unclosed
            // '[' followed by more keys); the scanner still knows how far it got, which is where to look.
            var at = scanner.CurrentPosition;
            source.LoadDiagnostics.Add(new(SyntaxError, Severity.Error,
                new(shown, (int)Math.Max(1, at.Line), (int)Math.Max(1, at.Column)),
                "YAML syntax error: the file could not be read past this point (an unclosed '[' or '{' is the usual cause).",
                "Fix the YAML syntax (close brackets, indentation, quoting of values with ': ' or '#')."));
            return;
        }

        foreach (var document in stream.Documents)
        {
            if (document.RootNode is YamlScalarNode { Value: null or "" })
            {
                continue;
            }

            if (document.RootNode is not YamlMappingNode top)
            {
                reader.Wrong(document.RootNode, "the file", "a mapping with family, products, commonFields or events");
                continue;
            }

            foreach (var (keyNode, value) in top.Children)
            {
                var key = ((YamlScalarNode)keyNode).Value ?? "";
                switch (key)
                {
                    case "family":
                        if (source.Family is not null)
                        {
                            source.LoadDiagnostics.Add(new(FamilyCount, Severity.Error, reader.Loc(keyNode),
                                $"A second 'family' is declared; the first is at {source.Family.Location}.",
                                "Declare the family once per catalog folder."));
                        }
                        else
                        {
                            source.Family = reader.ReadFamily(value);
                        }

                        break;
                    case "products":
                        foreach (var item in reader.Items(value, "products"))
                        {
                            source.Products.Add(reader.ReadProduct(item));
                        }

                        break;
                    case "commonFields":
                        foreach (var item in reader.Items(value, "commonFields"))
                        {
                            source.CommonFields.Add(reader.ReadField(item, common: true));
                        }

                        break;
                    case "events":
                        foreach (var item in reader.Items(value, "events"))
                        {
                            source.Events.Add(reader.ReadEvent(item));
                        }

                        break;
                    default:
                        reader.Unknown(keyNode, key, TopLevelKeys);
                        break;
                }
            }
        }
    }

    /// <summary>Reads typed values out of YAML nodes, reporting what does not fit.</summary>
    private sealed class Reader(CatalogSource source, string file)
    {
        public SourceLocation Loc(YamlNode node) => new(file, (int)node.Start.Line, (int)node.Start.Column);

        public void Unknown(YamlNode keyNode, string key, string[] allowed) =>
            source.LoadDiagnostics.Add(new(UnknownKey, Severity.Error, Loc(keyNode),
                $"Unknown key '{key}'.", $"Use one of: {string.Join(", ", allowed)}."));

        public void Wrong(YamlNode node, string what, string expected) =>
            source.LoadDiagnostics.Add(new(WrongType, Severity.Error, Loc(node),
                $"{what} must be {expected}.", $"Write {what} as {expected}."));

        public IEnumerable<YamlMappingNode> Items(YamlNode node, string what)
        {
            if (node is YamlScalarNode { Value: null or "" })
            {
                yield break;
            }

            if (node is not YamlSequenceNode sequence)
            {
                Wrong(node, $"'{what}'", "a list");
                yield break;
            }

            foreach (var item in sequence.Children)
            {
                if (item is YamlMappingNode mapping)
                {
                    yield return mapping;
                }
                else
                {
                    Wrong(item, $"an entry of '{what}'", "a mapping");
                }
            }
        }

        /// <summary>Visits each key of a mapping, recording its location, and reports unknown keys.</summary>
        private void Each(YamlMappingNode mapping, SourceNode target, string[] allowed, Action<string, YamlNode> read)
        {
            foreach (var (keyNode, value) in mapping.Children)
            {
                var key = (keyNode as YamlScalarNode)?.Value ?? "";
                if (Array.IndexOf(allowed, key) < 0)
                {
                    Unknown(keyNode, key, allowed);
                    continue;
                }

                target.KeyLocations[key] = Loc(value);
                read(key, value);
            }
        }

        public string? Str(YamlNode node, string key)
        {
            if (node is YamlScalarNode scalar)
            {
                return scalar.Value;
            }

            Wrong(node, $"'{key}'", "a single value");
            return null;
        }

        public int? Int(YamlNode node, string key)
        {
            if (node is YamlScalarNode { Value: { } v } && int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i))
            {
                return i;
            }

            Wrong(node, $"'{key}'", "a whole number");
            return null;
        }

        public double? Dbl(YamlNode node, string key)
        {
            if (node is YamlScalarNode { Value: { } v } &&
                double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
            {
                return d;
            }

            Wrong(node, $"'{key}'", "a number");
            return null;
        }

        public bool? Bool(YamlNode node, string key)
        {
            if (node is YamlScalarNode { Value: "true" or "false" } s)
            {
                return s.Value == "true";
            }

            Wrong(node, $"'{key}'", "true or false");
            return null;
        }

        public List<string>? List(YamlNode node, string key)
        {
            if (node is YamlSequenceNode seq)
            {
                var list = new List<string>();
                foreach (var item in seq.Children)
                {
                    if (item is YamlScalarNode { Value: { } v })
                    {
                        list.Add(v);
                    }
                    else
                    {
                        Wrong(item, $"an entry of '{key}'", "a single value");
                    }
                }

                return list;
            }

            Wrong(node, $"'{key}'", "a list such as [a, b]");
            return null;
        }

        private List<LinkSource> Links(YamlNode node, string key)
        {
            var links = new List<LinkSource>();
            foreach (var item in Items(node, key))
            {
                var link = new LinkSource { Location = Loc(item) };
                Each(item, link, LinkKeys, (k, v) =>
                {
                    if (k == "title") link.Title = Str(v, k);
                    else link.Url = Str(v, k);
                });
                links.Add(link);
            }

            return links;
        }

        public FamilySource ReadFamily(YamlNode node)
        {
            var family = new FamilySource { Location = Loc(node) };
            if (node is not YamlMappingNode mapping)
            {
                Wrong(node, "'family'", "a mapping");
                return family;
            }

            Each(mapping, family, FamilyKeys, (k, v) =>
            {
                switch (k)
                {
                    case "id": family.Id = Str(v, k); break;
                    case "displayName": family.DisplayName = Str(v, k); break;
                    case "published": family.Published = Str(v, k); break;
                    case "description": family.Description = Str(v, k); break;
                    case "levels": family.Levels = List(v, k); break;
                    case "maxRetentionDays": family.MaxRetentionDays = Int(v, k); break;
                    case "privacyLinks": family.PrivacyLinks.AddRange(Links(v, k)); break;
                    case "adminLinks": family.AdminLinks.AddRange(Links(v, k)); break;
                }
            });
            return family;
        }

        public ProductSource ReadProduct(YamlMappingNode mapping)
        {
            var product = new ProductSource { Location = Loc(mapping) };
            Each(mapping, product, ProductKeys, (k, v) =>
            {
                switch (k)
                {
                    case "id": product.Id = Str(v, k); break;
                    case "displayName": product.DisplayName = Str(v, k); break;
                    case "description": product.Description = Str(v, k); break;
                    case "platforms": product.Platforms = List(v, k); break;
                    case "deviceClass": product.DeviceClass = Str(v, k); break;
                }
            });
            return product;
        }

        public FieldSource ReadField(YamlMappingNode mapping, bool common)
        {
            var field = new FieldSource { Location = Loc(mapping) };
            Each(mapping, field, common ? CommonFieldKeys : FieldKeys, (k, v) =>
            {
                switch (k)
                {
                    case "name": field.Name = Str(v, k); break;
                    case "wireName": field.WireName = Str(v, k); break;
                    case "type": field.Type = Str(v, k); break;
                    case "values": field.Values = List(v, k); break;
                    case "description": field.Description = Str(v, k); break;
                    case "required": field.Required = Bool(v, k); break;
                    case "maxLength": field.MaxLength = Int(v, k); break;
                    case "classification": field.Classification = Str(v, k); break;
                    case "justification": field.Justification = Str(v, k); break;
                    case "category": field.Category = Str(v, k); break;
                }
            });
            return field;
        }

        public EventSource ReadEvent(YamlMappingNode mapping)
        {
            var ev = new EventSource { Location = Loc(mapping) };
            Each(mapping, ev, EventKeys, (k, v) =>
            {
                switch (k)
                {
                    case "name": ev.Name = Str(v, k); break;
                    case "description": ev.Description = Str(v, k); break;
                    case "level": ev.Level = Str(v, k); break;
                    case "category": ev.Category = Str(v, k); break;
                    case "products": ReadProducts(ev, v); break;
                    case "owner": ev.Owner = Str(v, k); break;
                    case "added": ev.Added = Str(v, k); break;
                    case "expires": ev.Expires = Str(v, k); break;
                    case "expiryJustification": ev.ExpiryJustification = Str(v, k); break;
                    case "retentionDays": ev.RetentionDays = Int(v, k); break;
                    case "sampling": ev.Sampling = Dbl(v, k); break;
                    case "fields":
                        foreach (var item in Items(v, k))
                        {
                            ev.Fields.Add(ReadField(item, common: false));
                        }

                        break;
                }
            });
            return ev;
        }

        private void ReadProducts(EventSource ev, YamlNode node)
        {
            switch (node)
            {
                case YamlScalarNode { Value: "all" }:
                    ev.AllProducts = true;
                    break;
                case YamlSequenceNode seq:
                    ev.Products = [];
                    foreach (var item in seq.Children)
                    {
                        if (item is YamlScalarNode { Value: { } id })
                        {
                            ev.Products.Add((id, Loc(item)));
                        }
                        else
                        {
                            Wrong(item, "an entry of 'products'", "a product id");
                        }
                    }

                    break;
                default:
                    Wrong(node, "'products'", "'all' or a list of product ids");
                    break;
            }
        }
    }
}
