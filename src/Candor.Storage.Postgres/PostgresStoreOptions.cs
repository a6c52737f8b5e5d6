namespace Candor.Storage.Postgres;

/// <summary>Which PostgreSQL server and database the store uses and which clock it reads.</summary>
public sealed class PostgresStoreOptions
{
    /// <summary>An Npgsql connection string, e.g. <c>Host=db;Database=candor;Username=candor;Password=...</c>.
    /// Required. The database must exist; <see cref="PostgresStore.MigrateAsync"/> creates the tables.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The clock for the times the store itself records (migrations, the offboarding audit record).
    /// Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Throws <see cref="ArgumentException"/> listing every problem.</summary>
    internal void Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            errors.Add("ConnectionString is required");
        }

        if (TimeProvider is null)
        {
            errors.Add("TimeProvider must not be null");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid PostgreSQL store options: " + string.Join("; ", errors) + ".");
        }
    }
}
