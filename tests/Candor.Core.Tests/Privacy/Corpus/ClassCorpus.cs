namespace Candor.Core.Tests.Privacy.Corpus;

/// <summary>The labelled corpus by class, generated from a seed: personal numbers, paths and documents of each class
/// in several layouts and sentences, their look-alikes, and ordinary diagnostic values. Deterministic: the same seed
/// and half give the same samples on every run and machine (<see cref="Random"/> with a seed keeps its sequence).
/// </summary>
/// <remarks>The <see cref="Half.Tuning"/> half is what the detectors were developed against. The
/// <see cref="Half.HeldOut"/> half uses another seed and other sentences, written before the detectors, and is only
/// measured, never tuned to.</remarks>
internal static partial class ClassCorpus
{
    public const int TuningSeed = 20261129;
    public const int HeldOutSeed = 7_340_021;
    public const int FreshSeed = 424_242;

    private const int PerClass = 120;
    private const int PerLookalikeClass = 60;
    private const int PerCleanClass = 60;

    public enum Half
    {
        Tuning,
        HeldOut,
        Fresh,
    }

    public static List<CorpusSample> Generate(Half half)
    {
        var random = new Random(half switch { Half.Tuning => TuningSeed, Half.HeldOut => HeldOutSeed, _ => FreshSeed });
        var t = half switch { Half.Tuning => TuningTemplates, Half.HeldOut => HeldOutTemplates, _ => FreshTemplates };
        var samples = new List<CorpusSample>();
        foreach (var c in NumberClasses)
        {
            for (var i = 0; i < PerClass; i++)
            {
                // Classes without a check digit are personal only where a word says so.
                var keyworded = !c.SelfEvident || i % 3 == 0;
                var template = keyworded
                    ? Fill(t.Keyworded[random.Next(t.Keyworded.Length)], c.Keywords[random.Next(c.Keywords.Length)])
                    : t.Neutral[random.Next(t.Neutral.Length)];
                var value = c.Valid(random, keyworded);
                samples.Add(CorpusSample.Personal(c.Name, c.Kind, template, value));
            }

            for (var i = 0; i < PerLookalikeClass && c.Invalid is not null; i++)
            {
                var template = i % 2 == 0
                    ? Fill(t.Keyworded[random.Next(t.Keyworded.Length)], c.Keywords[random.Next(c.Keywords.Length)])
                    : t.Neutral[random.Next(t.Neutral.Length)];
                samples.Add(CorpusSample.Clean("lookalike:" + c.Name, template, c.Invalid(random)));
            }
        }

        AddDocuments(samples, random, t);
        AddPaths(samples, random, t);
        AddUnicode(samples, random, t);
        AddClean(samples, random, t);
        return samples;
    }

    private static void AddDocuments(List<CorpusSample> samples, Random random, Templates t)
    {
        for (var i = 0; i < PerClass; i++)
        {
            samples.Add(CorpusSample.Personal("Passport", "PassportNumber",
                Fill(t.Document[random.Next(t.Document.Length)], PersonalNumbers.Pick(random, t.PassportWords)),
                PersonalNumbers.Passport(random)));
            samples.Add(CorpusSample.Personal("DrivingLicence", "DriversLicenseNumber",
                Fill(t.Document[random.Next(t.Document.Length)], PersonalNumbers.Pick(random, t.LicenceWords)),
                PersonalNumbers.DrivingLicence(random)));
            samples.Add(CorpusSample.Personal("DE-IdCard", "NationalId",
                Fill(t.Document[random.Next(t.Document.Length)], PersonalNumbers.Pick(random, t.IdCardWords)),
                PersonalNumbers.IdCard(random, withCheck: random.Next(2) == 0)));
        }

        for (var i = 0; i < PerLookalikeClass; i++)
        {
            // The words without a number, and document-shaped tokens without the words.
            samples.Add(CorpusSample.Clean("lookalike:Passport", t.DocumentWithoutNumber[random.Next(t.DocumentWithoutNumber.Length)],
                PersonalNumbers.Pick(random, t.PassportWords)));
            samples.Add(CorpusSample.Clean("lookalike:DrivingLicence", t.DocumentWithoutNumber[random.Next(t.DocumentWithoutNumber.Length)],
                PersonalNumbers.Pick(random, t.LicenceWords)));
            samples.Add(CorpusSample.Clean("lookalike:DE-IdCard", t.Neutral[random.Next(t.Neutral.Length)],
                PersonalNumbers.IdCard(random, withCheck: true)));
        }
    }

