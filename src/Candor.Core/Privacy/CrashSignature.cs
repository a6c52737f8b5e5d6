using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace Candor.Core.Privacy;

/// <summary>Turns an exception into a <see cref="CrashReport"/> that groups crashes by where they happened and
/// carries no personal data.</summary>
/// <remarks>
/// <para>The message is never read: it routinely holds file paths, user input and record contents. Frames are read
/// with <c>new StackTrace(exception, fNeedFileInfo: false)</c>, so no file path or line number is ever loaded;
/// line numbers would also split one crash into many groups with every build.</para>
/// <para>Wrapped exceptions: the report names the outermost type (what the application saw, with its HResult) and
/// the innermost type as <see cref="CrashReport.RootCauseType"/>, and the signature is built from the innermost
/// exception's frames, because that is where the fault is; wrappers such as <see cref="AggregateException"/> and
/// <see cref="TargetInvocationException"/> add frames that are the same for every crash. Of an
/// <see cref="AggregateException"/> the first inner exception is followed. When the innermost exception was never
/// thrown (it has no frames), the nearest wrapper that has frames is used.</para>
/// <para>Frames: only in-app frames are kept, that is, frames whose namespace is not <c>System</c>,
/// <c>Microsoft</c>, <c>Windows</c>, <c>Internal</c> or <c>MS</c>; when no in-app frame exists, all frames are kept
/// so the signature still says something. Compiler-generated names are normalised: async and iterator state
/// machines (<c>&lt;DoWork&gt;d__5.MoveNext</c>) become <c>DoWork</c>, lambdas (<c>&lt;Main&gt;b__0_0</c>) become
/// <c>Main.lambda</c>, local functions (<c>&lt;Main&gt;g__Parse|0_0</c>) become <c>Main.Parse</c>; generic arity
/// (<c>`1</c>) and generic arguments are dropped.</para>
/// <para>Thread-safe. Never throws for a non-null exception: a frame that cannot be read is skipped.</para>
/// </remarks>
public static partial class CrashSignature
{
    /// <summary>The most frames a signature holds: enough to tell crashes apart, short enough to index.</summary>
    public const int MaximumFrames = 20;

    private const int MaximumDepth = 64;

    private static readonly string[] FrameworkNamespaces = ["System", "Microsoft", "Windows", "Internal", "MS"];

    /// <summary>Creates the crash report of an exception.</summary>
    /// <param name="exception">The exception; it does not need to have been thrown.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="exception"/> is null.</exception>
    public static CrashReport Create(Exception exception)
    {
        if (exception is null)
        {
            throw new ArgumentNullException(nameof(exception));
        }

        var chain = new List<Exception> { exception };
        var current = exception;
        while (chain.Count < MaximumDepth)
        {
            var inner = current is AggregateException { InnerExceptions.Count: > 0 } aggregate
                ? aggregate.InnerExceptions[0]
                : current.InnerException;
            if (inner is null || chain.Contains(inner))
            {
                break;
            }

            chain.Add(inner);
            current = inner;
        }

        var signature = string.Empty;
        for (var i = chain.Count - 1; i >= 0 && signature.Length == 0; i--)
        {
            signature = Signature(chain[i]);
        }

        var rootCause = chain.Count > 1 ? FormatType(chain[chain.Count - 1].GetType()) : null;
        return new CrashReport(FormatType(exception.GetType()), exception.HResult, signature, rootCause);
    }

    private static string Signature(Exception exception)
    {
        StackFrame[]? frames;
        try
        {
            frames = new StackTrace(exception, fNeedFileInfo: false).GetFrames();
        }
        catch (Exception)
        {
            // A broken or unsupported stack trace must not turn a crash report into a second crash.
            return string.Empty;
        }

        if (frames is null || frames.Length == 0)
        {
            return string.Empty;
        }

        var described = new List<Frame>(frames.Length);
        foreach (var frame in frames)
        {
            MethodBase? method;
            try
            {
                method = frame?.GetMethod();
            }
            catch (Exception)
            {
                continue;
            }

            if (method is not null)
            {
                described.Add(new Frame(DescribeMethod(method), IsFramework(method.DeclaringType)));
            }
        }

        return Join(described);
    }

