using Candor.Client.Context;
using Candor.Client.Diagnostics;
using Candor.Client.Events;
using Candor.Client.Writing;
using Candor.Core.Privacy;

namespace Candor.Client.Lifecycle;

/// <summary>Records the app's life as built-in events, through the client like any other event (the same policy,
/// the same checks): at start <c>app.installed</c> or <c>app.updated</c>, <c>app.first_run</c> for a new device id,
/// <c>app.session.started</c> and <c>device.configuration</c>; <c>app.first_run</c> again when local data is
/// deleted (a new identity); <c>app.session.ended</c> with the session's duration on dispose; and <c>app.crashed</c>
/// on an unhandled exception, on disk before the handler returns.
/// <para>Owns the subscription to <see cref="AppDomain.UnhandledException"/>: <see cref="Start"/> makes it when
/// crash capture is on, <see cref="StopCrashCapture"/> removes it.</para>
/// <para>Failure: nothing here throws; a crash that cannot be recorded is counted (<c>crash_handler</c>), since the
/// handler runs on a dying thread.</para>
/// Thread-safe.</summary>
internal sealed class LifecycleRecorder
{
    private const int MaxCrashText = 128;
    private readonly CandorClient _client;
    private readonly EventWriter _writer;
    private readonly DeviceContext _device;
    private readonly string _dataFolder;
    private readonly string _appVersion;
    private readonly TimeProvider _time;
    private readonly SelfDiagnostics _diagnostics;
    private readonly bool _captureCrashes;
    private readonly long _sessionStarted;

    /// <summary>Records through <paramref name="client"/>'s own built-in path, so that a lifecycle event passes the
    /// policy and the field checks exactly as an app's event does.</summary>
    public LifecycleRecorder(
        CandorClient client, EventWriter writer, DeviceContext device, string dataFolder, string appVersion,
        TimeProvider time, SelfDiagnostics diagnostics, bool captureCrashes, bool recordLifecycleEvents)
    {
        _client = client;
        _writer = writer;
        _device = device;
        _dataFolder = dataFolder;
        _appVersion = appVersion;
        _time = time;
        _diagnostics = diagnostics;
        _captureCrashes = captureCrashes;
        RecordsLifecycleEvents = recordLifecycleEvents;
        _sessionStarted = time.GetTimestamp();
    }

    /// <summary>Whether the lifecycle events (all but <c>app.crashed</c>) are recorded.</summary>
    public bool RecordsLifecycleEvents { get; }

    /// <summary>Subscribes to unhandled exceptions (when crash capture is on), then records the start events.</summary>
    public void Start()
    {
        if (_captureCrashes)
        {
            AppDomain.CurrentDomain.UnhandledException += OnUnhandledException;
        }

        if (RecordsLifecycleEvents)
        {
            RecordStartEvents();
        }
    }

    /// <summary>Removes the unhandled-exception subscription; the client is going away.</summary>
    public void StopCrashCapture()
    {
        if (_captureCrashes)
        {
            AppDomain.CurrentDomain.UnhandledException -= OnUnhandledException;
        }
    }

    /// <summary>Records <c>app.session.ended</c> with the time since the client was created.</summary>
    public void RecordSessionEnded() =>
        _client.TrackBuiltIn(BuiltInEvents.SessionEnded, ("durationMs", FieldValue.From(_time.GetElapsedTime(_sessionStarted))));

    /// <summary>Local data was deleted: the app now runs under a new pseudonymous identity, whose first run this is.</summary>
    public void RecordIdentityRenewed()
    {
        if (RecordsLifecycleEvents)
        {
            _client.TrackBuiltIn(BuiltInEvents.FirstRun);
        }
    }

    /// <summary>Records <c>app.crashed</c> for an exception and writes it, with every event before it, to disk before
    /// returning: the caller's process is about to die. Only the type, HResult and stack signature are kept.</summary>
    public void RecordCrash(Exception exception)
    {
        try
        {
            var report = CrashSignature.Create(exception);
            _client.TrackBuiltIn(
                BuiltInEvents.Crashed,
                ("exceptionType", FieldValue.From(Clip(report.ExceptionType, MaxCrashText))),
                ("stackSignature", FieldValue.From(ClipSignature(report.StackSignature, MaxCrashText))),
                ("hResult", FieldValue.From(report.HResult)));
            // The process is about to die: write the crash (and everything before it) to disk on this thread.
            _writer.Drain();
        }
        catch (Exception ex)
        {
            _diagnostics.InternalError("crash_handler", ex);
        }
    }

    private void OnUnhandledException(object sender, UnhandledExceptionEventArgs args)
    {
        if (args.ExceptionObject is Exception exception)
        {
            RecordCrash(exception);
        }
    }

    private void RecordStartEvents()
    {
        var previous = InstallState.ReadPreviousVersion(_dataFolder);
        if (previous is null)
        {
            _client.TrackBuiltIn(BuiltInEvents.Installed);
        }
        else if (!string.Equals(previous, _appVersion, StringComparison.Ordinal))
        {
            _client.TrackBuiltIn(BuiltInEvents.Updated, ("previousVersion", FieldValue.From(previous)));
        }

        if (_device.DeviceIdCreated)
        {
            _client.TrackBuiltIn(BuiltInEvents.FirstRun);
        }

        InstallState.Write(_dataFolder, _appVersion);
        _client.TrackBuiltIn(BuiltInEvents.SessionStarted);
        RecordDeviceConfiguration();
    }

    private void RecordDeviceConfiguration()
    {
        var memory = DeviceFacts.TotalMemoryBytes();
        if (memory is null)
        {
            // Without a memory figure the event would be invalid; no guess is sent instead.
            return;
        }

        _client.TrackBuiltIn(
            BuiltInEvents.DeviceConfiguration,
            ("networkType", FieldValue.From(DeviceFacts.NetworkType())),
            ("memoryClass", FieldValue.From(DeviceFacts.MemoryClass(memory.Value))),
            ("displayClass", FieldValue.From(DeviceFacts.DisplayClass(_device.DeviceClass))),
            ("processorCount", FieldValue.From(Environment.ProcessorCount)),
            ("timeZoneOffsetMinutes", FieldValue.From((long)_time.LocalTimeZone.GetUtcOffset(_time.GetUtcNow()).TotalMinutes)),
            ("runtimeVersion", FieldValue.From(Environment.Version.ToString())),
            ("is64BitProcess", FieldValue.From(Environment.Is64BitProcess)));
    }

    private static string Clip(string text, int max) => text.Length <= max ? text : text.Substring(0, max);

    /// <summary>Keeps whole frames so that the same crash always gives the same (shorter) signature.</summary>
    private static string ClipSignature(string signature, int max)
    {
        if (signature.Length <= max)
        {
            return signature.Length == 0 ? "unknown" : signature;
        }

        var cut = signature.LastIndexOf('|', max);
        return cut > 0 ? signature.Substring(0, cut) : signature.Substring(0, max);
    }
}
