namespace Candor.Core.Privacy;

/// <summary>The personal-number classes a word can name, as flags.</summary>
[Flags]
internal enum IdClass
{
    None = 0,
    Ssn = 1 << 0,
    Itin = 1 << 1,
    Nino = 1 << 2,
    Nhs = 1 << 3,
    Sin = 1 << 4,
    SteuerId = 1 << 5,
    Nir = 1 << 6,
    Bsn = 1 << 7,
    Aadhaar = 1 << 8,
    Pan = 1 << 9,
    Tfn = 1 << 10,
    MyNumber = 1 << 11,
    Cpf = 1 << 12,
    Cnpj = 1 << 13,

    /// <summary>"Tax id", "national id": any national number.</summary>
    AnyNational = 1 << 14,
    IdCard = 1 << 15,
    Passport = 1 << 16,
    Licence = 1 << 17,

    National = Ssn | Itin | Nino | Nhs | Sin | SteuerId | Nir | Bsn | Aadhaar | Pan | Tfn | MyNumber | Cpf | Cnpj,
    Documents = IdCard | Passport | Licence,
}

/// <summary>What the words around a number say it is: the name of a personal number ("SSN", "Steuer-ID",
/// "passport") within a short window, or a label or unit that makes it machine data ("order", "ts=", "ms",
/// "bytes").</summary>
/// <remarks>Bounded windows (<see cref="Before"/> characters before the number, <see cref="After"/> after) keep each
/// look-up constant in cost, so a value full of numbers stays linear.</remarks>
internal static class IdContext
{
    public const int Before = 48;
    public const int After = 24;

