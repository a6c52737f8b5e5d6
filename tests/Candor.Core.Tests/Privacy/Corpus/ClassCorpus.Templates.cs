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

    /// <summary>Sentences and vocabulary of the fresh half, written after the held-out half had been measured once and
    /// its misses fixed, so that one measurement stays untouched by tuning.</summary>
    private static readonly Templates FreshTemplates = new(
        Neutral: ["[{0}]", "payload: {0} (truncated)", "Merge conflict on {0}", "x;{0}",
            "Der Wert {0} ist ungültig", "valeur saisie : {0}", "{\"v\": \"{0}\", \"n\": 2}"],
        Keyworded: ["Please confirm your {K} ({0})", "{K} -> {0}", "[{K}] {0}", "{K} was {0}", "Valor do {K}: {0}",
            "{K}\t{0}"],
        Document: ["{K}: #{0}", "Copy of {K} {0} attached", "{K} ({0})", "{0} - {K}", "{K} no {0} (renewed)",
            "Subject: {K} {0}"],
        DocumentWithoutNumber: ["{0} module loaded", "Cannot parse {0} field", "{0}: not provided", "{0} OCR timeout (30000 ms)"],
        PassportWords: ["Passport#", "passport ID", "Reisepass-Nr.", "passeport", "Paspoortnummer", "pasaporte no",
            "旅券", "护照"],
        LicenceWords: ["DL No", "driver licence", "Führerschein", "permis de conduire n°", "Rijbewijs", "driver's license #",
            "運転免許証番号", "CDL driver license"],
        IdCardWords: ["Personalausweis", "identity card no", "Ausweis", "carte nationale d'identité", "ID-kaart"],
        UserNames: ["hschmidt", "c.martin", "jvandijk", "a.oliveira", "Kenji Sato", "mbrown", "d.kowalczyk", "lucia.rossi"],
        Servers: ["fs-eu-03", "HOMESRV", "storage01.ad.example", "nas-berlin", "FILER9"],
        Files: ["invoice_77.pdf", "resume.docx", "family.jpg", "passwords.kdbx", "diary.txt"],
        NetworkHomePaths: [@"\\{s}\Users\{n}\Pictures\{f}", @"\\{s}\home$\{n}\{f}", "//{s}/homes/{n}/Documents/{f}",
            @"\\{s}\e$\Users\{n}\Desktop\{f}", "smb://{s}/Users/{n}/{f}", @"\\{s}\UserData\{n}\{f}",
            @"\\{s}\{n}$\Documents\{f}"],
        DriveHomePaths: [@"{d}:\Users\{n}\Pictures\{f}", @"{d}:\homes\{n}\Documents\{f}", @"{d}:/home/{n}/{f}",
            @"{d}:\profiles\{n}\AppData\{f}"],
        SystemPaths: [@"\\{s}\Software\Adobe\{f}", @"\\{s}\ipc$", @"{d}:\Temp\{f}", "//{s}/scans/{f}",
            "smb://{s}/printers/{f}", @"\\{s}\netlogon\logon.bat"],
        PathSentences: ["Opening {0}", "Access to the path '{0}' is denied.", "src={0}"],
        Domains: ["example.net", "contoso.de", "fabrikam.nl", "tailspin.in"],
        CleanSentences: ["Value {0} accepted", "{0}", "metric={0}", "(x) {0} (y)", "got {0}, expected none"]);

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
