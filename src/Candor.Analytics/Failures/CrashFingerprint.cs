using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Candor.Analytics.Failures;

/// <summary>Groups crashes: a fingerprint of the exception type and the normalised in-app frames of the stack
/// signature. Normalising drops what changes between builds and machines but not between occurrences of one bug:
/// line numbers, IL offsets and addresses, argument lists, generic arity; framework frames (<c>System.*</c>,
/// <c>Microsoft.Extensions.*</c>, ...) are left out because they are the same for unrelated bugs; repeated
/// frames and repeated cycles of up to four frames (recursion) collapse into one.</summary>
internal static partial class CrashFingerprint
{
    /// <summary>Namespaces of the .NET runtime and frameworks. <c>Microsoft.*</c> is not wholesale framework:
    /// Dynamics 365 products are themselves <c>Microsoft.Dynamics.*</c>, so only the runtime's own Microsoft
    /// namespaces are listed.</summary>
    private static readonly string[] FrameworkPrefixes =
    [
        "System", "Microsoft.Win32", "Microsoft.CSharp", "Microsoft.VisualBasic", "Microsoft.Extensions", "Microsoft.AspNetCore",
        "Microsoft.NET", "Microsoft.Internal", "Internal", "Windows", "MS", "mscorlib", "netstandard", "WindowsBase",
        "PresentationCore", "PresentationFramework",
    ];

    public static (string Fingerprint, string Frames) Compute(string exceptionType, string stackSignature)
    {
        var frames = Normalise(stackSignature);
        var joined = string.Join(" | ", frames);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(exceptionType.Trim() + "\n" + joined));
        return (Convert.ToHexStringLower(hash.AsSpan(0, 8)), joined);
    }

    /// <summary>The normalised frames of a signature, framework frames left out (all kept when none is in-app).</summary>
    public static IReadOnlyList<string> Normalise(string stackSignature)
    {
        var all = new List<(string Frame, bool Framework)>();
        foreach (var raw in stackSignature.Split(['|', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var frame = NormaliseFrame(raw);
            if (frame.Length > 0)
            {
                all.Add((frame, IsFramework(frame)));
            }
        }

        var inApp = all.Where(f => !f.Framework).Select(f => f.Frame).ToList();
        return CollapseRecursion(inApp.Count > 0 ? inApp : [.. all.Select(f => f.Frame)]);
    }

    /// <summary>The frames of one stack signature as sent, each marked in-app (not a framework frame): the
    /// representative stack a failure group shows.</summary>
    public static IReadOnlyList<(string Frame, bool InApp)> Frames(string stackSignature) =>
    [
        .. stackSignature.Split(['|', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(raw => (Raw: raw, Normalised: NormaliseFrame(raw)))
            .Where(f => f.Normalised.Length > 0)
            .Select(f => (f.Raw, !IsFramework(f.Normalised))),
    ];

    internal static string NormaliseFrame(string frame)
    {
        var f = frame.Trim();
        if (f.StartsWith("at ", StringComparison.Ordinal))
        {
            f = f[3..];
        }

        f = FileAndLine().Replace(f, "");
        f = Offset().Replace(f, "");
        f = Arguments().Replace(f, "");
        f = Arity().Replace(f, "");
        return f.Trim();
    }

    private static bool IsFramework(string frame)
    {
        // "module!Type.Method": the method's namespace decides; a frame in a framework module is framework too.
        var bang = frame.IndexOf('!', StringComparison.Ordinal);
        var module = bang > 0 ? frame[..bang] : null;
        var method = bang > 0 ? frame[(bang + 1)..] : frame;
        return StartsWithNamespace(method) || (module is not null && StartsWithNamespace(module));
    }

    private static bool StartsWithNamespace(string name) =>
        FrameworkPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal) && (name.Length == p.Length || name[p.Length] == '.'))
        || name.StartsWith("System.Private.", StringComparison.Ordinal);

    private static List<string> CollapseRecursion(List<string> frames)
    {
        for (var length = 1; length <= 4; length++)
        {
            var i = 0;
            while (i + (2 * length) <= frames.Count)
            {
                if (frames.Skip(i).Take(length).SequenceEqual(frames.Skip(i + length).Take(length), StringComparer.Ordinal))
                {
                    frames.RemoveRange(i + length, length);
                }
                else
                {
                    i++;
                }
            }
        }

        return frames;
    }

    [GeneratedRegex(@"\s+in\s+.*?(:line\s+\d+)?$|:line\s+\d+|:\d+(:\d+)?$")]
    private static partial Regex FileAndLine();

    [GeneratedRegex(@"\s*(\+\s*0x[0-9a-fA-F]+|\[0x[0-9a-fA-F]+\]|0x[0-9a-fA-F]{6,}|\s@\s*\d+)")]
    private static partial Regex Offset();

    [GeneratedRegex(@"\(.*\)")]
    private static partial Regex Arguments();

    [GeneratedRegex(@"`\d+|\[\[.*?\]\]|<[^<>]*>(?=\.|$)")]
    private static partial Regex Arity();

    /// <summary>Culture-free text for display.</summary>
    public static string Describe(string exceptionType, string frames) =>
        string.Create(CultureInfo.InvariantCulture, $"{exceptionType} at {(frames.Length == 0 ? "(no frames)" : frames)}");
}