    private static void AddPaths(List<CorpusSample> samples, Random random, Templates t)
    {
        for (var i = 0; i < PerClass; i++)
        {
            var name = PersonalNumbers.Pick(random, t.UserNames);
            var server = PersonalNumbers.Pick(random, t.Servers);
            var file = PersonalNumbers.Pick(random, t.Files);
            var network = PersonalNumbers.Pick(random, t.NetworkHomePaths).Replace("{s}", server, StringComparison.Ordinal)
                .Replace("{n}", name, StringComparison.Ordinal).Replace("{f}", file, StringComparison.Ordinal);
            samples.Add(CorpusSample.Personal("NetworkHomePath", "HomeDirectoryPath", t.PathSentences[random.Next(t.PathSentences.Length)], network));
            var drive = PersonalNumbers.Pick(random, t.DriveHomePaths).Replace("{d}", "HUZYXPQ"[random.Next(7)].ToString(), StringComparison.Ordinal)
                .Replace("{n}", name, StringComparison.Ordinal).Replace("{f}", file, StringComparison.Ordinal);
            samples.Add(CorpusSample.Personal("MappedDriveHomePath", "HomeDirectoryPath", t.PathSentences[random.Next(t.PathSentences.Length)], drive));
        }

        for (var i = 0; i < PerLookalikeClass; i++)
        {
            var path = PersonalNumbers.Pick(random, t.SystemPaths).Replace("{s}", PersonalNumbers.Pick(random, t.Servers), StringComparison.Ordinal)
                .Replace("{d}", "HUZYXPQ"[random.Next(7)].ToString(), StringComparison.Ordinal)
                .Replace("{f}", PersonalNumbers.Pick(random, t.Files), StringComparison.Ordinal);
            samples.Add(CorpusSample.Clean("lookalike:NetworkHomePath", t.PathSentences[random.Next(t.PathSentences.Length)], path));
        }
    }

    /// <summary>Personal values hidden with invisible format characters or compatibility forms.</summary>
    private static void AddUnicode(List<CorpusSample> samples, Random random, Templates t)
    {
        string[] invisible = ["\u200B", "\u200C", "\u200D", "\u2060", "\u00AD", "\uFEFF", "\u200E", "\u200F", "\u202A", "\u2066"];
        for (var i = 0; i < PerClass; i++)
        {
            var (kind, plain) = random.Next(4) switch
            {
                0 => ("Email", PersonalNumbers.Pick(random, t.UserNames).ToLowerInvariant().Replace(' ', '.') + "@" + PersonalNumbers.Pick(random, t.Domains)),
                1 => ("NationalId", PersonalNumbers.Ssn(random).Replace(' ', '-')),
                2 => ("NationalId", PersonalNumbers.Cpf(random)),
                _ => ("HomeDirectoryPath", @"C:\Users\" + PersonalNumbers.Pick(random, t.UserNames) + @"\Documents\" + PersonalNumbers.Pick(random, t.Files)),
            };

            var hidden = random.Next(3) switch
            {
                0 => Fullwidth(plain, random),
                1 => Insert(plain, random, invisible),
                _ => Insert(Fullwidth(plain, random), random, invisible),
            };
            samples.Add(CorpusSample.Personal("UnicodeHidden", kind, t.Neutral[random.Next(t.Neutral.Length)], hidden));
        }
    }

    private static void AddClean(List<CorpusSample> samples, Random random, Templates t)
    {
        foreach (var (name, make) in CleanValues)
        {
            for (var i = 0; i < PerCleanClass; i++)
            {
                samples.Add(CorpusSample.Clean("clean:" + name, t.CleanSentences[random.Next(t.CleanSentences.Length)], make(random)));
            }
        }
    }

    /// <summary>Replaces some characters between the first and the last with their fullwidth forms.</summary>
    private static string Fullwidth(string text, Random random)
    {
        var chars = text.ToCharArray();
        var all = random.Next(3) == 0;
        for (var i = 0; i < chars.Length; i++)
        {
            if (chars[i] is > ' ' and < '\u007F' && (all || random.Next(3) == 0))
            {
                chars[i] = (char)(chars[i] - 0x21 + 0xFF01);
            }
        }

        return new string(chars);
    }

    /// <summary>Inserts one to three invisible characters strictly inside the text, so its first and last characters
    /// stay visible and the expected span is exactly the text.</summary>
    private static string Insert(string text, Random random, string[] invisible)
    {
        var positions = Enumerable.Range(0, random.Next(1, 4)).Select(_ => random.Next(1, text.Length))
            .OrderByDescending(p => p).ToList();
        foreach (var position in positions)
        {
            text = text.Insert(position, invisible[random.Next(invisible.Length)]);
        }

        return text;
    }

    private static string Fill(string template, string keyword) => template.Replace("{K}", keyword, StringComparison.Ordinal);
}
