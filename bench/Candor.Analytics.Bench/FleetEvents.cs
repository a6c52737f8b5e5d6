using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Candor.Core.Model;
using Candor.Fleet.Events;
using Candor.Storage;
using Candor.Storage.DuckDb;

namespace Candor.Analytics.Bench;

/// <summary>The fleet's events as the store keeps them, and their bulk load: most events go in as CSV through
/// DuckDB's reader, since the store's own append would make loading the bench the bench.</summary>
internal static class FleetEvents
{
    public static async Task<long> BulkLoadAsync(DuckDbStore store, StreamWriter csv, string csvPath, long rows, CancellationToken cancellationToken)
    {
        await csv.DisposeAsync();
        var columns = "{'tenant_id': 'UUID', 'event_id': 'UUID', 'name': 'VARCHAR', 'level': 'VARCHAR', 'category': 'VARCHAR', " +
            "'product': 'VARCHAR', 'app_version': 'VARCHAR', 'sdk': 'VARCHAR', 'session_id': 'UUID', 'device_id': 'UUID', " +
            "'device_class': 'VARCHAR', 'os': 'VARCHAR', 'os_version': 'VARCHAR', 'arch': 'VARCHAR', 'locale': 'VARCHAR', 'seq': 'BIGINT', " +
            "'time': 'TIMESTAMP', 'received_at': 'TIMESTAMP', 'data': 'VARCHAR'}";
        // events is a view over event_rows and event_envelopes (the store's migration 0011): the CSV goes into a
        // temporary table, its new envelope tuples into event_envelopes, and its rows, in file order, into event_rows.
        const string Envelope = "tenant_id, product, app_version, sdk, device_class, os, os_version, arch, locale";
        var inserted = await store.ExecuteAsync(
        [
            new SqlStatement(
                $"CREATE OR REPLACE TEMP TABLE fleet_csv AS SELECT * FROM read_csv('{csvPath.Replace("'", "''", StringComparison.Ordinal)}', header = false, " +
                $"delim = ',', quote = '\"', escape = '\"', columns = {columns})"),
            new SqlStatement(
                $"INSERT INTO event_envelopes SELECT CAST((SELECT coalesce(max(envelope_id), 0) FROM event_envelopes) + row_number() OVER () AS INTEGER), * " +
                $"FROM (SELECT DISTINCT {Envelope} FROM fleet_csv EXCEPT SELECT {Envelope} FROM event_envelopes)"),
            new SqlStatement(
                "INSERT INTO event_rows SELECT c.tenant_id, c.event_id, c.name, c.level, c.category, v.envelope_id, c.session_id, c.device_id, " +
                "c.seq, c.time, c.received_at, c.data FROM fleet_csv c JOIN event_envelopes v ON v.tenant_id = c.tenant_id AND v.product = c.product " +
                "AND v.app_version = c.app_version AND v.sdk = c.sdk AND v.device_class = c.device_class AND v.os = c.os " +
                "AND v.os_version = c.os_version AND v.arch = c.arch AND v.locale = c.locale ORDER BY c.rowid"),
            new SqlStatement("DROP TABLE fleet_csv"),
        ], cancellationToken);
        if (inserted[2] != rows)
        {
            throw new BenchException(string.Create(CultureInfo.InvariantCulture, $"the bulk load stored {inserted[2]} of {rows} events."));
        }

        return rows;
    }

    public static void WriteCsv(StreamWriter csv, StoredEvent e)
    {
        csv.Write(e.TenantId.ToString("D"));
        foreach (var text in new[]
        {
            e.EventId.ToString("D"), e.Name, e.Level.ToWire(), e.Category.ToWire(), e.Product, e.AppVersion, e.Sdk, e.SessionId.ToString("D"),
            e.DeviceId.ToString("D"), e.DeviceClass, e.Os, e.OsVersion, e.Arch, e.Locale, e.Seq.ToString(CultureInfo.InvariantCulture),
            e.Time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture),
            e.ReceivedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture),
        })
        {
            csv.Write(',');
            csv.Write(text);
        }

        csv.Write(",\"");
        csv.Write(e.Data.Replace("\"", "\"\"", StringComparison.Ordinal));
        csv.Write("\"\n");
    }

    public static StoredEvent ToStored(Guid tenant, SimEvent ev, ArrayBufferWriter<byte> buffer)
    {
        var time = DateTimeOffset.FromUnixTimeMilliseconds(ev.TimeMs);
        return new StoredEvent
        {
            TenantId = tenant,
            EventId = ev.Id,
            Name = ev.Name,
            Level = ev.Template.Definition.Level,
            Category = ev.Template.Definition.Category,
            Product = ev.Device.Product.Id,
            AppVersion = ev.AppVersion,
            Sdk = "candor-fleet/1.0.0",
            SessionId = ev.Session,
            DeviceId = ev.Device.Id,
            DeviceClass = ev.Device.DeviceClass,
            Os = ev.Device.Os,
            OsVersion = ev.OsVersion,
            Arch = ev.Device.Arch,
            Locale = ev.Device.Locale,
            Seq = ev.Seq,
            Time = time,
            // Uploads arrive shortly after the event, in order: what a steady collector sees.
            ReceivedAt = time.AddSeconds(2),
            Data = Data(ev, buffer),
        };
    }

    private static string Data(SimEvent ev, ArrayBufferWriter<byte> buffer)
    {
        buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            var fields = ev.Template.Fields;
            for (var i = 0; i < fields.Length; i++)
            {
                var value = ev.Values[i];
                switch (value.Kind)
                {
                    case ValueKind.Integer when fields[i].Type == FieldType.Timestamp:
                        writer.WriteString(fields[i].EncodedName, DateTimeOffset.FromUnixTimeMilliseconds(value.Integer).UtcDateTime
                            .ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
                        break;
                    case ValueKind.Integer:
                        writer.WriteNumber(fields[i].EncodedName, value.Integer);
                        break;
                    case ValueKind.Real:
                        writer.WriteNumber(fields[i].EncodedName, value.Real);
                        break;
                    case ValueKind.Boolean:
                        writer.WriteBoolean(fields[i].EncodedName, value.Integer != 0);
                        break;
                    case ValueKind.Text:
                        writer.WriteString(fields[i].EncodedName, value.Text);
                        break;
                }
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
