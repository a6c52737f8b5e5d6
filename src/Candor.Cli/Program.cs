using System.CommandLine;
using Candor.Cli;
using Candor.Cli.Catalog;
using Candor.Cli.Demo;
using Candor.Cli.Privacy;
using Candor.Cli.Health;
using Candor.Cli.Load;
using Candor.Cli.LoadGen;
using Candor.Cli.Serve;
using Candor.Cli.Tenants;
using Candor.Cli.Tokens;
using Candor.Cli.Viewer;

var root = new RootCommand(
    "Candor: a self-hostable diagnostic data platform for families of .NET client products. " +
    "Every event is declared in a catalog, collected only as the organisation's policy allows, and shown to the customer.");
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(CatalogCommands.Create());
root.Subcommands.Add(ServeCommand.Create());
root.Subcommands.Add(TenantCommands.Create());
root.Subcommands.Add(TokenCommands.Create());
root.Subcommands.Add(LoadGenCommand.Create());
root.Subcommands.Add(LoadCommand.Create());
root.Subcommands.Add(ViewerCommand.Create());
root.Subcommands.Add(PrivacyCommands.Create());
root.Subcommands.Add(HealthCommands.Create());
root.Subcommands.Add(Candor.Cli.WebConsole.ConsoleBenchCommand.Create());

return await CliRunner.RunAsync(root, args);
