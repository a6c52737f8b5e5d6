using Candor.Core.Model;
using Candor.Core.Privacy;
using Candor.Server.Catalogs;
using Candor.Storage;

namespace Candor.Server.Ingestion;

/// <summary>The protocol's acceptance rules for one request's events, whatever wire format they arrived in: the
/// envelope's values (a known event and product, a version, a declared device class, the length and PII scan of
/// each free-text string), then the event's own rules in a fixed order (<see cref="Check"/>: unknown product or
/// event, expired, level and category allowed by the family and the tenant's policy, too old, in the future), then
/// its declared data (<c>EventAcceptance.Data.cs</c>: undeclared or invalid fields, PII redacted or rejected), and
/// finally the row to store or the rejection (<see cref="Complete"/>). Duplicates are not decided here: the event
/// id is the store's key, so a repeated id is found and counted by the group commit.
/// <para>How a wire format plugs in. A reader that decodes as it goes fills one <see cref="EventEnvelope"/> per
/// event, hands each decoded value to the setter of its property, calls <see cref="Check"/> when the envelope is
/// complete, writes the data through <see cref="BeginData"/>, <see cref="TryField"/>, the typed writers and
/// <see cref="EndData"/>, and ends with <see cref="Complete"/>: that is how <see cref="BatchReader"/> keeps the JSON
/// path to one pass without an object per event. A format that first maps its records onto a
/// <see cref="ParsedEvent"/> (OTLP log records, say) calls <see cref="Accept"/>, which runs the same steps in the
/// protocol's order. Either way the same rows are stored and the same codes and messages answered.</para>
/// One instance per request; not thread-safe.</summary>
internal sealed partial class EventAcceptance
{
    private readonly BatchRules _rules;
    private readonly DateTimeOffset _oldest;
    private readonly DateTimeOffset _newest;
    private readonly DateOnly _today;

    public EventAcceptance(BatchRules rules)
    {
        _rules = rules;
        _writer = new System.Text.Json.Utf8JsonWriter(_data, WriterOptions);
        _oldest = rules.Now - rules.Limits.MaxEventAge;
        _newest = rules.Now + rules.Limits.MaxClockSkew;
        _today = DateOnly.FromDateTime(rules.Now.UtcDateTime);
    }

    public BatchRules Rules => _rules;

    public CachedEnvelopeString AppVersionCache { get; } = new();

    public CachedEnvelopeString SdkCache { get; } = new();

    public CachedEnvelopeString OsCache { get; } = new();

    public CachedEnvelopeString OsVersionCache { get; } = new();

    public CachedEnvelopeString ArchCache { get; } = new();

    public CachedEnvelopeString LocaleCache { get; } = new();

    /// <summary>Looks the event's name up in the catalog. An unknown name is reported by <see cref="Check"/>, after
    /// a missing envelope property and an unknown product.</summary>
    public void SetName(ReadOnlySpan<char> name, ref EventEnvelope e)
    {
        if (!_rules.Catalog.TryGetEvent(name, out e.Rule))
        {
            e.UnknownName = true;
        }
    }

    /// <summary>Looks the product up in the family; an unknown one is reported by <see cref="Check"/>.</summary>
    public void SetProduct(ReadOnlySpan<char> product, ref EventEnvelope e)
    {
        if (!_rules.Catalog.TryGetProduct(product, out e.Product))
        {
            e.UnknownProduct = true;
        }
    }

    /// <summary>The app's version: a dotted version of two to four numbers; null when the reader found no string.</summary>
    public static void SetAppVersion(string? version, ref EventEnvelope e)
    {
        e.AppVersion = version;
        if (!IsVersion(version))
        {
            e.Fail(RejectionCode.InvalidEnvelope, "'appVersion' must be a dotted version of two to four numbers.");
        }
    }

    public void SetDeviceClass(ReadOnlySpan<char> deviceClass, ref EventEnvelope e)
    {
        if (!_rules.Catalog.Envelope.TryGetDeviceClass(deviceClass, out e.DeviceClass))
        {
            RejectDeviceClass(ref e);
        }
    }

    public static void RejectDeviceClass(ref EventEnvelope e) =>
        e.Fail(RejectionCode.InvalidEnvelope, "'device.class' is not one of the declared device classes.");

    /// <summary>An envelope string that is not a string or is longer than the catalog allows.</summary>
    public static void RejectEnvelopeString(EnvelopeString rule, ref EventEnvelope e) =>
        e.Fail(RejectionCode.InvalidEnvelope, $"'{rule.WireName}' must be a string of at most {rule.MaxLength} characters.");

