using Candor.Client;
using Candor.Client.Extensions.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

// The namespace of IServiceCollection, as Microsoft.Extensions and OpenTelemetry put their Add… methods, so that
// AddCandor is found without a using.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the Candor client to a service collection.</summary>
public static class CandorServiceCollectionExtensions
{
    /// <summary>Adds a singleton <see cref="CandorClient"/> configured in code. What is not set is taken from the app
    /// (see <see cref="AddCandor(IServiceCollection, IConfiguration)"/>). The options are validated when the host
    /// starts (all problems in one <see cref="OptionsValidationException"/>); the client is created then, its session
    /// starts, and the host's stop flushes its queue and ends the session. Calling it twice configures one client.</summary>
    /// <param name="services">The app's services.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IServiceCollection AddCandor(this IServiceCollection services, Action<CandorClientOptions> configure)
    {
        if (services is null)
        {
            throw new ArgumentNullException(nameof(services));
        }

        if (configure is null)
        {
            throw new ArgumentNullException(nameof(configure));
        }

        services.Configure(configure);
        return AddCore(services);
    }

    /// <summary>Adds a singleton <see cref="CandorClient"/> configured from a configuration section, such as
    /// <c>configuration.GetSection("Candor")</c> with <c>CollectorUrl</c> and <c>IngestionKey</c>. The other options
    /// default from the app: <c>Catalog</c> and <c>ProductId</c> from what the build embedded for the app's
    /// <c>CandorCatalog</c> item, <c>AppVersion</c> from the entry assembly's version, <c>DataFolder</c> a
    /// <c>Candor/PRODUCT</c> folder under the user's local application data. Validation, start and stop as for
    /// <see cref="AddCandor(IServiceCollection, Action{CandorClientOptions})"/>.</summary>
    /// <param name="services">The app's services.</param>
    /// <param name="configuration">The section that holds the options (property names as in <see cref="CandorClientOptions"/>).</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IServiceCollection AddCandor(this IServiceCollection services, IConfiguration configuration)
    {
        if (services is null)
        {
            throw new ArgumentNullException(nameof(services));
        }

        if (configuration is null)
        {
            throw new ArgumentNullException(nameof(configuration));
        }

        services.Configure<CandorClientOptions>(configuration);
        return AddCore(services);
    }

    private static IServiceCollection AddCore(IServiceCollection services)
    {
        services.AddOptions<CandorClientOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<CandorClientOptions>, AppDefaults>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CandorClientOptions>, OptionsValidator>());
        services.TryAddSingleton(static provider => CandorClient.Create(provider.GetRequiredService<IOptions<CandorClientOptions>>().Value));
        services.TryAddSingleton<HostCrashes>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, CandorHostedService>());
        // Sees a hosted service's failed StartAsync and a failed BackgroundService in the host's own log and records
        // each as a crash (see HostFailureLoggerProvider).
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILoggerProvider, HostFailureLoggerProvider>());
        // A rule named for this provider outranks every rule that names none, so an app that silences the host's
        // log ("Microsoft": None, a minimum level of None) still has its crashes recorded; an app that wants them off
        // sets CaptureUnhandledExceptions = false.
        services.Configure<LoggerFilterOptions>(static options => options.Rules.Insert(0, new LoggerFilterRule(
            typeof(HostFailureLoggerProvider).FullName, HostFailureLoggerProvider.HostCategory, LogLevel.Error, filter: null)));
        return services;
    }
}
