using System.Globalization;
using System.Text;
using Candor.Client.Diagnostics;
using Candor.Client.Queue;

// Usage: Candor.Client.CrashHost QUEUE_FOLDER MAX_QUEUE_BYTES
// Writes events forever; after each commit prints "ack <seq>" for every event that commit made durable.
// The parent kills this process at random moments; nothing printed may ever be lost.
var folder = args[0];
var maxBytes = long.Parse(args[1], CultureInfo.InvariantCulture);
using var diagnostics = new SelfDiagnostics();
using var queue = DurableQueue.Open(folder, maxBytes, 64 * 1024, diagnostics);
var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true };
stdout.WriteLine("ready " + queue.LastSeq.ToString(CultureInfo.InvariantCulture));
var random = new Random();
var acked = new List<long>();
while (true)
{
    acked.Clear();
    var n = random.Next(1, 8);
    for (var i = 0; i < n; i++)
    {
        // Varying sizes so that kills land inside frames of every length, including multi-page ones.
        var padding = new string('x', random.Next(0, 6000));
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