    /// <summary>Applies the PII rule of an envelope string to the value the reader has just put in
    /// <paramref name="cache"/> (within its length): the value, its redaction, an <c>invalid_envelope</c> failure for a character
    /// <see cref="EnvelopeText"/> refuses, or a <c>pii_detected</c> failure.</summary>
    public void ScanEnvelopeString(EnvelopeString rule, CachedEnvelopeString cache, ref EventEnvelope e, out string? value)
    {
        value = cache.Value;

        // The scan result is cached with the string: a batch from one device repeats the same values.
        if (!cache.Scanned)
        {
            cache.Scanned = true;
            // A refused character decides the verdict before the PII scan: the value is never stored.
            cache.Forbidden = EnvelopeText.HasForbidden(cache.Value);
            if (!cache.Forbidden)
            {
                cache.Hit = _rules.Pii.TryFindFirst(cache.Value!, out var kind);
                cache.Kind = kind;
            }

            cache.Redacted = cache.Hit && PiiGuard.Redacts(rule.Classification) ? _rules.Pii.Redact(cache.Value!) : null;
        }

        if (cache.Forbidden)
        {
            value = null;
            e.Fail(RejectionCode.InvalidEnvelope, $"'{rule.WireName}' holds a control or bidirectional formatting character.");
            return;
        }

        if (!cache.Hit)
        {
            return;
        }

        if (cache.Redacted is null)
        {
            e.Fail(RejectionCode.PiiDetected, $"'{rule.WireName}' holds a value the PII detectors flag ({cache.Kind}).");
            return;
        }

        value = cache.Redacted;
        e.Redactions++;
    }

    /// <summary>The event's own rules, once its envelope is read, in the order that decides which code a
    /// rejection gets. False (with the failure recorded) when the event is rejected; true when its data is next.</summary>
    public bool Check(ref EventEnvelope e)
    {
        if (!e.Has(EnvelopeProperty.Id) || !e.Has(EnvelopeProperty.Name) || !e.Has(EnvelopeProperty.Time)
            || !e.Has(EnvelopeProperty.Seq) || !e.Has(EnvelopeProperty.Product) || !e.Has(EnvelopeProperty.AppVersion)
            || !e.Has(EnvelopeProperty.Sdk) || !e.Has(EnvelopeProperty.Session) || !e.Has(EnvelopeProperty.Device)
            || !e.Has(EnvelopeProperty.DeviceId) || !e.Has(EnvelopeProperty.DeviceClass) || !e.Has(EnvelopeProperty.Os)
            || !e.Has(EnvelopeProperty.OsVersion) || !e.Has(EnvelopeProperty.Arch) || !e.Has(EnvelopeProperty.Locale))
        {
            e.Fail(RejectionCode.InvalidEnvelope, $"The envelope lacks '{e.FirstMissing().Wire()}'.");
            return false;
        }

        if (e.UnknownProduct)
        {
            e.Fail(RejectionCode.UnknownProduct, $"The product is not one of family {_rules.Catalog.Family}.");
            return false;
        }

        if (e.UnknownName)
        {
            e.Fail(RejectionCode.UnknownEvent, $"The event name is not in the catalog of family {_rules.Catalog.Family}.");
            return false;
        }

        var rule = e.Rule!;
        if (!rule.AppliesTo(e.Product!))
        {
            e.Fail(RejectionCode.UnknownEvent, $"'{rule.Name}' is not declared for product '{e.Product}'.");
            return false;
        }

        if (rule.Expires is { } expires && _today > expires)
        {
            e.Fail(RejectionCode.ExpiredEvent, $"'{rule.Name}' expired on {expires:yyyy-MM-dd} and may no longer be collected.");
            return false;
        }

        if (!EnumSet.Contains(_rules.Catalog.FamilyLevels, rule.Level))
        {
            e.Fail(RejectionCode.LevelNotAllowed, $"Family {_rules.Catalog.Family} does not collect {rule.Level.ToWire()} data.");
            return false;
        }

        if (!EnumSet.Contains(_rules.Policy.Levels, rule.Level))
        {
            e.Fail(RejectionCode.LevelNotAllowed, $"The organisation's policy does not allow {rule.Level.ToWire()} data.");
            return false;
        }

        if (!EnumSet.Contains(_rules.Policy.Categories, rule.Category))
        {
            e.Fail(RejectionCode.CategoryNotAllowed, $"The organisation's policy does not allow {rule.Category.ToWire()} data.");
            return false;
        }

        if (e.Time < _oldest)
        {
            e.Fail(RejectionCode.TooOld, $"The event happened more than {_rules.Limits.MaxEventAge.TotalDays:0} days ago.");
            return false;
        }

        if (e.Time > _newest)
        {
            e.Fail(RejectionCode.InFuture, "The event's time is ahead of the collector's clock by more than the allowed skew.");
            return false;
        }

        return true;
    }

    /// <summary>Adds the event to the result: its row when it passed every rule, its rejection otherwise.</summary>
    public void Complete(ref EventEnvelope e, int index, BatchResult result)
    {
        if (e.Failed)
        {
            result.Rejected.Add(new Rejection(index, e.HasId ? e.Id : null, e.Code, e.Message!));
            return;
        }

        result.Redacted += e.Redactions;
        result.AcceptedIndexes.Add(index);
        result.Accepted.Add(new StoredEvent
        {
            TenantId = _rules.TenantId,
            EventId = e.Id,
            Name = e.Rule!.Name,
            Level = e.Rule.Level,
            Category = e.Rule.Category,
            Product = e.Product!,
            AppVersion = e.AppVersion!,
            Sdk = e.Sdk!,
            SessionId = e.Session,
            DeviceId = e.DeviceId,
            DeviceClass = e.DeviceClass!,
            Os = e.Os!,
            OsVersion = e.OsVersion!,
            Arch = e.Arch!,
            Locale = e.Locale!,
            Seq = e.Seq,
            Time = e.Time,
            ReceivedAt = _rules.Now,
            Data = e.Data!,
        });
    }
}
