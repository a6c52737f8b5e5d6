using System.Globalization;

namespace Candor.Core.Tests.Privacy.Corpus;

internal static partial class ClassCorpus
{
    /// <summary>Ordinary diagnostic values, generated with the number lengths and shapes that personal numbers have
    /// too, so the look-alike risk is measured rather than avoided.</summary>
    private static readonly (string Name, Func<Random, string> Make)[] CleanValues =
    [
        ("version", static r => r.Next(4) switch
        {
            0 => $"{r.Next(1, 20)}.{r.Next(0, 10)}.{r.Next(1000, 30000)}.{r.Next(0, 5000)}",
            1 => $"{r.Next(0, 20)}.{r.Next(0, 40)}.{r.Next(0, 400)}",
            2 => $"Version={r.Next(1, 12)}.{r.Next(0, 10)}.{r.Next(0, 10)}.{r.Next(0, 10)}",
            _ => $"v{r.Next(1, 10)}.{r.Next(0, 30)}.{r.Next(0, 100)}-rc.{r.Next(1, 9)}",
        }),
        ("guid", static r => NewGuid(r).ToString(PersonalNumbers.Pick(r, "D", "N", "B"), CultureInfo.InvariantCulture)),
        ("hash", static r => Hex(r, PersonalNumbers.Pick(r, "32", "40", "64") switch { "32" => 32, "40" => 40, _ => 64 }, r.Next(4) == 0)),
        ("timestamp", static r =>
        {
            var t = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(r.Next(0, 300_000_000));
            var unix = (long)(t - DateTime.UnixEpoch).TotalSeconds;
            return r.Next(5) switch
            {
                0 => t.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
                1 => "ts=" + unix.ToString(CultureInfo.InvariantCulture),
                2 => (unix * 1000 + r.Next(1000)).ToString(CultureInfo.InvariantCulture),
                3 => t.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture),
                _ => unix.ToString(CultureInfo.InvariantCulture),
            };
        }),
        ("duration", static r => r.Next(4) switch
        {
            0 => $"{r.Next(1, 100000)} ms",
            1 => $"elapsed={r.Next(100_000, 999_999_999)}ns",
            2 => TimeSpan.FromMilliseconds(r.Next(0, 90_000_000)).ToString("c", CultureInfo.InvariantCulture),
            _ => $"took {r.Next(100_000_000, 999_999_999)} ticks",
        }),
        ("count", static r => r.Next(4) switch
        {
            0 => $"Processed {r.Next(1, int.MaxValue)} records",
            1 => $"{r.Next(10_000_000, int.MaxValue)} bytes",
            2 => $"count={r.Next(1, int.MaxValue)}",
            _ => r.Next(1_000_000, int.MaxValue).ToString("N0", CultureInfo.InvariantCulture),
        }),
        ("record-id", static r => r.Next(5) switch
        {
            0 => $"order #{r.Next(10_000, int.MaxValue)}",
            1 => $"ticket INC{r.Next(0, 10_000_000):D7}",
            2 => $"row {r.Next(1, 100_000_000)}",
            3 => $"id={r.NextInt64(100_000_000, 999_999_999_999)}",
            _ => $"request {NewGuid(r)}",
        }),
        ("build-number", static r => r.Next(3) switch
        {
            0 => $"{r.Next(2020, 2027)}{r.Next(1, 13):D2}{r.Next(1, 29):D2}.{r.Next(1, 20)}",
            1 => $"build {r.Next(10_000, 999_999)}",
            _ => $"Build {r.Next(19000, 27000)}.{r.Next(1, 5000)}",
        }),
        ("http-status", static r => PersonalNumbers.Pick(r, "HTTP 503", "status=404", "Response status code 429", "500 Internal Server Error",
            "HTTP/1.1 302 Found", "statusCode: 401")),
        ("port", static r => PersonalNumbers.Pick(r, "localhost", "api.contoso.com", "db") + ":" + r.Next(1024, 65536).ToString(CultureInfo.InvariantCulture)),
        ("ip-like", static r => r.Next(3) switch
        {
            0 => $"1.3.6.1.4.1.{r.Next(1, 60000)}.{r.Next(1, 100)}.{r.Next(1, 10)}",
            1 => $"Version={r.Next(1, 12)}.{r.Next(0, 10)}.0.0",
            _ => $"{r.Next(256, 999)}.{r.Next(0, 255)}.{r.Next(0, 255)}.{r.Next(0, 255)}",
        }),
        ("error-code", static r => r.Next(5) switch
        {
            0 => "0x" + r.Next(unchecked((int)0x80000000), -1).ToString("X8", CultureInfo.InvariantCulture),
            1 => "HRESULT " + r.Next(int.MinValue, -1).ToString(CultureInfo.InvariantCulture),
            2 => PersonalNumbers.Pick(r, "error CS0246", "ORA-12541", "errno 13", "SQLSTATE 23505", "E_ACCESSDENIED"),
            3 => $"Win32 error {r.Next(1, 16000)}",
            _ => "NTSTATUS 0xC" + r.Next(0, 0x0FFFFFFF).ToString("X7", CultureInfo.InvariantCulture),
        }),
        ("file-path", static r => PersonalNumbers.Pick(r, @"C:\Program Files\Contoso\Sync\sync.exe", "/var/log/contoso/sync.log",
            @"D:\a\1\s\src\App\MainWindow.xaml.cs", "/usr/lib/x86_64-linux-gnu/libssl.so.3", @"C:\ProgramData\Contoso\cache\blob_" +
            r.Next(100000, 999999).ToString(CultureInfo.InvariantCulture) + ".bin", @"E:\Exports\2026\11\events.parquet",
            "/opt/contoso/data/segment-" + r.Next(1, 99999999).ToString("D8", CultureInfo.InvariantCulture) + ".db")),
        ("url", static r => PersonalNumbers.Pick(r, "https://api.contoso.com/v2/orders/", "https://cdn.contoso.com/assets/",
            "http://localhost:5000/health/") + r.Next(1, int.MaxValue).ToString(CultureInfo.InvariantCulture)),
    ];

    private static Guid NewGuid(Random r)
    {
        var bytes = new byte[16];
        r.NextBytes(bytes);
        return new Guid(bytes);
    }

    private static string Hex(Random r, int length, bool upper)
    {
        var chars = new char[length];
        const string digits = "0123456789abcdef";
        for (var i = 0; i < length; i++)
        {
            chars[i] = digits[r.Next(16)];
        }

        var text = new string(chars);
        return upper ? text.ToUpperInvariant() : text;
    }
}
