namespace Candor.Core.Privacy;

/// <summary>What Candor keeps of a crash: types and code locations, never the exception's message, data, file
/// paths or line numbers, which can hold personal data. Created by <see cref="CrashSignature.Create"/>.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class CrashReport
{
    /// <summary>Creates a report.</summary>
    /// <param name="exceptionType">The full name of the outermost exception's type.</param>
    /// <param name="hResult">The outermost exception's HResult.</param>
    /// <param name="stackSignature">The in-app frames of the root cause, joined by <c>|</c>.</param>
    /// <param name="rootCauseType">The full name of the innermost exception's type, or null when the exception
    /// wraps nothing.</param>
    /// <exception cref="ArgumentNullException"><paramref name="exceptionType"/> or
    /// <paramref name="stackSignature"/> is null.</exception>
    public CrashReport(string exceptionType, int hResult, string stackSignature, string? rootCauseType)
    {
        ExceptionType = exceptionType ?? throw new ArgumentNullException(nameof(exceptionType));
        HResult = hResult;
        StackSignature = stackSignature ?? throw new ArgumentNullException(nameof(stackSignature));
        RootCauseType = rootCauseType;
    }

    /// <summary>The full name of the outermost exception's type, without generic arguments
    /// (<c>System.InvalidOperationException</c>).</summary>
    public string ExceptionType { get; }

    /// <summary>The outermost exception's HResult.</summary>
    public int HResult { get; }

    /// <summary>The root cause's frames as <c>Namespace.Type.Method</c>, throw site first, joined by <c>|</c>; at most
    /// <see cref="CrashSignature.MaximumFrames"/> frames. Empty when no frame could be read.</summary>
    public string StackSignature { get; }

    /// <summary>The full name of the innermost exception's type when the exception wraps others (through
    /// <see cref="Exception.InnerException"/> or the first of <see cref="AggregateException.InnerExceptions"/>);
    /// otherwise null.</summary>
    public string? RootCauseType { get; }
}