    /// <summary>The signature of described frames, throw site first: the in-app frames, or every frame when none is
    /// in-app, at most <see cref="MaximumFrames"/>. Shared by exceptions and stack trace text, so both group alike.</summary>
    private static string Join(List<Frame> frames)
    {
        var inApp = Join(frames, inAppOnly: true);
        return inApp.Length > 0 ? inApp : Join(frames, inAppOnly: false);
    }

    private static string Join(List<Frame> frames, bool inAppOnly)
    {
        var builder = new StringBuilder();
        var count = 0;
        foreach (var frame in frames)
        {
            if (count == MaximumFrames)
            {
                break;
            }

            if (inAppOnly && frame.Framework)
            {
                continue;
            }

            if (count++ > 0)
            {
                builder.Append('|');
            }

            builder.Append(frame.Description);
        }

        return builder.ToString();
    }

    /// <summary>Describes a method as <c>Namespace.Type.Method</c>, undoing the compiler's renaming.</summary>
    internal static string DescribeMethod(MethodBase method)
    {
        var member = GeneratedMemberName(method.Name);
        var type = method.DeclaringType;

        // State machines and closures are nested types named after the method they came from.
        while (type is not null && type.Name.StartsWith("<", StringComparison.Ordinal))
        {
            if (member is null)
            {
                member = GeneratedMemberName(type.Name);
            }

            type = type.DeclaringType;
        }

        member ??= method.Name;
        return type is null ? member : FormatType(type) + "." + member;
    }

    /// <summary>The source name behind a compiler-generated name, or null when the name is not generated or names no
    /// method (<c>&lt;&gt;c</c>, <c>&lt;&gt;c__DisplayClass0_0</c>).</summary>
    internal static string? GeneratedMemberName(string name)
    {
        if (!name.StartsWith("<", StringComparison.Ordinal))
        {
            return null;
        }

        var depth = 0;
        var close = -1;
        for (var i = 0; i < name.Length; i++)
        {
            if (name[i] == '<')
            {
                depth++;
            }
            else if (name[i] == '>' && --depth == 0)
            {
                close = i;
                break;
            }
        }

        if (close <= 1)
        {
            return null;
        }

        var inner = name.Substring(1, close - 1);
        var source = GeneratedMemberName(inner) ?? inner;
        var suffix = name.Substring(close + 1);
        if (suffix.StartsWith("b__", StringComparison.Ordinal))
        {
            return source + ".lambda";
        }

        if (suffix.StartsWith("g__", StringComparison.Ordinal))
        {
            var bar = suffix.IndexOf('|');
            var local = bar > 3 ? suffix.Substring(3, bar - 3) : suffix.Substring(3);
            return local.Length > 0 ? source + "." + local : source;
        }

        return source;
    }

    /// <summary>A type's full name without generic arity or arguments, nested types joined by dots.</summary>
    internal static string FormatType(Type type)
    {
        var name = StripArity(type.Name);
        for (var outer = type.DeclaringType; outer is not null; outer = outer.DeclaringType)
        {
            name = StripArity(outer.Name) + "." + name;
        }

        return string.IsNullOrEmpty(type.Namespace) ? name : type.Namespace + "." + name;
    }

    private static string StripArity(string name)
    {
        var tick = name.IndexOf('`');
        return tick > 0 ? name.Substring(0, tick) : name;
    }

    private static bool IsFramework(Type? type) => type?.Namespace is { } ns && StartsWithFrameworkNamespace(ns);

    /// <summary>Whether a namespace (or a dotted name that begins with one) is one of the framework's.</summary>
    private static bool StartsWithFrameworkNamespace(string ns)
    {
        foreach (var framework in FrameworkNamespaces)
        {
            if (ns.StartsWith(framework, StringComparison.Ordinal) &&
                (ns.Length == framework.Length || ns[framework.Length] == '.'))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>One frame as it goes into a signature: <c>Namespace.Type.Method</c>, and whether it is the framework's.</summary>
    private readonly struct Frame
    {
        public Frame(string description, bool framework)
        {
            Description = description;
            Framework = framework;
        }

        public string Description { get; }

        public bool Framework { get; }
    }
}
