using System.Data.Common;

namespace Candor.Storage.Schema;

/// <summary>Reads one row of the events table, in the column order both backends select (their EventColumns), so that the two
/// stores cannot drift apart in how they map columns. Only time values differ by backend (DuckDB returns a
/// DateTime in UTC, PostgreSQL a DateTimeOffset), so the caller passes its time reader.</summary>
internal static class StoredEventRows
{
    public static StoredEvent Read(DbDataReader reader, Func<DbDataReader, int, DateTimeOffset> readTime) => new()
    {
        TenantId = reader.GetGuid(0),
        EventId = reader.GetGuid(1),
        Name = reader.GetString(2),
        Level = StoreText.Level(reader.GetString(3)),
        Category = StoreText.Category(reader.GetString(4)),
        Product = reader.GetString(5),
        AppVersion = reader.GetString(6),
        Sdk = reader.GetString(7),
        SessionId = reader.GetGuid(8),
        DeviceId = reader.GetGuid(9),
        DeviceClass = reader.GetString(10),
        Os = reader.GetString(11),
        OsVersion = reader.GetString(12),
        Arch = reader.GetString(13),
        Locale = reader.GetString(14),
        Seq = reader.GetInt64(15),
        Time = readTime(reader, 16),
        ReceivedAt = readTime(reader, 17),
        Data = reader.GetString(18),
    };
}
