using System.Globalization;
using System.Text;
using Candor.Core.Privacy;
using Candor.Core.Tests.Privacy.Corpus;
using Xunit.Abstractions;

namespace Candor.Core.Tests.Privacy;

/// <summary>Measures the scanner on the labelled class corpus (<see cref="ClassCorpus"/> and
/// Corpus/tricky-classes.txt): recall and precision per class, and the clean pass rate (the share of values that are
/// not personal and are not flagged). Each test prints its table; docs/privacy.md quotes them.</summary>
public sealed class PiiClassCorpusTests
{
    private const double RequiredRecall = 0.99;
    private const double RequiredCleanPass = 0.99;

    private readonly ITestOutputHelper _output;

    public PiiClassCorpusTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Tuning_half_and_tricky_cases_reach_99_percent_recall_per_class_and_99_percent_clean_pass()
    {
        var samples = ClassCorpus.Generate(ClassCorpus.Half.Tuning);
        samples.AddRange(PiiCorpusTests.ReadCorpus("tricky-classes.txt").Select(CorpusSample.Parse));
        AssertMeasured("tuning half + tricky cases (seed " + ClassCorpus.TuningSeed.ToString(CultureInfo.InvariantCulture) + ")", samples);
    }

    [Fact]
    public void Held_out_half_reaches_99_percent_recall_per_class_and_99_percent_clean_pass() =>
        AssertMeasured("held-out half (seed " + ClassCorpus.HeldOutSeed.ToString(CultureInfo.InvariantCulture) + ")",
            ClassCorpus.Generate(ClassCorpus.Half.HeldOut));

    [Fact]
    public void Fresh_half_reaches_99_percent_recall_per_class_and_99_percent_clean_pass() =>
        AssertMeasured("fresh half (seed " + ClassCorpus.FreshSeed.ToString(CultureInfo.InvariantCulture) + ")",
            ClassCorpus.Generate(ClassCorpus.Half.Fresh));

    [Fact]
    public void The_corpus_is_the_same_on_every_run()
    {
        var first = ClassCorpus.Generate(ClassCorpus.Half.Tuning);
        var second = ClassCorpus.Generate(ClassCorpus.Half.Tuning);
        Assert.Equal(first, second);
        Assert.NotEqual(first.Select(s => s.Value), ClassCorpus.Generate(ClassCorpus.Half.HeldOut).Select(s => s.Value));
    }

    private void AssertMeasured(string title, List<CorpusSample> samples)
    {
        var scanner = PiiScanner.Default;
        var rows = new SortedDictionary<string, ClassResult>(StringComparer.Ordinal);
        var failures = new StringBuilder();
        var findings = new PiiFinding[32];
        int clean = 0, cleanPassed = 0;
        foreach (var sample in samples)
        {
            var count = scanner.FindAll(sample.Value, findings);
            var result = Row(rows, sample.BaseClass);
            if (sample.IsPersonal)
            {
                result.Personal++;
                var covering = findings.Take(count)
                    .Where(f => f.Start <= sample.Start && f.End >= sample.Start + sample.Length).ToList();
                if (covering.Count == 0)
                {
                    failures.Append("MISSED ").Append(sample.Class).Append(": ").AppendLine(Printable(sample.Value));
                    continue;
                }

                result.Found++;
                if (covering.Any(f => f.Kind.ToString() == sample.Kind))
                {
                    result.KindRight++;
                }
            }
            else
            {
                clean++;
                result.Clean++;
                if (count == 0)
                {
                    cleanPassed++;
                    continue;
                }

                result.Flagged++;
                failures.Append("FLAGGED ").Append(sample.Class).Append(": ").Append(Printable(sample.Value))
                    .Append("  => ").AppendLine(string.Join(", ", findings.Take(count)));
            }
        }

        var cleanPass = (double)cleanPassed / clean;
        var table = new StringBuilder().Append("Class corpus, ").Append(title).Append(": ")
            .Append(samples.Count.ToString(CultureInfo.InvariantCulture)).AppendLine(" values")
            .AppendLine("| class | personal | recall | kind right | look-alikes and clean | flagged | precision |")
            .AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
        foreach (var (name, r) in rows)
        {
            table.Append(CultureInfo.InvariantCulture, $"| {name} | {r.Personal} | {Ratio(r.Found, r.Personal)} | {r.KindRight}/{r.Found} | ")
                .Append(CultureInfo.InvariantCulture, $"{r.Clean} | {r.Flagged} | {(r.Personal == 0 ? "n/a" : Ratio(r.Found, r.Found + r.Flagged))} |").AppendLine();
        }

        table.Append(CultureInfo.InvariantCulture, $"clean pass {cleanPass:F4} ({cleanPassed}/{clean})").AppendLine();
        _output.WriteLine(table.ToString());

        var lowRecall = rows.Where(r => r.Value.Personal > 0 && (double)r.Value.Found / r.Value.Personal < RequiredRecall)
            .Select(r => r.Key).ToList();
        Assert.True(lowRecall.Count == 0 && cleanPass >= RequiredCleanPass,
            $"recall below {RequiredRecall} for [{string.Join(", ", lowRecall)}], clean pass {cleanPass:F4}\n{table}\n{failures}");
    }

    private static ClassResult Row(SortedDictionary<string, ClassResult> rows, string name)
    {
        if (!rows.TryGetValue(name, out var result))
        {
            result = new ClassResult();
            rows[name] = result;
        }

        return result;
    }

    private static string Ratio(int part, int whole) =>
        whole == 0 ? "n/a" : ((double)part / whole).ToString("F4", CultureInfo.InvariantCulture);

    /// <summary>Shows invisible characters in failure messages, which would otherwise hide why a value failed.</summary>
    private static string Printable(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (char.GetUnicodeCategory(c) == UnicodeCategory.Format || c < ' ')
            {
                builder.Append(CultureInfo.InvariantCulture, $"{{U+{(int)c:X4}}}");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private sealed class ClassResult
    {
        public int Personal { get; set; }

        public int Found { get; set; }

        public int KindRight { get; set; }

        public int Clean { get; set; }

        public int Flagged { get; set; }
    }
}
