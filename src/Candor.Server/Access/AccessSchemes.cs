namespace Candor.Server.Access;

/// <summary>The authentication schemes and the policies that are not permissions.</summary>
internal static class AccessSchemes
{
    /// <summary><c>Authorization: Bearer &lt;admin token&gt;</c>: a tenant's administrator, with a role
    /// (<see cref="AdminTokenHandler"/>).</summary>
    public const string AdminToken = "AdminToken";

    /// <summary><c>Authorization: Bearer &lt;operator token&gt;</c>: the operator of this collector
    /// (<see cref="OperatorTokenHandler"/>).</summary>
    public const string OperatorToken = "OperatorToken";

    /// <summary>The policy of the operator endpoints: the operator token, nothing else.</summary>
    public const string OperatorPolicy = "Operator";
}
