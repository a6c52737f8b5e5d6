namespace Candor.Fleet.Simulation;

/// <summary>Product-specific use (guides walked step by step, work orders through their states) and the device's network.</summary>
internal sealed partial class DeviceSimulator
{
    private static readonly string[] WorkOrderFlow = ["scheduled", "traveling", "in_progress", "completed"];

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
}
