using System.CommandLine;
using Candor.Analytics.Bench;

// Health analytics on a large simulated fleet (docs/benchmarks.md). Run from the repository root:
//   dotnet run -c Release --project bench/Candor.Analytics.Bench -- --events 10000000 --data /tmp/an-bench-10m --repeat 3
// Incremental rounds on that store, a minute of 100,000 new events each (as often as wanted: each adds events):
//   dotnet run -c Release --project bench/Candor.Analytics.Bench -- --data /tmp/an-bench-10m --queries-only --append 100000 --rounds 12 --repeat 1
// Where a round's memory goes, statement by statement (on a copy: the facts are projected again; MemoryTrace.cs):
//   dotnet run -c Release --project bench/Candor.Analytics.Bench -- --data /tmp/copy-of-a-kept-store --queries-only --memory-trace
var events = new Option<long>("--events") { Description = "How many fleet events to generate (1000 to 20000000).", DefaultValueFactory = _ => 10_000_000 };
var seed = new Option<int>("--seed") { Description = "The fleet's seed.", DefaultValueFactory = _ => 1 };
var days = new Option<int>("--days") { Description = "Days of the simulated period.", DefaultValueFactory = _ => 14 };
var data = new Option<string>("--data") { Description = "A folder for the DuckDB file (emptied first).", DefaultValueFactory = _ => "candor-bench" };
var catalog = new Option<string>("--catalog")
{
    Description = "The compiled catalog the fleet follows (candor catalog compile --out FILE).",
    DefaultValueFactory = _ => Path.Combine(AppContext.BaseDirectory, "dynamics365-clients.candor.json"),
};
var reuse = new Option<bool>("--queries-only") { Description = "Reuse the store a previous run left in --data: time the queries only." };
var reproject = new Option<bool>("--reproject") { Description = "With --queries-only: drop every fact and project all events again first (after a projector change)." };
var append = new Option<long>("--append")
{
    Description = "With --queries-only: before each incremental projector round (--rounds), copy this many of the newest stored events forward (new ids, received over the minute after every stored event), then time the round (0: none).",
};
var rounds = new Option<int>("--rounds") { Description = "With --append: how many rounds, each over that many new events (1 to 50).", DefaultValueFactory = _ => 1 };
var memoryTrace = new Option<bool>("--memory-trace") { Description = "With --queries-only: drop every fact, project again and detect regressions, printing each statement's peak memory and its split (issue 11)." };
var repeat = new Option<int>("--repeat") { Description = "Runs of each query after the first (the median is reported).", DefaultValueFactory = _ => 5 };
var root = new RootCommand("Generate fleet events directly into a DuckDB store, run the projector and time every analytics query.")
{
    events, seed, days, data, catalog, repeat, reuse, reproject, append, rounds, memoryTrace,
};
root.SetAction(async (parse, cancellationToken) =>
{
    try
    {
        return await AnalyticsBench.RunAsync(new BenchSettings(parse.GetValue(events), parse.GetValue(seed), parse.GetValue(days),
            parse.GetValue(data)!, parse.GetValue(catalog)!, parse.GetValue(repeat), parse.GetValue(reuse), parse.GetValue(reproject), parse.GetValue(append), parse.GetValue(rounds), parse.GetValue(memoryTrace)),
            Console.Out, cancellationToken);
    }
    catch (BenchException ex)
    {
        await Console.Error.WriteLineAsync("analytics bench: " + ex.Message);
        return ex.ExitCode;
    }
});
return await root.Parse(args).InvokeAsync();
