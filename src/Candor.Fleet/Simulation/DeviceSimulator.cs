using Candor.Core.Model;
using Candor.Fleet.Events;

namespace Candor.Fleet.Simulation;

/// <summary>The life of one device over the simulated period, produced lazily one session at a time and always in
/// time order: installs, updates and OS upgrades, sessions with their configuration, launches, feature use,
/// timed operations, failures and crashes. Everything random comes from the device's own seeded generator, so a
/// device's events do not depend on how many other devices there are or on the order they are read in.</summary>
internal sealed class DeviceSimulator
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

    private static readonly string[] WorkOrderFlow = ["scheduled", "traveling", "in_progress", "completed"];

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
    public DeviceSimulator(FleetDevice device, int deviceSeed, EventCatalog catalog, long startMs, long endMs, int days, bool preinstalled,
        bool alwaysActive = false)
    {
        _alwaysActive = alwaysActive;
        _device = device;
        _deviceSeed = deviceSeed;
        _rng = new Random(deviceSeed);
        _catalog = catalog;
        _startMs = startMs;
        _endMs = endMs;
        _days = days;
        _activityFactor = Distributions.LogNormal(_rng, 1, .35);
        _ids = (ulong)_rng.NextInt64();
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

    private void Session(long start, long durationMs)
    {
        var product = _device.Product;
        var end = start + durationMs;
        var t = start;
        _session = Distributions.Uuid(_rng);

        if (!_installed)
        {
            _installed = true;
            Emit("app.installed", t - 90_000);
            if (Make("mixedreality.package.installed", t - 80_000) is { } package)
            {
                Add(package);
            }

            Emit("app.first_run", t);
            if (Make("outlook.configuration_wizard.completed", t + 5_000) is { } wizard)
            {
                wizard.Set("result", "success");
                Add(wizard);
            }
        }

        if (_updatePending)
        {
            _updatePending = false;
            var previous = _device.AppVersion;
            _device.VersionIndex = product.Versions.Count - 1;
            if (Make("app.updated", t) is { } updated)
            {
                updated.Set("previousVersion", previous);
                Add(updated);
            }

            if (Make("mixedreality.package.installed", t) is { } package)
            {
                Add(package);
            }
        }

        if (_day == _osUpgradeDay && _firstSessionOfDay && Platforms.NextOsVersion(_device) is { } newer)
        {
            var previousOs = _device.OsVersion;
            _device.OsVersion = newer;
            if (Make("os.upgrade.detected", t) is { } upgrade)
            {
                upgrade.Set("previousOsVersion", previousOs);
                Add(upgrade);
            }
        }

        Emit("app.session.started", t);
        Emit("device.configuration", t + 40);
        t += 40;

        if (Make("addin.load.completed", t + 200) is { } addin)
        {
            var loadMs = Distributions.DurationMs(_rng, 450, .7);
            addin.Set("officeApp", product.Id == "d365.psa-addin" ? "project" : "outlook");
            addin.Set("durationMs", loadMs);
            addin.Set("result", "loaded");
            Add(addin);
            if (loadMs > 1500 && Distributions.Chance(_rng, .25) && Make("addin.resiliency.disabled", _lastTime + 10) is { } disabled)
            {
                disabled.Set("officeApp", product.Id == "d365.psa-addin" ? "project" : "outlook");
                disabled.Set("reason", "slow_startup");
                Add(disabled);
            }
        }

        var launchMs = Distributions.DurationMs(_rng, product.LaunchMedianMs * (_device.DeviceClass == "mobile" ? .9 : 1), .45, 200);
        var launchFailed = Distributions.Chance(_rng, .004);
        if (Make("app.launch.completed", t + launchMs) is { } launch)
        {
            launch.Set("durationMs", launchMs);
            launch.Set("launchType", _firstSessionOfDay ? "cold" : Distributions.Chance(_rng, .5) ? "warm" : "resumed");
            Add(launch);
        }

        Operation(t + launchMs, "launch", launchMs, !launchFailed, "sign_in", "aadsts700082");
        t += launchMs;

        if (_firstSessionOfDay)
        {
            Daily(t + 500);
        }

        if (Make("service.connectivity.checked", t + 800) is { } check)
        {
            Add(check);
        }

        if (Make("service.tls.negotiated", t + 900) is { } tls)
        {
            Add(tls);
        }

        Activities(t + 1_000, end - 1_000, start);
    }

    private void Activities(long from, long to, long sessionStart)
    {
        var product = _device.Product;
        var span = Math.Max(1, to - from);
        var count = Math.Max(1, Distributions.Poisson(_rng, span / 1000.0 / product.ActivityIntervalSeconds));
        var times = new long[count];
        for (var i = 0; i < count; i++)
        {
            times[i] = from + (long)(_rng.NextDouble() * span);
        }

        Array.Sort(times);

        // At most one crash per session, at a random activity; a crash with a trigger happens in that operation.
        CrashPattern? crash = null;
        var crashAt = -1;
        var total = 0.0;
        foreach (var pattern in product.Crashes)
        {
            total += pattern.Rate(_device);
        }

        if (total > 0 && Distributions.Chance(_rng, total))
        {
            var x = _rng.NextDouble() * total;
            foreach (var pattern in product.Crashes)
            {
                x -= pattern.Rate(_device);
                if (x < 0)
                {
                    crash = pattern;
                    break;
                }
            }

            crash ??= product.Crashes[^1];
            crashAt = _rng.Next(count);
        }

        var offerUpdateAt = _firstSessionOfDay && !_device.IsNewest && !_updateOfferedToday && Distributions.Chance(_rng, product.UpdatePerDay)
            ? _rng.Next(count)
            : -1;

        for (var i = 0; i < count; i++)
        {
            var t = times[i];
            var next = i + 1 < count ? times[i + 1] : to;
            if (i == crashAt && crash is not null)
            {
                Crash(t, crash);
                return;
            }

            if (i == offerUpdateAt)
            {
                OfferUpdate(t);
                continue;
            }

            Activity(t, next);
        }

        if (Make("app.session.ended", to + 1_000) is { } ended)
        {
            ended.Set("durationMs", to + 1_000 - sessionStart);
            Add(ended);
        }
    }

    private void Activity(long t, long next)
    {
        var product = _device.Product;
        var ops = product.Operations;
        var mobile = _device.DeviceClass == "mobile";
        Span<double> weights = stackalloc double[ops.Count + 9];
        for (var i = 0; i < ops.Count; i++)
        {
            weights[i] = ops[i].Weight;
        }

        var k = ops.Count;
        weights[k] = 2;                                              // command
        weights[k + 1] = _activityEvents.Count > 0 ? 3 : 0;          // product-specific use
        weights[k + 2] = .06;                                        // hang
        weights[k + 3] = _device.MemoryClass is "from_2_to_4gb" or "under_2gb" ? .25 : .06; // memory pressure
        weights[k + 4] = .05;                                        // configuration change
        weights[k + 5] = mobile ? .3 : .04;                          // network change
        weights[k + 6] = mobile ? .2 : 0;                            // power state
        weights[k + 7] = _catalog.For("app.offline_mode.entered", product.Id) is not null ? .25 : 0;
        weights[k + 8] = product.Definition.DeviceClass == "mixed_reality" ? .4 : 0; // tracking state
        var choice = Distributions.Weighted(_rng, weights);
        if (choice < k)
        {
            TimedOperation(t, next, ops[choice]);
            return;
        }

        switch (choice - k)
        {
            case 0:
                Emit("app.command.invoked", t);
                break;
            case 1:
                ProductUse(t);
                break;
            case 2:
                if (Make("app.hang.detected", t) is { } hang)
                {
                    hang.Set("durationMs", Distributions.DurationMs(_rng, 6_000, .6, 2_000));
                    hang.Set("componentId", ComponentOf(product.Id));
                    Add(hang);
                }

                break;
            case 3:
                Emit("app.memory.pressure_detected", t);
                break;
            case 4:
                Emit("app.configuration.changed", t);
                break;
            case 5:
                NetworkChange(t);
                break;
            case 6:
                Emit("device.power.state_changed", t);
                break;
            case 7:
                Offline(t, next);
                break;
            default:
                Emit("mixedreality.tracking.state_changed", t);
                break;
        }
    }

    private void TimedOperation(long t, long next, OperationProfile op)
    {
        var product = _device.Product;
        var (median, sigma) = op.Name == "sync" ? product.SyncDuration(_device.VersionIndex) : (op.MedianMs, op.Sigma);
        var penalty = _device.NetworkType == "cellular" && op.Name is "sync" or "service_call" or "model_load" ? 1.4 : 1;
        var duration = Distributions.DurationMs(_rng, median * penalty, sigma, 5);
        var failRate = op.FailureRate * (_device.NetworkType == "cellular" ? 2 : 1);
        var success = !Distributions.Chance(_rng, failRate);
        var done = t + duration;
        switch (op.Name)
        {
            case "sync":
                Sync(done, duration, success);
                break;
            case "service_call":
                if (Make("service.request.completed", done) is { } request)
                {
                    request.Set("durationMs", duration);
                    request.Set("httpStatus", success ? 200L : Distributions.Pick(_rng, new long[] { 500, 503, 429 }));
                    Add(request);
                }

                break;
            case "search":
                if (Make("search.query.executed", done) is { } search)
                {
                    search.Set("durationMs", duration);
                    Add(search);
                }

                break;
            case "form_load":
                FormLoad(t, done, duration);
                break;
            case "model_load":
                if (Make("mixedreality.model.load_completed", done) is { } model)
                {
                    model.Set("durationMs", duration);
                    model.Set("result", success ? "success" : "download_failed");
                    Add(model);
                }

                break;
            case "call_connect":
                Call(t, done, next, success);
                break;
            case "import_batch":
                if (!_importJobStarted && Make("import.job.started", t) is { } job)
                {
                    _importJobStarted = true;
                    Add(job);
                }

                if (Make("import.batch.completed", done) is { } batch)
                {
                    var records = 100 + _rng.Next(2_400);
                    batch.Set("durationMs", duration);
                    batch.Set("recordCount", records);
                    batch.Set("failedRecordCount", success ? 0L : 1 + _rng.Next(records / 10));
                    batch.Set("recordsPerSecond", Math.Round(records * 1000.0 / duration, 2));
                    Add(batch);
                }

                break;
            case "plan_publish":
                Emit("psa.plan.published", done);
                break;
            case "item_track":
                Emit("outlook.item.tracked", t);
                break;
            case "session_open":
                if (Make("usd.customer_session.load_completed", done) is { } usd)
                {
                    usd.Set("durationMs", duration);
                    Add(usd);
                }

                break;
        }

        var code = Distributions.Pick(_rng, op.ErrorCodes);
        Operation(done, op.Name, duration, success, op.Feature, code);
    }

    private void Sync(long done, long duration, bool success)
    {
        var result = success ? (Distributions.Chance(_rng, .05) ? "partial" : "success") : "failed";
        foreach (var name in (ReadOnlySpan<string>)["fieldservice.sync.completed", "mobile.sync.completed", "outlook.item_sync.completed", "psa.project_sync.completed"])
        {
            if (Make(name, done) is { } sync)
            {
                sync.Set("durationMs", duration);
                sync.Set("result", result);
                if (name == "psa.project_sync.completed" && !success)
                {
                    sync.Set("result", "failed");
                }

                Add(sync);
            }
        }
    }

    private void FormLoad(long t, long done, long duration)
    {
        if (Make("record.form.opened", t) is { } opened)
        {
            Add(opened);
            if (Make("form.load.completed", done) is { } load)
            {
                load.Set("durationMs", duration);
                if (opened.Get("entityType").Text is { } entity)
                {
                    load.Set("entityType", entity);
                }

                if (opened.Get("formType").Text is { } formType)
                {
                    load.Set("formType", formType);
                }

                Add(load);
            }
        }
        else if (Make("form.load.completed", done) is { } load)
        {
            load.Set("durationMs", duration);
            Add(load);
        }

        if (Make("financeops.form.load_completed", done) is { } fo)
        {
            fo.Set("durationMs", duration);
            Add(fo);
        }
    }

    private void Call(long t, long done, long next, bool success)
    {
        if (Make("remoteassist.media.connectivity_checked", t) is { } media)
        {
            media.Set("transport", success ? "udp" : "unavailable");
            Add(media);
        }

        if (Make("remoteassist.call.started", done) is { } started)
        {
            Add(started);
        }

        if (Make("remoteassist.call.quality_reported", Math.Max(done + 1, next - 1)) is { } quality)
        {
            quality.Set("callDurationMs", Math.Max(1, next - 1 - done));
            quality.Set("endReason", success ? "normal" : "failed_to_connect");
            Add(quality);
        }
    }

    private void Operation(long t, string name, long duration, bool success, string feature, string errorCode)
    {
        if (Make("app.operation.completed", t) is { } op)
        {
            op.Set("operation", name);
            op.Set("durationMs", duration);
            op.Set("success", success);
            Add(op);
        }

        if (!success && Make("app.feature.failed", t + 1) is { } failed)
        {
            failed.Set("feature", feature);
            failed.Set("errorCode", errorCode);
            Add(failed);
        }
    }

    private void Crash(long t, CrashPattern crash)
    {
        // A crash inside an operation happens part-way through it: the operation never completes.
        var at = t;
        if (crash.TriggerOperation is { } trigger && _device.Product.Operation(trigger) is { } op)
        {
            var (median, sigma) = op.Name == "sync" ? _device.Product.SyncDuration(_device.VersionIndex) : (op.MedianMs, op.Sigma);
            at += (long)(Distributions.DurationMs(_rng, median, sigma) * _rng.NextDouble());
        }

        if (Make("app.crashed", at) is { } crashed)
        {
            crashed.Set("exceptionType", crash.ExceptionType);
            crashed.Set("stackSignature", crash.StackSignature);
            crashed.Set("hResult", crash.HResult);
            Add(crashed);
        }
    }

    private void OfferUpdate(long t)
    {
        _updateOfferedToday = true;
        var newest = _device.Product.NewestVersion;
        if (Make("app.update.available", t) is { } offer)
        {
            offer.Set("availableVersion", newest);
            offer.Set("updateSource", Platforms.UpdateSource(_device));
            Add(offer);
        }

        if (Distributions.Chance(_rng, .08))
        {
            if (Make("app.update.failed", t + 30_000) is { } failed)
            {
                failed.Set("targetVersion", newest);
                failed.Set("stage", Distributions.Pick(_rng, new[] { "download", "verify", "apply" }));
                failed.Set("errorCode", Distributions.Pick(_rng, new[] { "0x80070643", "0x80070005", "0x800f0922", "0x80072efd" }));
                Add(failed);
            }

            return;
        }

        _updatePending = true;
    }

    private void Daily(long t)
    {
        if (Make("app.inventory.reported", t) is { } inventory)
        {
            inventory.Set("daysSinceUpdate", (long)_rng.Next(60));
            Add(inventory);
        }

        if (_device.Managed && Make("app.managed_configuration.applied", t) is { } managed)
        {
            Add(managed);
        }

        foreach (var template in _dailyEvents)
        {
            if (!InSample(template))
            {
                continue;
            }

            // What a device reports about itself is the same every day: its values come from a generator seeded by
            // the device and the event, not from the session's sequence.
            var stable = new Random(Distributions.StableHash(template.Name, _deviceSeed));
            var ev = new SimEvent(template, _device, Distributions.Uuid(ref _ids), _session, Math.Max(t, _lastTime));
            GenericValues.Fill(ev, stable);
            Add(ev);
        }
    }

    private void ProductUse(long t)
    {
        var template = _activityEvents[_rng.Next(_activityEvents.Count)];
        if (Make(template.Name, t) is { } ev)
        {
            Add(ev);
        }

        // Guides are walked step by step, work orders move through their states: these follow a sequence.
        if (_catalog.For("guides.step.completed", _device.Product.Id) is not null)
        {
            GuideStep(t + 1);
        }

        if (_catalog.For("fieldservice.work_order.status_changed", _device.Product.Id) is not null && Make("fieldservice.work_order.status_changed", t + 2) is { } wo)
        {
            wo.Set("fromStatus", WorkOrderFlow[_workOrderStep]);
            _workOrderStep = (_workOrderStep + 1) % WorkOrderFlow.Length;
            wo.Set("toStatus", WorkOrderFlow[_workOrderStep == 0 ? WorkOrderFlow.Length - 1 : _workOrderStep]);
            if (_workOrderStep == 0)
            {
                wo.Set("fromStatus", "in_progress");
            }

            Add(wo);
        }
    }

    private void GuideStep(long t)
    {
        if (_guideSteps == 0)
        {
            _guideSteps = 6 + _rng.Next(25);
            _guideStep = 0;
        }

        if (Make("guides.step.completed", t) is { } step)
        {
            step.Set("stepIndex", _guideStep);
            step.Set("stepCount", _guideSteps);
            Add(step);
        }

        _guideStep++;
        if (_guideStep >= _guideSteps)
        {
            if (Make("guides.guide.completed", t + 1) is { } guide)
            {
                guide.Set("stepCount", _guideSteps);
                guide.Set("durationMs", _guideSteps * Distributions.DurationMs(_rng, 25_000, .5));
                Add(guide);
            }

            _guideSteps = 0;
        }
    }

    private void NetworkChange(long t)
    {
        var previous = _device.NetworkType;
        var next = _device.DeviceClass == "mobile"
            ? (previous == "wifi" ? "cellular" : "wifi")
            : (previous == "ethernet" ? "wifi" : "ethernet");
        _device.NetworkType = next;
        if (Make("device.network.changed", t) is { } change)
        {
            change.Set("previousNetworkType", previous);
            change.Set("networkType", next);
            change.Set("isMetered", next == "cellular");
            Add(change);
        }
    }

    private void Offline(long t, long next)
    {
        if (Make("app.offline_mode.entered", t) is not { } entered)
        {
            return;
        }

        Add(entered);
        var back = Math.Min(t + Distributions.DurationMs(_rng, 40_000, .8), Math.Max(t + 1, next - 1));
        if (Make("app.offline_mode.exited", back) is { } exited)
        {
            exited.Set("offlineDurationMs", back - t);
            Add(exited);
        }
    }

    private void Uninstall(long t)
    {
        if (t < _endMs && Make("app.uninstalled", t) is { } removed)
        {
            Add(removed);
        }

        _finished = true;
        _sessionStarts.Clear();
    }

    private static string ComponentOf(string product) => product switch
    {
        "d365.field-service" or "d365.crm-mobile" or "d365.business-central-mobile" or "d365.nav-mobile" => "sync_engine",
        "d365.guides" or "d365.layout" or "d365.remote-assist" or "d365.product-visualize" => "hologram_renderer",
        "d365.outlook" or "d365.psa-addin" => "addin_host",
        "d365.unified-service-desk" => "webview_host",
        _ => "form_renderer",
    };

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

        var ev = new SimEvent(template, _device, Distributions.Uuid(ref _ids), _session, Math.Clamp(t, _lastTime, _endMs));
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
}
