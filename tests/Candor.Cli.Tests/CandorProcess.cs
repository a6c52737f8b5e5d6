using System.Diagnostics;

namespace Candor.Cli.Tests;

/// <summary>Runs the built <c>candor</c> program (copied next to the tests) in a child process, with the
/// repository root as CANDOR_HOME so that the shipped catalogs are found.</summary>
internal static class CandorProcess
{
    public static string RepositoryRoot { get; } = FindRoot();

    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static async Task<Result> RunAsync(string workingDirectory, params string[] args) =>
        await RunAsync(workingDirectory, TimeSpan.FromMinutes(2), args);

    public static async Task<Result> RunAsync(string workingDirectory, TimeSpan timeout, params string[] args) =>
        await RunAsync(workingDirectory, timeout, new Dictionary<string, string>(), args);

    /// <summary>Runs with extra environment variables (an empty value unsets one the test process has).</summary>
    public static async Task<Result> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        await RunAsync(workingDirectory, TimeSpan.FromMinutes(2), environment, args);

    public static async Task<Result> RunAsync(string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string> environment,
        params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "candor.dll"));
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["CANDOR_HOME"] = RepositoryRoot;
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value.Length == 0 ? null : value;
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start candor");
        using var cts = new CancellationTokenSource(timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"candor {string.Join(' ', args)} did not finish within {timeout}");
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Candor.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Candor.slnx not found above the test folder");
    }
}
