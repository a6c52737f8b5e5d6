using System.Diagnostics;
using System.Globalization;
using Candor.Server;
using Candor.Core.Catalog;
using Candor.Server.Configuration;
using Microsoft.Extensions.Configuration;

/// <summary>The collector a <c>scale</c> run fills: <c>candor serve</c> as a child process (the default), or the same
/// collector in the bench's own process when the run moves the collector's clock (<c>--received-days</c>), which only
/// an in-process <see cref="TimeProvider"/> can do. Both read their settings the same way (<c>CANDOR_*</c> environment
/// variables, then the run's own: data folder, store, URL and DuckDB's memory limit).</summary>
internal abstract class Collector : IAsyncDisposable
{
    /// <summary>The process whose CPU and memory the run reports.</summary>
    public abstract int Id { get; }

    public abstract bool HasExited { get; }

    /// <summary>Moves the collector's clock a day forward (in-process only).</summary>
    public abstract void NextDay();

    public abstract Task StopAsync();

    public abstract ValueTask DisposeAsync();

    public static Collector Child(string candor, string folder, string store, string url, string? memoryMiB)
    {
        var serve = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { candor, "serve", "--data", folder, "--store", store, "--urls", url },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // Warning, but the analytics rounds' one line each (projection and whole round times, memory): where a
            // slice's rate dips, the round beside it says what it cost.
            Environment =
            {
                ["Logging__LogLevel__Default"] = "Warning",
                ["Logging__LogLevel__Candor.Server.Analytics.AnalyticsService"] = "Information",
            },
        };
        if (memoryMiB is not null)
        {
            serve.Environment["CANDOR_DuckDb__MemoryLimitMiB"] = memoryMiB;
        }

        var process = Process.Start(serve)!;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("Analytics round", StringComparison.Ordinal) == true)
            {
                Console.Error.WriteLine($"server {TimeProvider.System.GetUtcNow():HH:mm:ss}: {e.Data.Trim()}");
            }
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("server: " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ChildCollector(process);
    }

    /// <summary>The collector with the catalogs <c>candor serve</c> would load from <c>$CANDOR_HOME/catalog</c>, as
    /// compiled by <c>bench/ingest-scale.sh</c> into <c>artifacts/</c>.</summary>
    public static async Task<Collector> InProcessAsync(string candor, string folder, string store, string url, string? memoryMiB)
    {
        var settings = new Dictionary<string, string?> { ["Data"] = folder, ["Store"] = store, ["Urls"] = url };
        if (memoryMiB is not null)
        {
            settings["DuckDb:MemoryLimitMiB"] = memoryMiB;
        }

        var errors = new List<string>();
        // Warning, as the child's logging is set, unless CANDOR_LogLevel asks otherwise (its own configuration key).
        var options = OptionsReader.Read(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["LogLevel"] = "Warning" })
            .AddEnvironmentVariables("CANDOR_").AddInMemoryCollection(settings).Build(), errors);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("the collector's settings are invalid: " + string.Join("; ", errors));
        }

        var home = Environment.GetEnvironmentVariable("CANDOR_HOME") ?? Path.GetFullPath(Path.Combine(Path.GetDirectoryName(candor)!, "..", ".."));
        foreach (var file in Directory.GetFiles(Path.Combine(home, "artifacts"), "*.catalog.json"))
        {
            options.Catalogs.Add(CompiledCatalogJson.Load(file));
        }

        var clock = new DayShiftedClock();
        options.TimeProvider = clock;
        return new InProcessCollector(await CandorServer.StartAsync(options), clock);
    }

    private sealed class ChildCollector(Process process) : Collector
    {
        public override int Id => process.Id;

        public override bool HasExited => process.HasExited;

        public override void NextDay() => throw new InvalidOperationException("only an in-process collector's clock can move");

        public override Task StopAsync()
        {
            // SIGTERM lets the collector drain its group commit and close the store.
            Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
            if (!process.WaitForExit(120_000))
            {
                process.Kill();
            }

            return Task.CompletedTask;
        }

        public override ValueTask DisposeAsync()
        {
            process.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    private sealed class InProcessCollector(CandorServerHandle server, DayShiftedClock clock) : Collector
    {
        public override int Id => Environment.ProcessId;

        public override bool HasExited => false;

        public override void NextDay() => clock.NextDay();

        // Disposing the handle drains the group commit and closes the store, as SIGTERM does for candor serve.
        public override async Task StopAsync() => await server.DisposeAsync();

        public override ValueTask DisposeAsync() => server.DisposeAsync();
    }

    /// <summary>The system's clock moved forward by whole days: received_at, the partition it falls in and everything
    /// else the collector dates follow it; timers and delays keep the real pace.</summary>
    private sealed class DayShiftedClock : TimeProvider
    {
        private long _days;

        public void NextDay() => Interlocked.Increment(ref _days);

        public override DateTimeOffset GetUtcNow() => System.GetUtcNow().AddDays(Interlocked.Read(ref _days));
    }
}
