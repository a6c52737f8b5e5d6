using Microsoft.Extensions.Logging;

namespace Candor.Samples.OtlpConsole;

/// <summary>The app's log messages. Each EventName is a catalog event and each placeholder one of its declared
/// fields, named exactly as the catalog names them; any other placeholder is dropped by the collector.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, EventName = "fieldservice.sync.completed", Level = LogLevel.Information,
        Message = "Sync {syncType} finished in {durationMs} ms: {result}, {recordCount} records")]
    public static partial void SyncCompleted(ILogger logger, long durationMs, int recordCount, string result, string syncType);

    [LoggerMessage(EventId = 2, EventName = "app.operation.completed", Level = LogLevel.Information,
        Message = "Operation {operation} took {durationMs} ms (success: {success})")]
    public static partial void OperationCompleted(ILogger logger, string operation, long durationMs, bool success);
}
