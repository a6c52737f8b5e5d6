using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Candor.Cli.Tests.Serve;

/// <summary>A running <c>candor serve</c> child process on 127.0.0.1 with a system-chosen port.</summary>
internal sealed partial class ServeProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServeProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public int Id => _process.Id;

    public static async Task<ServeProcess> StartAsync(string dataFolder, params string[] extra)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dataFolder,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "candor.dll"));
        string[] urls = extra.Contains("--urls") ? [] : ["--urls", "http://127.0.0.1:0"];
        foreach (var a in (string[])["serve", "--data", dataFolder, .. urls, .. extra])
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["CANDOR_HOME"] = CandorProcess.RepositoryRoot;
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start candor serve");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                var match = Listening().Match(line);
                if (match.Success)
                {
                    // Keep draining standard output so that the child never blocks on a full pipe.
                    _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                    return new ServeProcess(process, new Uri(match.Groups[1].Value));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync(CancellationToken.None);
        throw new InvalidOperationException("candor serve did not start: " + await stderr);
    }

    /// <summary>SIGKILL: no shutdown hook runs, nothing is flushed.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    [GeneratedRegex(@"listening on (https?://\S+)")]
    private static partial Regex Listening();
}
