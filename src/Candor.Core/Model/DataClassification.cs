namespace Candor.Core.Model;

/// <summary>What kind of value a field may hold. The last two kinds are never allowed in Required diagnostic
/// data; the catalog linter rejects them and the PII guard decides redaction or rejection from the rest.</summary>
public enum DataClassification
{
    /// <summary>Facts about software or hardware (versions, OS names, error codes): never about a person.</summary>
    SystemMetadata,

    /// <summary>One of a fixed, declared set of values.</summary>
    Enumerated,

    /// <summary>A count, a duration, a size or another measurement.</summary>
    Numeric,

    /// <summary>A random identifier created by the product (device id, session id), not derived from a person.</summary>
    PseudonymousIdentifier,

    /// <summary>A one-way hash of a value that is itself not collected.</summary>
    HashedValue,

    /// <summary>Identifies a person (name, email, account). Never allowed in Required data.</summary>
    EndUserIdentifiable,

    /// <summary>The content of a customer's files, records or messages. Never allowed in Required data.</summary>
    CustomerContent,
}
