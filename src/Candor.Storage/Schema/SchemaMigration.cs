using System.Globalization;
using System.Reflection;

namespace Candor.Storage.Schema;

/// <summary>One numbered SQL script of a backend's schema, embedded in the backend's assembly as
/// <c>{prefix}NNNN_what_it_does.sql</c>. Scripts are applied in version order, once each, and never edited
/// after release: a change to the schema is a new script.</summary>
internal sealed record SchemaMigration(int Version, string Name, string Sql)
{
    /// <summary>The scripts under <paramref name="resourcePrefix"/>, in version order. Throws when two share a
    /// version or a name does not start with a number, so a packaging mistake fails the first test run.</summary>
    public static IReadOnlyList<SchemaMigration> Load(Assembly assembly, string resourcePrefix)
    {
        var migrations = new List<SchemaMigration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(resourcePrefix, StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            var name = resource[resourcePrefix.Length..^".sql".Length];
            var underscore = name.IndexOf('_', StringComparison.Ordinal);
            if (underscore <= 0 || !int.TryParse(name.AsSpan(0, underscore), NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version <= 0)
            {
                throw new InvalidOperationException($"Migration script '{resource}' must be named NNNN_description.sql.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"Migration script '{resource}' cannot be read.");
            using var reader = new StreamReader(stream);
            migrations.Add(new SchemaMigration(version, name, reader.ReadToEnd()));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 1; i < migrations.Count; i++)
        {
            if (migrations[i].Version == migrations[i - 1].Version)
            {
                throw new InvalidOperationException(
                    $"Migration scripts '{migrations[i - 1].Name}' and '{migrations[i].Name}' share version {migrations[i].Version}.");
            }
        }

        if (migrations.Count == 0)
        {
            throw new InvalidOperationException($"No migration scripts under '{resourcePrefix}'.");
        }

        return migrations;
    }

    /// <summary>Throws when the database was migrated by a newer build than this one, which would not know
    /// its schema.</summary>
    public static void EnsureNotNewer(IReadOnlyList<SchemaMigration> known, IReadOnlyCollection<int> applied, string store)
    {
        var newest = known[^1].Version;
        var unknown = applied.Where(v => v > newest).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException(
                $"The {store} has schema version {unknown.Max()}, newer than this Candor knows ({newest}); upgrade Candor.");
        }
    }
}
