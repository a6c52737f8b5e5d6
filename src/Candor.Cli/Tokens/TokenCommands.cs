using System.CommandLine;
using Candor.Server.Access;

namespace Candor.Cli.Tokens;

/// <summary><c>candor token generate</c>: prints a new operator token (256 random bits), the way out of the start
/// error an operator token shorter than 32 characters gets.</summary>
internal static class TokenCommands
{
    public static Command Create()
    {
        var token = new Command("token", "Secrets the operator configures.");
        var generate = new Command("generate",
            "Print a new operator token (256 random bits) to set as OperatorToken, preferably through CANDOR_OPERATORTOKEN.");
        generate.SetAction(_ =>
        {
            Console.Out.WriteLine(Secrets.NewOperatorToken());
            return 0;
        });
        token.Subcommands.Add(generate);
        return token;
    }
}
