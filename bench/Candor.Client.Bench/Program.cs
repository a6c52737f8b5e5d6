using BenchmarkDotNet.Running;

// Usage (docs/benchmarks.md, "Client SDK"):
//   dotnet run -c Release --project bench/Candor.Client.Bench -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Candor.Client.Bench.ClientSdkBenchmarks).Assembly).Run(args);
