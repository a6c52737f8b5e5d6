using System.Text;

namespace Candor.Core.Privacy;

public static partial class CrashSignature
{
    private const string FramePrefix = "at ";
    private const string InnerEnd = "--- End of inner exception stack trace ---";
    private const string AggregateInner = "---> (Inner Exception #";
    private const string Wrapper = " ---> ";

    /// <summary>Creates the crash report of an exception known only by its text, <c>Exception.ToString()</c> as
    /// OpenTelemetry sends it in <c>exception.stacktrace</c>, with the same type name and signature as
    /// <see cref="Create"/> gives for the exception itself, so that both group together.</summary>
    /// <remarks>
    /// <para>The text's first line is <c>Type: message</c>, and each wrapped exception adds <c> ---&gt; Type: message</c>;
    /// only the type names are read. Frames are the lines <c>at Namespace.Type.Method(parameters) in file:line n</c>;
    /// the parameters, file and line are never read. The innermost exception's frames come first, each wrapper's
    /// after an <c>--- End of inner exception stack trace ---</c> line, so the root cause's frames are the first group
    /// (or the next group that has frames, as for an exception that was never thrown). An exception rethrown across
    /// <c>await</c> keeps the frames of each throw, in the text as in the exception, between
    /// <c>--- End of stack trace from previous location ---</c> lines. Of an
    /// <see cref="AggregateException"/>, the inner exceptions after the first are ignored, as in <see cref="Create"/>.</para>
    /// <para>The frame text has already undone the compiler's renaming of async methods; lambdas, local functions,
    /// generic arity and nested types are normalised as in <see cref="Create"/>. What the text cannot tell the same
    /// way: frames the runtime hides from text (<c>[StackTraceHidden]</c>), and a type in the global namespace named
    /// like a framework namespace. A line of the message that looks like a frame is read as one: the message is
    /// never stored, but such a line can change the signature.</para>
    /// <para>Thread-safe. Never throws for a non-null text.</para>
    /// </remarks>
    /// <param name="text">The exception's text.</param>
    /// <param name="fallbackType">The type name to report when the text's first line names none (OpenTelemetry's
    /// <c>exception.type</c>), or null.</param>
    /// <returns>The report; its HResult is 0 (the text does not hold it).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public static CrashReport FromText(string text, string? fallbackType)
    {
        if (text is null)
        {
            throw new ArgumentNullException(nameof(text));
        }

        var lines = text.Split('\n');
        var groups = new List<List<Frame>> { new() };
        var headerEnd = lines.Length;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.StartsWith(FramePrefix, StringComparison.Ordinal))
            {
                headerEnd = Math.Min(headerEnd, i);
                if (ParseFrame(line.Substring(FramePrefix.Length)) is { } frame)
                {
                    groups[groups.Count - 1].Add(frame);
                }
            }
            else if (line.StartsWith(InnerEnd, StringComparison.Ordinal))
            {
                headerEnd = Math.Min(headerEnd, i);
                groups.Add([]);
            }
            else if (line.StartsWith(AggregateInner, StringComparison.Ordinal))
            {
                break;
            }
        }

        var signature = string.Empty;
        foreach (var group in groups)
        {
            signature = Join(group);
            if (signature.Length > 0)
            {
                break;
            }
        }

        // The header is the first line(s) up to the first frame: the outer type, then one " ---> Type: " per wrapper.
        var header = string.Join("\n", lines, 0, Math.Max(1, headerEnd));
        var outer = TypeAt(header, 0) ?? (string.IsNullOrWhiteSpace(fallbackType) ? "unknown" : fallbackType!.Trim());
        string? rootCause = null;
        var arrow = header.LastIndexOf(Wrapper, StringComparison.Ordinal);
        if (arrow >= 0)
        {
            rootCause = TypeAt(header, arrow + Wrapper.Length);
        }

        return new CrashReport(outer, 0, signature, rootCause);
    }

    /// <summary>A signature cut to at most <paramref name="maxLength"/> characters at a frame boundary, so that the same
    /// crash always gives the same shorter signature; <c>unknown</c> when it is empty (no frame could be read).</summary>
    /// <param name="stackSignature">A signature from <see cref="CrashReport.StackSignature"/>.</param>
    /// <param name="maxLength">The most characters the result may have (the catalog field's maximum length).</param>
    /// <returns>The signature, whole frames only (a single frame longer than the maximum is cut).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stackSignature"/> is null.</exception>
    public static string Shorten(string stackSignature, int maxLength)
    {
        if (stackSignature is null)
        {
            throw new ArgumentNullException(nameof(stackSignature));
        }

        if (stackSignature.Length <= maxLength)
        {
            return stackSignature.Length == 0 ? "unknown" : stackSignature;
        }

        var cut = stackSignature.LastIndexOf('|', maxLength);
        return cut > 0 ? stackSignature.Substring(0, cut) : stackSignature.Substring(0, maxLength);
    }

    /// <summary>The frame of a line's <c>Namespace.Type.Method[T](parameters) in file:line n</c> part, described as
    /// <see cref="DescribeMethod"/> describes a method, or null when it names none.</summary>
    private static Frame? ParseFrame(string text)
    {
        // The method's path ends at the parameter list: the first '(' outside generic brackets.
        var path = new StringBuilder(text.Length);
        var depth = 0;
        foreach (var c in text)
        {
            if (c == '[')
            {
                depth++;
            }
            else if (c == ']')
            {
                depth = Math.Max(0, depth - 1);
            }
            else if (depth == 0)
            {
                if (c == '(')
                {
                    break;
                }

                path.Append(c);
            }
        }

        var segments = SplitPath(path.ToString());
        if (segments.Count == 0)
        {
            return null;
        }

        var method = segments[segments.Count - 1];
        var member = GeneratedMemberName(method);
        var last = segments.Count - 2;

        // Closures and state machines are nested types named after the method they came from, as in DescribeMethod.
        while (last >= 0 && segments[last].StartsWith("<", StringComparison.Ordinal))
        {
            member ??= GeneratedMemberName(segments[last]);
            last--;
        }

        member ??= method;
        var type = string.Join(".", segments.GetRange(0, last + 1));
        return new Frame(type.Length == 0 ? member : type + "." + member, StartsWithFrameworkNamespace(type));
    }

    /// <summary>Splits a dotted path into its names (a compiler-generated name keeps the dots inside its angle
    /// brackets), without generic arity.</summary>
    private static List<string> SplitPath(string path)
    {
        var segments = new List<string>();
        var current = new StringBuilder();
        var angle = 0;
        foreach (var c in path.Trim())
        {
            if (c == '<')
            {
                angle++;
            }
            else if (c == '>')
            {
                angle = Math.Max(0, angle - 1);
            }

            if ((c == '.' || c == '+') && angle == 0)
            {
                Add(segments, current);
            }
            else
            {
                current.Append(c);
            }
        }

        Add(segments, current);
        return segments;

        static void Add(List<string> segments, StringBuilder current)
        {
            if (current.Length > 0)
            {
                segments.Add(StripArity(current.ToString()));
                current.Clear();
            }
        }
    }

    /// <summary>The type name that starts at <paramref name="start"/> (<c>Namespace.Type`1[Args]: message</c>), in the
    /// form <see cref="FormatType"/> gives, or null when the text there is not a type name.</summary>
    private static string? TypeAt(string text, int start)
    {
        var name = new StringBuilder();
        var depth = 0;
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '[')
            {
                depth++;
            }
            else if (c == ']')
            {
                depth = Math.Max(0, depth - 1);
            }
            else if (depth == 0)
            {
                if (c == ':' || char.IsWhiteSpace(c))
                {
                    break;
                }

                name.Append(c);
            }
        }

        var segments = SplitPath(name.ToString());
        if (segments.Count == 0)
        {
            return null;
        }

        foreach (var segment in segments)
        {
            if (!IsIdentifier(segment))
            {
                return null;
            }
        }

        return string.Join(".", segments);
    }

    private static bool IsIdentifier(string name)
    {
        if (name.Length == 0 || !(char.IsLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }
}
