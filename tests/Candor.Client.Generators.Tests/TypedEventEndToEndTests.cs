using System.Reflection;
using Candor.Client.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Candor.Client.Generators.Tests;

/// <summary>App code compiled with the generated methods, loaded and run against a real client that uploads to a
/// collector on a real Kestrel server.</summary>
public sealed class TypedEventEndToEndTests : IAsyncLifetime
{
    private const string AppSource = """
        using System;
        using Candor.Client;
        using Candor.Generated;

        namespace App
        {
            public static class Telemetry
            {
                public static void Record(CandorClient client)
                {
                    client.TrackFieldserviceSyncCompleted(TimeSpan.FromMilliseconds(1234.6), FieldserviceSyncCompletedResult.Partial, recordCount: 312);
                    client.TrackFieldserviceWorkOrderStatusChanged(FieldserviceWorkOrderStatusChangedFromStatus.InProgress, FieldserviceWorkOrderStatusChangedToStatus.OnBreak, offline: true);
                    client.TrackFieldserviceSyncCompleted(TimeSpan.FromSeconds(1), (FieldserviceSyncCompletedResult)99);
                }
            }
        }
        """;

    private readonly TempFolder _temp = new();
    private TestCollector _collector = null!;

    public async Task InitializeAsync() => _collector = await TestCollector.StartAsync();

    public async Task DisposeAsync()
    {
        await _collector.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task A_typed_call_records_the_event_with_the_catalog_wire_values()
    {
        var record = CompileApp();
        await using var client = Clients.Create(_collector.Url, _temp.Path, o => o.RecordLifecycleEvents = false, TestCatalogs.Shipped);

        record(client);
        await client.FlushAsync(TimeSpan.FromSeconds(10));

        var sync = Assert.Single(_collector.EventsNamed("fieldservice.sync.completed")).GetProperty("data");
        Assert.Equal(1234, sync.GetProperty("durationMs").GetInt64());
        Assert.Equal("partial", sync.GetProperty("result").GetString());
        Assert.Equal(312, sync.GetProperty("recordCount").GetInt32());
        Assert.False(sync.TryGetProperty("syncType", out _));
        var status = Assert.Single(_collector.EventsNamed("fieldservice.work_order.status_changed")).GetProperty("data");
        Assert.Equal("in_progress", status.GetProperty("fromStatus").GetString());
        Assert.Equal("on_break", status.GetProperty("toStatus").GetString());
        Assert.True(status.GetProperty("offline").GetBoolean());
        // The undefined enum value is counted, not thrown.
        Assert.Equal(1, client.GetDiagnostics().FilteredFor("invalid_field"));
    }

    private static Action<CandorClient> CompileApp()
    {
        var (output, diagnostics, _) = GeneratorHarness.Run(
            GeneratorHarness.Compilation(AppSource), [GeneratorHarness.Catalog(GeneratorHarness.ShippedCatalogText)], productId: TestCatalogs.Product);
        Assert.Empty(diagnostics);
        using var image = new MemoryStream();
        var emitted = output.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        var assembly = Assembly.Load(image.ToArray());
        var method = assembly.GetType("App.Telemetry", throwOnError: true)!.GetMethod("Record")!;
        return client => method.Invoke(null, [client]);
    }
}
