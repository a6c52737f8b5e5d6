using Microsoft.Extensions.Options;

namespace Candor.Client.Extensions.Hosting;

/// <summary><see cref="CandorClientDefaults"/> after every configure step, so anything the app sets wins and the
/// configuration needs only the collector and the key.</summary>
internal sealed class AppDefaults : IPostConfigureOptions<CandorClientOptions>
{
    public void PostConfigure(string? name, CandorClientOptions options) => CandorClientDefaults.Apply(options);
}
