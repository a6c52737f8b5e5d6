using Xunit;

namespace Candor.Server.Tests.Access;

/// <summary>The operator token's strength is checked before the collector starts.</summary>
public sealed class OperatorTokenTests
{
    [Fact]
    public async Task An_operator_token_shorter_than_32_characters_is_refused_at_start_with_the_way_to_generate_one()
    {
        var options = new CandorServerOptions { Urls = "http://127.0.0.1:0", OperatorToken = "only-twenty-chars-xx" };

        var error = await Assert.ThrowsAsync<CandorConfigurationException>(() => CandorServer.StartAsync(options));

        Assert.Contains("OperatorToken: must be at least 32 characters (it has 20); 'candor token generate' prints a new one.", error.Message,
            StringComparison.Ordinal);
        Assert.Empty(new CandorServerOptions { OperatorToken = Candor.Server.Access.Secrets.NewOperatorToken() }.Validate());
    }
}
