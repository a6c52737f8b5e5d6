using Candor.Client.Diagnostics;
using Candor.Client.Events;
using Candor.Core.Model;
using Candor.Core.Privacy;

namespace Candor.Client.Privacy;

/// <summary>Scans every string value of an event before it is queued. What a finding does follows the field's
/// classification: in system metadata (free-form technical text such as an error code or a path) the finding is
/// redacted and counted; in any other classification a finding means the value is not what the catalog says it is,
/// so the whole event is dropped and counted (<c>pii_detected</c>). The raw value is never logged or kept.</summary>
internal sealed class PiiGuard
{
    private readonly PiiScanner _scanner;
    private readonly SelfDiagnostics _diagnostics;

    public PiiGuard(PiiScanner scanner, SelfDiagnostics diagnostics)
    {
        _scanner = scanner;
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

            if (!_scanner.TryFindFirst(value.Text.AsSpan(), out _))
            {
                continue;
            }

            var field = slot.Fields[i];
            if (field.Classification != DataClassification.SystemMetadata)
            {
                _diagnostics.Dropped(DropReason.PiiDetected);
                return false;
            }

            var redacted = _scanner.Redact(value.Text, out var findings);
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