    /// <summary>Keywords in lower case. Whole: must end at a word boundary; otherwise a compound may continue it
    /// ("Reisepassnummer", "rijbewijsnummer").</summary>
    private static readonly (string Word, IdClass Class, bool Whole)[] Keywords =
    [
        ("ssn", IdClass.Ssn, true), ("ssns", IdClass.Ssn, true), ("social security", IdClass.Ssn | IdClass.Nir, false),
        ("soc sec", IdClass.Ssn, true), ("ss#", IdClass.Ssn, false), ("itin", IdClass.Itin, true),
        ("taxpayer", IdClass.Itin | IdClass.Ssn, false), ("tin", IdClass.Itin | IdClass.SteuerId, true),
        ("tax id", IdClass.AnyNational, false), ("tax identification", IdClass.AnyNational, false),
        ("tax number", IdClass.AnyNational, false), ("tax no", IdClass.AnyNational, true),
        ("national id", IdClass.AnyNational | IdClass.IdCard, false), ("national identi", IdClass.AnyNational, false),
        ("personal id", IdClass.AnyNational, false), ("nino", IdClass.Nino, true), ("national insurance", IdClass.Nino, false),
        ("ni number", IdClass.Nino, false), ("ni no", IdClass.Nino, true), ("nhs", IdClass.Nhs, true),
        ("sin", IdClass.Sin, true), ("social insurance", IdClass.Sin, false), ("nas", IdClass.Sin, true),
        ("assurance sociale", IdClass.Sin, false), ("steuer-id", IdClass.SteuerId, false), ("steuerid", IdClass.SteuerId, false),
        ("steuer id", IdClass.SteuerId, false), ("steueridentifikation", IdClass.SteuerId, false),
        ("steuer-identifikation", IdClass.SteuerId, false), ("identifikationsnummer", IdClass.SteuerId, false),
        ("idnr", IdClass.SteuerId, true), ("steuer-idnr", IdClass.SteuerId, false), ("steuernummer", IdClass.SteuerId, false),
        ("nir", IdClass.Nir, true), ("insee", IdClass.Nir, true), ("sécurité sociale", IdClass.Nir, false),
        ("securite sociale", IdClass.Nir, false), ("sécu", IdClass.Nir, true), ("carte vitale", IdClass.Nir, false),
        ("bsn", IdClass.Bsn, true), ("burgerservicenummer", IdClass.Bsn, false), ("sofinummer", IdClass.Bsn, false),
        ("sofi", IdClass.Bsn, true), ("aadhaar", IdClass.Aadhaar, false), ("aadhar", IdClass.Aadhaar, false),
        ("uidai", IdClass.Aadhaar, true), ("uid", IdClass.Aadhaar, true), ("आधार", IdClass.Aadhaar, false),
        ("pan", IdClass.Pan, true), ("permanent account number", IdClass.Pan, false), ("tfn", IdClass.Tfn, true),
        ("tax file", IdClass.Tfn, false), ("my number", IdClass.MyNumber, false), ("mynumber", IdClass.MyNumber, false),
        ("マイナンバー", IdClass.MyNumber, false), ("個人番号", IdClass.MyNumber, false), ("cpf", IdClass.Cpf, true),
        ("cadastro de pessoa", IdClass.Cpf, false), ("cnpj", IdClass.Cnpj, true),
        ("personalausweis", IdClass.IdCard, false), ("ausweis", IdClass.IdCard, false), ("id card", IdClass.IdCard, false),
        ("id-card", IdClass.IdCard, false), ("identity card", IdClass.IdCard, false), ("identity document", IdClass.IdCard, false),
        ("carte d'identité", IdClass.IdCard, false), ("carte d’identité", IdClass.IdCard, false),
        ("carte d'identite", IdClass.IdCard, false), ("carte nationale d", IdClass.IdCard, false), ("cni", IdClass.IdCard, true),
        ("identiteitskaart", IdClass.IdCard, false), ("id-kaart", IdClass.IdCard, false), ("dni", IdClass.IdCard, true),
        ("documento de identidad", IdClass.IdCard, false), ("身分証", IdClass.IdCard, false), ("身份证", IdClass.IdCard, false),
        ("passport", IdClass.Passport, false), ("pasaporte", IdClass.Passport, false), ("passaporte", IdClass.Passport, false),
        ("passeport", IdClass.Passport, false), ("reisepass", IdClass.Passport, false), ("paspoort", IdClass.Passport, false),
        ("passaporto", IdClass.Passport, false), ("paszport", IdClass.Passport, false), ("паспорт", IdClass.Passport, false),
        ("旅券", IdClass.Passport, false), ("パスポート", IdClass.Passport, false), ("护照", IdClass.Passport, false),
        ("護照", IdClass.Passport, false), ("여권", IdClass.Passport, false),
        ("driver's licen", IdClass.Licence, false), ("driver’s licen", IdClass.Licence, false),
        ("drivers licen", IdClass.Licence, false), ("driver licen", IdClass.Licence, false),
        ("driving licen", IdClass.Licence, false), ("dl", IdClass.Licence, true), ("dln", IdClass.Licence, true),
        ("führerschein", IdClass.Licence, false), ("fuehrerschein", IdClass.Licence, false),
        ("fuhrerschein", IdClass.Licence, false), ("permis de conduire", IdClass.Licence, false),
        ("rijbewijs", IdClass.Licence, false), ("licencia de conducir", IdClass.Licence, false),
        ("licencia de manejo", IdClass.Licence, false), ("carteira de motorista", IdClass.Licence, false),
        ("carteira nacional de habilita", IdClass.Licence, false), ("cnh", IdClass.Licence, true),
        ("patente di guida", IdClass.Licence, false), ("prawo jazdy", IdClass.Licence, false),
        ("運転免許", IdClass.Licence, false), ("免許証", IdClass.Licence, false), ("驾驶证", IdClass.Licence, false),
        ("駕照", IdClass.Licence, false), ("운전면허", IdClass.Licence, false),
    ];

