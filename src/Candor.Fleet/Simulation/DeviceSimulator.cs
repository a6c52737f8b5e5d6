using Candor.Core.Model;
using Candor.Fleet.Events;

namespace Candor.Fleet.Simulation;

/// <summary>The life of one device over the simulated period, produced lazily one session at a time and always in
/// time order: installs, updates and OS upgrades, sessions with their configuration, launches, feature use,
/// timed operations, failures and crashes. Everything random comes from the device's own seeded generator, so a
/// device's events do not depend on how many other devices there are or on the order they are read in.</summary>
/// <remarks>Split by concern: this file holds the device's state, its day plan and how events are made;
/// <c>.Session</c> a session from launch to end, <c>.Operations</c> timed operations, failures and crashes,
/// <c>.Usage</c> product-specific use and the device's network, <c>.Lifecycle</c> updates, daily reports and
/// uninstalling.</remarks>
internal sealed partial class DeviceSimulator
{
    internal const long DayMs = 86_400_000;

    /// <summary>Events this class emits on purpose; the other catalog events of a product are sent generically
    /// (usage and performance events as activities, configuration and setup events once a day).</summary>
    internal static readonly HashSet<string> Handled = new(StringComparer.Ordinal)
    {
        "app.session.started", "app.session.ended", "app.first_run", "app.installed", "app.updated", "app.crashed",
        "app.feature.failed", "app.operation.completed", "device.configuration", "device.network.changed",
        "app.offline_mode.entered", "app.offline_mode.exited", "service.connectivity.checked", "service.tls.negotiated",
        "device.power.state_changed", "app.launch.completed", "app.hang.detected", "app.memory.pressure_detected",
        "service.request.completed", "form.load.completed", "fieldservice.sync.completed", "mobile.sync.completed",
        "mixedreality.model.load_completed", "remoteassist.call.quality_reported", "import.batch.completed",
        "outlook.item_sync.completed", "usd.customer_session.load_completed", "financeops.form.load_completed",
        "psa.project_sync.completed", "app.command.invoked", "record.form.opened", "search.query.executed",
        "guides.step.completed", "guides.guide.completed", "remoteassist.call.started", "remoteassist.media.connectivity_checked",
        "outlook.item.tracked", "import.job.started", "psa.plan.published", "app.uninstalled", "app.inventory.reported",
        "app.update.available", "app.update.failed", "app.configuration.changed", "os.upgrade.detected",
        "addin.load.completed", "addin.resiliency.disabled", "outlook.configuration_wizard.completed",
        "mixedreality.package.installed", "mixedreality.tracking.state_changed", "app.managed_configuration.applied",
        "fieldservice.work_order.status_changed",
    };

    private readonly FleetDevice _device;
    private readonly Random _rng;
    private readonly int _deviceSeed;
    private readonly EventCatalog _catalog;
    private readonly long _startMs;
    private readonly long _endMs;
    private readonly int _days;
    private readonly List<SimEvent> _pending = new(64);
    private readonly List<long> _sessionStarts = new(8);
    private readonly List<EventTemplate> _activityEvents;
    private readonly List<EventTemplate> _dailyEvents;
    private readonly double _activityFactor;
    private readonly int _installDay;
    private readonly int _uninstallDay;
    private readonly int _osUpgradeDay;
    private readonly bool _alwaysActive;

    private int _pendingIndex;
    private ulong _ids;
    private readonly bool _timeOrderedIds;
    private long _seq;
    private long _lastTime;
    private int _day = -1;
    private int _sessionInDay;
    private bool _firstSessionOfDay;
    private bool _installed;
    private bool _finished;
    private bool _updatePending;
    private bool _updateOfferedToday;
    private Guid _session;
    private int _guideStep;
    private int _guideSteps;
    private int _workOrderStep;
    private bool _importJobStarted;

