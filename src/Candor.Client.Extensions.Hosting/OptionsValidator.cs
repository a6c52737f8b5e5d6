using Microsoft.Extensions.Options;

namespace Candor.Client.Extensions.Hosting;

/// <summary>The client's own validation (<see cref="CandorClientOptions.Validate"/>) as an options validator, so that
/// ValidateOnStart stops the host with every problem at once instead of the first resolve throwing one.</summary>
internal sealed class OptionsValidator : IValidateOptions<CandorClientOptions>
{
    public ValidateOptionsResult Validate(string? name, CandorClientOptions options)
    {
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