    /// <summary>Labels that make the number after them machine data: ids of records and requests, counters,
    /// times, sizes, versions, codes.</summary>
    private static readonly string[] MachineLabels =
    [
        "order", "ticket", "invoice", "record", "row", "job", "request", "req", "trace", "session", "build",
        "incident", "pid", "tid", "thread", "port", "seq", "sequence", "offset", "count", "total", "size",
        "length", "len", "bytes", "ts", "timestamp", "time", "epoch", "elapsed", "duration", "latency", "ticks", "version",
        "ver", "revision", "rev", "commit", "changeset", "page", "line", "error", "code", "status", "hresult", "errno",
        "attempt", "retry", "batch", "chunk", "block", "frame", "packet", "msg", "message", "event", "eventid", "tx",
        "txn", "transaction", "checksum", "crc", "hash", "nonce", "id", "serial", "sn", "node", "shard",
        "partition", "generation", "gen", "lsn", "cursor", "etag", "correlation", "activity", "operation", "op",
    ];

    /// <summary>Units that make the number before them a measurement or a count.</summary>
    private static readonly string[] Units =
    [
        "ms", "s", "sec", "secs", "seconds", "ns", "us", "µs", "min", "mins", "minutes", "h", "hrs", "hours", "days", "b",
        "bytes", "kb", "mb", "gb", "tb", "kib", "mib", "gib", "records", "rows", "items", "events", "files", "entries",
        "objects", "messages", "requests", "ticks", "times", "px", "%", "x", "users", "devices", "calls", "hits", "ops",
    ];

    /// <summary>Indexes of <see cref="Keywords"/> by first letter (a–z), and those starting beyond ASCII, so a look-up
    /// compares only the few keywords that can match.</summary>
    private static readonly int[][] ByLetter = IndexKeywords(out NonAsciiKeywords);

    private static readonly int[] NonAsciiKeywords;

    /// <summary>Whether the text is a unit of time, size or count (<c>ms</c>, <c>MB</c>, <c>records</c>).</summary>
    public static bool IsUnit(ReadOnlySpan<char> word) => IsOneOf(word, Units, suffixes: false);

    /// <summary>The classes named by keywords that end within <see cref="Before"/> characters before
    /// <paramref name="start"/> or start within <see cref="After"/> characters after <paramref name="end"/>.</summary>
    public static IdClass KeywordsAround(ReadOnlySpan<char> s, int start, int end)
    {
        var found = IdClass.None;
        var from = Math.Max(0, start - Before);
        for (var i = from; i < start; i++)
        {
            found |= KeywordAt(s, i, start);
        }

        var to = Math.Min(s.Length, end + After);
        for (var i = end; i < to; i++)
        {
            found |= KeywordAt(s, i, s.Length);
        }

        return found;
    }

    /// <summary>The class of a keyword starting at <paramref name="i"/> and ending at or before <paramref name="limit"/>,
    /// or <see cref="IdClass.None"/>. A keyword starts a word, except in scripts written without spaces.</summary>
    public static IdClass KeywordAt(ReadOnlySpan<char> s, int i, int limit) => KeywordAt(s, i, limit, out _);

    public static IdClass KeywordAt(ReadOnlySpan<char> s, int i, int limit, out int keywordEnd)
    {
        keywordEnd = i;
        var c = s[i];
        var ascii = c < 128;
        if ((ascii && !Chars.IsAsciiLetter(c)) || (!ascii && !char.IsLetter(c)) ||
            (ascii && i > 0 && Chars.IsAsciiAlnum(s[i - 1])))
        {
            return IdClass.None;
        }

        var lower = ascii ? (char)(c | 0x20) : char.ToLowerInvariant(c);
        var found = IdClass.None;
        foreach (var index in ascii ? ByLetter[lower - 'a'] : NonAsciiKeywords)
        {
            var (word, cls, whole) = Keywords[index];
            if (word[0] != lower || i + word.Length > limit || !MatchesLower(s, i, word))
            {
                continue;
            }

            var after = Chars.At(s, i + word.Length);
            if (whole && (Chars.IsAsciiLetter(after) || (after > 127 && char.IsLetter(after))))
            {
                continue;
            }

            // Document abbreviations are ordinary syllables in lower case ("dl.contoso.com"); national ones only
            // narrow the check, so they count in JSON keys ("sin", "pan") too.
            if (IsDocumentAbbreviation(word) && !IsUpperWord(s, i, word.Length))
            {
                continue;
            }

            found |= cls;
            keywordEnd = Math.Max(keywordEnd, i + word.Length);
        }

        return found;
    }

