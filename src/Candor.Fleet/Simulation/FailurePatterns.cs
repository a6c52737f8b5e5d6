namespace Candor.Fleet.Simulation;

/// <summary>The real-world failure patterns the fleet reproduces, and the regression planted in the newest
/// release of Field Service (docs/demo.md describes them; the analytics must find them).</summary>
internal static class FailurePatterns
{
    /// <summary>The product whose newest release carries the planted regression.</summary>
    public const string RegressionProduct = "d365.field-service";

    /// <summary>Crashes per session of the sync-engine null reference on the newest Field Service release.</summary>
    public const double RegressedSyncCrashRate = 0.06;

    /// <summary>The same crash on older releases: rare, so the group exists before the regression and spikes with it.</summary>
    public const double BaselineSyncCrashRate = 0.002;

    /// <summary>Sync duration (median ms, log-normal sigma) on the releases before the newest.</summary>
    public static readonly (double Median, double Sigma) BaselineSync = (1900, 0.45);

    /// <summary>Sync duration on the newest release: slower median and a much longer tail (p95 about twice).</summary>
    public static readonly (double Median, double Sigma) RegressedSync = (2500, 0.75);

    public static readonly CrashPattern SyncEngineNullReference = new(
        "System.NullReferenceException",
        "Microsoft.Dynamics.FieldService.Sync!SyncEngine.ApplyDeltaAsync",
        unchecked((int)0x80004003),
        "sync",
        d => d.Product.Id == RegressionProduct
            ? (d.IsNewest ? RegressedSyncCrashRate : BaselineSyncCrashRate)
            : 0);

    public static readonly CrashPattern RendererOutOfMemory = new(
        "System.OutOfMemoryException",
        "Microsoft.Dynamics.MixedReality.Rendering!HologramRenderer.AllocateMeshBuffers",
        unchecked((int)0x8007000E),
        "model_load",
        d => d.IsHoloLens ? 0.03 : 0);

    public static readonly CrashPattern ServiceCallCancelled = new(
        "System.Threading.Tasks.TaskCanceledException",
        "Microsoft.Dynamics.Client.Platform!OrganizationServiceClient.ExecuteAsync",
        unchecked((int)0x8013153B),
        "service_call",
        d => d.NetworkType == "cellular" ? 0.009 : 0.003);

    public static readonly CrashPattern OutlookItemTrackingCom = new(
        "System.Runtime.InteropServices.COMException",
        "Microsoft.Dynamics.Outlook.Addin!ItemTrackingService.OnItemSend",
        unchecked((int)0x80010108),
        "item_track",
        _ => 0.008);

    public static readonly CrashPattern ProjectPublishCom = new(
        "System.Runtime.InteropServices.COMException",
        "Microsoft.Dynamics.ProjectService.Addin!ProjectPublisher.PublishPlan",
        unchecked((int)0x80010108),
        "plan_publish",
        _ => 0.007);

    public static readonly CrashPattern UsdSessionDisposed = new(
        "System.ObjectDisposedException",
        "Microsoft.Uii.Desktop!SessionTabManager.CloseSession",
        unchecked((int)0x80131622),
        null,
        _ => 0.005);
}
