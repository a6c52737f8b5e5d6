using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace Candor.Cluster.Tests;

/// <summary>A real JetStream cluster of Debian's <c>nats-server</c> on loopback: three nodes (by default), each with
/// its own store folder under a temporary folder, client and route ports chosen free. Every node is a child process
/// stopped by its PID on <see cref="DisposeAsync"/>, and at the latest when the test process exits.</summary>
internal sealed class NatsCluster : IAsyncDisposable
{
    private readonly string _folder;
    private readonly Node[] _nodes;

    private NatsCluster(string folder, Node[] nodes)
    {
        _folder = folder;
        _nodes = nodes;
    }

    /// <summary>The client URLs of the nodes still running, for <c>--log</c>.</summary>
    public string Servers => string.Join(",", _nodes.Where(n => !n.Killed).Select(n => n.Url));

    public int Count => _nodes.Length;

    public static string Binary() =>
        new[] { "/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("nats-server is not installed: ./test.sh installs it (apt-get install nats-server).");

    public static async Task<NatsCluster> StartAsync(int nodes = 3)
    {
        // A port found free can be taken by another process before nats-server binds it (a clean-clone run once saw a
        // node never answer): that node exits, and the cluster is started again on new ports, twice at most.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(nodes);
            }
            catch (Exception ex) when (attempt < 3 && ex is NatsException or TimeoutException or NodeExitedException)
            {
                Console.WriteLine($"NATS cluster start, attempt {attempt}: {ex.Message}; starting again on new ports");
            }
        }
    }

    private static async Task<NatsCluster> StartOnceAsync(int nodes)
    {
        var folder = Path.Combine(Path.GetTempPath(), "candor-nats-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var clientPorts = Enumerable.Range(0, nodes).Select(_ => FreePort()).ToArray();
        var routePorts = Enumerable.Range(0, nodes).Select(_ => FreePort()).ToArray();
        var started = new Node[nodes];
        var cluster = new NatsCluster(folder, started);
        try
        {
            for (var i = 0; i < nodes; i++)
            {
                var config = Path.Combine(folder, $"n{i}.conf");
                await File.WriteAllTextAsync(config, Config(folder, i, clientPorts, routePorts));
                var process = Process.Start(new ProcessStartInfo(Binary(), ["-c", config]) { UseShellExecute = false })
                    ?? throw new InvalidOperationException("nats-server did not start.");
                started[i] = new Node(process, $"nats://127.0.0.1:{clientPorts[i].ToString(CultureInfo.InvariantCulture)}");
                Children.Add(process);
            }

            await cluster.WaitForJetStreamAsync(TimeSpan.FromSeconds(60));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Kills one node (SIGKILL), as a crash would.</summary>
    public void Kill(int node)
    {
        var n = _nodes[node];
        n.Killed = true;
        Stop(n.Process);
    }

    /// <summary>Starts a killed node again on its port and store folder, as an operator restarting it would.</summary>
    public void Restart(int node)
    {
        var n = _nodes[node];
        var process = Process.Start(new ProcessStartInfo(Binary(), ["-c", Path.Combine(_folder, $"n{node}.conf")]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("nats-server did not start.");
        Children.Add(process);
        _nodes[node] = new Node(process, n.Url);
    }

    /// <summary>Waits until JetStream answers on every running node (the meta leader is elected).</summary>
    public async Task WaitForJetStreamAsync(TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        foreach (var node in _nodes.Where(n => !n.Killed))
        {
            while (true)
            {
                if (node.Process.HasExited)
                {
                    throw new NodeExitedException($"nats-server {node.Url} exited with code {node.Process.ExitCode}");
                }

                try
                {
                    await using var connection = new NatsConnection(NatsOpts.Default with { Url = node.Url, ConnectTimeout = TimeSpan.FromSeconds(2) });
                    await connection.ConnectAsync();
                    await new NatsJSContext(connection).GetAccountInfoAsync();
                    break;
                }
                catch (Exception ex) when (ex is NatsException or TimeoutException && watch.Elapsed < timeout)
                {
                    await Task.Delay(250);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            if (node is not null)
            {
                Stop(node.Process);
            }
        }

        await Task.Yield();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string Config(string folder, int i, int[] clientPorts, int[] routePorts)
    {
        var routes = string.Join(", ", routePorts.Select(p => $"\"nats-route://127.0.0.1:{p.ToString(CultureInfo.InvariantCulture)}\""));
        var store = Path.Combine(folder, $"n{i}");
        var b = new StringBuilder();
        b.AppendLine(CultureInfo.InvariantCulture, $"server_name: \"n{i}\"");
        b.AppendLine(CultureInfo.InvariantCulture, $"listen: \"127.0.0.1:{clientPorts[i]}\"");
        b.AppendLine(CultureInfo.InvariantCulture, $"log_file: \"{Path.Combine(folder, $"n{i}.log")}\"");
        b.AppendLine(CultureInfo.InvariantCulture, $"jetstream {{ store_dir: \"{store}\", max_memory_store: 67108864, max_file_store: 107374182400 }}");
        if (clientPorts.Length > 1)
        {
            b.AppendLine(CultureInfo.InvariantCulture, $"cluster {{ name: \"candor-test\", listen: \"127.0.0.1:{routePorts[i]}\", routes: [{routes}] }}");
        }

        return b.ToString();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    /// <summary>Every node this test process started: killed when it exits, whatever happened to the tests.</summary>
    private static readonly ChildProcesses Children = new();

    private sealed class ChildProcesses
    {
        private readonly List<Process> _processes = [];

        public ChildProcesses() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            lock (_processes)
            {
                foreach (var p in _processes)
                {
                    Stop(p);
                }
            }
        };

        public void Add(Process process)
        {
            lock (_processes)
            {
                _processes.Add(process);
            }
        }
    }

    private sealed class Node(Process process, string url)
    {
        public Process Process { get; } = process;

        public string Url { get; } = url;

        public bool Killed { get; set; }
    }
}

/// <summary>A node of the test cluster exited while the cluster was waited for (e.g. its port was taken).</summary>
internal sealed class NodeExitedException(string message) : Exception(message);