    /// <summary>Whether a label right before the number or a unit right after it says it is machine data.</summary>
    public static bool IsMachineData(ReadOnlySpan<char> s, int start, int end) => HasMachineLabel(s, start) || HasUnitAfter(s, end);

    private static bool HasMachineLabel(ReadOnlySpan<char> s, int start)
    {
        // The word before, across one separator run such as " #", "=", ": " or "\":\"".
        var i = start - 1;
        var separators = 0;
        while (i >= 0 && separators < 4 && s[i] is ' ' or '=' or ':' or '#' or '"' or '\'' or '(' or '[')
        {
            i--;
            separators++;
        }

        var wordEnd = i + 1;
        while (i >= 0 && (Chars.IsAsciiLetter(s[i]) || s[i] == '_'))
        {
            i--;
        }

        return wordEnd - (i + 1) > 0 && IsOneOf(s.Slice(i + 1, wordEnd - (i + 1)), MachineLabels, suffixes: true);
    }

    /// <summary>Whether a unit follows the number, directly or after one space ("1840 ms", "512MB").</summary>
    public static bool HasUnitAfter(ReadOnlySpan<char> s, int end)
    {
        var j = end;
        if (Chars.At(s, j) == ' ')
        {
            j++;
        }

        var unitStart = j;
        while (j < s.Length && (Chars.IsAsciiLetter(s[j]) || s[j] is '%' or 'µ'))
        {
            j++;
        }

        return j > unitStart && !Chars.IsDigit(Chars.At(s, j)) && IsOneOf(s.Slice(unitStart, j - unitStart), Units, suffixes: false);
    }

    private static int[][] IndexKeywords(out int[] nonAscii)
    {
        var byLetter = new int[26][];
        for (var letter = 0; letter < 26; letter++)
        {
            byLetter[letter] = Enumerable.Range(0, Keywords.Length).Where(k => Keywords[k].Word[0] == 'a' + letter).ToArray();
        }

        nonAscii = Enumerable.Range(0, Keywords.Length).Where(k => Keywords[k].Word[0] > 127).ToArray();
        return byLetter;
    }

    private static bool IsDocumentAbbreviation(string word) => word is "dl" or "dln" or "cnh" or "cni" or "dni";

    private static bool IsOneOf(ReadOnlySpan<char> word, string[] words, bool suffixes)
    {
        foreach (var candidate in words)
        {
            if (word.Length == candidate.Length && MatchesLower(word, 0, candidate))
            {
                return true;
            }

            // A label may end a compound identifier: "orderId", "request_id", "eventCount".
            var at = word.Length - candidate.Length;
            if (suffixes && at > 0 && (word[at - 1] == '_' || Chars.IsUpper(word[at])) && MatchesLower(word, at, candidate))
            {
                return true;
            }
        }

        return false;
    }

    private static bool MatchesLower(ReadOnlySpan<char> s, int at, string lower)
    {
        if (at < 0 || at + lower.Length > s.Length)
        {
            return false;
        }

        for (var k = 0; k < lower.Length; k++)
        {
            var c = s[at + k];
            var folded = c < 128 ? (Chars.IsAsciiLetter(c) ? (char)(c | 0x20) : c) : char.ToLowerInvariant(c);
            if (folded != lower[k])
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsUpperWord(ReadOnlySpan<char> s, int at, int length)
    {
        for (var k = 0; k < length; k++)
        {
            if (!Chars.IsUpper(s[at + k]))
            {
                return false;
            }
        }

        return true;
    }
}
