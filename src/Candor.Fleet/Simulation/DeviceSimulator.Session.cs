namespace Candor.Fleet.Simulation;

/// <summary>A session: install, update and OS upgrade at its start, launch and its checks, the activities spread over it and the end.</summary>
internal sealed partial class DeviceSimulator
{
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
}
