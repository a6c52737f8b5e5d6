using Candor.Client.Diagnostics;
using Candor.Client.Events;
using Candor.Core.Privacy;

namespace Candor.Client.Privacy;

/// <summary>Applies the shared <see cref="PiiGuard"/> to every string value of an event before it is queued, and
/// counts what it did: a redaction per finding, or the whole event dropped (<c>pii_detected</c>). The raw value is
/// never logged or kept.</summary>
internal sealed class EventPiiFilter
{
    private readonly PiiGuard _guard;
    private readonly SelfDiagnostics _diagnostics;

    public EventPiiFilter(PiiScanner scanner, SelfDiagnostics diagnostics)
    {
        _guard = new PiiGuard(scanner);
        _diagnostics = diagnostics;
    }

    /// <summary>Redacts in place where the classification allows; false when the event must be dropped.</summary>
    public bool Inspect(EventSlot slot, FieldValue[] values)
    {
        for (var i = 0; i < values.Length && i < slot.Fields.Length; i++)
        {
            var value = values[i];
            if (value.Kind != FieldValueKind.String || value.Text!.Length == 0)
            {
                continue;
            }

            var field = slot.Fields[i];
            switch (_guard.Inspect(value.Text.AsSpan(), field.Classification))
            {
                case PiiVerdict.Clean:
                    continue;
                case PiiVerdict.Reject:
                    _diagnostics.Dropped(DropReason.PiiDetected);
                    return false;
            }

            var redacted = _guard.Redact(value.Text, out var findings);

            // The placeholder can be longer than what it replaced; the catalog's limit still holds on the wire.
            if (field.MaxLength is { } max && redacted.Length > max)
            {
                redacted = redacted.Substring(0, max);
            }

            values[i] = value.WithText(redacted);
            for (var n = 0; n < findings; n++)
            {
                _diagnostics.Redacted();
            }
        }

        return true;
    }
}
