using System.CommandLine;

namespace Candor.Cli;

/// <summary>Runs the command tree so that no exception reaches the user as a stack trace: a failure is one
/// clear line on standard error and exit code 1 (2 for usage errors, as System.CommandLine reports them).</summary>
internal static class CliRunner
{
    public static async Task<int> RunAsync(RootCommand root, string[] args)
    {
        try
        {
            var parse = root.Parse(args);
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (CliException ex)
        {
            await Console.Error.WriteLineAsync($"candor: {ex.Message}");
            return ex.ExitCode;
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("candor: cancelled");
            return 130;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            await Console.Error.WriteLineAsync($"candor: {ex.Message}");
            return 1;
        }
    }

    /// <summary>Where the shipped catalogs are: <c>$CANDOR_HOME/catalog</c> (the <c>./candor</c> script sets it),
    /// else <c>./catalog</c>.</summary>
    public static string CatalogRoot =>
        Path.Combine(Environment.GetEnvironmentVariable("CANDOR_HOME") is { Length: > 0 } home ? home : Directory.GetCurrentDirectory(), "catalog");

    /// <summary>The folder of a shipped family's catalog.</summary>
    public static string FamilyFolder(string family) => Path.Combine(CatalogRoot, family);
}

/// <summary>A failure to report to the user as one line, without a stack trace.</summary>
internal sealed class CliException(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
