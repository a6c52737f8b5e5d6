namespace Candor.Core.Tests.Privacy.Corpus;

internal static partial class ClassCorpus
{
    /// <summary>Sentences and vocabulary of the tuning half.</summary>
    private static readonly Templates TuningTemplates = new(
        Neutral: ["{0}", "value={0}", "Failed to process {0}", "input '{0}' rejected", "Customer entered {0} in the form",
            "{\"data\":\"{0}\"}", "Lookup for {0} returned no match"],
        Keyworded: ["{K}: {0}", "Customer {K} {0} saved", "{\"{K}\":\"{0}\"}", "{K}={0}", "Updated {K} to {0} for the account",
            "Invalid input in field {K}: {0}"],
        Document: ["{K}: {0}", "{K} number {0}", "{K} No. {0} expired", "Scanned {K} {0}", "{K}# {0}", "{K} {0}"],
        DocumentWithoutNumber: ["{0} scan failed", "Upload of {0} photo timed out after 30 s", "{0} expired",
            "{0} check returned 404", "Verify {0} (step 2 of 5)"],
        PassportWords: ["passport", "Passport", "pasaporte", "Reisepass", "passeport", "paspoort", "旅券", "パスポート"],
        LicenceWords: ["driver's license", "Driver License", "driving licence", "DL", "Führerschein", "permis de conduire",
            "rijbewijs", "運転免許証"],
        IdCardWords: ["Personalausweis", "Ausweisnummer", "ID card", "identity card", "carte d'identité"],
        UserNames: ["jsmith", "john.smith", "mgarcia", "k.tanaka", "a.kumar", "lwei", "John Smith", "olga.petrova"],
        Servers: ["fs01", "FILESRV02", "nas", "home-srv", "corpfs.contoso.local"],
        Files: ["report.docx", "notes.txt", "q3-budget.xlsx", "photo_0042.jpg", "Outlook.pst"],
        NetworkHomePaths: [@"\\{s}\Users\{n}\Documents\{f}", @"\\{s}\home\{n}\{f}", @"\\{s}\homes\{n}\Desktop\{f}",
            @"\\{s}\profiles$\{n}.V6\AppData\Roaming\{f}", @"\\{s}\{n}$\{f}", @"\\{s}\c$\Users\{n}\AppData\Local\Temp\{f}",
            "//{s}/home/{n}/{f}", "smb://{s}/homes/{n}/{f}", @"\\?\UNC\{s}\Users\{n}\{f}"],
        DriveHomePaths: [@"{d}:\Users\{n}\Documents\{f}", @"{d}:\home\{n}\{f}", @"{d}:\homes\{n}\{f}", @"{d}:\profiles\{n}\Desktop\{f}"],
        SystemPaths: [@"\\{s}\builds\app\9.3.2411.1\setup.exe", @"\\{s}\deploy$\packages\{f}", @"\\{s}\c$\Windows\Temp\{f}",
            "//{s}/media/videos/{f}", "smb://{s}/backup/2026/11/{f}", @"{d}:\builds\release\{f}", @"{d}:\Data\Exports\{f}",
            @"\\{s}\SYSVOL\corp.local\Policies\{f}", @"\\{s}\NETLOGON\{f}"],
        PathSentences: ["Could not open {0}", "path={0}", "{0}", "Copying '{0}' failed: access denied"],
        Domains: ["contoso.com", "example.org", "fabrikam.co.uk", "mail.example.de"],
        CleanSentences: ["{0}", "value: {0}", "Operation finished: {0}", "[{0}]", "detail={0};", "Sync completed ({0})"]);

    /// <summary>Sentences and vocabulary of the held-out half: written before the detectors and never tuned to.
    /// </summary>
    private static readonly Templates HeldOutTemplates = new(
        Neutral: ["{0} was rejected by the validator", "field 7: {0}", "Imported line: Jane Roe, {0}, Berlin", "note => {0} <=",
            "<value>{0}</value>", "Kunde {0} angelegt"],
        Keyworded: ["{0} ({K})", "The {K} is {0}.", "<{K}>{0}</{K}>", "{K} no. {0} on file", "Applicant {K} - {0}",
            "{K} : {0} (verified)"],
        Document: ["{K} nummer {0}", "{0} ({K})", "The {K} number is {0}.", "{K}-Nr. {0}", "{K}：{0}", "holder {K} '{0}'"],
        DocumentWithoutNumber: ["{0} renewal reminder sent", "Missing {0} in application", "Invalid {0} data",
            "{0} verification service unavailable (503)"],
        PassportWords: ["passport no", "PASSPORT", "Reisepassnummer", "numéro de passeport", "paspoortnummer", "Pasaporte",
            "passport number", "パスポート番号"],
        LicenceWords: ["Drivers Licence", "DLN", "licencia de conducir", "Fuehrerschein", "driving license number",
            "Führerscheinnummer", "rijbewijsnummer", "免許証番号"],
        IdCardWords: ["Personalausweisnummer", "Ausweis-Nr.", "national ID card", "Personalausweis-Nr", "identity card number"],
        UserNames: ["fmueller", "s.dubois", "pvdberg", "r.silva", "Maria Garcia", "tnguyen", "priya.sharma", "e.yamada"],
        Servers: ["FS-HQ-01", "filer3", "dfs.corp.contoso.com", "nas02", "srv-profiles"],
        Files: ["contract.pdf", "cv_2026.docx", "IMG_1234.HEIC", "tax-return.pdf", "todo.md"],
        NetworkHomePaths: [@"\\{s}\RedirectedFolders\{n}\Documents\{f}", @"\\{s}\dfs\home\{n}\{f}", @"\\{s}\users$\{n}\{f}",
            "//{s}/Users/{n}/Desktop/{f}", "smb://{s}/{n}$/{f}", @"\\{s}\d$\Documents and Settings\{n}\{f}",
            "file://{s}/homes/{n}/{f}", @"\\{s}\profiles\{n}\{f}"],
        DriveHomePaths: ["{d}:/Users/{n}/{f}", @"{d}:\Documents and Settings\{n}\{f}", @"{d}:\Home\{n}\Documents\{f}",
            @"{d}:\Profiles\{n}.V2\{f}"],
        SystemPaths: [@"\\{s}\Shared\Finance\{f}", @"\\{s}\admin$\system32\{f}", @"{d}:\Projects\Contoso\{f}", "//{s}/public/{f}",
            "smb://{s}/software/{f}", @"\\{s}\print$\x64\{f}"],
        PathSentences: ["File {0} is locked", "<path>{0}</path>", "Sync root: {0} (offline)"],
        Domains: ["northwind.example", "contoso.fr", "woodgrove.com.br", "adatum.co.jp"],
        CleanSentences: ["{0} (see log)", "Diagnostics -> {0}", "\"{0}\"", "info {0} end", "{0}", "Result: {0}"]);

    private sealed record Templates(
        string[] Neutral,
        string[] Keyworded,
        string[] Document,
        string[] DocumentWithoutNumber,
        string[] PassportWords,
        string[] LicenceWords,
        string[] IdCardWords,
        string[] UserNames,
        string[] Servers,
        string[] Files,
        string[] NetworkHomePaths,
        string[] DriveHomePaths,
        string[] SystemPaths,
        string[] PathSentences,
        string[] Domains,
        string[] CleanSentences);
}
