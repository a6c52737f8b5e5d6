namespace Candor.Server;

/// <summary>The collector's configuration is invalid; <see cref="Errors"/> lists every problem, one a line.</summary>
public sealed class CandorConfigurationException : Exception
{
    /// <summary>Creates the exception from the list of problems.</summary>
    public CandorConfigurationException(IReadOnlyList<string> errors)
        : base("The configuration is invalid:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", errors)) =>
        Errors = errors;

    /// <summary>Every problem, each naming the setting.</summary>
    public IReadOnlyList<string> Errors { get; }
}