    /// <param name="device">The installation to simulate.</param>
    /// <param name="deviceSeed">The seed of the device's own generator.</param>
    /// <param name="catalog">The catalog: only events it declares for the product are made.</param>
    /// <param name="startMs">The start of the period (Unix ms).</param>
    /// <param name="endMs">The end of the period (Unix ms); no event is later.</param>
    /// <param name="days">The days of the period.</param>
    /// <param name="preinstalled">Whether the product was installed before the period; if not, it is installed on a random day.</param>
    /// <param name="alwaysActive">The device has a session every day (the fleet's first device of each product,
    /// so that a small fleet over one day still shows the whole family).</param>
    /// <param name="ids">Which event ids the device makes (time-ordered by default, as the SDK).</param>
    public DeviceSimulator(FleetDevice device, int deviceSeed, EventCatalog catalog, long startMs, long endMs, int days, bool preinstalled,
        bool alwaysActive = false, EventIdKind ids = EventIdKind.V7)
    {
        _timeOrderedIds = ids == EventIdKind.V7;
        _alwaysActive = alwaysActive;
        _device = device;
        _deviceSeed = deviceSeed;
        _rng = new Random(deviceSeed);
        _catalog = catalog;
        _startMs = startMs;
        _endMs = endMs;
        _days = days;
        _activityFactor = Distributions.LogNormal(_rng, 1, .35);
        // The device's index goes into its id stream: device seeds are 31 bits, so a fleet of half a million devices
        // has dozens of pairs with one seed and one schedule, which made the same ids (2 in 5 million streamed events
        // of a one-day fleet). Mixed with the index, no two devices of a fleet start their id streams alike.
        _ids = (ulong)_rng.NextInt64() ^ unchecked((ulong)(device.Index + 1) * 0x9E3779B97F4A7C15UL);
        _installDay = preinstalled ? -1 : _rng.Next(Math.Max(1, days));
        _installed = preinstalled;
        _uninstallDay = catalog.For("app.uninstalled", device.Product.Id) is not null && Distributions.Chance(_rng, .015)
            ? _rng.Next(Math.Max(1, days))
            : -1;
        _osUpgradeDay = Platforms.NextOsVersion(device) is not null && Distributions.Chance(_rng, .04) ? _rng.Next(Math.Max(1, days)) : -1;
        if (!preinstalled)
        {
            device.VersionIndex = device.Product.Versions.Count - 1;
        }

        var product = device.Product.Id;
        var applicable = catalog.Templates.Where(t => t.Definition.AppliesTo(product) && !Handled.Contains(t.Name)).ToList();
        _activityEvents = [.. applicable.Where(t => t.Definition.Category is DataCategory.ProductAndServiceUsage or DataCategory.ProductAndServicePerformance)];
        _dailyEvents = [.. applicable.Where(t => t.Definition.Category is DataCategory.DeviceConnectivityAndConfiguration or DataCategory.SoftwareSetupAndInventory)];
    }

    public FleetDevice Device => _device;

    /// <summary>The time of the event <see cref="Current"/>; valid after <see cref="MoveNext"/> returned true.</summary>
    public SimEvent Current => _pending[_pendingIndex];

    /// <summary>Advances to the device's next event; false when its period is over.</summary>
    public bool MoveNext()
    {
        if (_pending.Count > 0)
        {
            _pendingIndex++;
            if (_pendingIndex < _pending.Count)
            {
                return true;
            }
        }

        _pending.Clear();
        _pendingIndex = 0;
        while (_pending.Count == 0)
        {
            if (!NextSession())
            {
                return false;
            }
        }

        return true;
    }

