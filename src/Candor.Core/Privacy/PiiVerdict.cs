namespace Candor.Core.Privacy;

/// <summary>What <see cref="PiiGuard"/> decides for one string value of an event.</summary>
public enum PiiVerdict
{
    /// <summary>The detectors flag nothing: the value is kept as it is.</summary>
    Clean = 0,

    /// <summary>The detectors flag part of a system-metadata value: the flagged parts are replaced and the event is
    /// kept.</summary>
    Redact = 1,

    /// <summary>The detectors flag a value whose classification promises it cannot hold a person's data: the whole
    /// event is refused (<c>pii_detected</c>).</summary>
    Reject = 2,
}
