using System.Globalization;
using System.Text;
using Candor.Core.Privacy;
using Xunit.Abstractions;

namespace Candor.Core.Tests.Privacy;

/// <summary>Runs the whole corpus through the scanner and measures precision and recall. The corpus lives in
/// Corpus/must-catch.txt (kind TAB value) and Corpus/must-pass.txt (value); the test only reads them.</summary>
public sealed class PiiCorpusTests
{
    internal static readonly PiiScanner CorpusScanner = CreateCorpusScanner();

    private readonly ITestOutputHelper _output;

    public PiiCorpusTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Corpus_precision_and_recall_are_at_least_99_percent()
    {
        var mustCatch = ReadCorpus("must-catch.txt");
        var mustPass = ReadCorpus("must-pass.txt");
        Assert.True(mustCatch.Count >= 220, $"must-catch has {mustCatch.Count} lines, want 220 or more");
        Assert.True(mustPass.Count >= 220, $"must-pass has {mustPass.Count} lines, want 220 or more");

        var missed = new List<string>();
        var wrongKind = new List<string>();
        foreach (var line in mustCatch)
        {
            var tab = line.IndexOf('\t');
            var expected = Enum.Parse<PiiKind>(line.Substring(0, tab));
            var value = line.Substring(tab + 1);
            var findings = new PiiFinding[16];
            var count = CorpusScanner.FindAll(value, findings);
            if (count == 0)
            {
                missed.Add(line);
            }
            else if (!findings.Take(count).Any(f => f.Kind == expected))
            {
                wrongKind.Add(line + "  => " + string.Join(", ", findings.Take(count)));
            }
        }

        var falseAlarms = new List<string>();
        foreach (var value in mustPass)
        {
            if (CorpusScanner.TryFindFirst(value, out var finding))
            {
                falseAlarms.Add(value + "  => " + finding + " '" + value.Substring(finding.Start, finding.Length) + "'");
            }
        }

        var truePositives = mustCatch.Count - missed.Count;
        var recall = (double)truePositives / mustCatch.Count;
        var precision = (double)truePositives / (truePositives + falseAlarms.Count);
        var summary = string.Format(
            CultureInfo.InvariantCulture,
            "must-catch {0}, must-pass {1}: recall {2:F4} ({3} missed), precision {4:F4} ({5} false alarms), kind right {6}/{7}",
            mustCatch.Count, mustPass.Count, recall, missed.Count, precision, falseAlarms.Count,
            truePositives - wrongKind.Count, truePositives);
        _output.WriteLine(summary);

        var report = new StringBuilder(summary).AppendLine();
        foreach (var line in missed)
        {
            report.Append("MISSED: ").AppendLine(line);
        }

        foreach (var line in falseAlarms)
        {
            report.Append("FALSE ALARM: ").AppendLine(line);
        }

        foreach (var line in wrongKind)
        {
            report.Append("WRONG KIND: ").AppendLine(line);
        }

        _output.WriteLine(report.ToString());
        Assert.True(recall >= 0.99 && precision >= 0.99 && wrongKind.Count == 0, report.ToString());
    }

    internal static List<string> ReadCorpus(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Privacy", "Corpus", name);
        return File.ReadAllLines(path, Encoding.UTF8)
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .ToList();
    }

    private static PiiScanner CreateCorpusScanner()
    {
        var options = new PiiScannerOptions();
        options.KnownUserNames.Add("mkowalski");
        options.KnownUserNames.Add("Anna Lindqvist");
        options.KnownMachineNames.Add("DESKTOP-7QK2M1F");
        options.KnownMachineNames.Add("LAPTOP-JS42");
        return new PiiScanner(options);
    }
}