    private bool NextSession()
    {
        while (_sessionInDay >= _sessionStarts.Count)
        {
            if (_finished || ++_day >= _days)
            {
                _finished = true;
                return false;
            }

            PlanDay();
        }

        var start = Math.Max(_sessionStarts[_sessionInDay], _lastTime + 60_000);
        _sessionInDay++;
        var durationMs = (long)Math.Clamp(Distributions.LogNormal(_rng, _device.Product.SessionMedianMinutes, .6) * 60_000, 60_000, 10 * 3_600_000);
        if (start + durationMs + 10_000 > _endMs)
        {
            // A session planned past the end of the period starts earlier that day instead, if it still fits.
            start = Math.Max(_endMs - durationMs - 60_000, _lastTime + 60_000);
        }

        if (start + durationMs + 10_000 > _endMs || start < _startMs)
        {
            return true;
        }

        Session(start, durationMs);
        _firstSessionOfDay = false;
        if (_day == _uninstallDay && _sessionInDay >= _sessionStarts.Count && _pending.Count > 0)
        {
            Uninstall(_lastTime + 120_000);
        }

        return true;
    }

    private void PlanDay()
    {
        _sessionStarts.Clear();
        _sessionInDay = 0;
        _firstSessionOfDay = true;
        _updateOfferedToday = false;
        if (!_installed && _day < _installDay)
        {
            return;
        }

        var dayStart = _startMs + (_day * DayMs);
        var tz = _device.TimeZoneOffsetMinutes * 60_000L;
        var localDay = DateTimeOffset.FromUnixTimeMilliseconds(dayStart + tz).DayOfWeek;
        var weekend = localDay is DayOfWeek.Saturday or DayOfWeek.Sunday;
        var product = _device.Product;
        var mean = product.SessionsPerWeekday * _activityFactor * (weekend ? product.WeekendFactor : 1);
        var count = Distributions.Poisson(_rng, mean);
        if ((!_installed && _day == _installDay) || _alwaysActive)
        {
            count = Math.Max(1, count);
        }

        // Most work starts in local working hours; the rest anywhere in the day.
        var localMidnight = dayStart - ((dayStart + tz) % DayMs);
        for (var i = 0; i < count; i++)
        {
            var hourOfDay = Distributions.Chance(_rng, .88) ? 7.5 + (_rng.NextDouble() * 10.5) : _rng.NextDouble() * 24;
            var at = localMidnight + (long)(hourOfDay * 3_600_000);
            if (at < dayStart)
            {
                at += DayMs;
            }

            _sessionStarts.Add(at);
        }

        _sessionStarts.Sort();
    }

    private void Emit(string name, long t)
    {
        if (Make(name, t) is { } ev)
        {
            Add(ev);
        }
    }

    /// <summary>A new event with generic values for its declared fields, or null when the catalog does not declare
    /// it for this product or the device is outside its sampling fraction.</summary>
    private SimEvent? Make(string name, long t)
    {
        var template = _catalog.For(name, _device.Product.Id);
        if (template is null || !InSample(template))
        {
            return null;
        }

        var ev = new SimEvent(template, _device, NewId(Math.Clamp(t, _lastTime, _endMs)), _session, Math.Clamp(t, _lastTime, _endMs));
        GenericValues.Fill(ev, _rng);
        return ev;
    }

    private bool InSample(EventTemplate template) =>
        template.Definition.Sampling >= 1
        || Distributions.StableHash(template.Name, _deviceSeed) / (double)int.MaxValue < template.Definition.Sampling;

    private void Add(SimEvent ev)
    {
        // Times within a device never go backwards, whatever the model asked for: seq and time order agree.
        ev.TimeMs = Math.Clamp(ev.TimeMs, _lastTime, _endMs);
        ev.AppVersion = _device.AppVersion;
        ev.Seq = ++_seq;
        _lastTime = ev.TimeMs;
        _pending.Add(ev);
    }

    /// <summary>The id of an event at <paramref name="timeMs"/>: made at the event's time, as the SDK makes it.</summary>
    internal Guid NewId(long timeMs) => _timeOrderedIds ? Distributions.UuidV7(timeMs, ref _ids) : Distributions.Uuid(ref _ids);
}
