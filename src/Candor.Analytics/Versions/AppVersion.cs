using System.Globalization;

namespace Candor.Analytics.Versions;

/// <summary>Orders app versions as versions, not text: numeric parts compare as numbers (<c>1.10</c> after
/// <c>1.9</c>), a pre-release suffix (<c>1.2.0-beta</c>) sorts before its release, and text parts compare
/// ordinally. Total and deterministic: two different strings never compare equal.</summary>
internal sealed class AppVersionComparer : IComparer<string>
{
    public static readonly AppVersionComparer Instance = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        var (xCore, xPre) = Split(x);
        var (yCore, yPre) = Split(y);
        var xs = xCore.Split('.');
        var ys = yCore.Split('.');
        for (var i = 0; i < Math.Max(xs.Length, ys.Length); i++)
        {
            var a = i < xs.Length ? xs[i] : "0";
            var b = i < ys.Length ? ys[i] : "0";
            var c = ComparePart(a, b);
            if (c != 0)
            {
                return c;
            }
        }

        // Same release: the one without a pre-release suffix is the later.
        if ((xPre is null) != (yPre is null))
        {
            return xPre is null ? 1 : -1;
        }

        var pre = string.CompareOrdinal(xPre, yPre);
        return pre != 0 ? pre : string.CompareOrdinal(x, y);
    }

    private static (string Core, string? Pre) Split(string version)
    {
        var cut = version.IndexOfAny(['-', '+']);
        return cut < 0 ? (version, null) : (version[..cut], version[(cut + 1)..]);
    }

    private static int ComparePart(string a, string b)
    {
        var aNumeric = ulong.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out var an);
        var bNumeric = ulong.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out var bn);
        if (aNumeric && bNumeric)
        {
            return an.CompareTo(bn);
        }

        // A number sorts before text in the same position (1.0.1 before 1.0.a), as in SemVer pre-release identifiers.
        if (aNumeric != bNumeric)
        {
            return aNumeric ? -1 : 1;
        }

        return string.CompareOrdinal(a, b);
    }
}
