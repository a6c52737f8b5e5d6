namespace Candor.Core.Model;

/// <summary>The type of an event field, and so the JSON shape its value takes on the wire.</summary>
public enum FieldType
{
    /// <summary>A JSON string with a declared maximum length.</summary>
    String,

    /// <summary>A JSON integer in the range of <see cref="int"/>.</summary>
    Int,

    /// <summary>A JSON integer in the range of <see cref="long"/>.</summary>
    Long,

    /// <summary>A finite JSON number.</summary>
    Double,

    /// <summary>A JSON boolean.</summary>
    Bool,

    /// <summary>An ISO 8601 UTC timestamp string.</summary>
    Timestamp,

    /// <summary>A non-negative integer number of milliseconds.</summary>
    Duration,

    /// <summary>A dotted version string of two to four numeric parts.</summary>
    Version,

    /// <summary>One of the field's declared values.</summary>
    Enum,

    /// <summary>A lowercase hexadecimal SHA-256 digest (64 characters).</summary>
    Hash,
}
