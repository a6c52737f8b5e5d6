using Xunit;

namespace Candor.Cli.Tests.Tokens;

/// <summary><c>candor token generate</c> and the start error that points to it, through the real program.</summary>
public sealed class TokenCommandTests
{
    [Fact]
    public async Task A_short_operator_token_stops_serve_with_the_hint_and_token_generate_prints_a_long_random_one()
    {
        var data = Path.Combine(Path.GetTempPath(), "candor-token-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        try
        {
            var refused = await CandorProcess.RunAsync(data, new Dictionary<string, string> { ["CANDOR_OPERATORTOKEN"] = "short-operator-token" },
                "serve", "--data", data, "--urls", "http://127.0.0.1:0");
            Assert.Equal(2, refused.ExitCode);
            Assert.Contains("OperatorToken: must be at least 32 characters", refused.Stderr, StringComparison.Ordinal);
            Assert.Contains("candor token generate", refused.Stderr, StringComparison.Ordinal);

            var generated = await CandorProcess.RunAsync(data, "token", "generate");
            Assert.Equal(0, generated.ExitCode);
            var token = generated.Stdout.Trim();
            Assert.Matches("^cot_[A-Za-z0-9_-]{43}$", token);
            Assert.NotEqual(token, (await CandorProcess.RunAsync(data, "token", "generate")).Stdout.Trim());
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
