using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;

namespace Candor.Client.Generators;

/// <summary>Reads the compiled catalog JSON (format version 1, written by <c>candor catalog compile</c>) into the
/// generator's model, turning every problem into a diagnostic that points at the file, line and column.</summary>
internal static class CatalogReader
{
    public const int SupportedFormatVersion = 1;

    private static readonly HashSet<string> KnownTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "string", "int", "long", "double", "bool", "timestamp", "duration", "version", "enum", "hash",
    };

    public static CatalogModel Read(string path, string? text)
    {
        try
        {
            if (text is null)
            {
                throw new CatalogFormatException("the file could not be read", null);
            }

            var root = MiniJsonReader.Parse(text);
            return ReadRoot(path, root);
        }
        catch (JsonSyntaxException ex)
        {
            return Failed(path, Descriptors.MalformedCatalogId, "malformed JSON: " + ex.Message, new SourcePosition(path, ex.Offset, ex.Line, ex.Column));
        }
        catch (CatalogFormatException ex)
        {
            var at = ex.Node is null ? new SourcePosition(path, 0, 0, 0) : At(path, ex.Node);
            return Failed(path, ex.Id, ex.Message, at);
        }
    }

    private static CatalogModel Failed(string path, string id, string message, SourcePosition at) =>
        new CatalogModel(path, "", "", default, default, new DiagnosticInfo(id, message, at));

    private static SourcePosition At(string path, JsonNode node) => new SourcePosition(path, node.Offset, node.Line, node.Column);

    private static CatalogModel ReadRoot(string path, JsonNode root)
    {
        Expect(root, JsonKind.Object, "the file");
        var version = Required(root, "formatVersion", JsonKind.Number);
        if (!int.TryParse(version.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var formatVersion)
            || formatVersion != SupportedFormatVersion)
        {
            throw new CatalogFormatException(
                "compiled catalog format version " + version.Text + " is not supported; this generator reads version "
                + SupportedFormatVersion.ToString(CultureInfo.InvariantCulture) + ". Recompile it with './candor catalog compile'.",
                version,
                Descriptors.UnsupportedVersionId);
        }

        var hash = Required(root, "contentHash", JsonKind.String).Text;
        var family = Required(root, "family", JsonKind.Object);
        var familyId = Required(family, "id", JsonKind.String).Text;
        var products = ImmutableArray.CreateBuilder<string>();
        foreach (var product in Required(root, "products", JsonKind.Array).Items)
        {
            Expect(product, JsonKind.Object, "a product");
            products.Add(Required(product, "id", JsonKind.String).Text);
        }

        var events = ImmutableArray.CreateBuilder<EventModel>();
        foreach (var e in Required(root, "events", JsonKind.Array).Items)
        {
            events.Add(ReadEvent(path, e));
        }

        return new CatalogModel(
            path, familyId, hash, new EquatableArray<string>(products.ToImmutable()), new EquatableArray<EventModel>(events.ToImmutable()), null);
    }

    private static EventModel ReadEvent(string path, JsonNode e)
    {
        Expect(e, JsonKind.Object, "an event");
        var name = Required(e, "name", JsonKind.String);
        if (name.Text.Length == 0)
        {
            throw new CatalogFormatException("an event has an empty name", name);
        }

        var allProducts = Optional(e, "allProducts", JsonKind.Bool)?.Bool ?? false;
        var products = ImmutableArray.CreateBuilder<string>();
        var productsNode = Optional(e, "products", JsonKind.Array);
        if (productsNode is not null)
        {
            foreach (var p in productsNode.Items)
            {
                Expect(p, JsonKind.String, "a product id");
                products.Add(p.Text);
            }
        }

        var fields = ImmutableArray.CreateBuilder<FieldModel>();
        var fieldsNode = Optional(e, "fields", JsonKind.Array);
        if (fieldsNode is not null)
        {
            foreach (var f in fieldsNode.Items)
            {
                fields.Add(ReadField(f));
            }
        }

        return new EventModel(
            name.Text,
            Optional(e, "description", JsonKind.String)?.Text ?? "",
            Optional(e, "level", JsonKind.String)?.Text ?? "required",
            allProducts,
            new EquatableArray<string>(products.ToImmutable()),
            new EquatableArray<FieldModel>(fields.ToImmutable()),
            At(path, e));
    }

    private static FieldModel ReadField(JsonNode f)
    {
        Expect(f, JsonKind.Object, "a field");
        var name = Required(f, "name", JsonKind.String);
        if (name.Text.Length == 0)
        {
            throw new CatalogFormatException("a field has an empty name", name);
        }

        var type = Required(f, "type", JsonKind.String);
        if (!KnownTypes.Contains(type.Text))
        {
            throw new CatalogFormatException("field '" + name.Text + "' has an unknown type '" + type.Text + "'", type);
        }

        var values = ImmutableArray.CreateBuilder<string>();
        var valuesNode = Optional(f, "values", JsonKind.Array);
        if (valuesNode is not null)
        {
            foreach (var v in valuesNode.Items)
            {
                Expect(v, JsonKind.String, "an enum value");
                values.Add(v.Text);
            }
        }

        if (type.Text == "enum" && values.Count == 0)
        {
            throw new CatalogFormatException("enum field '" + name.Text + "' declares no values", type);
        }

        return new FieldModel(
            name.Text,
            type.Text,
            Optional(f, "required", JsonKind.Bool)?.Bool ?? false,
            Optional(f, "description", JsonKind.String)?.Text ?? "",
            new EquatableArray<string>(values.ToImmutable()));
    }

    private static void Expect(JsonNode node, JsonKind kind, string what)
    {
        if (node.Kind != kind)
        {
            throw new CatalogFormatException(
                "not a compiled Candor catalog: " + what + " should be " + Describe(kind) + " but is " + Describe(node.Kind), node);
        }
    }

    private static JsonNode Required(JsonNode owner, string name, JsonKind kind)
    {
        var node = owner.Get(name) ?? throw new CatalogFormatException("not a compiled Candor catalog: '" + name + "' is missing", owner);
        Expect(node, kind, "'" + name + "'");
        return node;
    }

    private static JsonNode? Optional(JsonNode owner, string name, JsonKind kind)
    {
        var node = owner.Get(name);
        if (node is null || node.Kind == JsonKind.Null)
        {
            return null;
        }

        Expect(node, kind, "'" + name + "'");
        return node;
    }

    private static string Describe(JsonKind kind) => kind switch
    {
        JsonKind.Object => "an object",
        JsonKind.Array => "an array",
        JsonKind.String => "a string",
        JsonKind.Number => "a number",
        JsonKind.Bool => "true or false",
        _ => "null",
    };

    private sealed class CatalogFormatException : Exception
    {
        public CatalogFormatException(string message, JsonNode? node, string id = Descriptors.MalformedCatalogId)
            : base(message)
        {
            Node = node;
            Id = id;
        }

        public JsonNode? Node { get; }

        public string Id { get; }
    }
}
