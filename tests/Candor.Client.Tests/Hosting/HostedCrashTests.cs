using Candor.Client.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Candor.Client.Tests.Hosting;

/// <summary>A real generic host (<c>Host.CreateApplicationBuilder</c> with its default logging) with
/// <c>AddCandor</c>, whose own service fails: the failure must arrive at a real collector as <c>app.crashed</c>, as
/// an unhandled exception of a console app does, with the exception's type and a stack signature from the failing
/// method. The host's client has uploading off; a second client on the same data folder uploads what the first
/// left on disk, as the app's next run would.</summary>
public sealed class HostedCrashTests : IAsyncLifetime
{
    private readonly TempFolder _temp = new();
    private TestCollector _collector = null!;

    public async Task InitializeAsync() => _collector = await TestCollector.StartAsync();

    public async Task DisposeAsync()
    {
        await _collector.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task A_hosted_service_whose_StartAsync_throws_stops_the_host_and_is_recorded_as_a_crash()
    {
        using var host = BuildHost(services => services.AddHostedService<FailsToStart>());

        // The host does not start: StartAsync throws the service's exception (and the host never calls StopAsync).
        var thrown = await Assert.ThrowsAsync<InvalidDataException>(() => host.StartAsync());
        Assert.Equal(FailsToStart.Message, thrown.Message);

        var crash = await UploadedCrashAsync();
        Assert.Equal("System.IO.InvalidDataException", crash.GetProperty("exceptionType").GetString());
        Assert.Equal(thrown.HResult, crash.GetProperty("hResult").GetInt32());
        Assert.Contains(nameof(FailsToStart.StartAsync), crash.GetProperty("stackSignature").GetString());
    }

    [Fact]
    public async Task An_app_that_silences_the_hosts_log_still_has_a_failed_StartAsync_recorded()
    {
        using var host = BuildHost(services => services.AddHostedService<FailsToStart>(), silenceLogging: true);

        await Assert.ThrowsAsync<InvalidDataException>(() => host.StartAsync());

        var crash = await UploadedCrashAsync();
        Assert.Equal("System.IO.InvalidDataException", crash.GetProperty("exceptionType").GetString());
    }

    [Fact]
    public async Task A_background_service_whose_ExecuteAsync_throws_stops_the_host_and_is_recorded_once()
    {
        using var host = BuildHost(services => services.AddHostedService<FailsWhileRunning>());

        // The default BackgroundServiceExceptionBehavior stops the host; RunAsync returns once it has stopped.
        await host.RunAsync().WaitAsync(TimeSpan.FromSeconds(60));

        // Seen twice by the integration (the host's log of the failure, and the faulted task when the host stops),
        // recorded once.
        var crash = await UploadedCrashAsync();
        Assert.Equal("System.TimeoutException", crash.GetProperty("exceptionType").GetString());
        Assert.Contains(nameof(FailsWhileRunning), crash.GetProperty("stackSignature").GetString());
    }

    [Fact]
    public async Task With_crash_capture_off_a_failed_hosted_service_is_not_recorded()
    {
        using var host = BuildHost(services => services.AddHostedService<FailsToStart>(), captureCrashes: false);

        await Assert.ThrowsAsync<InvalidDataException>(() => host.StartAsync());

        await using var next = Clients.Create(_collector.Url, _temp.Path, o => o.RecordLifecycleEvents = false);
        var receipt = await next.FlushAsync(TimeSpan.FromSeconds(30));
        Assert.True(receipt.Completed);
        Assert.Empty(_collector.EventsNamed("app.crashed"));
    }

    private IHost BuildHost(Action<IServiceCollection> addServices, bool captureCrashes = true, bool silenceLogging = false)
    {
        var builder = Host.CreateApplicationBuilder();
        if (silenceLogging)
        {
            // What an app does to keep the framework quiet: nothing from "Microsoft.*", and no level at all by default.
            builder.Logging.SetMinimumLevel(LogLevel.None);
            builder.Logging.AddFilter("Microsoft", LogLevel.None);
        }

        builder.Services.AddCandor(o =>
        {
            var defaults = Clients.Options(_collector.Url, _temp.Path);
            o.CollectorUrl = defaults.CollectorUrl;
            o.IngestionKey = defaults.IngestionKey;
            o.ProductId = defaults.ProductId;
            o.AppVersion = defaults.AppVersion;
            o.DataFolder = defaults.DataFolder;
            o.Catalog = defaults.Catalog;
            o.AutomaticUpload = false;
            o.RecordLifecycleEvents = false;
            o.CaptureUnhandledExceptions = captureCrashes;
        });
        addServices(builder.Services);
        return builder.Build();
    }

    /// <summary>The app's next run: a plain client on the same data folder uploads what the host's client queued.</summary>
    private async Task<System.Text.Json.JsonElement> UploadedCrashAsync()
    {
        await using (var next = Clients.Create(_collector.Url, _temp.Path, o => o.RecordLifecycleEvents = false))
        {
            var receipt = await next.FlushAsync(TimeSpan.FromSeconds(30));
            Assert.True(receipt.Completed);
        }

        return Assert.Single(_collector.EventsNamed("app.crashed")).GetProperty("data");
    }

    private sealed class FailsToStart : IHostedService
    {
        public const string Message = "The work order cache could not be opened.";

        public Task StartAsync(CancellationToken cancellationToken) => throw new InvalidDataException(Message);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class FailsWhileRunning : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Task.Delay(50, stoppingToken);
            throw new TimeoutException("The sync service did not answer.");
        }
    }
}
