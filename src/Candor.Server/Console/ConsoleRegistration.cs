using System.Reflection;
using System.Security.Claims;
using Candor.Server.Access;
using Candor.Server.Console.Shell;
using Candor.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.StaticWebAssets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.FluentUI.AspNetCore.Components;
using Radzen;

namespace Candor.Server.Console;

/// <summary>The web console under <c>/console</c> (docs/console.md): Razor components rendered on the server per
/// request (static server-side rendering: no circuit, so any collector behind a load balancer answers any request),
/// authenticated by a session cookie that is valid for <c>/console</c> only, with the same permission policies as the
/// <c>/v1</c> route groups (<see cref="AccessRegistration"/>). The data-protection keys that sign the cookie and the
/// anti-forgery tokens live in the store (<see cref="ConsoleKeyRing"/>).</summary>
internal static class ConsoleRegistration
{
    /// <summary>The console's cookie authentication scheme; <c>/v1</c> never names it, so stays bearer-only.</summary>
    public const string Scheme = "Console";

    public const string SignInPath = "/console/sign-in";

    /// <summary>The session cookie's lifetime, renewed while it is used (sliding).</summary>
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(8);

    /// <summary>Registers the console's services, cookie scheme, anti-forgery and data protection.</summary>
    public static void AddCandorConsole(this WebApplicationBuilder builder)
    {
        var assets = ConsoleAssets.Find();
        if (assets.RuntimeManifest is { } runtime)
        {
            // A build that is not published serves the packages' assets from the NuGet folder, as 'dotnet run' does.
            builder.Configuration[WebHostDefaults.StaticWebAssetsKey] = runtime;
            StaticWebAssetsLoader.UseStaticWebAssets(builder.Environment, builder.Configuration);
        }

        // The key manager warns that keys are kept unencrypted: in the store they are, as the store's other secrets are
        // (docs/console.md), and a warning at every start would only teach operators to ignore warnings.
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
        var services = builder.Services;
        services.AddSingleton(assets);
        services.AddRazorComponents();
        services.AddFluentUIComponents();
        services.AddRadzenComponents();
        services.AddSingleton(sp => new ConsoleSessions(sp.GetRequiredService<ICandorStore>()));
        services.AddDataProtection().SetApplicationName("Candor.Console");
        services.AddOptions<KeyManagementOptions>().Configure<ICandorStore, TimeProvider>((o, store, time) =>
        {
            if (store is IAnalyticsStore sql)
            {
                o.XmlRepository = new ConsoleKeyRing(sql, time);
            }
        });
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "candor_console_af";
            o.Cookie.Path = "/console";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddAuthentication().AddCookie(Scheme, o =>
        {
            o.Cookie.Name = "candor_console";
            o.Cookie.Path = "/console";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = SessionLifetime;
            o.SlidingExpiration = true;
            o.LoginPath = SignInPath;
            o.ReturnUrlParameter = "returnUrl";
            o.Events.OnValidatePrincipal = ValidateAsync;
            o.Events.OnRedirectToLogin = context =>
            {
                // Relative, so the Host header a client chose never ends up in a Location.
                var back = context.Request.PathBase + context.Request.Path + context.Request.QueryString;
                context.Response.Redirect(SignInPath + QueryString.Create("returnUrl", back.ToString()));
                return Task.CompletedTask;
            };
            o.Events.OnRedirectToAccessDenied = context => ConsoleResponses.NotAllowedAsync(context.HttpContext, context.Properties);
        });
        services.AddOptions<CookieAuthenticationOptions>(Scheme).Configure<TimeProvider>((o, time) => o.TimeProvider = time);
    }

    /// <summary>Maps the console's pages, its sign-out and its static assets, behind anti-forgery validation.</summary>
    public static void MapCandorConsole(this WebApplication app)
    {
        app.UseAntiforgery();
        if (app.Services.GetRequiredService<ConsoleAssets>().EndpointsManifest is { } manifest)
        {
            app.MapStaticAssets(manifest);
        }

        // The privacy dashboard's downloads (console-admin): the API's exports, to the session cookie.
        Privacy.PrivacyDownloads.Map(app);
        app.MapRazorComponents<App>().RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = Scheme });
        app.MapPost("/console/sign-out", ConsoleResponses.SignOutAsync).DisableAntiforgery();
        Tables.CsvEndpoint.Map(app);
    }

    /// <summary>Restores the session's <see cref="TenantIdentity"/> from the store on each request; a revoked token's
    /// session ends here.</summary>
    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var principal = context.Principal is { } user
            ? await services.GetRequiredService<ConsoleSessions>().RestoreAsync(user, now, context.HttpContext.RequestAborted)
            : null;
        if (principal is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
            return;
        }

        context.ReplacePrincipal(new ClaimsPrincipal(new TenantIdentity(principal, Scheme)));
    }
}

/// <summary>Where the static web assets manifests of this build are: the endpoints manifest that
/// <c>MapStaticAssets</c> serves <c>_content/...</c> and <c>_framework/...</c> from, and (for a build that is not
/// published) the runtime manifest that maps those paths to the NuGet folder. Named after the entry assembly; a host
/// without them (a test project that does not build with the Razor SDK) has a console without styles.</summary>
internal sealed record ConsoleAssets(string? EndpointsManifest, string? RuntimeManifest)
{
    public static ConsoleAssets Find()
    {
        var folder = AppContext.BaseDirectory;
        var name = Assembly.GetEntryAssembly()?.GetName().Name;
        // The referenced Candor.Server's own manifest lies beside the host's but maps this assembly's files at the root,
        // not under _content/Candor.Server: only a host's manifest will do.
        var endpoints = Existing(folder, name, "endpoints") ?? Directory.EnumerateFiles(folder, "*.staticwebassets.endpoints.json")
            .Where(f => !Path.GetFileName(f).StartsWith(typeof(ConsoleAssets).Assembly.GetName().Name + ".", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).FirstOrDefault();
        var runtime = endpoints is null ? null : endpoints[..^".endpoints.json".Length] + ".runtime.json";
        return new ConsoleAssets(endpoints, runtime is not null && File.Exists(runtime) ? runtime : null);
    }

    private static string? Existing(string folder, string? name, string kind) =>
        name is not null && Path.Combine(folder, $"{name}.staticwebassets.{kind}.json") is var path && File.Exists(path) ? path : null;
}
