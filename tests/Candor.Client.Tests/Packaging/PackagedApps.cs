using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Candor.Client.Tests.Infrastructure;
using Xunit;

namespace Candor.Client.Tests.Packaging;

/// <summary>Builds the samples the way an app team does: from the Candor NuGet packages in a local folder feed, in a
/// clean folder outside the repository, with a NuGet cache folder of this test run's own (so no package restored
/// earlier, from an older pack, can stand in for the one under test). The feed is what test.sh packed into
/// artifacts/packages (CANDOR_TEST_PACKAGES); a run without it packs there first with <c>./candor pack</c>. Builds
/// are real <c>dotnet build</c> child processes, one at a time, each bounded in time.</summary>
internal static class PackagedApps
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(6);
    private static readonly Lazy<Task<string>> LazyFeed = new(EnsureFeedAsync, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly SemaphoreSlim OneBuildAtATime = new(1, 1);
    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> Samples = new(StringComparer.Ordinal);

    /// <summary>This run's NuGet cache folder: empty when the run starts, shared by its builds so that each restores
    /// the packages once.</summary>
    public static string NuGetCache { get; } = Path.Combine(Path.GetTempPath(), "candor-nuget-" + Guid.NewGuid().ToString("N"));


    /// <summary>The path of a sample's built program (<c>samples/NAME</c>), built once per test run from the packages in
    /// a clean folder; the build fails the caller with its output.</summary>
    public static Task<string> BuiltSampleAsync(string sample) =>
        Samples.GetOrAdd(sample, name => new Lazy<Task<string>>(() => BuildSampleAsync(name))).Value;

    /// <summary>Lays out a clean folder as a team's repository would look: the catalog (copied, so a test may edit
    /// it), the samples' build files with a NuGet.config that points at the feed, and copies of the given samples
    /// without their bin and obj folders.</summary>
    /// <returns>The folder's samples folder.</returns>
    public static async Task<string> CreateRootAsync(string root, params string[] samples)
    {
        var feed = await LazyFeed.Value;
        var repository = TestCatalogs.RepositoryRoot;
        Copy(Path.Combine(repository, "catalog"), Path.Combine(root, "catalog"));
        Directory.CreateDirectory(Path.Combine(root, "eng"));
        File.Copy(Path.Combine(repository, "eng", "Version.props"), Path.Combine(root, "eng", "Version.props"));
        var samplesRoot = Path.Combine(root, "samples");
        Directory.CreateDirectory(samplesRoot);
        foreach (var file in new[] { "Directory.Build.props", "Directory.Packages.props" })
        {
            File.Copy(Path.Combine(repository, "samples", file), Path.Combine(samplesRoot, file));
        }

        var config = File.ReadAllText(Path.Combine(repository, "samples", "NuGet.config"))
            .Replace("\"../artifacts/packages\"", "\"" + feed + "\"", StringComparison.Ordinal);
        Assert.Contains(feed, config, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(samplesRoot, "NuGet.config"), config);
        foreach (var sample in samples)
        {
            Copy(Path.Combine(repository, "samples", sample), Path.Combine(samplesRoot, sample));
        }

        return samplesRoot;
    }

    /// <summary>Runs <c>dotnet build -c Release</c> on a project folder with this run's NuGet cache.</summary>
    /// <returns>The exit code and everything the build printed.</returns>
    public static async Task<(int Exit, string Output)> BuildAsync(string projectFolder)
    {
        await OneBuildAtATime.WaitAsync();
        try
        {
            return await RunAsync("dotnet", ["build", "-c", "Release", "--nologo", "-v", "m", "--disable-build-servers"], projectFolder, BuildTimeout);
        }
        finally
        {
            OneBuildAtATime.Release();
        }
    }

    /// <summary>Runs a program to its end (or kills it after <paramref name="timeout"/>, failing the test).</summary>
    public static async Task<(int Exit, string Output)> RunAsync(string fileName, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["NUGET_PACKAGES"] = NuGetCache;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        // The test host's own MSBuild settings must not leak into a child build of an unrelated project.
        foreach (var name in new[] { "MSBUILD_EXE_PATH", "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBuildLoadMicrosoftTargetsReadOnly" })
        {
            start.Environment.Remove(name);
        }

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var stdout = PumpAsync(process.StandardOutput, output);
        var stderr = PumpAsync(process.StandardError, output);
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new Xunit.Sdk.XunitException($"{fileName} {string.Join(' ', arguments)} took longer than {timeout}:\n{output}");
        }

        await Task.WhenAll(stdout, stderr);
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }

    private static async Task PumpAsync(StreamReader reader, StringBuilder into)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (into)
            {
                into.AppendLine(line);
            }
        }
    }

    private static async Task<string> BuildSampleAsync(string sample)
    {
        var root = Path.Combine(Path.GetTempPath(), "candor-samples-" + Guid.NewGuid().ToString("N"));
        var project = Path.Combine(await CreateRootAsync(root, sample), sample);
        var (exit, output) = await BuildAsync(project);
        Assert.True(exit == 0, $"dotnet build {sample} from the packages failed:\n{output}");
        var program = Path.Combine(project, "bin", "Release", "net10.0", sample + ".dll");
        Assert.True(File.Exists(program), "no " + program + " after the build:\n" + output);
        return program;
    }

    private static async Task<string> EnsureFeedAsync()
    {
        var feed = Environment.GetEnvironmentVariable("CANDOR_TEST_PACKAGES") is { Length: > 0 } given
            ? Path.GetFullPath(given)
            : Path.Combine(TestCatalogs.RepositoryRoot, "artifacts", "packages");
        if (Directory.Exists(feed) && Directory.EnumerateFiles(feed, "Candor.Client.Extensions.Hosting.*.nupkg").Any())
        {
            return feed;
        }

        // Run outside test.sh, before any pack: make the packages the way test.sh does.
        var (exit, output) = await RunAsync(Path.Combine(TestCatalogs.RepositoryRoot, "candor"), ["pack", "--out", feed], TestCatalogs.RepositoryRoot, BuildTimeout);
        Assert.True(exit == 0, "./candor pack failed:\n" + output);
        return feed;
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var folder in Directory.EnumerateDirectories(from))
        {
            var name = Path.GetFileName(folder);
            if (name is not ("bin" or "obj"))
            {
                Copy(folder, Path.Combine(to, name));
            }
        }
    }
}
