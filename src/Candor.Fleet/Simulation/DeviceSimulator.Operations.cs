namespace Candor.Fleet.Simulation;

/// <summary>Timed operations (sync, form loads, calls, service requests) with their failures, and crashes.</summary>
internal sealed partial class DeviceSimulator
{
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

    private static string ComponentOf(string product) => product switch
    {
        "d365.field-service" or "d365.crm-mobile" or "d365.business-central-mobile" or "d365.nav-mobile" => "sync_engine",
        "d365.guides" or "d365.layout" or "d365.remote-assist" or "d365.product-visualize" => "hologram_renderer",
        "d365.outlook" or "d365.psa-addin" => "addin_host",
        "d365.unified-service-desk" => "webview_host",
        _ => "form_renderer",
    };
}
