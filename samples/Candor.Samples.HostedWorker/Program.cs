using Candor.Samples.HostedWorker;

// Usage (settings from appsettings.json, the environment or the command line):
//   dotnet run --project samples/Candor.Samples.HostedWorker -- \
//     --Candor:CollectorUrl=http://127.0.0.1:5080/ --Candor:IngestionKey=KEY [--Candor:DataFolder=DIR] \
//     [--Worker:Syncs=3] [--Worker:Fail=true]
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddCandor(builder.Configuration.GetSection("Candor"));
builder.Services.AddHostedService<SyncWorker>();
await builder.Build().RunAsync();
