using System.Globalization;
using System.Text;
using Candor.Client;
using Candor.Client.Diagnostics;
using Candor.Client.Queue;
using Candor.Core.Catalog;

// A child process for the kill -9 tests; the parent kills it at random moments.
//   queue QUEUE_FOLDER MAX_QUEUE_BYTES [--wait]
//       appends to a durable queue until it has written an eighth of MAX_QUEUE_BYTES, then idles until killed; after each
//       commit prints "ack SEQ" for every event it made durable. The bound keeps the queue far from its cap however late
//       the parent's kill comes (on tmpfs a child writes hundreds of MB/s, and a parent on loaded cores can be slow).
//       With --wait it first warms up on a scratch queue, prints "started" and waits for a line on stdin before it
//       opens QUEUE_FOLDER: the parent starts the next child while it kills the current one, and only one process
//       ever has the queue open.
//   client DATA_FOLDER COLLECTOR_URL INGESTION_KEY CATALOG_FILE FIRST_COUNT
//       runs a real CandorClient that records fieldservice.sync.completed with recordCount FIRST_COUNT, +1, ...;
//       prints "ack N" once event N is on disk, and uploads every 25 events (so kills also land mid-upload).
var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true };
return args[0] switch
{
    "queue" => RunQueue(args[1], long.Parse(args[2], CultureInfo.InvariantCulture), args.Length > 3 && args[3] == "--wait", stdout),
    "client" => await RunClientAsync(args, stdout),
    _ => 2,
};

static int RunQueue(string folder, long maxBytes, bool wait, StreamWriter stdout)
{
    if (wait)
    {
        WarmUp(folder + "-warm-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        stdout.WriteLine("started");
        if (Console.In.ReadLine() is null)
        {
            return 0;
        }
    }

    using var diagnostics = new SelfDiagnostics();
    using var queue = DurableQueue.Open(folder, maxBytes, 64 * 1024, diagnostics);
    stdout.WriteLine("ready " + queue.LastSeq.ToString(CultureInfo.InvariantCulture));
    var random = new Random();
    var acked = new List<long>();
    var budget = maxBytes / 8;
    long written = 0;
    while (written < budget)
    {
        acked.Clear();
        var n = random.Next(1, 8);
        for (var i = 0; i < n; i++)
        {
            // Varying sizes so that kills land inside frames of every length, including multi-page ones.
            var padding = new string('x', random.Next(0, 6000));
            written += padding.Length + 64;
            if (queue.TryAppend("test.crash.event", seq => Encoding.UTF8.GetBytes(
                    "{\"name\":\"test.crash.event\",\"seq\":" + seq.ToString(CultureInfo.InvariantCulture) + ",\"pad\":\"" + padding + "\"}"), out var seq))
            {
                acked.Add(seq);
            }
        }

        queue.Commit();
        foreach (var seq in acked)
        {
            stdout.WriteLine("ack " + seq.ToString(CultureInfo.InvariantCulture));
        }
    }

    stdout.WriteLine("budget spent");
    Thread.Sleep(Timeout.Infinite);
    return 0;
}

static async Task<int> RunClientAsync(string[] args, StreamWriter stdout)
{
    var client = CandorClient.Create(new CandorClientOptions
    {
        DataFolder = args[1],
        CollectorUrl = new Uri(args[2]),
        IngestionKey = args[3],
        Catalog = CompiledCatalogJson.Load(args[4]),
        ProductId = "d365.field-service",
        AppVersion = "9.3.2411.1",
        AutomaticUpload = false,
        CaptureUnhandledExceptions = false,
    });
    stdout.WriteLine("ready");
    var first = int.Parse(args[5], CultureInfo.InvariantCulture);
    for (var count = first; ; count++)
    {
        client.Track("fieldservice.sync.completed", new Dictionary<string, object?>
        {
            ["durationMs"] = 5,
            ["recordCount"] = count,
            ["result"] = "success",
        });
        if ((count - first) % 5 == 4)
        {
            client.PersistPending();
            for (var n = count - 4; n <= count; n++)
            {
                stdout.WriteLine("ack " + n.ToString(CultureInfo.InvariantCulture));
            }
        }

        if ((count - first) % 25 == 24)
        {
            await client.FlushAsync(TimeSpan.FromSeconds(5));
        }
    }
}

// Runs the append/commit path once on a scratch queue so that the real run is compiled and hot from its first write.
static void WarmUp(string scratch)
{
    using (var diagnostics = new SelfDiagnostics())
    using (var queue = DurableQueue.Open(scratch, 1024 * 1024, 64 * 1024, diagnostics))
    {
        for (var i = 0; i < 3; i++)
        {
            queue.TryAppend("test.warm.event", seq => Encoding.UTF8.GetBytes("{\"seq\":" + seq.ToString(CultureInfo.InvariantCulture) + "}"), out _);
        }

        queue.Commit();
        queue.Snapshot();
    }

    Directory.Delete(scratch, recursive: true);
}
