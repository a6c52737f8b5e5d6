namespace Candor.Client.Events;

/// <summary>The common events the SDK records itself (catalog <c>events/common.yaml</c>).</summary>
internal static class BuiltInEvents
{
    public const string SessionStarted = "app.session.started";
    public const string SessionEnded = "app.session.ended";
    public const string FirstRun = "app.first_run";
    public const string Installed = "app.installed";
    public const string Updated = "app.updated";
    public const string Crashed = "app.crashed";
    public const string FeatureFailed = "app.feature.failed";
    public const string OperationCompleted = "app.operation.completed";
    public const string DeviceConfiguration = "device.configuration";
}
