using Candor.Catalog.Build;

return CatalogBuildCommand.Run(args, Console.Out, Console.Error);
