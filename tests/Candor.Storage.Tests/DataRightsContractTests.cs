using Candor.Core.Model;
using Candor.Storage.DuckDb;
using Xunit;

namespace Candor.Storage.Tests;

/// <summary>What every store does for privacy rights and the data inventory. A backend's test class derives from
/// this and opens a fresh, migrated store; tests use fresh tenant ids.</summary>
public abstract class DataRightsContractTests : IAsyncLifetime
{
    private readonly TempFolder _work = new();
    private ICandorStore? _store;

    protected ICandorStore Store => _store ?? throw new InvalidOperationException("The store is not open.");

    protected abstract Task<ICandorStore> OpenStoreAsync();

    public virtual async Task InitializeAsync() => _store = await OpenStoreAsync();

    public virtual async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        _work.Dispose();
    }

    [Fact]
    public async Task Erasing_a_device_names_every_device_keyed_table_and_leaves_neighbours_and_other_tenants()
    {
        var (tenant, other, device, neighbour) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await Store.AppendAsync([.. TestEvents.Many(tenant, device, 5), .. TestEvents.Many(tenant, neighbour, 2), .. TestEvents.Many(other, device, 3)]);

        var receipt = await Store.EraseDeviceAsync(tenant, device);

        Assert.Equal(Schema.DeviceKeyedTables.All.Select(t => t.Table).Order(), receipt.Keys.Order());
        Assert.Equal(5, receipt["events"]);
        Assert.Empty(await Store.ReadAll(tenant, device));
        Assert.Equal(2, (await Store.ReadAll(tenant, neighbour)).Count);
        Assert.Equal(3, (await Store.ReadAll(other, device)).Count);
        Assert.All((await Store.EraseDeviceAsync(tenant, device)).Values, n => Assert.Equal(0, n));
    }

    [Fact]
    public async Task Bulk_deletion_removes_only_events_matching_every_criterion_of_that_tenant()
    {
        var (tenant, other, device) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var events = TestEvents.Many(tenant, device, 6);
        events[4] = events[4] with { Product = "d365.sales" };
        events[5] = events[5] with { Product = "d365.sales" };
        await Store.AppendAsync([.. events, .. TestEvents.Many(other, device, 6)]);

        // Events 1 and 2 of the field service app happened in [time of 1, time of 3).
        var removed = await Store.DeleteEventsAsync(tenant,
            new BulkDeletion { Product = "d365.field-service", From = events[1].Time, To = events[3].Time });
        Assert.Equal(2, removed);
        TestEvents.AssertSame([events[0], events[3], events[4], events[5]], await Store.ReadAll(tenant, device));

        Assert.Equal(2, await Store.DeleteEventsAsync(tenant, new BulkDeletion { Product = "d365.sales" }));
        Assert.Equal(1, await Store.DeleteEventsAsync(tenant, new BulkDeletion { To = events[1].Time }));
        Assert.Equal(6, await Store.CountAsync(other));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.DeleteEventsAsync(tenant, new BulkDeletion()));
    }

    [Fact]
    public async Task Tenant_export_streams_every_event_of_the_tenant_only()
    {
        var (tenant, other) = (Guid.NewGuid(), Guid.NewGuid());
        var mine = TestEvents.Many(tenant, Guid.NewGuid(), 4).Concat(TestEvents.Many(tenant, Guid.NewGuid(), 3)).ToList();
        await Store.AppendAsync([.. mine, .. TestEvents.Many(other, Guid.NewGuid(), 5)]);

        var read = new List<StoredEvent>();
        await foreach (var e in Store.ReadTenantEventsAsync(tenant))
        {
            read.Add(e);
        }

        Assert.Equal(mine.Select(e => e.EventId).Order(), read.Select(e => e.EventId).Order());
        Assert.Equal(read.OrderBy(e => e.Time).Select(e => e.Time), read.Select(e => e.Time));
    }

    [Fact]
    public async Task Tenant_export_writes_a_parquet_file_duckdb_reads_back_whole()
    {
        var tenant = Guid.NewGuid();
        var events = TestEvents.Many(tenant, Guid.NewGuid(), 9);
        events[2] = events[2] with { Data = """{"text":"Zürich — 東京"}""" };
        await Store.AppendAsync(events);
        var file = Path.Combine(_work.Path, "tenant.parquet");

        await using (var output = File.Create(file))
        {
            Assert.Equal(9, await ParquetExport.WriteAsync(Store.ReadTenantEventsAsync(tenant), output, _work.Path));
        }

        using var connection = new DuckDB.NET.Data.DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*), count(DISTINCT event_id), max(json_extract_string(data, '$.text')) FILTER (WHERE seq = 2) FROM read_parquet('{file}')";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal((9L, 9L, "Zürich — 東京"), (reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2)));
        Assert.Equal(["tenant.parquet"], Directory.GetFiles(_work.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Inventory_counts_events_devices_names_and_days_per_product_and_category()
    {
        var (tenant, other, d1, d2) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var day = new DateTimeOffset(2026, 11, 20, 23, 30, 0, TimeSpan.Zero);
        await Store.AppendAsync([
            TestEvents.Make(tenant, d1, 0, receivedAt: day),
            TestEvents.Make(tenant, d1, 1, receivedAt: day.AddHours(1)),
            TestEvents.Make(tenant, d2, 2, name: "app.crashed", receivedAt: day.AddHours(2)),
            TestEvents.Make(tenant, d2, 3, category: DataCategory.ProductAndServiceUsage, receivedAt: day.AddDays(-40)),
            TestEvents.Make(other, d1, 0, receivedAt: day),
        ]);

        var inventory = await Store.ReadInventoryAsync(tenant, day.AddDays(-30));

        Assert.Equal(
            [
                new InventoryGroup("d365.field-service", DataCategory.ProductAndServicePerformance, 3, 2, day.AddHours(2)),
                new InventoryGroup("d365.field-service", DataCategory.ProductAndServiceUsage, 1, 1, day.AddDays(-40)),
            ],
            inventory.Groups.OrderBy(g => g.Category));
        Assert.Equal(
            [
                new InventoryDay("d365.field-service", DataCategory.ProductAndServicePerformance, new DateOnly(2026, 11, 20), 1),
                new InventoryDay("d365.field-service", DataCategory.ProductAndServicePerformance, new DateOnly(2026, 11, 21), 2),
            ],
            inventory.Days);
        Assert.Equal(
            [
                new InventoryName("d365.field-service", DataCategory.ProductAndServicePerformance, "app.crashed", 1),
                new InventoryName("d365.field-service", DataCategory.ProductAndServicePerformance, "fieldservice.sync.completed", 2),
                new InventoryName("d365.field-service", DataCategory.ProductAndServiceUsage, "fieldservice.sync.completed", 1),
            ],
            inventory.Names.OrderBy(n => n.Category).ThenBy(n => n.Name, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Offboarding_removes_every_event_and_keeps_the_audit_log()
    {
        var tenant = Guid.NewGuid();
        await Store.CreateTenantAsync(new TenantRecord(tenant, "offboarded-" + tenant.ToString("N"), "dynamics365-clients", TestEvents.Base));
        await Store.AppendAuditAsync(new AuditRecord(Guid.NewGuid(), tenant, TestEvents.Base, "someone", "owner", "policy.changed", "policy", null, null));
        await Store.AppendAsync(TestEvents.Many(tenant, Guid.NewGuid(), 4));

        Assert.Equal(4, await Store.DeleteTenantAsync(tenant));

        Assert.Equal(0, await Store.CountAsync(tenant));
        var audit = new List<AuditRecord>();
        await foreach (var record in Store.ReadAuditAsync(tenant))
        {
            audit.Add(record);
        }

        Assert.Equal(["policy.changed", "tenant.deleted"], audit.Select(a => a.Action));
    }
}
