using Microsoft.Extensions.Logging;

namespace Candor.Client.Extensions.Hosting;

/// <summary>Sees the two failures a generic host only logs, and records each as a crash: a hosted service whose
/// <c>StartAsync</c> threw (the host logs <c>HostedServiceStartupFaulted</c>, then <c>StartAsync</c>/<c>RunAsync</c>
/// throws and the host is disposed without stopping its services, so no <c>StopAsync</c> and no
/// <c>AppDomain</c> handler of a live client would ever see it), and a <c>BackgroundService</c> whose
/// <c>ExecuteAsync</c> threw (<c>BackgroundServiceFaulted</c>). The host's log call happens on the failing path
/// before the exception moves on, so the crash is on disk before the host is torn down.
/// <para>A provider of the app's own logging pipeline (registered by <c>AddCandor</c>): it writes nothing anywhere,
/// and only events of the host's category with an exception reach <see cref="HostCrashes"/>. An app whose logging
/// filters out the host's errors still gets the background-service crash from <c>StopAsync</c>.</para></summary>
internal sealed class HostFailureLoggerProvider(HostCrashes crashes) : ILoggerProvider
{
    /// <summary>The category of <c>Microsoft.Extensions.Hosting.Internal.Host</c>'s logger.</summary>
    internal const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    public ILogger CreateLogger(string categoryName) =>
        string.Equals(categoryName, HostCategory, StringComparison.Ordinal) ? new HostLogger(crashes) : NoLogger.Instance;

    public void Dispose()
    {
    }

    private sealed class HostLogger(HostCrashes crashes) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (exception is not null && logLevel >= LogLevel.Error &&
                eventId.Name is "HostedServiceStartupFaulted" or "BackgroundServiceFaulted")
            {
                crashes.Record(exception);
            }
        }
    }

    private sealed class NoLogger : ILogger
    {
        public static readonly NoLogger Instance = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => false;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
        }
    }
}
