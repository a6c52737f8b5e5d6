using System.Diagnostics;
using System.Globalization;
using Candor.Client;
using Candor.Core.Catalog;
using Candor.Samples.FieldService.Events;

// Usage:
//   dotnet run --project samples/Candor.Samples.FieldService -- \
//     --collector http://127.0.0.1:5080/ --key INGESTION_KEY --catalog catalog.json --data-folder ./fs-data [--sessions 3]
// Compile the catalog first: ./candor catalog compile --out catalog.json
// Then look at what left the "device": ./candor viewer --data-folder ./fs-data
var options = SampleOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: --collector URL --key KEY --catalog FILE --data-folder DIR [--sessions N] [--crash]");
    return 2;
}

var catalog = CompiledCatalogJson.Load(options.CatalogPath);
if (options.Crash)
{
    // The child process: start a session, do a little work, then die of an unhandled exception. The SDK writes
    // app.crashed to its durable queue before the process ends; the next session uploads it.
    var client = CandorClient.Create(options.ClientOptions(catalog));
    client.TrackFieldserviceWorkOrderStatusChanged(
        FieldserviceWorkOrderStatusChangedFromStatus.Scheduled, FieldserviceWorkOrderStatusChangedToStatus.Traveling);
    var worker = new Thread(() => WorkOrderStore.Open("/data/jane.doe/workorders.db"));
    worker.Start();
    worker.Join();
    return 0;
}

var random = new Random(42);
for (var session = 1; session <= options.Sessions; session++)
{
    await using (var client = CandorClient.Create(options.ClientOptions(catalog)))
    {
        Console.WriteLine($"session {session}: device {client.DeviceId}, session {client.SessionId}");
        for (var sync = 0; sync < 4; sync++)
        {
            using var operation = client.StartOperation("work_order_sync");
            var watch = Stopwatch.StartNew();
            await Task.Delay(random.Next(20, 120));
            var failed = random.NextDouble() < 0.2;
            // Typed methods generated from the catalog (dynamics365-clients.candor.json): a typo in an event, field
            // or enum value is a compile error instead of a counted invalid_field.
            client.TrackFieldserviceSyncCompleted(
                watch.Elapsed,
                failed ? FieldserviceSyncCompletedResult.Failed : FieldserviceSyncCompletedResult.Success,
                recordCount: random.Next(10, 400),
                syncType: sync == 0 ? FieldserviceSyncCompletedSyncType.Full : FieldserviceSyncCompletedSyncType.Delta);
            if (failed)
            {
                // A failure the technician noticed: an error code, never the exception's message.
                client.ReportFeatureFailure("offline_sync", "0x80072EE7");
                operation.Fail();
            }
            else
            {
                operation.Complete();
            }

            client.TrackFieldserviceWorkOrderStatusChanged(
                FieldserviceWorkOrderStatusChangedFromStatus.Traveling,
                FieldserviceWorkOrderStatusChangedToStatus.InProgress,
                offline: random.NextDouble() < 0.3);
        }

        var receipt = await client.FlushAsync(TimeSpan.FromSeconds(15));
        Console.WriteLine(
            $"  flushed: persisted {receipt.Persisted}, sent {receipt.Sent}, pending {receipt.Pending}" +
            (receipt.Dropped.Count > 0 ? ", dropped " + string.Join(", ", receipt.Dropped.Select(d => $"{d.Key}={d.Value}")) : ""));
        var diagnostics = client.GetDiagnostics();
        Console.WriteLine($"  diagnostics: received {diagnostics.Received}, filtered {diagnostics.Filtered.Values.Sum()}, redacted {diagnostics.Redacted}, sent {diagnostics.Sent}, failed uploads {diagnostics.UploadsFailed}");
    }

    if (session % 2 == 0)
    {
        var exit = await RunCrashingChildAsync(args);
        Console.WriteLine($"  a child process crashed (exit code {exit}); its app.crashed is uploaded by the next session");
    }
}

Console.WriteLine($"done. See what was uploaded: ./candor viewer --data-folder {options.DataFolder}");
return 0;

static async Task<int> RunCrashingChildAsync(string[] args)
{
    var start = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false, RedirectStandardError = true };
    if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
    {
        start.ArgumentList.Add(typeof(SampleOptions).Assembly.Location);
    }

    foreach (var a in args)
    {
        start.ArgumentList.Add(a);
    }

    start.ArgumentList.Add("--crash");
    using var child = Process.Start(start)!;
    await child.StandardError.ReadToEndAsync();
    await child.WaitForExitAsync();
    return child.ExitCode;
}

internal static class WorkOrderStore
{
    // The message holds a path and an email, as real messages do; the SDK never reads it.
    public static void Open(string path) =>
        throw new InvalidDataException("Work order store of technician jane.doe@contoso.com is corrupt: " + path);
}

internal sealed record SampleOptions(Uri Collector, string Key, string CatalogPath, string DataFolder, int Sessions, bool Crash)
{
    public static SampleOptions? Parse(string[] args)
    {
        string? Value(string name)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }

        if (Value("--collector") is not { } url || Value("--key") is not { } key || Value("--catalog") is not { } catalog || Value("--data-folder") is not { } folder)
        {
            return null;
        }

        var sessions = int.TryParse(Value("--sessions"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 3;
        return new SampleOptions(new Uri(url), key, catalog, folder, sessions, args.Contains("--crash"));
    }

    public CandorClientOptions ClientOptions(CompiledCatalog catalog) => new()
    {
        CollectorUrl = Collector,
        IngestionKey = Key,
        ProductId = "d365.field-service",
        AppVersion = "9.3.2411.1",
        DataFolder = DataFolder,
        Catalog = catalog,
    };
}
